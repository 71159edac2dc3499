#include "controller/daemon/zone_sources.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <system_error>

namespace gitns::daemon {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kSuffix = ".zone";

std::string absolute_origin(std::string_view origin) {
  std::string o(origin);
  if (o.empty() || o.back() != '.') o += '.';
  return o;
}

std::string fold_case(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

base::Result<std::vector<ZoneSource>> list_dir(const std::string& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return base::fail(base::Errc::io, "--zone-dir " + dir + ": " + ec.message());
  std::vector<std::string> names;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() > kSuffix.size() && name.ends_with(kSuffix) && it->is_regular_file(ec))
      names.push_back(name);
  }
  if (ec) return base::fail(base::Errc::io, "--zone-dir " + dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  std::vector<ZoneSource> out;
  for (const std::string& name : names) {
    GITNS_TRY(std::string origin, origin_from_file_name(name));
    out.push_back({std::move(origin), (fs::path(dir) / name).string()});
  }
  return out;
}

}  // namespace

base::Result<std::string> origin_from_file_name(std::string_view path) {
  std::string name = fs::path(path).filename().string();
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix))
    return base::fail(base::Errc::syntax,
                      "cannot tell the origin of '" + std::string(path) +
                          "': expected a file named ORIGIN.zone, or --zone ORIGIN=FILE");
  name.resize(name.size() - kSuffix.size());
  while (!name.empty() && name.back() == '.') name.pop_back();  // "example.test..zone"
  if (name.empty())
    return base::fail(base::Errc::syntax, "cannot tell the origin of '" + std::string(path) +
                                              "': use --zone ORIGIN=FILE");
  return absolute_origin(name);
}

base::Result<std::vector<ZoneSource>> expand_zone_sources(const Options& options) {
  std::vector<ZoneSource> out;
  for (const ZoneArg& z : options.zones) {
    if (!z.origin.empty()) {
      out.push_back({absolute_origin(z.origin), z.path});
      continue;
    }
    GITNS_TRY(std::string origin, origin_from_file_name(z.path));
    out.push_back({std::move(origin), z.path});
  }
  for (const std::string& dir : options.zone_dirs) {
    GITNS_TRY(std::vector<ZoneSource> files, list_dir(dir));
    out.insert(out.end(), files.begin(), files.end());
  }
  std::map<std::string, const ZoneSource*> seen;
  for (const ZoneSource& s : out) {
    auto [it, fresh] = seen.emplace(fold_case(s.origin), &s);
    if (!fresh)
      return base::fail(base::Errc::semantic, "zone " + s.origin + " is given twice: " +
                                                  it->second->path + " and " + s.path);
  }
  return out;
}

}  // namespace gitns::daemon
