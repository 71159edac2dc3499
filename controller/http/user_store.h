// Users and API tokens, behind an interface so the JSON file of today can become an LMDB
// table (resolver/store) without touching the authentication code. Sessions are not
// here: they are node-local and live in memory (auth.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/http/request.h"
#include "resolver/base/result.h"

namespace gitns::http {

struct User {
  std::string name;
  Role role = Role::viewer;
  std::string password_hash;         // password.h's encoded form, never the password
  std::string totp_secret;           // base32; empty while two-factor login is off
  std::string totp_pending;          // base32 secret handed out by enrolment, not yet confirmed
  std::uint64_t totp_last_step = 0;  // newest TOTP step accepted: each code works once
  std::int64_t created = 0;          // Unix seconds
};

struct ApiToken {
  std::string id;            // public handle ("tok_" + hex), shown in lists and used to revoke
  std::string user;          // owner
  std::string name;          // what the owner called it ("ci-pipeline")
  Role role = Role::viewer;  // at most the owner's role; the owner's current role caps it
  std::string hash;          // SHA-256 of the token, lowercase hex; the token is never stored
  std::int64_t created = 0;
  std::int64_t expires = 0;  // Unix seconds; 0: never
};

// Implementations are thread-safe. Every write is durable when it returns.
class UserStore {
 public:
  virtual ~UserStore() = default;

  virtual base::Result<std::vector<User>> users() const = 0;  // sorted by name
  virtual base::Result<std::optional<User>> find_user(std::string_view name) const = 0;
  virtual base::Status put_user(const User& user) = 0;  // insert or replace by name
  // Also removes the user's API tokens. Errc::not_found if there is no such user.
  virtual base::Status remove_user(std::string_view name) = 0;

  virtual base::Result<std::vector<ApiToken>> tokens() const = 0;  // sorted by id
  virtual base::Result<std::optional<ApiToken>> find_token_by_hash(std::string_view hash) const = 0;
  virtual base::Status put_token(const ApiToken& token) = 0;   // insert or replace by id
  virtual base::Status remove_token(std::string_view id) = 0;  // Errc::not_found if absent
};

// Kept in memory only (tests; a node that must not persist credentials).
class MemoryUserStore : public UserStore {
 public:
  base::Result<std::vector<User>> users() const override;
  base::Result<std::optional<User>> find_user(std::string_view name) const override;
  base::Status put_user(const User& user) override;
  base::Status remove_user(std::string_view name) override;
  base::Result<std::vector<ApiToken>> tokens() const override;
  base::Result<std::optional<ApiToken>> find_token_by_hash(std::string_view hash) const override;
  base::Status put_token(const ApiToken& token) override;
  base::Status remove_token(std::string_view id) override;

 protected:
  // Called with the lock held after every change; a failure undoes the change.
  virtual base::Status persist() { return {}; }

  mutable std::mutex mutex_;
  std::map<std::string, User, std::less<>> users_;
  std::map<std::string, ApiToken, std::less<>> tokens_;  // by id
};

// A JSON file (e.g. <state-dir>/users.json), mode 0600, rewritten whole on every change
// through a temporary file, fsync and rename, so a crash leaves the old or the new file.
class JsonFileUserStore final : public MemoryUserStore {
 public:
  // A missing file is an empty store (created on the first write); an unreadable or
  // malformed one is an error naming the file.
  static base::Result<std::unique_ptr<JsonFileUserStore>> open(std::string path);

  const std::string& path() const noexcept { return path_; }

 private:
  explicit JsonFileUserStore(std::string path) : path_(std::move(path)) {}
  base::Status persist() override;
  base::Status load();

  std::string path_;
};

// Writes `contents` to `path` atomically (temporary file in the same folder, fsync,
// rename, fsync of the folder) with the given permission bits.
base::Status write_file_atomically(const std::string& path, std::string_view contents,
                                   unsigned mode);

}  // namespace gitns::http
