// POST routes of API.md "Imperative" (operator): reconcile (?wait), suspend, resume,
// rollback and the query tool.
#include "controller/api/api_internal.h"
#include "controller/api/query_tool.h"

namespace gitns::api {

using http::Request;
using http::Response;
using nlohmann::json;

namespace {

std::string who(const Request& r) {
  return r.principal ? "by " + r.principal->user : "by an anonymous caller";
}

// "30s", "500ms", "2m" or plain seconds.
base::Result<std::chrono::milliseconds> parse_timeout(std::string_view v,
                                                      std::chrono::seconds max) {
  size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
  std::string_view unit = v.substr(digits);
  uint64_t scale = unit.empty() || unit == "s" ? 1000 : unit == "ms" ? 1 : unit == "m" ? 60000 : 0;
  uint64_t n = 0;
  bool ok = digits > 0 && digits <= 9 && scale != 0;
  if (ok) n = std::stoull(std::string(v.substr(0, digits)));
  auto ms = std::chrono::milliseconds(n * scale);
  if (!ok || ms.count() == 0 || ms > max)
    return base::fail(base::Errc::syntax,
                      "timeout \"" + std::string(v) + "\": expected a duration such as 30s, " +
                          "500ms or 2m, at most " + std::to_string(max.count()) + "s");
  return ms;
}

Response reconcile_route(const ApiContext& c, const Request& r) {
  if (!c.loop) return detail::needs_repo();
  auto body = detail::optional_object(r, {"reason"});
  if (body.error) return *body.error;
  auto wait = http::bool_query(r, "wait", false);
  if (!wait) return http::error_response(wait.error());
  reconcile::Trigger t{reconcile::TriggerKind::api, "POST /api/v1/reconcile " + who(r)};
  if (!*wait) {
    c.loop->trigger(std::move(t));
    return Response::json({{"accepted", true}}, 202);
  }
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
  if (auto v = r.query_param("timeout")) {
    auto parsed = parse_timeout(*v, c.max_wait);
    if (!parsed) return http::error_response(parsed.error());
    timeout = *parsed;
  }
  auto waited = c.loop->trigger_and_wait(std::move(t), timeout);
  using What = reconcile::ReconcileLoop::Waited::What;
  if (waited.what == What::timeout)
    return Response::error(504, "timeout",
                           "the reconcile did not finish within the timeout; it goes on, and "
                           "GET /api/v1/history will show it");
  if (waited.what == What::stopped)
    return Response::error(503, "not_ready", "gitnsd is stopping; no reconcile will run");
  return Response::json({{"record", record_json(waited.record)}});
}

// {"object"?, "reason"?}: absent object is the whole source.
Response suspend_route(const ApiContext& c, const Request& r, bool suspend) {
  if (!c.reconciler) return detail::needs_repo();
  auto body = detail::optional_object(r, {"object", "reason"});
  if (body.error) return *body.error;
  auto object = http::string_member(body.object, "object", false, 300);
  if (!object) return http::error_response(object.error());
  auto reason = http::string_member(body.object, "reason", false, 500);
  if (!reason) return http::error_response(reason.error());
  if (suspend) {
    std::string why = reason->empty() ? "suspended " + who(r) : *reason + " (" + who(r) + ")";
    auto keys = c.reconciler->suspend(*object, why);
    if (!keys) return http::error_response(keys.error());
    return Response::json({{"suspended", *keys}});
  }
  auto keys = c.reconciler->resume(*object);
  if (!keys) return http::error_response(keys.error());
  // Resuming anything means "follow git again" for it: look now rather than at the poll.
  if (c.loop) c.loop->trigger({reconcile::TriggerKind::api, "resume " + who(r)});
  std::string resumed = "source";
  if (!object->empty()) resumed = *reconcile::Reconciler::object_key(*object);
  return Response::json({{"resumed", resumed}, {"suspended", *keys}});
}

Response rollback_route(const ApiContext& c, const Request& r) {
  if (!c.reconciler) return detail::needs_repo();
  auto body = http::parse_json_object(r);
  if (!body) return http::error_response(body.error());
  if (auto ok = http::check_members(*body, {"revision"}); !ok) return http::error_response(ok.error());
  auto rev = http::string_member(*body, "revision", true, 64);
  if (!rev) return http::error_response(rev.error());
  auto done = c.reconciler->rollback(*rev);
  if (!done) return http::error_response(done.error());
  return Response::json({{"revision", done->revision},
                         {"generation", done->generation},
                         {"record", record_json(done->record)}});
}

Response query_route(const ApiContext& c, const Request& r) {
  auto body = http::parse_json_object(r);
  if (!body) return http::error_response(body.error());
  if (auto ok = http::check_members(*body, {"name", "type", "dnssec", "tcp"}); !ok)
    return http::error_response(ok.error());
  QueryRequest q;
  auto name = http::string_member(*body, "name", true, 1100);
  if (!name) return http::error_response(name.error());
  q.name = *name;
  auto type = http::string_member(*body, "type", false, 20);
  if (!type) return http::error_response(type.error());
  if (!type->empty()) q.type = *type;
  for (auto [field, target] : {std::pair{"dnssec", &q.dnssec}, {"tcp", &q.tcp}}) {
    auto it = body->find(field);
    if (it == body->end()) continue;
    if (!it->is_boolean())
      return Response::bad_request(std::string(field) + ": expected true or false");
    *target = it->get<bool>();
  }
  auto answer = ask_engine(*c.engine, q);
  if (!answer) {
    if (answer.error().code == base::Errc::io)
      return Response::error(502, "engine_error", answer.error().message);
    return http::error_response(answer.error());
  }
  return Response::json(*answer);
}

}  // namespace

base::Status add_control_routes(http::Router& router, const ApiContext& c) {
  auto op = http::Role::operator_;
  GITNS_CHECK(router.add("POST", "/api/v1/reconcile", op,
                         [c](const Request& r) { return reconcile_route(c, r); }));
  GITNS_CHECK(router.add("POST", "/api/v1/suspend", op,
                         [c](const Request& r) { return suspend_route(c, r, true); }));
  GITNS_CHECK(router.add("POST", "/api/v1/resume", op,
                         [c](const Request& r) { return suspend_route(c, r, false); }));
  GITNS_CHECK(router.add("POST", "/api/v1/rollback", op,
                         [c](const Request& r) { return rollback_route(c, r); }));
  return router.add("POST", "/api/v1/query", op,
                    [c](const Request& r) { return query_route(c, r); });
}

}  // namespace gitns::api
