// The plan of one reconcile: for every zone, what applying the desired state to the
// applied state changes, and whether that change is safe to make without a person
// saying so (DESIGN.md "Reconcile", safety). Pure functions over zone snapshots, so
// gitnsctl diff and tests can use them without git, a store or a server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "controller/reconcile/serial.h"
#include "resolver/base/result.h"
#include "resolver/wire/name.h"
#include "resolver/zone/zone.h"

namespace gitns::reconcile {

// Records of a diff. A removal and an addition at the same owner and type pair up as one
// change (a new value or TTL); the rest are plain additions and removals. An SOA that
// differs only in its serial is not counted: every changed zone has one.
struct RecordCounts {
  size_t added = 0;
  size_t removed = 0;
  size_t changed = 0;
  RecordCounts& operator+=(const RecordCounts& o) {
    added += o.added, removed += o.removed, changed += o.changed;
    return *this;
  }
};
RecordCounts count_changes(const zone::ZoneDiff& diff);

// True when the diff is exactly one apex SOA replaced by the same SOA with another serial
// (a zone rebuilt with a new candidate serial but the same content).
bool is_serial_only(const zone::ZoneDiff& diff);

// The SOA serial in SOA rdata; nullopt when the rdata is malformed.
std::optional<uint32_t> soa_serial(std::span<const uint8_t> rdata);

enum class ZoneAction { unchanged, create, update, remove };
std::string_view to_string(ZoneAction a);  // "unchanged", "create", "update", "delete"

struct ZonePlan {
  wire::Name origin;
  ZoneAction action = ZoneAction::unchanged;
  std::shared_ptr<const zone::Zone> applied;  // null for create
  std::shared_ptr<const zone::Zone> desired;  // null for remove; == applied when unchanged
  zone::ZoneDiff diff;                        // applied -> desired (update only)
  RecordCounts counts;
  uint32_t serial_from = 0;  // applied serial (0 for create)
  uint32_t serial_to = 0;    // desired serial (0 for remove)

  // Filled by check_safety: why the change needs an explicit allowance (empty: safe),
  // and what allowed it when one was given.
  std::vector<std::string> unsafe;
  std::string allowed_by;
  bool held() const { return !unsafe.empty() && allowed_by.empty(); }
  bool changes() const { return action != ZoneAction::unchanged; }
};

// A desired zone (built with SerialInput's candidate serial) against the applied one
// (null for a new zone). Decides the serial (serial.h): when the content is unchanged the
// plan is `unchanged` and keeps the applied zone object. Errors: an explicit serial that
// goes backwards or stays equal over a content change (the message says which).
// `known_diff`: applied -> desired when the caller knows it (an incremental build), so
// the two zones are not compared record by record.
base::Result<ZonePlan> plan_zone(std::shared_ptr<const zone::Zone> applied,
                                 std::shared_ptr<const zone::Zone> desired,
                                 const SerialInput& serial,
                                 const zone::ZoneDiff* known_diff = nullptr);
// A served zone whose object is gone from the repository.
ZonePlan plan_removal(std::shared_ptr<const zone::Zone> applied);
// A served zone whose inputs did not change (no rebuild needed).
ZonePlan plan_unchanged(std::shared_ptr<const zone::Zone> applied);

struct SafetyPolicy {
  // A zone change that deletes more than this share of the zone's records is unsafe...
  double max_delete_share = 0.30;
  // ...for zones of at least this many records (small zones change shape legitimately).
  size_t min_records = 10;
};

// Why applying the plan is unsafe: a mass delete, the deletion of the zone, or a change
// of the apex NS set (all three can take a domain off the internet). Empty when safe.
std::vector<std::string> unsafe_reasons(const ZonePlan& plan, const SafetyPolicy& policy);

// Zones that `Gitns-Allow-Unsafe` trailer values name: zone names separated by commas
// or spaces, trailing dot optional, case-insensitive. Keys are Name::lookup_key().
// Values that are not domain names are returned in `invalid`.
struct TrailerAllowances {
  std::set<std::string> zones;
  std::vector<std::string> invalid;
  bool allows(const wire::Name& origin) const { return zones.count(origin.lookup_key()) != 0; }
};
TrailerAllowances parse_allow_trailers(const std::vector<std::string>& values);

// Runs the safety check on one zone's plan and records what allows it: `annotated` says
// whether the zone's manifest carries gitns.io/allow-unsafe: "true" (a deleted zone has
// no manifest left, so only a trailer allows its deletion); `trailers` come from the
// commits between the applied and the new revision.
void check_safety(ZonePlan& plan, const SafetyPolicy& policy, bool annotated,
                  const TrailerAllowances& trailers);

}  // namespace gitns::reconcile
