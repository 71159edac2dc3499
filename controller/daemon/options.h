// gitnsd's command line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::daemon {

// A --zone argument as given: a file, optionally with the origin it is served at.
struct ZoneArg {
  std::string origin;  // empty: derived from the file name
  std::string path;
};

struct Options {
  std::vector<ZoneArg> zones;
  std::vector<std::string> zone_dirs;
  std::vector<std::string> listen;  // default {"127.0.0.1:1053"} when none given
  unsigned threads = 0;             // 0 = one per core
  bool help = false;
  bool version = false;
};

// args excludes the program name. Errc::syntax with a message that names the flag and
// says what was expected.
base::Result<Options> parse_options(const std::vector<std::string_view>& args);

std::string usage();

}  // namespace gitns::daemon
