// Shared pieces of the HTTP tests: a temporary directory, an injectable clock, and a
// fully wired server (auth, health, metrics, webhook) on 127.0.0.1 port 0.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/http/auth.h"
#include "controller/http/auth_routes.h"
#include "controller/http/basic_routes.h"
#include "controller/http/http_client.h"
#include "controller/http/server.h"
#include "controller/http/webhook.h"

namespace gitns::http::test {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = std::filesystem::temp_directory_path() /
            ("gitns-http-" + std::to_string(getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A clock the test sets; starts at RFC 6238's first test time.
struct FakeClock {
  std::atomic<std::int64_t> seconds{59};
  Clock clock() {
    return [this] {
      return std::chrono::system_clock::time_point(std::chrono::seconds(seconds.load()));
    };
  }
};

inline AuthConfig fast_auth_config(FakeClock& clock) {
  AuthConfig c;
  c.pbkdf2_iterations = 1000;  // the production count takes ~0.5 s per hash here
  c.clock = clock.clock();
  return c;
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The server the API tests run against.
class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(ServerOptions options, bool with_https = false) {
    store_ = std::make_unique<MemoryUserStore>();
    auth_ = std::make_unique<AuthService>(*store_, fast_auth_config(clock_));
    ASSERT_TRUE(auth_->create_user("admin", "admin-password", Role::admin).ok());
    ASSERT_TRUE(auth_->create_user("olivia", "operator-password", Role::operator_).ok());
    ASSERT_TRUE(auth_->create_user("victor", "viewer-password", Role::viewer).ok());
    write_file(dir_.file("webhook-secret"), "It's a Secret to Everybody\n");

    Router router;
    ASSERT_TRUE(add_health_route(router).ok());
    ASSERT_TRUE(add_auth_routes(router, *auth_).ok());
    ASSERT_TRUE(add_metrics_route(router, metrics_).ok());
    ASSERT_TRUE(
        add_webhook_route(router, {dir_.file("webhook-secret"), ""}, [this](std::string reason) {
          std::lock_guard lock(mutex_);
          triggers_.push_back(std::move(reason));
        }).ok());
    // An operator-level route, like the imperative calls reconcile will add.
    ASSERT_TRUE(router
                    .add("POST", "/api/v1/reconcile", Role::operator_,
                         [](const Request& r) {
                           return Response::json({{"by", r.principal->user}}, 202);
                         })
                    .ok());
    ASSERT_TRUE(router
                    .add("GET", "/api/v1/boom", Role::viewer,
                         [](const Request&) -> Response {
                           throw std::runtime_error("secret internal detail");
                         })
                    .ok());
    ASSERT_TRUE(router
                    .add("POST", "/api/v1/echo", kPublic,
                         [](const Request& r) {
                           return Response::json({{"size", r.body.size()}, {"query", r.query}});
                         })
                    .ok());

    options.http_listen = "127.0.0.1:0";
    if (with_https) options.https_listen = "127.0.0.1:0";
    options.state_dir = dir_.path().string();
    options.metrics = &metrics_;
    options.log = [this](std::string_view level, std::string_view msg,
                         const std::vector<LogField>& f) {
      std::lock_guard lock(mutex_);
      std::string line = std::string(level) + " " + std::string(msg);
      for (const auto& [k, v] : f) line += " " + std::string(k) + "=" + v;
      log_.push_back(line);
    };
    auto server = Server::start(options, std::move(router), auth_->authenticator());
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(server_->http_port());
  }

  Client client(std::string token = "") const {
    ClientOptions o;
    o.base_url = base_url();
    o.token = std::move(token);
    o.timeout = std::chrono::seconds(10);
    return Client(o);
  }

  // Logs in and returns the session token (fails the test otherwise).
  std::string login(const std::string& user, const std::string& password,
                    const std::string& totp = "") {
    nlohmann::json body = {{"username", user}, {"password", password}};
    if (!totp.empty()) body["totp"] = totp;
    auto r = client().post("/api/v1/login", body);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    auto j = r->json();
    return j.ok() && j->contains("token") ? (*j)["token"].get<std::string>() : std::string();
  }

  std::vector<std::string> triggers() {
    std::lock_guard lock(mutex_);
    return triggers_;
  }
  std::vector<std::string> log_lines() {
    std::lock_guard lock(mutex_);
    return log_;
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<MemoryUserStore> store_;
  std::unique_ptr<AuthService> auth_;
  MetricsRegistry metrics_;
  std::unique_ptr<Server> server_;
  std::mutex mutex_;
  std::vector<std::string> triggers_;
  std::vector<std::string> log_;
};

// The API error shape, checked on every error response.
inline std::string error_code(const ClientResponse& r) {
  auto j = r.json();
  if (!j.ok() || !j->is_object() || !j->contains("error"))
    return "<not an API error: " + r.body + ">";
  const auto& e = (*j)["error"];
  if (!e.is_object() || e.size() != 2 || !e.contains("code") || !e.contains("message") ||
      !e["code"].is_string() || !e["message"].is_string() ||
      e["message"].get<std::string>().empty()) {
    return "<malformed error: " + r.body + ">";
  }
  return e["code"];
}

}  // namespace gitns::http::test
