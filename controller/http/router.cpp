#include "controller/http/router.h"

#include <algorithm>

namespace gitns::http {
namespace {

enum class Kind { literal = 0, param = 1, rest = 2 };

Kind kind_of(std::string_view seg) {
  if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
    return seg.ends_with("...}") ? Kind::rest : Kind::param;
  }
  return Kind::literal;
}

std::string param_name(std::string_view seg) {
  seg.remove_prefix(1);
  seg.remove_suffix(seg.ends_with("...}") ? 4 : 1);
  return std::string(seg);
}

bool valid_param_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Specificity key: one entry per pattern segment; lower is more specific.
std::vector<int> specificity(const std::vector<std::string>& segments) {
  std::vector<int> key;
  for (const auto& s : segments) key.push_back(static_cast<int>(kind_of(s)));
  return key;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             std::map<std::string, std::string, std::less<>>& params) {
  params.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    Kind k = kind_of(pattern[i]);
    if (k == Kind::rest) {
      std::string rest;
      for (std::size_t j = i; j < path.size(); ++j) rest += (j == i ? "" : "/") + path[j];
      params[param_name(pattern[i])] = rest;
      return true;
    }
    if (i >= path.size()) return false;
    if (k == Kind::literal) {
      if (pattern[i] != path[i]) return false;
    } else {
      if (path[i].empty()) return false;
      params[param_name(pattern[i])] = path[i];
    }
  }
  return pattern.size() == path.size();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

base::Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return base::fail(base::Errc::syntax, "bad percent-escape in \"" + std::string(text) +
                                                "\": expected %XX with two hex digits");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (out.find('\0') != std::string::npos) {
    return base::fail(base::Errc::syntax, "NUL byte in a decoded URL component");
  }
  return out;
}

base::Result<std::vector<std::string>> split_path(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') {
    return base::fail(base::Errc::syntax, "request path must start with '/'");
  }
  std::vector<std::string> segments;
  std::string_view rest = raw_path.substr(1);
  if (rest.empty()) return segments;
  while (true) {
    auto slash = rest.find('/');
    GITNS_TRY(std::string seg, percent_decode(rest.substr(0, slash)));
    segments.push_back(std::move(seg));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

base::Result<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!raw.empty()) {
    auto amp = raw.find('&');
    std::string_view item = raw.substr(0, amp);
    if (!item.empty()) {
      auto eq = item.find('=');
      GITNS_TRY(std::string key, percent_decode(item.substr(0, eq)));
      std::string value;
      if (eq != std::string_view::npos) {
        GITNS_TRY(value, percent_decode(item.substr(eq + 1)));
      }
      out.emplace_back(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    raw.remove_prefix(amp + 1);
  }
  return out;
}

base::Status Router::add(std::string method, std::string pattern, std::optional<Role> min_role,
                         Handler handler) {
  if (method.empty() ||
      !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return base::fail(base::Errc::syntax, "route method must be upper-case letters: " + method);
  }
  GITNS_TRY(std::vector<std::string> segments, split_path(pattern));
  for (std::size_t i = 0; i < segments.size(); ++i) {
    Kind k = kind_of(segments[i]);
    if (k != Kind::literal && !valid_param_name(param_name(segments[i]))) {
      return base::fail(base::Errc::syntax, "route " + pattern + ": bad parameter " + segments[i]);
    }
    if (k == Kind::rest && i + 1 != segments.size()) {
      return base::fail(base::Errc::syntax, "route " + pattern + ": {name...} must be last");
    }
  }
  for (const auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      return base::fail(base::Errc::semantic, "route " + method + " " + pattern + " added twice");
    }
  }
  routes_.push_back({std::move(method), std::move(pattern), min_role, std::move(handler)});
  compiled_.push_back({std::move(segments)});
  return {};
}

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& segments) const {
  RouteMatch best;
  std::vector<int> best_key;
  std::map<std::string, std::string, std::less<>> params;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!matches(compiled_[i].segments, segments, params)) continue;
    const Route& r = routes_[i];
    if (std::find(best.allowed_methods.begin(), best.allowed_methods.end(), r.method) ==
        best.allowed_methods.end()) {
      best.allowed_methods.push_back(r.method);
    }
    if (r.method != method) continue;
    auto key = specificity(compiled_[i].segments);
    if (best.route == nullptr || key < best_key) {
      best.route = &r;
      best.params = params;
      best_key = std::move(key);
    }
  }
  if (best.route != nullptr) best.allowed_methods.clear();
  std::sort(best.allowed_methods.begin(), best.allowed_methods.end());
  return best;
}

}  // namespace gitns::http
