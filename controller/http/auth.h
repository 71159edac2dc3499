// Authentication: passwords, sessions, API tokens, TOTP two-factor login and login rate
// limits, over a UserStore. Sessions are node-local and kept in memory; users and API
// tokens are in the store.
//
// Bearer credentials are "gns_s_" + 64 hex digits (a session from login) or "gns_t_" +
// 64 hex digits (an API token). Only their SHA-256 is kept, so a copy of the store or of
// memory does not hand out working credentials.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/http/password.h"
#include "controller/http/rate_limiter.h"
#include "controller/http/request.h"
#include "controller/http/user_store.h"
#include "resolver/base/result.h"

namespace gitns::http {

struct AuthConfig {
  std::uint32_t pbkdf2_iterations = kDefaultPbkdf2Iterations;  // tests lower it
  std::chrono::seconds session_ttl = std::chrono::hours(12);
  std::size_t max_sessions = 10000;  // the oldest session ends when a new one would exceed it
  RateLimit login_per_user{5, std::chrono::minutes(1)};      // failed attempts per user name
  RateLimit login_per_address{20, std::chrono::seconds(3)};  // attempts per client address
  std::string totp_issuer = "gitns";
  int totp_window = 1;  // steps of clock drift accepted either side
  std::size_t min_password_length = 8;
  Clock clock;  // empty: the system clock; tests inject one (TOTP vectors, expiry)
};

// Errc::not_found: the token is unknown, expired or its user is gone (answer 401).
// Other errors are the server's (answer 500).
using Authenticator = std::function<base::Result<Principal>(std::string_view bearer_token)>;

struct AdminBootstrap {
  std::string username = "admin";
  std::string password_file;                          // --admin-password-file
  std::string password_env = "GITNS_ADMIN_PASSWORD";  // read when no file is given
};

struct BootstrapResult {
  bool created = false;            // false: users existed, nothing was done
  std::string generated_password;  // non-empty: no password was given; print it once
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::string totp_code;  // empty when the client did not send one
  std::string client_address;
};

struct LoginResult {
  enum class Outcome { ok, invalid_credentials, totp_required, rate_limited };
  Outcome outcome = Outcome::invalid_credentials;
  std::string token;  // ok: the session's bearer token
  std::int64_t expires = 0;
  std::string user;
  Role role = Role::viewer;
  std::chrono::seconds retry_after{0};  // rate_limited
};

struct NewApiToken {
  ApiToken record;
  std::string token;  // the secret, shown once
};

struct TotpEnrollment {
  std::string secret;  // base32, unpadded
  std::string uri;     // otpauth://totp/...
};

class AuthService {
 public:
  explicit AuthService(UserStore& store, AuthConfig config = {});

  // First start: when the store has no user, creates an admin with the password from
  // `password_file`, else the environment variable, else a generated one (returned so the
  // caller prints it once). Errc::syntax if a given password is too short.
  base::Result<BootstrapResult> bootstrap_admin(const AdminBootstrap& bootstrap);

  base::Result<Principal> authenticate(std::string_view bearer_token);
  Authenticator authenticator();  // authenticate() as a function (the service must outlive it)

  // Never says whether the user exists: an unknown user costs the same PBKDF2 work and
  // gives the same answer as a wrong password. A correct password without a needed TOTP
  // code answers totp_required and does not count as a failure.
  base::Result<LoginResult> login(const LoginRequest& request);
  void logout(const Principal& principal);  // ends a session; API tokens are revoked instead

  // ---- users (the routes check who may call these) ----
  base::Result<std::vector<User>> users();
  base::Result<std::optional<User>> find_user(std::string_view name);
  // Errc::syntax for a bad name or short password, Errc::semantic if the name is taken.
  base::Result<User> create_user(std::string_view name, std::string_view password, Role role);
  // Errc::semantic when it would leave no admin; ends the user's sessions.
  base::Status delete_user(std::string_view name);
  base::Status set_role(std::string_view name, Role role);
  // Ends the user's sessions (all of them: a changed password means re-login everywhere).
  base::Status set_password(std::string_view name, std::string_view password);
  // Errc::malformed when `current` is wrong.
  base::Status change_password(std::string_view name, std::string_view current,
                               std::string_view replacement);

  // ---- API tokens ----
  // `role` defaults to (and may not exceed, Errc::semantic) the owner's role; ttl 0: never
  // expires.
  base::Result<NewApiToken> create_token(const Principal& owner, std::string_view name,
                                         std::optional<Role> role, std::chrono::seconds ttl);
  base::Result<std::vector<ApiToken>> tokens(std::optional<std::string_view> user);
  // An admin may revoke any token, others their own; Errc::not_found otherwise (no hint
  // that someone else's token exists).
  base::Status revoke_token(const Principal& by, std::string_view id);

  // ---- TOTP (RFC 6238: SHA-1, 6 digits, 30 s, as authenticator apps expect) ----
  // Errc::semantic when two-factor login is already on.
  base::Result<TotpEnrollment> begin_totp(std::string_view user);
  // Turns two-factor login on; Errc::malformed for a wrong code, Errc::semantic when no
  // enrolment is pending.
  base::Status confirm_totp(std::string_view user, std::string_view code);
  // Turns it off with a current code (Errc::malformed when wrong).
  base::Status disable_totp(std::string_view user, std::string_view code);
  // An admin's reset for a user who lost the device.
  base::Status reset_totp(std::string_view user);

  std::int64_t now_seconds() const;
  const AuthConfig& config() const noexcept { return config_; }

 private:
  struct Session {
    std::string id;
    std::string user;
    std::int64_t created = 0;
    std::int64_t expires = 0;
  };

  base::Result<Principal> authenticate_session(const std::string& hash);
  base::Result<Principal> authenticate_token(const std::string& hash);
  base::Result<LoginResult> open_session(const User& user);
  base::Result<bool> check_totp(const std::string& user, std::string_view code);
  void end_sessions_of(std::string_view user);
  base::Status validate_password(std::string_view password) const;
  base::Result<std::size_t> admin_count();
  const std::string& dummy_hash();

  UserStore& store_;
  AuthConfig config_;
  RateLimiter limiter_;
  std::mutex mutex_;  // sessions_, and read-modify-write sequences on the store
  std::map<std::string, Session> sessions_;  // by SHA-256 of the session token
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

// Username rule: 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit; "me" is
// reserved (it names the caller in /users/me).
bool valid_username(std::string_view name) noexcept;

}  // namespace gitns::http
