// Zone content checks (the semantic checks of Knot's kzonecheck and BIND's
// named-checkzone that decide whether a zone may be served). Each finding names the
// record it is about and, when the record came from a file, its file:line:column.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "resolver/zone/zone.h"

namespace gitns::zone {

enum class Severity : uint8_t { warning, error };

struct Location {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string to_string() const;  // "file:line:column"
};

struct ZoneIssue {
  Severity severity = Severity::error;
  std::optional<Location> location;
  std::string message;
  std::string to_string() const;  // "file:line:column: error: message"
};

bool has_errors(std::span<const ZoneIssue> issues);

// Where the RRset of `type` at `node` was written, if known.
using LocateRRset = std::function<std::optional<Location>(const NodeView& node, uint16_t type)>;

// Structural checks on a built zone:
//  errors   - no SOA at the apex, more than one SOA record, an SOA below the apex, no NS
//             at the apex, CNAME beside other data (RRSIG/NSEC excepted), more than one
//             CNAME or DNAME at a name, DNAME beside CNAME, an NS target inside the zone
//             (authoritative, or below that same delegation) without any A/AAAA record;
//  warnings - data below a delegation that is not glue, and data below a DNAME: both are
//             occluded and never served (as Knot and BIND report them).
std::vector<ZoneIssue> check_zone(const Zone& zone, const LocateRRset& locate = {});

}  // namespace gitns::zone
