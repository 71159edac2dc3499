#include "controller/cli/args.h"

namespace gitns::cli {

std::optional<std::string> Args::get(const std::string& flag) const {
  auto it = values.find(flag);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::string Args::get_or(const std::string& flag, std::string fallback) const {
  auto v = get(flag);
  return v ? *v : std::move(fallback);
}

namespace {

std::string accepted(const ArgSpec& spec) {
  std::string out;
  for (const auto& f : spec.values) out += (out.empty() ? "" : ", ") + f + " VALUE";
  for (const auto& f : spec.switches) out += (out.empty() ? "" : ", ") + f;
  return out.empty() ? "none" : out;
}

}  // namespace

base::Result<Args> parse_args(std::span<const std::string> argv, const ArgSpec& spec) {
  Args a;
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      a.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    std::optional<std::string> inline_value;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    if (auto alias = spec.aliases.find(arg); alias != spec.aliases.end()) arg = alias->second;
    if (spec.switches.count(arg)) {
      if (inline_value) return base::fail(base::Errc::syntax, arg + " takes no value");
      a.switches.insert(arg);
      continue;
    }
    if (!spec.values.count(arg))
      return base::fail(base::Errc::syntax,
                        "unknown flag " + arg + " (accepted: " + accepted(spec) + ")");
    if (!inline_value) {
      if (i + 1 >= argv.size()) return base::fail(base::Errc::syntax, arg + " needs a value");
      inline_value = argv[++i];
    }
    a.values[arg] = *inline_value;
  }
  if (a.positional.size() > spec.max_positional)
    return base::fail(base::Errc::syntax,
                      "unexpected argument '" + a.positional[spec.max_positional] + "'");
  return a;
}

}  // namespace gitns::cli
