// Which files gitnsd serves, at which origins: the --zone and --zone-dir arguments
// expanded. Re-run on every reload, so files added to a --zone-dir are picked up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "controller/daemon/options.h"
#include "resolver/base/result.h"

namespace gitns::daemon {

struct ZoneSource {
  std::string origin;  // absolute, ends with '.'
  std::string path;
};

// "example.test.zone" -> "example.test."; Errc::syntax when the name does not end in .zone.
base::Result<std::string> origin_from_file_name(std::string_view path);

// --zone arguments in order, then each --zone-dir's *.zone files sorted by name.
// Errc::semantic when two sources give the same origin (compared without case).
base::Result<std::vector<ZoneSource>> expand_zone_sources(const Options& options);

}  // namespace gitns::daemon
