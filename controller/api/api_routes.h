// The routes of controller/api/API.md "Read" and "Imperative" (except /stats and
// /revisions/{rev}/plan, which live beside them): status, history, revisions, plan,
// zones, records, reconcile (?wait), suspend, resume, rollback and the query tool.
//
// gitnsd --repo gives a reconciler and its loop; --zone mode gives neither, and the
// routes that need a repository answer 503 not_ready saying so (zones, records, status
// and the query tool work in both modes).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "controller/http/router.h"
#include "controller/reconcile/loop.h"
#include "controller/reconcile/reconciler.h"
#include "resolver/base/result.h"
#include "resolver/engine.h"

namespace gitns::api {

class ReconcileMetrics;  // metrics_families.h

struct ApiContext {
  engine::Engine* engine = nullptr;             // required: served zones, query tool
  reconcile::Reconciler* reconciler = nullptr;  // null in --zone mode
  reconcile::ReconcileLoop* loop = nullptr;     // null in --zone mode
  // The reconciler's source behind reconcile::serialized_source, for plans of past
  // revisions read on HTTP threads; null: GET /revisions/{rev}/plan answers 503.
  reconcile::RevisionSource* plan_source = nullptr;
  std::string version;
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
  std::chrono::seconds max_wait{300};  // the longest ?timeout= of POST /reconcile?wait=true
};

// The groups below and GET /revisions/{rev}/plan.
base::Status add_api_routes(http::Router& router, const ApiContext& context);
// GET status, history, revisions, plan, zones, zones/{zone}, zones/{zone}/records (viewer).
base::Status add_read_routes(http::Router& router, const ApiContext& context);
// POST reconcile, suspend, resume, rollback, query (operator).
base::Status add_control_routes(http::Router& router, const ApiContext& context);

// GET /revisions/{rev}/plan[?from=REV] (viewer): the plan from the revision applied
// before `rev` (or `from`) to `rev`, computed from git as gitnsctl diff does.
base::Status add_revision_plan_route(http::Router& router, const ApiContext& context);

// A ReconcileRecord as the API writes it: its status.json form plus flat
// zonesCreated/zonesUpdated/zonesDeleted.
nlohmann::json record_json(const reconcile::ReconcileRecord& record);

}  // namespace gitns::api
