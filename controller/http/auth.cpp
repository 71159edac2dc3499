#include "controller/http/auth.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "resolver/crypto/base32.h"
#include "resolver/crypto/digest.h"
#include "resolver/crypto/otp.h"
#include "resolver/crypto/random.h"
#include "resolver/wire/encoding.h"

namespace gitns::http {
namespace {

constexpr std::string_view kSessionPrefix = "gns_s_";
constexpr std::string_view kTokenPrefix = "gns_t_";
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226 section 4's recommendation

base::Result<std::string> random_hex(std::size_t bytes) {
  GITNS_TRY(crypto::Bytes b, crypto::random_bytes(bytes));
  return crypto::to_lower_hex(b);
}

base::Result<std::string> sha256_hex(std::string_view text) {
  GITNS_TRY(crypto::Bytes d,
            crypto::digest(crypto::DigestAlgorithm::sha256, crypto::as_bytes(text)));
  return crypto::to_lower_hex(d);
}

bool well_formed_credential(std::string_view token, std::string_view prefix) {
  if (!token.starts_with(prefix) || token.size() != prefix.size() + kSecretBytes * 2) return false;
  return std::all_of(token.begin() + static_cast<std::ptrdiff_t>(prefix.size()), token.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

base::Failure unknown_credential() {
  return base::fail(base::Errc::not_found, "the bearer token is unknown, expired or revoked");
}

crypto::TotpParams totp_params() { return {}; }

// A file's first line (one trailing newline, with or without CR, stripped).
base::Result<std::string> read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::fail(base::Errc::io, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.ends_with("\n")) s.pop_back();
  if (s.ends_with("\r")) s.pop_back();
  return s;
}

std::string generate_password() {
  // 18 random bytes: 24 base64 characters, 144 bits. '+' and '/' are replaced so the
  // password survives shells and URLs when copied.
  auto bytes = crypto::random_bytes(18);
  std::string p = bytes ? wire::base64_encode(*bytes) : std::string();
  for (char& c : p) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return p;
}

}  // namespace

bool valid_username(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64 || name == "me") return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

AuthService::AuthService(UserStore& store, AuthConfig config)
    : store_(store), config_(std::move(config)), limiter_(config_.clock) {
  if (!config_.clock) config_.clock = [] { return std::chrono::system_clock::now(); };
}

std::int64_t AuthService::now_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(config_.clock().time_since_epoch())
      .count();
}

const std::string& AuthService::dummy_hash() {
  std::call_once(dummy_once_, [&] {
    auto h = hash_password("not a password anyone has", config_.pbkdf2_iterations);
    dummy_hash_ = h ? *h : std::string();
  });
  return dummy_hash_;
}

base::Status AuthService::validate_password(std::string_view password) const {
  if (password.size() < config_.min_password_length) {
    return base::fail(base::Errc::syntax, "password too short: expected at least " +
                                              std::to_string(config_.min_password_length) +
                                              " characters");
  }
  if (password.size() > 1024) {
    return base::fail(base::Errc::syntax, "password too long: at most 1024 bytes");
  }
  return {};
}

// ---- bootstrap ----

base::Result<BootstrapResult> AuthService::bootstrap_admin(const AdminBootstrap& bootstrap) {
  GITNS_TRY(std::vector<User> existing, store_.users());
  if (!existing.empty()) return BootstrapResult{};
  BootstrapResult result;
  std::string password;
  if (!bootstrap.password_file.empty()) {
    GITNS_TRY(password, read_secret_file(bootstrap.password_file));
  } else if (const char* env = bootstrap.password_env.empty()
                                   ? nullptr
                                   : std::getenv(bootstrap.password_env.c_str())) {
    password = env;
  } else {
    password = generate_password();
    result.generated_password = password;
  }
  auto created = create_user(bootstrap.username, password, Role::admin);
  if (!created) {
    return base::fail(created.error().code, "creating the first admin \"" + bootstrap.username +
                                                "\": " + created.error().message);
  }
  result.created = true;
  return result;
}

// ---- authentication ----

base::Result<Principal> AuthService::authenticate(std::string_view bearer_token) {
  bool session = well_formed_credential(bearer_token, kSessionPrefix);
  if (!session && !well_formed_credential(bearer_token, kTokenPrefix)) return unknown_credential();
  GITNS_TRY(std::string hash, sha256_hex(bearer_token));
  return session ? authenticate_session(hash) : authenticate_token(hash);
}

Authenticator AuthService::authenticator() {
  return [this](std::string_view token) { return authenticate(token); };
}

base::Result<Principal> AuthService::authenticate_session(const std::string& hash) {
  Session s;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(hash);
    if (it == sessions_.end()) return unknown_credential();
    if (it->second.expires <= now_seconds()) {
      sessions_.erase(it);
      return unknown_credential();
    }
    s = it->second;
  }
  GITNS_TRY(std::optional<User> user, store_.find_user(s.user));
  if (!user) return unknown_credential();
  return Principal{user->name, user->role, Principal::Via::session, s.id};
}

