// The route table: method + path pattern -> minimum role + handler. One table per server,
// filled before the server starts and read-only afterwards (so lookups take no lock).
//
// Patterns are '/'-separated segments: a literal ("users"), a parameter ("{name}", one
// segment) or, last only, a rest parameter ("{path...}", zero or more segments, joined
// with '/'). When several patterns match, the one whose first differing segment is more
// specific wins (literal over parameter over rest), so "/users/me" beats "/users/{name}".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/http/request.h"
#include "resolver/base/result.h"

namespace gitns::http {

// Routes anyone may call (health, login, the webhook, whose signature is its auth).
inline constexpr std::optional<Role> kPublic = std::nullopt;

struct Route {
  std::string method;
  std::string pattern;
  std::optional<Role> min_role;  // kPublic: no Authorization needed
  Handler handler;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method and path
  std::map<std::string, std::string, std::less<>> params;
  std::vector<std::string> allowed_methods;  // non-empty: the path exists with these methods
};

class Router {
 public:
  // Errc::syntax for a malformed pattern or method; Errc::semantic when the same method
  // and pattern are registered twice.
  base::Status add(std::string method, std::string pattern, std::optional<Role> min_role,
                   Handler handler);

  // `segments` are the request path's percent-decoded segments ("/a/b" -> {"a", "b"}).
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // literal, "{name}" or "{name...}"
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// Splits a raw request path into percent-decoded segments. Errc::syntax for a path that
// does not start with '/', a bad %XX escape, or a decoded NUL.
base::Result<std::vector<std::string>> split_path(std::string_view raw_path);

// Decodes a raw query string ("a=1&b=x%20y"); '+' stays '+'. Errc::syntax on a bad escape.
base::Result<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view raw);

// Percent-decoding of one component. Errc::syntax on a bad escape.
base::Result<std::string> percent_decode(std::string_view text);

}  // namespace gitns::http
