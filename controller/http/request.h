// The Poco-free vocabulary of the HTTP API: a parsed request, a response, roles and the
// authenticated principal. Handlers see only these types, so endpoints can be written
// and tested without Poco; server.cpp converts from and to Poco's.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::http {

// Ordered: a role may do everything the roles below it may.
enum class Role { viewer = 1, operator_ = 2, admin = 3 };

std::string_view role_name(Role role) noexcept;  // "viewer", "operator", "admin"
std::optional<Role> role_from_name(std::string_view name) noexcept;

// Who made an authenticated request.
struct Principal {
  enum class Via { session, token };
  std::string user;
  Role role = Role::viewer;  // effective role: a token's role capped by its owner's
  Via via = Via::session;
  std::string credential_id;  // session id or API token id (never the secret)
};

using Header = std::pair<std::string, std::string>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded path without the query, e.g. /api/v1/users/alice
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in request order
  std::vector<Header> headers;                             // names as sent
  std::string body;            // raw bytes, never more than the server's body limit
  std::string client_address;  // peer IP address as text
  bool secure = false;         // arrived over HTTPS
  std::map<std::string, std::string, std::less<>> path_params;  // {name} segments of the route
  std::optional<Principal> principal;                           // set on routes that need a role

  // First header with this name, ASCII case-insensitive.
  std::optional<std::string_view> header(std::string_view name) const;
  // First query parameter with this name.
  std::optional<std::string_view> query_param(std::string_view name) const;
  // A {name} path parameter of the matched route; empty if the route has none so named.
  std::string_view param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<Header> headers;  // extra headers (Allow, Retry-After, ...)

  static Response json(const nlohmann::json& value, int status = 200);
  // The API's error shape: {"error": {"code": CODE, "message": MESSAGE}}. `code` is a
  // stable snake_case word for programs ("not_found"), `message` a sentence for people.
  static Response error(int status, std::string_view code, std::string_view message);
  static Response text(std::string body, std::string content_type, int status = 200);
  static Response no_content();  // 204

  // The common errors, with their codes.
  static Response bad_request(std::string_view message);   // 400 bad_request
  static Response unauthorized(std::string_view message);  // 401 unauthorized
  static Response forbidden(std::string_view message);     // 403 forbidden
  static Response not_found(std::string_view message);     // 404 not_found
  static Response conflict(std::string_view message);      // 409 conflict
  static Response internal_error();                        // 500, says nothing inside

  Response& with_header(std::string name, std::string value) &;
  Response&& with_header(std::string name, std::string value) &&;
};

using Handler = std::function<Response(const Request&)>;

// ---- validating request bodies ----

// The body as a JSON object. Errc::syntax naming the byte where parsing failed, or saying
// an object was expected.
base::Result<nlohmann::json> parse_json_object(const Request& request);

// Errc::syntax naming the first member of `object` not in `allowed` (a typo in a field
// name is an error, not silently ignored).
base::Status check_members(const nlohmann::json& object,
                           std::initializer_list<std::string_view> allowed);

// A string member: Errc::syntax when missing (and required), not a string, or longer
// than `max_size` bytes. Optional and absent gives an empty string.
base::Result<std::string> string_member(const nlohmann::json& object, std::string_view name,
                                        bool required, std::size_t max_size = 1024);

// An integer member in [min, max]; absent gives `fallback`.
base::Result<std::int64_t> integer_member(const nlohmann::json& object, std::string_view name,
                                          std::int64_t min, std::int64_t max,
                                          std::int64_t fallback);

// A boolean query parameter: absent gives `fallback`; "true"/"1" and "false"/"0" are
// accepted, anything else is Errc::syntax.
base::Result<bool> bool_query(const Request& request, std::string_view name, bool fallback);

// The usual answer to a failed operation: syntax-like errors 400, not_found 404,
// semantic (a conflict with current state) 409, unsupported 501, anything else 500 whose
// message is not shown to the client (log it).
Response error_response(const base::Error& error);

// RFC 3339 UTC ("2024-05-01T12:00:00Z") for Unix seconds, as the API writes times.
std::string rfc3339(std::int64_t unix_seconds);

// JSON text that never throws on invalid UTF-8 (bad sequences become U+FFFD).
std::string dump_json(const nlohmann::json& value);

}  // namespace gitns::http
