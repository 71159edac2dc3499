// Internal to controller/api: helpers the route files share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "controller/api/api_routes.h"
#include "controller/http/request.h"
#include "resolver/wire/name.h"

namespace gitns::api::detail {

// 503 not_ready: the route needs gitnsd --repo.
http::Response needs_repo();

// The {zone} path parameter as a name (either form, any case); nullopt when malformed.
std::optional<wire::Name> zone_param(const http::Request& request);

// A body that may be empty (no members) or a JSON object; 400 response on error.
struct Body {
  nlohmann::json object = nlohmann::json::object();
  std::optional<http::Response> error;
};
Body optional_object(const http::Request& request, std::initializer_list<std::string_view> allowed);

// Adds the API.md top-level "continue" beside pagination.h's metadata.continue.
nlohmann::json with_continue(nlohmann::json page);

}  // namespace gitns::api::detail