base::Result<Principal> AuthService::authenticate_token(const std::string& hash) {
  GITNS_TRY(std::optional<ApiToken> token, store_.find_token_by_hash(hash));
  if (!token) return unknown_credential();
  if (token->expires != 0 && token->expires <= now_seconds()) return unknown_credential();
  GITNS_TRY(std::optional<User> user, store_.find_user(token->user));
  if (!user) return unknown_credential();
  return Principal{user->name, std::min(token->role, user->role), Principal::Via::token, token->id};
}

// ---- login ----

base::Result<LoginResult> AuthService::login(const LoginRequest& request) {
  std::string user_key = "user:" + request.username;
  std::string addr_key = "addr:" + request.client_address;
  auto wait = limiter_.try_acquire(
      {{user_key, config_.login_per_user}, {addr_key, config_.login_per_address}});
  if (wait.count() > 0) {
    LoginResult r;
    r.outcome = LoginResult::Outcome::rate_limited;
    r.retry_after = std::chrono::ceil<std::chrono::seconds>(wait);
    return r;
  }
  GITNS_TRY(std::optional<User> user, store_.find_user(request.username));
  bool password_ok = false;
  if (user) {
    GITNS_TRY(password_ok, verify_password(request.password, user->password_hash));
  } else {
    (void)verify_password(request.password, dummy_hash());  // same cost as a real check
  }
  if (!password_ok) return LoginResult{};  // the tokens stay taken: a failed attempt

  if (!user->totp_secret.empty()) {
    if (request.totp_code.empty()) {
      limiter_.refund(user_key, config_.login_per_user);
      limiter_.refund(addr_key, config_.login_per_address);
      LoginResult r;
      r.outcome = LoginResult::Outcome::totp_required;
      return r;
    }
    GITNS_TRY(bool code_ok, check_totp(user->name, request.totp_code));
    if (!code_ok) return LoginResult{};
  }
  limiter_.reset(user_key);
  return open_session(*user);
}

// Accepts a code only for a step newer than the last accepted one (RFC 6238 section 5.2).
base::Result<bool> AuthService::check_totp(const std::string& name, std::string_view code) {
  std::lock_guard lock(mutex_);
  GITNS_TRY(std::optional<User> user, store_.find_user(name));
  if (!user || user->totp_secret.empty()) return false;
  GITNS_TRY(crypto::Bytes key, crypto::base32_decode(user->totp_secret));
  GITNS_TRY(std::optional<std::uint64_t> step,
            crypto::totp_verify(key, code, now_seconds(), totp_params(), config_.totp_window));
  if (!step || *step <= user->totp_last_step) return false;
  user->totp_last_step = *step;
  GITNS_CHECK(store_.put_user(*user));
  return true;
}

base::Result<LoginResult> AuthService::open_session(const User& user) {
  GITNS_TRY(std::string secret, random_hex(kSecretBytes));
  std::string token = std::string(kSessionPrefix) + secret;
  GITNS_TRY(std::string hash, sha256_hex(token));
  GITNS_TRY(std::string id, random_hex(8));
  std::int64_t now = now_seconds();
  Session s{id, user.name, now, now + config_.session_ttl.count()};
  {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires <= now; });
    while (!sessions_.empty() && sessions_.size() >= config_.max_sessions) {
      auto oldest = std::min_element(
          sessions_.begin(), sessions_.end(),
          [](const auto& a, const auto& b) { return a.second.created < b.second.created; });
      sessions_.erase(oldest);
    }
    sessions_[hash] = s;
  }
  LoginResult r;
  r.outcome = LoginResult::Outcome::ok;
  r.token = std::move(token);
  r.expires = s.expires;
  r.user = user.name;
  r.role = user.role;
  return r;
}

