// Authoritative answering: one query in wire form in, one response out. Reads top-down
// like NSD's query.c: each outcome of the zone lookup has a function named after it.
// Allocates nothing in the common case (the writer works in the caller's buffer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "resolver/zone/zone_set.h"

namespace gitns::auth {

struct AnswerOptions {
  // The EDNS payload size this server advertises and caps UDP answers at (RFC 9715's
  // 1232 avoids IP fragmentation).
  uint16_t max_udp_payload = 1232;
  // Add A/AAAA of NS/MX/SRV targets found in the zone to the additional section.
  bool additional_addresses = true;
};

// What happened, for counters and logs.
struct AnswerInfo {
  uint16_t qtype = 0;
  uint16_t rcode = 0;  // full 12-bit
  bool truncated = false;
  bool dropped = false;
  bool malformed = false;  // dropped, or FORMERR because the query did not parse
  bool edns = false;
};

// Answers `query` from `zones` into `out` and returns the response size; 0 means drop
// (no header could be read, or the packet is itself a response). `tcp` lifts the size
// limit to 65535 (RFC 7766); over UDP it is 512 or the EDNS size, whichever applies.
size_t answer_query(const zone::ZoneSet& zones, std::span<const uint8_t> query,
                    std::span<uint8_t> out, bool tcp, const AnswerOptions& options,
                    AnswerInfo* info = nullptr);

}  // namespace gitns::auth
