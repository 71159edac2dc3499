#include "controller/daemon/http_front.h"

#include <cstdio>
#include <filesystem>
#include <vector>

#include "controller/api/metrics_families.h"
#include "controller/daemon/log.h"
#include "controller/http/auth.h"
#include "controller/http/auth_routes.h"
#include "controller/http/basic_routes.h"
#include "controller/http/metrics.h"
#include "controller/http/server.h"
#include "controller/http/ui_routes.h"
#include "controller/http/user_store.h"
#include "controller/http/webhook.h"

namespace gitns::daemon {

struct HttpFrontEnd::Impl {
  std::unique_ptr<http::JsonFileUserStore> users;
  std::unique_ptr<http::AuthService> auth;
  std::unique_ptr<http::MetricsRegistry> metrics;
  std::unique_ptr<api::QpsHistory> qps;
  std::unique_ptr<http::Server> server;
};

namespace {

Level level_of(std::string_view l) {
  return l == "debug" ? Level::debug : l == "info" ? Level::info : l == "warn" ? Level::warn
                                                                              : Level::error;
}

void http_log(std::string_view level, std::string_view msg,
              const std::vector<http::LogField>& fields) {
  std::vector<std::pair<std::string, std::string>> f;
  for (const auto& [k, v] : fields) f.emplace_back(std::string(k), v);
  log(level_of(level), msg, f);
}

base::Status bootstrap(http::AuthService& auth, const HttpOptions& o, const std::string& users) {
  http::AdminBootstrap b;
  b.password_file = o.admin_password_file;
  GITNS_TRY(http::BootstrapResult r, auth.bootstrap_admin(b));
  if (!r.created) return {};
  if (r.generated_password.empty()) {
    log(Level::info, "created the first user", {{"user", "admin"}, {"users", users}});
    return {};
  }
  // Printed once, on stdout, never logged: whoever started gitnsd is the one to see it.
  std::printf(
      "gitnsd: created user \"admin\" with the generated password %s\n"
      "gitnsd: it is shown this once; log in with POST /api/v1/login and change it\n",
      r.generated_password.c_str());
  std::fflush(stdout);
  log(Level::warn, "created the first user with a generated password (printed on stdout)",
      {{"user", "admin"}, {"users", users}});
  return {};
}

base::Status add_routes(http::Router& router, HttpFrontEnd::Impl& impl, const HttpOptions& o,
                        const api::ApiContext& api,
                        std::function<void(std::string)> webhook,
                        const api::ReconcileMetrics* reconciles) {
  std::string version = api.version;
  std::string mode = api.reconciler ? "repo" : "zones";
  GITNS_CHECK(http::add_health_route(router, [version, mode] {
    return nlohmann::json{{"version", version}, {"mode", mode}};
  }));
  GITNS_CHECK(http::add_auth_routes(router, *impl.auth));
  GITNS_CHECK(http::add_metrics_route(router, *impl.metrics));
  api::add_metrics_families(*impl.metrics, {api.engine, api.reconciler, reconciles});
  GITNS_CHECK(api::add_stats_routes(router, *api.engine, *impl.qps));
  GITNS_CHECK(http::add_ui_routes(router));  // GET / and /ui/: the status page and admin UI
  if (webhook) {
    GITNS_CHECK(http::add_webhook_route(router, {o.webhook_secret_file, o.webhook_secret_env},
                                        std::move(webhook)));
  }
  return api::add_api_routes(router, api);
}

}  // namespace

HttpFrontEnd::HttpFrontEnd(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpFrontEnd::~HttpFrontEnd() { stop(); }

void HttpFrontEnd::stop() {
  if (impl_ && impl_->server) impl_->server->stop();
  if (impl_ && impl_->qps) impl_->qps->stop();
}

base::Result<std::unique_ptr<HttpFrontEnd>> HttpFrontEnd::start(
    const HttpOptions& o, const std::string& state_dir, const api::ApiContext& api,
    std::function<void(std::string reason)> webhook, const api::ReconcileMetrics* reconciles) {
  auto impl = std::make_unique<Impl>();
  std::string users = (std::filesystem::path(state_dir) / "users.json").string();
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  GITNS_TRY(impl->users, http::JsonFileUserStore::open(users));
  impl->auth = std::make_unique<http::AuthService>(*impl->users);
  GITNS_CHECK(bootstrap(*impl->auth, o, users));
  impl->metrics = std::make_unique<http::MetricsRegistry>(
      [](std::string_view problem) { log(Level::warn, "metrics", {{"problem", std::string(problem)}}); });

  impl->qps = std::make_unique<api::QpsHistory>(*api.engine);
  impl->qps->start();

  http::Router router;
  GITNS_CHECK(add_routes(router, *impl, o, api, std::move(webhook), reconciles));
  http::ServerOptions so;
  so.http_listen = o.http_listen;
  so.https_listen = o.https_listen;
  so.tls_cert_file = o.tls_cert;
  so.tls_key_file = o.tls_key;
  so.state_dir = state_dir;
  so.log = http_log;
  so.metrics = impl->metrics.get();
  GITNS_TRY(impl->server, http::Server::start(so, std::move(router), impl->auth->authenticator()));
  if (impl->qps) impl->qps->start();
  std::vector<std::pair<std::string, std::string>> fields;
  if (impl->server->http_port())
    fields.emplace_back("http", o.http_listen.substr(0, o.http_listen.rfind(':') + 1) +
                                    std::to_string(impl->server->http_port()));
  if (impl->server->https_port()) {
    fields.emplace_back("https", o.https_listen.substr(0, o.https_listen.rfind(':') + 1) +
                                     std::to_string(impl->server->https_port()));
    fields.emplace_back("tls_cert", impl->server->tls_cert_file());
    fields.emplace_back("tls_sha256", impl->server->tls_fingerprint());
  }
  log(Level::info, "serving HTTP", fields);
  return std::unique_ptr<HttpFrontEnd>(new HttpFrontEnd(std::move(impl)));
}

}  // namespace gitns::daemon
