// Command-line parsing for gitnsctl: positional arguments and --flags, each verb
// declaring which flags it takes, so a typo is an error that names the verb's flags
// instead of being ignored.
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::cli {

// Exit codes. Offline verbs follow kubectl diff (0 no change / valid, 1 changes / invalid,
// 2 usage or I/O error); online verbs follow kubectl (0 ok, 1 error).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

struct Io {
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
};

struct ArgSpec {
  std::set<std::string> values;    // flags taking a value: "--repo"
  std::set<std::string> switches;  // flags without one: "--check"
  std::map<std::string, std::string> aliases;  // "-o" -> "--output"
  size_t max_positional = SIZE_MAX;
};

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // the last one wins
  std::set<std::string> switches;

  bool has(const std::string& flag) const { return values.count(flag) || switches.count(flag); }
  std::optional<std::string> get(const std::string& flag) const;
  std::string get_or(const std::string& flag, std::string fallback) const;
};

// "--flag value", "--flag=value", "-o json", "--" ends flags. Errors name the flag and
// list the ones the verb accepts.
base::Result<Args> parse_args(std::span<const std::string> argv, const ArgSpec& spec);

}  // namespace gitns::cli
