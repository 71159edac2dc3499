// SOA serials: RFC 1982 serial number arithmetic (SERIAL_BITS = 32) and the serial
// policy of a Zone manifest (DESIGN.md "Manifests": `serial: auto` or a number).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "resolver/base/result.h"

namespace gitns::reconcile {

// a > b in RFC 1982 section 3.2. Undefined pairs (distance exactly 2^31) count as not
// greater, so a jump that far is never taken as an increase.
bool serial_greater(uint32_t a, uint32_t b);
// s + 1 modulo 2^32 (RFC 1982 section 3.1: 4294967295 + 1 = 0 is an increase).
uint32_t serial_next(uint32_t s);

struct SerialInput {
  bool automatic = true;
  uint32_t explicit_serial = 0;         // when !automatic
  std::optional<uint32_t> file_serial;  // the zoneFile's SOA serial, if it has one
  std::optional<uint32_t> applied;      // the serial being served; nullopt for a new zone
};

// The serial to build the desired zone with, before knowing whether its content changed:
//   auto, new zone:      the zoneFile's serial, else 1;
//   auto, served zone:   applied + 1, or the zoneFile's serial when that is greater
//                        (someone bumped the file: follow it, never go back);
//   number:              as written.
uint32_t candidate_serial(const SerialInput& in);

// Whether the zone with serial `proposed` may replace the served one.
//   content_changed: the records differ in more than the SOA serial.
// The outcome is the serial to serve, or an error for an explicit serial that goes
// backwards, or that stays equal while the content changed (secondaries would never
// transfer the change).
struct SerialDecision {
  bool changed = false;  // the zone must be applied (content or serial moved)
  uint32_t serial = 0;
};
base::Result<SerialDecision> decide_serial(const SerialInput& in, uint32_t proposed,
                                           bool content_changed);

}  // namespace gitns::reconcile
