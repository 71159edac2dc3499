#include "controller/http/basic_routes.h"

namespace gitns::http {

base::Status add_health_route(Router& router, std::function<nlohmann::json()> details) {
  return router.add("GET", "/api/v1/health", kPublic,
                    [details = std::move(details)](const Request&) {
                      nlohmann::json body = {{"status", "ok"}};
                      if (details) {
                        // Named: items() of a temporary would iterate a destroyed object.
                        nlohmann::json extra = details();
                        for (auto& [k, v] : extra.items()) body[k] = v;
                      }
                      return Response::json(body);
                    });
}

base::Status add_metrics_route(Router& router, MetricsRegistry& registry,
                               std::optional<Role> min_role) {
  MetricsRegistry* reg = &registry;
  return router.add("GET", "/metrics", min_role, [reg](const Request&) {
    return Response::text(reg->render(), std::string(kMetricsContentType));
  });
}

}  // namespace gitns::http
