#include "controller/git/tree_path.h"

#include <vector>

namespace gitns::git {

base::Result<std::string> normalize_tree_path(std::string_view path) {
  const std::string shown(path);
  if (!path.empty() && path.front() == '/') {
    return base::fail(base::Errc::malformed,
                      "path '" + shown +
                          "': expected a path relative to the source folder, "
                          "not an absolute path");
  }
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return base::fail(base::Errc::malformed, "path '" + shown +
                                                 "': expected '/'-separated segments without "
                                                 "backslashes or NUL bytes");
  }
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (segments.empty()) {
        return base::fail(base::Errc::malformed, "path '" + shown +
                                                     "' escapes the source folder: expected a "
                                                     "path that stays inside it");
      }
      segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string out;
  for (const auto seg : segments) {
    if (!out.empty()) out += '/';
    out += seg;
  }
  return out;
}

std::string join_tree_path(std::string_view base, std::string_view rest) {
  if (base.empty()) return std::string(rest);
  if (rest.empty()) return std::string(base);
  std::string out(base);
  out += '/';
  out += rest;
  return out;
}

namespace {
bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}
}  // namespace

bool is_manifest_name(std::string_view file_name) {
  if (is_hidden_name(file_name)) return false;
  return ends_with_nocase(file_name, ".yaml") || ends_with_nocase(file_name, ".yml");
}

}  // namespace gitns::git
