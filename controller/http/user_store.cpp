#include "controller/http/user_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace gitns::http {
namespace {

base::Failure io_failure(const std::string& what) {
  return base::fail(base::Errc::io, what + ": " + std::strerror(errno));
}

nlohmann::json to_json(const User& u) {
  return {{"name", u.name},
          {"role", role_name(u.role)},
          {"passwordHash", u.password_hash},
          {"totpSecret", u.totp_secret},
          {"totpPending", u.totp_pending},
          {"totpLastStep", u.totp_last_step},
          {"created", u.created}};
}

nlohmann::json to_json(const ApiToken& t) {
  return {
      {"id", t.id},     {"user", t.user},       {"name", t.name},      {"role", role_name(t.role)},
      {"hash", t.hash}, {"created", t.created}, {"expires", t.expires}};
}

Role read_role(const nlohmann::json& j) {
  auto role = role_from_name(j.at("role").get<std::string>());
  if (!role) throw std::runtime_error("unknown role " + j.at("role").get<std::string>());
  return *role;
}

User user_from_json(const nlohmann::json& j) {
  User u;
  u.name = j.at("name").get<std::string>();
  u.role = read_role(j);
  u.password_hash = j.at("passwordHash").get<std::string>();
  u.totp_secret = j.value("totpSecret", "");
  u.totp_pending = j.value("totpPending", "");
  u.totp_last_step = j.value("totpLastStep", std::uint64_t{0});
  u.created = j.value("created", std::int64_t{0});
  return u;
}

ApiToken token_from_json(const nlohmann::json& j) {
  ApiToken t;
  t.id = j.at("id").get<std::string>();
  t.user = j.at("user").get<std::string>();
  t.name = j.value("name", "");
  t.role = read_role(j);
  t.hash = j.at("hash").get<std::string>();
  t.created = j.value("created", std::int64_t{0});
  t.expires = j.value("expires", std::int64_t{0});
  return t;
}

}  // namespace

// ---- MemoryUserStore ----

base::Result<std::vector<User>> MemoryUserStore::users() const {
  std::lock_guard lock(mutex_);
  std::vector<User> out;
  for (const auto& [_, u] : users_) out.push_back(u);
  return out;
}

base::Result<std::optional<User>> MemoryUserStore::find_user(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(name);
  if (it == users_.end()) return std::optional<User>();
  return std::optional<User>(it->second);
}

base::Status MemoryUserStore::put_user(const User& user) {
  std::lock_guard lock(mutex_);
  auto before = users_;
  users_[user.name] = user;
  auto st = persist();
  if (!st) users_ = std::move(before);
  return st;
}

base::Status MemoryUserStore::remove_user(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(name);
  if (it == users_.end()) {
    return base::fail(base::Errc::not_found, "no user named \"" + std::string(name) + "\"");
  }
  auto users_before = users_;
  auto tokens_before = tokens_;
  users_.erase(it);
  std::erase_if(tokens_, [&](const auto& kv) { return kv.second.user == name; });
  auto st = persist();
  if (!st) {
    users_ = std::move(users_before);
    tokens_ = std::move(tokens_before);
  }
  return st;
}

base::Result<std::vector<ApiToken>> MemoryUserStore::tokens() const {
  std::lock_guard lock(mutex_);
  std::vector<ApiToken> out;
  for (const auto& [_, t] : tokens_) out.push_back(t);
  return out;
}

base::Result<std::optional<ApiToken>> MemoryUserStore::find_token_by_hash(
    std::string_view hash) const {
  std::lock_guard lock(mutex_);
  for (const auto& [_, t] : tokens_) {
    if (t.hash == hash) return std::optional<ApiToken>(t);
  }
  return std::optional<ApiToken>();
}

base::Status MemoryUserStore::put_token(const ApiToken& token) {
  std::lock_guard lock(mutex_);
  auto before = tokens_;
  tokens_[token.id] = token;
  auto st = persist();
  if (!st) tokens_ = std::move(before);
  return st;
}

base::Status MemoryUserStore::remove_token(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(id);
  if (it == tokens_.end()) {
    return base::fail(base::Errc::not_found, "no API token with id \"" + std::string(id) + "\"");
  }
  auto before = tokens_;
  tokens_.erase(it);
  auto st = persist();
  if (!st) tokens_ = std::move(before);
  return st;
}

// ---- JsonFileUserStore ----

base::Result<std::unique_ptr<JsonFileUserStore>> JsonFileUserStore::open(std::string path) {
  std::unique_ptr<JsonFileUserStore> store(new JsonFileUserStore(std::move(path)));
  GITNS_CHECK(store->load());
  return store;
}

base::Status JsonFileUserStore::load() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec) && !ec) return {};
  std::ifstream in(path_, std::ios::binary);
  if (!in) return io_failure("cannot read user store " + path_);
  std::stringstream text;
  text << in.rdbuf();
  try {
    auto doc = nlohmann::json::parse(text.str());
    if (doc.value("version", 0) != 1) {
      return base::fail(base::Errc::malformed, "user store " + path_ + ": expected \"version\": 1");
    }
    for (const auto& j : doc.at("users")) {
      User u = user_from_json(j);
      users_[u.name] = std::move(u);
    }
    for (const auto& j : doc.at("tokens")) {
      ApiToken t = token_from_json(j);
      tokens_[t.id] = std::move(t);
    }
  } catch (const std::exception& e) {
    return base::fail(base::Errc::malformed, "user store " + path_ + " is malformed: " + e.what());
  }
  return {};
}

base::Status JsonFileUserStore::persist() {
  nlohmann::json doc = {
      {"version", 1}, {"users", nlohmann::json::array()}, {"tokens", nlohmann::json::array()}};
  for (const auto& [_, u] : users_) doc["users"].push_back(to_json(u));
  for (const auto& [_, t] : tokens_) doc["tokens"].push_back(to_json(t));
  return write_file_atomically(path_, doc.dump(2) + "\n", 0600);
}

base::Status write_file_atomically(const std::string& path, std::string_view contents,
                                   unsigned mode) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  std::string tmp = (dir / ("." + target.filename().string() + ".tmp")).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return io_failure("cannot create " + tmp);
  // O_CREAT's mode is masked by the umask and ignored for a leftover temporary file.
  if (::fchmod(fd, mode) != 0) {
    auto f = io_failure("cannot chmod " + tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return f;
  }
  std::size_t off = 0;
  while (off < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto f = io_failure("cannot write " + tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return f;
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto f = io_failure("cannot fsync " + tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return f;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto f = io_failure("cannot rename " + tmp + " to " + path);
    ::unlink(tmp.c_str());
    return f;
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace gitns::http