void AuthService::logout(const Principal& principal) {
  if (principal.via != Principal::Via::session) return;
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.id == principal.credential_id; });
}

void AuthService::end_sessions_of(std::string_view user) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user == user; });
}

// ---- users ----

base::Result<std::vector<User>> AuthService::users() { return store_.users(); }

base::Result<std::optional<User>> AuthService::find_user(std::string_view name) {
  return store_.find_user(name);
}

base::Result<User> AuthService::create_user(std::string_view name, std::string_view password,
                                            Role role) {
  if (!valid_username(name)) {
    return base::fail(base::Errc::syntax,
                      "user name \"" + std::string(name) +
                          "\": expected 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a "
                          "letter or digit (\"me\" is reserved)");
  }
  GITNS_CHECK(validate_password(password));
  GITNS_TRY(std::string hash, hash_password(password, config_.pbkdf2_iterations));
  std::lock_guard lock(mutex_);
  GITNS_TRY(std::optional<User> existing, store_.find_user(name));
  if (existing) {
    return base::fail(base::Errc::semantic, "user \"" + std::string(name) + "\" already exists");
  }
  User u;
  u.name = std::string(name);
  u.role = role;
  u.password_hash = std::move(hash);
  u.created = now_seconds();
  GITNS_CHECK(store_.put_user(u));
  return u;
}

base::Result<std::size_t> AuthService::admin_count() {
  GITNS_TRY(std::vector<User> all, store_.users());
  return static_cast<std::size_t>(
      std::count_if(all.begin(), all.end(), [](const User& u) { return u.role == Role::admin; }));
}

base::Status AuthService::delete_user(std::string_view name) {
  {
    std::lock_guard lock(mutex_);
    GITNS_TRY(std::optional<User> user, store_.find_user(name));
    if (!user)
      return base::fail(base::Errc::not_found, "no user named \"" + std::string(name) + "\"");
    GITNS_TRY(std::size_t admins, admin_count());
    if (user->role == Role::admin && admins <= 1) {
      return base::fail(base::Errc::semantic, "cannot delete the last admin");
    }
    GITNS_CHECK(store_.remove_user(name));
  }
  end_sessions_of(name);
  return {};
}

base::Status AuthService::set_role(std::string_view name, Role role) {
  std::lock_guard lock(mutex_);
  GITNS_TRY(std::optional<User> user, store_.find_user(name));
  if (!user)
    return base::fail(base::Errc::not_found, "no user named \"" + std::string(name) + "\"");
  GITNS_TRY(std::size_t admins, admin_count());
  if (user->role == Role::admin && role != Role::admin && admins <= 1) {
    return base::fail(base::Errc::semantic, "cannot take the admin role from the last admin");
  }
  user->role = role;
  return store_.put_user(*user);
}

base::Status AuthService::set_password(std::string_view name, std::string_view password) {
  GITNS_CHECK(validate_password(password));
  GITNS_TRY(std::string hash, hash_password(password, config_.pbkdf2_iterations));
  {
    std::lock_guard lock(mutex_);
    GITNS_TRY(std::optional<User> user, store_.find_user(name));
    if (!user)
      return base::fail(base::Errc::not_found, "no user named \"" + std::string(name) + "\"");
    user->password_hash = std::move(hash);
    GITNS_CHECK(store_.put_user(*user));
  }
  end_sessions_of(name);
  return {};
}

base::Status AuthService::change_password(std::string_view name, std::string_view current,
                                          std::string_view replacement) {
  GITNS_TRY(std::optional<User> user, store_.find_user(name));
  if (!user)
    return base::fail(base::Errc::not_found, "no user named \"" + std::string(name) + "\"");
  GITNS_TRY(bool ok, verify_password(current, user->password_hash));
  if (!ok) return base::fail(base::Errc::malformed, "the current password is wrong");
  return set_password(name, replacement);
}

// ---- API tokens ----

