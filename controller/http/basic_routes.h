// Endpoints every gitnsd serves whatever else is registered: health and metrics.
//   GET /api/v1/health   public  {"status": "ok", ...details}
//   GET /metrics         public by default (Prometheus scrapers rarely carry tokens; the
//                        plain-HTTP listener binds loopback unless told otherwise)
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "controller/http/metrics.h"
#include "controller/http/router.h"

namespace gitns::http {

// `details`, when given, adds members to the health object (version, revision, ...).
base::Status add_health_route(Router& router, std::function<nlohmann::json()> details = {});

base::Status add_metrics_route(Router& router, MetricsRegistry& registry,
                               std::optional<Role> min_role = kPublic);

}  // namespace gitns::http
