// GET /api/v1/revisions/{rev}/plan: what a revision changed (or would have), for the
// history page and `gitnsctl`. Plans are computed from git with the same code as
// `gitnsctl diff` (reconcile/revision_plan.h), so the page, the CLI and the reconciler
// agree. A plan between two commits never changes, so the last few are cached.
#include <algorithm>
#include <cctype>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "controller/api/api_internal.h"
#include "controller/reconcile/revision_plan.h"

namespace gitns::api {
namespace {

using http::Request;
using http::Response;
using nlohmann::json;

constexpr size_t kCachedPlans = 16;
constexpr size_t kMaxListedRecords = 1000;

bool is_hex_id(std::string_view s, size_t min_len) {
  return s.size() >= min_len && s.size() <= 40 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The history, oldest first: which revisions were seen and which were applied.
struct Known {
  std::vector<reconcile::ReconcileRecord> records;  // oldest first
  std::set<std::string> revisions;
};

Known known_revisions(const reconcile::Reconciler& reconciler) {
  Known k;
  if (auto items = reconciler.history_records()) {
    for (auto it = items->rbegin(); it != items->rend(); ++it) {
      if (it->record.revision.empty()) continue;
      k.revisions.insert(it->record.revision);
      k.records.push_back(it->record);
    }
  }
  if (auto revs = reconciler.applied_revisions()) {
    for (const auto& r : *revs) k.revisions.insert(r.revision);
  }
  return k;
}

// A full id for `text`: a unique prefix of a revision this node has seen, or a full id.
base::Result<std::string> resolve(const Known& k, std::string_view text) {
  std::string id = lower(text);
  if (!is_hex_id(id, 7)) {
    return base::fail(base::Errc::syntax, "revision \"" + std::string(text) +
                                              "\": expected a commit id or a prefix of at least 7 hex digits");
  }
  std::vector<std::string> matches;
  for (const auto& r : k.revisions) {
    if (r.starts_with(id)) matches.push_back(r);
  }
  if (matches.size() == 1) return matches[0];
  if (matches.size() > 1) {
    return base::fail(base::Errc::syntax, "revision prefix " + id + " matches " +
                                              std::to_string(matches.size()) + " revisions; give more digits");
  }
  if (id.size() == 40) return id;
  return base::fail(base::Errc::not_found, "revision " + id +
                                               " is not in this node's history; give the full commit id");
}

// The revision applied before the first reconcile of `rev`: what it was planned against.
std::optional<std::string> applied_before(const Known& k, const std::string& rev) {
  std::string last_applied;
  for (const auto& r : k.records) {
    if (r.revision == rev) return last_applied;
    if (r.result == reconcile::ReconcileResult::applied) last_applied = r.revision;
  }
  return std::nullopt;
}

class PlanCache {
 public:
  std::optional<json> find(const std::string& key) {
    std::lock_guard lock(mutex_);
    for (const auto& [k, v] : entries_) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
  void put(std::string key, json value) {
    std::lock_guard lock(mutex_);
    entries_.emplace_back(std::move(key), std::move(value));
    if (entries_.size() > kCachedPlans) entries_.pop_front();
  }

 private:
  std::mutex mutex_;
  std::deque<std::pair<std::string, json>> entries_;
};

Response revision_plan(const ApiContext& c, PlanCache& cache, const Request& r) {
  if (!c.reconciler) return detail::needs_repo();
  if (!c.plan_source) {
    return Response::error(503, "not_ready", "this gitnsd cannot read past revisions from its source");
  }
  Known known = known_revisions(*c.reconciler);
  auto to = resolve(known, r.param("rev"));
  if (!to) return http::error_response(to.error());
  std::string from;
  if (auto given = r.query_param("from")) {
    auto f = resolve(known, *given);
    if (!f) return http::error_response(f.error());
    from = *f;
  } else if (auto before = applied_before(known, *to)) {
    from = *before;
  } else {
    return Response::error(404, "not_found",
                           "revision " + *to + " was never reconciled by this node; pass ?from=REV "
                           "to plan it against another revision");
  }
  std::string key = from + ".." + *to;
  if (auto hit = cache.find(key)) return Response::json(*hit);
  auto plan = reconcile::plan_revisions(*c.plan_source, from, *to);
  if (!plan) return http::error_response(plan.error());
  json body = reconcile::to_json(*plan, reconcile::PlanJsonOptions{kMaxListedRecords});
  cache.put(std::move(key), body);
  return Response::json(body);
}

}  // namespace

base::Status add_revision_plan_route(http::Router& router, const ApiContext& context) {
  auto cache = std::make_shared<PlanCache>();
  return router.add("GET", "/api/v1/revisions/{rev}/plan", http::Role::viewer,
                    [context, cache](const Request& r) { return revision_plan(context, *cache, r); });
}

}  // namespace gitns::api