base::Result<NewApiToken> AuthService::create_token(const Principal& owner, std::string_view name,
                                                    std::optional<Role> role,
                                                    std::chrono::seconds ttl) {
  if (name.empty() || name.size() > 128) {
    return base::fail(base::Errc::syntax, "token name: expected 1 to 128 characters");
  }
  if (ttl.count() < 0) return base::fail(base::Errc::syntax, "token lifetime cannot be negative");
  Role r = role.value_or(owner.role);
  if (r > owner.role) {
    return base::fail(base::Errc::semantic, "a token cannot have a higher role (" +
                                                std::string(role_name(r)) + ") than its owner's (" +
                                                std::string(role_name(owner.role)) + ")");
  }
  GITNS_TRY(std::string secret, random_hex(kSecretBytes));
  NewApiToken out;
  out.token = std::string(kTokenPrefix) + secret;
  GITNS_TRY(out.record.hash, sha256_hex(out.token));
  GITNS_TRY(std::string id, random_hex(8));
  out.record.id = "tok_" + id;
  out.record.user = owner.user;
  out.record.name = std::string(name);
  out.record.role = r;
  out.record.created = now_seconds();
  out.record.expires = ttl.count() == 0 ? 0 : out.record.created + ttl.count();
  GITNS_CHECK(store_.put_token(out.record));
  return out;
}

base::Result<std::vector<ApiToken>> AuthService::tokens(std::optional<std::string_view> user) {
  GITNS_TRY(std::vector<ApiToken> all, store_.tokens());
  if (user) std::erase_if(all, [&](const ApiToken& t) { return t.user != *user; });
  return all;
}

base::Status AuthService::revoke_token(const Principal& by, std::string_view id) {
  GITNS_TRY(std::vector<ApiToken> all, store_.tokens());
  auto it = std::find_if(all.begin(), all.end(), [&](const ApiToken& t) { return t.id == id; });
  if (it == all.end() || (by.role != Role::admin && it->user != by.user)) {
    return base::fail(base::Errc::not_found, "no API token with id \"" + std::string(id) + "\"");
  }
  return store_.remove_token(id);
}

// ---- TOTP ----

base::Result<TotpEnrollment> AuthService::begin_totp(std::string_view name) {
  GITNS_TRY(crypto::Bytes key, crypto::random_bytes(kTotpSecretBytes));
  std::lock_guard lock(mutex_);
  GITNS_TRY(std::optional<User> user, store_.find_user(name));
  if (!user)
    return base::fail(base::Errc::not_found, "no user named \"" + std::string(name) + "\"");
  if (!user->totp_secret.empty()) {
    return base::fail(base::Errc::semantic,
                      "two-factor login is already on; turn it off first to enrol a new device");
  }
  user->totp_pending = crypto::base32_encode(key, /*pad=*/false);
  GITNS_CHECK(store_.put_user(*user));
  return TotpEnrollment{user->totp_pending,
                        crypto::otpauth_uri(config_.totp_issuer, user->name, key, totp_params())};
}

base::Status AuthService::confirm_totp(std::string_view name, std::string_view code) {
  std::lock_guard lock(mutex_);
  GITNS_TRY(std::optional<User> user, store_.find_user(name));
  if (!user)
    return base::fail(base::Errc::not_found, "no user named \"" + std::string(name) + "\"");
  if (user->totp_pending.empty()) {
    return base::fail(base::Errc::semantic, "no TOTP enrolment is pending; start one first");
  }
  GITNS_TRY(crypto::Bytes key, crypto::base32_decode(user->totp_pending));
  GITNS_TRY(std::optional<std::uint64_t> step,
            crypto::totp_verify(key, code, now_seconds(), totp_params(), config_.totp_window));
  if (!step) return base::fail(base::Errc::malformed, "the TOTP code does not match");
  user->totp_secret = user->totp_pending;
  user->totp_pending.clear();
  user->totp_last_step = *step;
  return store_.put_user(*user);
}

base::Status AuthService::disable_totp(std::string_view name, std::string_view code) {
  GITNS_TRY(bool ok, check_totp(std::string(name), code));
  if (!ok) return base::fail(base::Errc::malformed, "the TOTP code does not match");
  return reset_totp(name);
}

base::Status AuthService::reset_totp(std::string_view name) {
  std::lock_guard lock(mutex_);
  GITNS_TRY(std::optional<User> user, store_.find_user(name));
  if (!user)
    return base::fail(base::Errc::not_found, "no user named \"" + std::string(name) + "\"");
  user->totp_secret.clear();
  user->totp_pending.clear();
  user->totp_last_step = 0;
  return store_.put_user(*user);
}

}  // namespace gitns::http
