// POST /api/v1/query: asks this node's engine one question through the same handler the
// DNS listeners call, and returns the parsed answer as JSON (API.md "Imperative").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "resolver/base/result.h"
#include "resolver/engine.h"

namespace gitns::api {

struct QueryRequest {
  std::string name;
  std::string type = "A";
  bool dnssec = false;  // sets DO
  bool tcp = false;     // answered as over TCP (no truncation at the UDP size)
};

// {"rcode","flags":[..],"question":{name,type},"answer":[rr],"authority":[rr],
//  "additional":[rr],"ede":[{"code","name","text"}],"sizeBytes","transport"}.
// Errc::syntax for a bad name or type (meta types other than ANY are refused),
// Errc::io when the engine dropped the query or answered bytes that do not parse.
base::Result<nlohmann::json> ask_engine(const engine::Engine& engine, const QueryRequest& request);

}  // namespace gitns::api
