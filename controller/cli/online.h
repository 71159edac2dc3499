// The verbs that talk to a running gitnsd over its HTTP API (controller/api/API.md),
// through controller/http's Poco-free client. Exit codes as kubectl: 0 ok, 1 error; every
// error says what to do about it.
#pragma once

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/cli/args.h"
#include "controller/cli/config.h"
#include "controller/http/http_client.h"

namespace gitns::cli {

int cmd_login(std::span<const std::string> argv, Io& io);
int cmd_logout(std::span<const std::string> argv, Io& io);
int cmd_config(std::span<const std::string> argv, Io& io);
int cmd_get(std::span<const std::string> argv, Io& io);
int cmd_describe(std::span<const std::string> argv, Io& io);
int cmd_reconcile(std::span<const std::string> argv, Io& io);
int cmd_suspend(std::span<const std::string> argv, Io& io, bool resume);
int cmd_rollback(std::span<const std::string> argv, Io& io);
int cmd_history(std::span<const std::string> argv, Io& io);
int cmd_query(std::span<const std::string> argv, Io& io);
// gitnsctl plan: the last plan gitnsd made (held or applied), GET /api/v1/plan.
int cmd_plan(std::span<const std::string> argv, Io& io);
// gitnsctl diff --server [--repo PATH] [--rev REV] [--path SUBDIR] [-o ...]
int cmd_diff_server(std::span<const std::string> argv, Io& io);

// The server and credentials a command uses: --server/--token flags, then $GITNS_TOKEN,
// then the context (--context NAME, else the current one).
struct Session {
  http::Client client{{}};
  std::string context;  // "" when flags alone named the server
  std::string server;
};
base::Result<Session> open_session(const Args& args);

// One API call; non-2xx answers become errors whose message says what to fix.
base::Result<nlohmann::json> api_call(Session& s, const std::string& method, const std::string& path,
                                      const nlohmann::json* body = nullptr);
// Every item of a paginated list, following `continue` tokens.
base::Result<nlohmann::json> api_list(Session& s, const std::string& path);

// "Zone/example.com." from "example.com", "zone/example.com." or "Zone/example.com".
std::string object_ref(const std::string& text);

// Table renderings of API answers (exposed for tests): `wide` adds columns.
void print_zones(const nlohmann::json& zones, const nlohmann::json& revisions, bool wide,
                 int64_t now, std::ostream& out);
void print_objects(const nlohmann::json& status, bool wide, int64_t now, std::ostream& out);
void print_revisions(const nlohmann::json& items, bool wide, int64_t now, std::ostream& out);
void print_history(const nlohmann::json& items, bool wide, int64_t now, std::ostream& out);
void print_records(const nlohmann::json& items, std::ostream& out);
void print_zone_description(const nlohmann::json& zone, int64_t now, std::ostream& out);
void print_query_answer(const nlohmann::json& answer, std::ostream& out);
void print_plan_json(const nlohmann::json& plan, std::ostream& out, size_t max_records = 100);

}  // namespace gitns::cli
