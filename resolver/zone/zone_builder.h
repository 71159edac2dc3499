// Builds an immutable Zone from records. Records are packed on arrival (owners interned,
// rdata in one arena), so a million-record zone never exists as a million RR objects.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/error.h"
#include "resolver/wire/rdata.h"
#include "resolver/zone/name_index.h"
#include "resolver/zone/zone.h"
#include "resolver/zone/zone_check.h"

namespace gitns::zone {

// The zone, or every error found; warnings come either way.
struct BuildResult {
  std::shared_ptr<const Zone> zone;  // null when `issues` holds an error
  std::vector<ZoneIssue> issues;     // sorted by file and line; unlocated ones first

  bool ok() const { return zone != nullptr; }
  // All errors in one Error (code semantic or out_of_zone), one per line.
  base::Error error() const;
};

class ZoneBuilder {
 public:
  explicit ZoneBuilder(wire::Name origin);

  // Records outside the origin, records of meta types, a class other than the zone's
  // and rdata whose names do not parse are reported by build() and left out.
  void add(const wire::RR& rr);
  void add(const wire::RR& rr, const Location& where);
  void add(const wire::RR& rr, std::string_view file, uint32_t line, uint32_t column);
  size_t size() const { return recs_.size(); }

  // Merges records into RRsets (exact duplicates dropped, differing TTLs inside an
  // RRset set to the first record's TTL, each with a warning), runs check_zone() and
  // returns the zone. The builder is left empty.
  BuildResult build();

 private:
  struct NameRec {
    uint32_t off;
    uint32_t hash;
    uint8_t size;
    uint8_t labels;
  };
  struct Rec {
    uint32_t name;
    uint32_t ttl;
    uint32_t rdata_off;
    uint16_t rdata_len;
    uint16_t type;
    uint16_t rclass;
  };
  struct Loc {
    uint32_t file;
    uint32_t line;
    uint32_t column;
  };
  struct Group;

  void add_impl(const wire::RR& rr, const Location* where);
  std::span<const uint8_t> name_bytes(uint32_t id) const {
    return {names_.data() + name_recs_[id].off, name_recs_[id].size};
  }
  uint32_t find_name(std::span<const uint8_t> wire, uint64_t raw_hash) const;
  uint32_t intern(std::span<const uint8_t> wire, uint64_t raw_hash, uint8_t labels);
  void add_empty_nonterminals();
  std::vector<uint32_t> canonical_order() const;
  std::optional<Location> location_of(uint32_t rec) const;
  void issue(Severity s, uint32_t rec, std::string message);

  wire::Name origin_;
  std::vector<uint8_t> names_;
  std::vector<NameRec> name_recs_;
  detail::NameTable table_;
  std::vector<uint8_t> rdata_;
  std::vector<Rec> recs_;
  std::vector<Loc> locs_;  // parallel to recs_ once any record came with a location
  std::vector<std::string> files_;
  std::vector<ZoneIssue> issues_;
  uint32_t last_name_ = detail::kNone;  // the previous record's owner
};

}  // namespace gitns::zone
