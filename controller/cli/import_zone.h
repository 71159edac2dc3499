// gitnsctl import zonefile: an RFC 1035 master file as a Zone manifest (DESIGN.md
// "Manifests"), so a zone can move into git. The SOA becomes spec.soa and spec.serial
// (an explicit serial, so the imported zone serves the file's serial), the apex NS set
// spec.nameservers, everything else spec.records; spec.ttl is the SOA's TTL.
//
// The result is checked before it is returned: the manifest is parsed and built the way
// gitnsd builds it and compared record by record with the zone the file builds; any
// difference is reported (e.g. an apex NS TTL that differs from the SOA TTL, which the
// manifest format cannot express).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"

namespace gitns::cli {

struct ImportResult {
  std::string yaml;
  std::vector<std::string> warnings;  // records left out or changed, with the reason
  std::vector<std::string> errors;    // the manifest would not serve the file's data
  bool ok() const { return errors.empty(); }
};

// The manifest text for records already parsed (one zone, its apex SOA included).
ImportResult zone_manifest_from_records(const wire::Name& origin, std::span<const wire::RR> records,
                                        const std::string& source_name);

// Parses `path` ($INCLUDE confined to its folder) and converts it. Fails when the file
// does not parse or build as a zone (the messages are the parser's, file:line:col).
base::Result<ImportResult> import_zone_file(const std::string& path, const wire::Name& origin);

}  // namespace gitns::cli
