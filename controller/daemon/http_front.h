// gitnsd's HTTP front end: users (DIR/users.json) and the first admin, the route table
// (health, login and accounts, webhook, metrics, the API of controller/api) and the
// Poco server (controller/http). Built after the engine and reconciler it serves, and
// stopped before them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "controller/api/api_routes.h"
#include "controller/api/metrics_families.h"
#include "controller/daemon/options.h"
#include "resolver/base/result.h"

namespace gitns::daemon {

class HttpFrontEnd {
 public:
  // `webhook` is called for each accepted webhook delivery (empty: no webhook route).
  static base::Result<std::unique_ptr<HttpFrontEnd>> start(
      const HttpOptions& options, const std::string& state_dir, const api::ApiContext& api,
      std::function<void(std::string reason)> webhook,
      const api::ReconcileMetrics* reconciles = nullptr);
  ~HttpFrontEnd();
  void stop();

  struct Impl;

 private:
  explicit HttpFrontEnd(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gitns::daemon
