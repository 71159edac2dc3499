#include "controller/http/auth_routes.h"

#include <functional>
#include <variant>

#include "controller/http/pagination.h"

namespace gitns::http {
namespace {

using nlohmann::json;

json user_json(const User& u) {
  return {{"name", u.name},
          {"role", role_name(u.role)},
          {"totpEnabled", !u.totp_secret.empty()},
          {"created", rfc3339(u.created)}};
}

json token_json(const ApiToken& t) {
  return {{"id", t.id},
          {"user", t.user},
          {"name", t.name},
          {"role", role_name(t.role)},
          {"created", rfc3339(t.created)},
          {"expires", t.expires == 0 ? json(nullptr) : json(rfc3339(t.expires))}};
}

Response needs_session() {
  return Response::error(403, "session_required",
                         "this call needs a session from POST /api/v1/login, not an API token");
}

bool is_session(const Request& r) {
  return r.principal && r.principal->via == Principal::Via::session;
}

// Parses the body and checks its members; a 400 response when that fails.
std::variant<json, Response> body_of(const Request& r,
                                     std::initializer_list<std::string_view> allowed) {
  auto body = parse_json_object(r);
  if (!body) return Response::bad_request(body.error().message);
  if (auto st = check_members(*body, allowed); !st)
    return Response::bad_request(st.error().message);
  return std::move(*body);
}

base::Result<Role> role_member(const json& body, std::string_view name, bool required,
                               Role fallback) {
  GITNS_TRY(std::string text, string_member(body, name, required, 16));
  if (text.empty()) return fallback;
  auto role = role_from_name(text);
  if (!role) {
    return base::fail(base::Errc::syntax,
                      "field \"" + std::string(name) + "\": expected viewer, operator or admin");
  }
  return *role;
}

// ---- login / logout ----

Response login(AuthService& auth, const Request& r) {
  auto parsed = body_of(r, {"username", "password", "totp"});
  if (auto* resp = std::get_if<Response>(&parsed)) return std::move(*resp);
  const json& body = std::get<json>(parsed);
  LoginRequest req;
  auto username = string_member(body, "username", true, 64);
  auto password = string_member(body, "password", true, 1024);
  auto totp = string_member(body, "totp", false, 16);
  for (const auto* f : {&username, &password, &totp}) {
    if (!*f) return Response::bad_request(f->error().message);
  }
  req.username = *username;
  req.password = *password;
  req.totp_code = *totp;
  req.client_address = r.client_address;
  auto result = auth.login(req);
  if (!result) return error_response(result.error());
  switch (result->outcome) {
    case LoginResult::Outcome::ok:
      return Response::json(
          {{"token", result->token},
           {"expiresAt", rfc3339(result->expires)},
           {"user", {{"name", result->user}, {"role", role_name(result->role)}}}});
    case LoginResult::Outcome::totp_required:
      return Response::error(401, "totp_required",
                             "this account has two-factor login: send \"totp\" with the current "
                             "code from the authenticator app")
          .with_header("WWW-Authenticate", "Bearer");
    case LoginResult::Outcome::rate_limited:
      return Response::error(429, "too_many_requests",
                             "too many login attempts; try again in " +
                                 std::to_string(result->retry_after.count()) + " s")
          .with_header("Retry-After", std::to_string(result->retry_after.count()));
    case LoginResult::Outcome::invalid_credentials:
      break;
  }
  return Response::error(401, "invalid_credentials", "wrong user name, password or TOTP code")
      .with_header("WWW-Authenticate", "Bearer");
}

// ---- the caller's own account ----

Response me(AuthService& auth, const Request& r) {
  auto user = auth.find_user(r.principal->user);
  if (!user) return error_response(user.error());
  if (!*user) return Response::not_found("the user of this token no longer exists");
  json j = user_json(**user);
  j["authenticatedBy"] = r.principal->via == Principal::Via::session ? "session" : "token";
  j["effectiveRole"] = role_name(r.principal->role);
  return Response::json(j);
}

Response change_password(AuthService& auth, const Request& r) {
  if (!is_session(r)) return needs_session();
  auto parsed = body_of(r, {"currentPassword", "newPassword"});
  if (auto* resp = std::get_if<Response>(&parsed)) return std::move(*resp);
  const json& body = std::get<json>(parsed);
  auto current = string_member(body, "currentPassword", true, 1024);
  auto replacement = string_member(body, "newPassword", true, 1024);
  if (!current) return Response::bad_request(current.error().message);
  if (!replacement) return Response::bad_request(replacement.error().message);
  auto st = auth.change_password(r.principal->user, *current, *replacement);
  if (!st && st.error().code == base::Errc::malformed) {
    return Response::error(400, "wrong_password", st.error().message);
  }
  if (!st) return error_response(st.error());
  return Response::no_content();
}

Response totp_begin(AuthService& auth, const Request& r) {
  if (!is_session(r)) return needs_session();
  auto e = auth.begin_totp(r.principal->user);
  if (!e) return error_response(e.error());
  return Response::json({{"secret", e->secret},
                         {"uri", e->uri},
                         {"next", "POST /api/v1/users/me/totp/confirm with {\"code\": CODE}"}});
}

Response totp_code_call(const Request& r,
                        const std::function<base::Status(const std::string&)>& call) {
  if (!is_session(r)) return needs_session();
  auto parsed = body_of(r, {"code"});
  if (auto* resp = std::get_if<Response>(&parsed)) return std::move(*resp);
  auto code = string_member(std::get<json>(parsed), "code", true, 16);
  if (!code) return Response::bad_request(code.error().message);
  auto st = call(*code);
  if (!st && st.error().code == base::Errc::malformed) {
    return Response::error(400, "invalid_totp", st.error().message);
  }
  if (!st) return error_response(st.error());
  return Response::no_content();
}

// ---- users (admin) ----

Response list_users(AuthService& auth, const Request& r) {
  auto page = parse_page_request(r);
  if (!page) return Response::bad_request(page.error().message);
  auto users = auth.users();
  if (!users) return error_response(users.error());
  return Response::json(paginate(
      *users, [](const User& u) -> const std::string& { return u.name; }, user_json, *page));
}

Response create_user(AuthService& auth, const Request& r) {
  auto parsed = body_of(r, {"username", "password", "role"});
  if (auto* resp = std::get_if<Response>(&parsed)) return std::move(*resp);
  const json& body = std::get<json>(parsed);
  auto name = string_member(body, "username", true, 64);
  auto password = string_member(body, "password", true, 1024);
  auto role = role_member(body, "role", true, Role::viewer);
  if (!name) return Response::bad_request(name.error().message);
  if (!password) return Response::bad_request(password.error().message);
  if (!role) return Response::bad_request(role.error().message);
  auto user = auth.create_user(*name, *password, *role);
  if (!user) return error_response(user.error());
  return Response::json(user_json(*user), 201);
}

Response get_user(AuthService& auth, const Request& r) {
  auto user = auth.find_user(r.param("name"));
  if (!user) return error_response(user.error());
  if (!*user) return Response::not_found("no user named \"" + std::string(r.param("name")) + "\"");
  return Response::json(user_json(**user));
}

Response update_user(AuthService& auth, const Request& r) {
  auto parsed = body_of(r, {"role", "password"});
  if (auto* resp = std::get_if<Response>(&parsed)) return std::move(*resp);
  const json& body = std::get<json>(parsed);
  std::string name(r.param("name"));
  if (body.contains("role")) {
    auto role = role_member(body, "role", true, Role::viewer);
    if (!role) return Response::bad_request(role.error().message);
    if (auto st = auth.set_role(name, *role); !st) return error_response(st.error());
  }
  if (body.contains("password")) {
    auto password = string_member(body, "password", true, 1024);
    if (!password) return Response::bad_request(password.error().message);
    if (auto st = auth.set_password(name, *password); !st) return error_response(st.error());
  }
  return get_user(auth, r);
}

Response delete_user(AuthService& auth, const Request& r) {
  auto st = auth.delete_user(r.param("name"));
  if (!st) return error_response(st.error());
  return Response::no_content();
}

Response reset_totp(AuthService& auth, const Request& r) {
  auto st = auth.reset_totp(r.param("name"));
  if (!st) return error_response(st.error());
  return Response::no_content();
}

// ---- API tokens ----

Response create_token(AuthService& auth, const Request& r) {
  if (!is_session(r)) return needs_session();
  auto parsed = body_of(r, {"name", "role", "expiresInDays"});
  if (auto* resp = std::get_if<Response>(&parsed)) return std::move(*resp);
  const json& body = std::get<json>(parsed);
  auto name = string_member(body, "name", true, 128);
  if (!name) return Response::bad_request(name.error().message);
  std::optional<Role> role;
  if (body.contains("role")) {
    auto rr = role_member(body, "role", true, Role::viewer);
    if (!rr) return Response::bad_request(rr.error().message);
    role = *rr;
  }
  auto days = integer_member(body, "expiresInDays", 0, 3650, 0);
  if (!days) return Response::bad_request(days.error().message);
  auto made = auth.create_token(*r.principal, *name, role, std::chrono::hours(24) * *days);
  if (!made) return error_response(made.error());
  json j = token_json(made->record);
  j["token"] = made->token;
  j["note"] = "the token is shown only now; store it safely";
  return Response::json(j, 201);
}

Response list_tokens(AuthService& auth, const Request& r) {
  auto page = parse_page_request(r);
  if (!page) return Response::bad_request(page.error().message);
  auto all = bool_query(r, "all", false);
  if (!all) return Response::bad_request(all.error().message);
  if (*all && r.principal->role != Role::admin) {
    return Response::forbidden("listing every user's tokens needs the admin role");
  }
  auto tokens = *all ? auth.tokens(std::nullopt) : auth.tokens(r.principal->user);
  if (!tokens) return error_response(tokens.error());
  return Response::json(paginate(
      *tokens, [](const ApiToken& t) -> const std::string& { return t.id; }, token_json, *page));
}

Response revoke_token(AuthService& auth, const Request& r) {
  auto st = auth.revoke_token(*r.principal, r.param("id"));
  if (!st) return error_response(st.error());
  return Response::no_content();
}

}  // namespace

base::Status add_auth_routes(Router& router, AuthService& auth) {
  AuthService* a = &auth;
  auto bind = [a](Response (*fn)(AuthService&, const Request&)) {
    return [a, fn](const Request& r) { return fn(*a, r); };
  };
  const std::string v1 = "/api/v1";
  GITNS_CHECK(router.add("POST", v1 + "/login", kPublic, bind(login)));
  GITNS_CHECK(router.add("POST", v1 + "/logout", Role::viewer, [a](const Request& r) {
    a->logout(*r.principal);
    return Response::no_content();
  }));
  GITNS_CHECK(router.add("GET", v1 + "/users/me", Role::viewer, bind(me)));
  GITNS_CHECK(router.add("PUT", v1 + "/users/me/password", Role::viewer, bind(change_password)));
  GITNS_CHECK(router.add("POST", v1 + "/users/me/totp", Role::viewer, bind(totp_begin)));
  GITNS_CHECK(
      router.add("POST", v1 + "/users/me/totp/confirm", Role::viewer, [a](const Request& r) {
        return totp_code_call(
            r, [&](const std::string& code) { return a->confirm_totp(r.principal->user, code); });
      }));
  GITNS_CHECK(router.add("DELETE", v1 + "/users/me/totp", Role::viewer, [a](const Request& r) {
    return totp_code_call(
        r, [&](const std::string& code) { return a->disable_totp(r.principal->user, code); });
  }));
  GITNS_CHECK(router.add("GET", v1 + "/users", Role::admin, bind(list_users)));
  GITNS_CHECK(router.add("POST", v1 + "/users", Role::admin, bind(create_user)));
  GITNS_CHECK(router.add("GET", v1 + "/users/{name}", Role::admin, bind(get_user)));
  GITNS_CHECK(router.add("PATCH", v1 + "/users/{name}", Role::admin, bind(update_user)));
  GITNS_CHECK(router.add("DELETE", v1 + "/users/{name}", Role::admin, bind(delete_user)));
  GITNS_CHECK(router.add("DELETE", v1 + "/users/{name}/totp", Role::admin, bind(reset_totp)));
  GITNS_CHECK(router.add("POST", v1 + "/tokens", Role::viewer, bind(create_token)));
  GITNS_CHECK(router.add("GET", v1 + "/tokens", Role::viewer, bind(list_tokens)));
  GITNS_CHECK(router.add("DELETE", v1 + "/tokens/{id}", Role::viewer, bind(revoke_token)));
  return {};
}

}  // namespace gitns::http
