#include "controller/http/request.h"

#include <algorithm>
#include <ctime>

namespace gitns::http {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

std::string_view role_name(Role role) noexcept {
  switch (role) {
    case Role::viewer:
      return "viewer";
    case Role::operator_:
      return "operator";
    case Role::admin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> role_from_name(std::string_view name) noexcept {
  for (Role r : {Role::viewer, Role::operator_, Role::admin}) {
    if (name == role_name(r)) return r;
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

Response Response::json(const nlohmann::json& value, int status) {
  Response r;
  r.status = status;
  r.body = dump_json(value);
  r.body += '\n';
  return r;
}

Response Response::error(int status, std::string_view code, std::string_view message) {
  return json({{"error", {{"code", code}, {"message", message}}}}, status);
}

Response Response::text(std::string body, std::string content_type, int status) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::bad_request(std::string_view message) {
  return error(400, "bad_request", message);
}
Response Response::unauthorized(std::string_view message) {
  return error(401, "unauthorized", message).with_header("WWW-Authenticate", "Bearer");
}
Response Response::forbidden(std::string_view message) { return error(403, "forbidden", message); }
Response Response::not_found(std::string_view message) { return error(404, "not_found", message); }
Response Response::conflict(std::string_view message) { return error(409, "conflict", message); }
Response Response::internal_error() {
  return error(500, "internal", "internal server error; the server log has the details");
}

Response& Response::with_header(std::string name, std::string value) & {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response&& Response::with_header(std::string name, std::string value) && {
  headers.emplace_back(std::move(name), std::move(value));
  return std::move(*this);
}

base::Result<nlohmann::json> parse_json_object(const Request& request) {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& e) {
    return base::fail(base::Errc::syntax, "malformed JSON body at byte " + std::to_string(e.byte) +
                                              ": expected a JSON object");
  }
  if (!value.is_object()) {
    return base::fail(base::Errc::syntax,
                      std::string("expected a JSON object as the body, got ") + value.type_name());
  }
  return value;
}

base::Status check_members(const nlohmann::json& object,
                           std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, _] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string expected;
      for (auto a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
      return base::fail(base::Errc::syntax,
                        "unknown field \"" + key + "\" (expected one of: " + expected + ")");
    }
  }
  return {};
}

base::Result<std::string> string_member(const nlohmann::json& object, std::string_view name,
                                        bool required, std::size_t max_size) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) {
      return base::fail(base::Errc::syntax, "missing field \"" + std::string(name) + "\"");
    }
    return std::string();
  }
  if (!it->is_string()) {
    return base::fail(base::Errc::syntax, "field \"" + std::string(name) + "\": expected a string");
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_size) {
    return base::fail(base::Errc::syntax, "field \"" + std::string(name) + "\": longer than " +
                                              std::to_string(max_size) + " bytes");
  }
  return s;
}

base::Result<std::int64_t> integer_member(const nlohmann::json& object, std::string_view name,
                                          std::int64_t min, std::int64_t max,
                                          std::int64_t fallback) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) {
    return base::fail(base::Errc::syntax,
                      "field \"" + std::string(name) + "\": expected an integer");
  }
  auto out_of_range = [&] {
    return base::fail(base::Errc::syntax, "field \"" + std::string(name) + "\": expected " +
                                              std::to_string(min) + " to " + std::to_string(max));
  };
  std::int64_t v = 0;
  if (it->is_number_unsigned()) {
    auto u = it->get<std::uint64_t>();
    if (max < 0 || u > static_cast<std::uint64_t>(max)) return out_of_range();
    v = static_cast<std::int64_t>(u);
  } else {
    v = it->get<std::int64_t>();
  }
  if (v < min || v > max) return out_of_range();
  return v;
}

base::Result<bool> bool_query(const Request& request, std::string_view name, bool fallback) {
  auto v = request.query_param(name);
  if (!v) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return base::fail(base::Errc::syntax,
                    "query parameter " + std::string(name) + ": expected true or false");
}

Response error_response(const base::Error& error) {
  using base::Errc;
  switch (error.code) {
    case Errc::truncated:
    case Errc::malformed:
    case Errc::bad_label:
    case Errc::name_too_long:
    case Errc::bad_pointer:
    case Errc::trailing_data:
    case Errc::bad_rdata:
    case Errc::syntax:
    case Errc::out_of_zone:
    case Errc::limit:
      return Response::bad_request(error.to_string());
    case Errc::not_found:
      return Response::not_found(error.to_string());
    case Errc::semantic:
    case Errc::in_use:
      return Response::conflict(error.to_string());
    case Errc::unsupported:
      return Response::error(501, "not_implemented", error.to_string());
    case Errc::ok:
    case Errc::io:
      break;
  }
  return Response::internal_error();
}

std::string rfc3339(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gitns::http
