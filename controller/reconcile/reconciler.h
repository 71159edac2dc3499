// The reconcile loop of DESIGN.md "Reconcile": one revision of the source is one
// transaction. parse (ParseCache by blob id) -> schema -> semantic checks -> desired zones
// (manifest records + zoneFile from the same commit) -> plan against the applied state
// -> safety check -> serials -> persist (one store transaction) -> publish (one zone set
// swap) -> status. An invalid or held revision applies nothing and the last applied one
// keeps serving. Zones whose inputs are unchanged are not rebuilt: their applied
// snapshot is reused.
//
// Level-based (controller-runtime): a reconcile is told to look, never what changed; it
// reads the source's tip and the applied state itself, so running it twice on the same
// revision changes nothing. Each reconcile has an id that its log lines carry.
//
// Threads: reconcile()/restore() run on one thread (the controller's); status() may be
// called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controller/manifest/loader.h"
#include "controller/reconcile/desired.h"
#include "controller/reconcile/plan.h"
#include "controller/reconcile/source.h"
#include "controller/reconcile/status.h"
#include "controller/reconcile/trigger.h"
#include "controller/reconcile/zone_cache.h"
#include "resolver/store/store.h"
#include "resolver/zone/zone_set.h"

namespace gitns::reconcile {

enum class LogLevel { debug, info, warn, error };
using LogFields = std::vector<std::pair<std::string, std::string>>;
using Logger = std::function<void(LogLevel, std::string_view msg, const LogFields& fields)>;

// Called with every new zone set, after it was persisted. Engine::publish in gitnsd.
using Publish = std::function<void(std::shared_ptr<const zone::ZoneSet>)>;

inline constexpr std::string_view kAllowUnsafeAnnotation = "gitns.io/allow-unsafe";
inline constexpr std::string_view kAllowUnsafeTrailer = "Gitns-Allow-Unsafe";

struct ReconcileOutcome;

struct ReconcilerConfig {
  std::string status_path;  // <state>/status.json; empty: not written
  SafetyPolicy safety;
  size_t max_status_errors = 100;  // error lines kept in the status document
  size_t history_in_status = 50;   // newest history entries shown in status.json
  // <state>/suspensions.json: what is suspended survives a restart; empty: memory only.
  std::string suspensions_path;
  // Called after every reconcile (and rollback) with its outcome, on the thread that ran
  // it (metrics). Must not call back into the reconciler.
  std::function<void(const ReconcileOutcome&)> on_outcome;
};

struct ReconcileOutcome {
  ReconcileRecord record;           // what went into the history
  std::vector<std::string> errors;  // "file:line:col: path: message", every one
  std::vector<std::string> held;    // "example.com.: deletes 9 of 12 records (75%...)"
  std::vector<std::string> warnings;
  size_t zones_rebuilt = 0;  // zones built from their inputs (the others were reused)
  size_t zones_reused = 0;
  ReconcileResult result() const { return record.result; }
};

// What is suspended (suspend.h has the rules): the whole source, and single objects.
struct Suspension {
  std::string reason;  // as given, or "RolledBack"
  std::string since;   // RFC 3339 UTC
};
struct Suspensions {
  std::optional<Suspension> source;
  std::string rolled_back_to;                 // the revision a rollback serves; "" when none
  std::map<std::string, Suspension> objects;  // by object key, "Zone/example.com."
};

inline constexpr std::string_view kRolledBack = "RolledBack";

struct RollbackResult {
  std::string revision;     // the full revision now served
  uint64_t generation = 0;  // the store generation of the rollback's apply
  ReconcileRecord record;   // its history entry
};

class Reconciler {
 public:
  Reconciler(RevisionSource& source, store::Store& store, Publish publish, ReconcilerConfig config,
             Logger log = {});
  ~Reconciler();

  // Loads the applied state from the store and publishes it (before any fetch, so a
  // restart serves at once even when the remote is unreachable), then writes status.
  base::Status restore();

  // Fetches the source's tip and reconciles it. Never throws.
  ReconcileOutcome reconcile(const Trigger& trigger);
  // Reconciles one revision of the source without fetching.
  ReconcileOutcome reconcile_revision(const SourceRevision& revision, const Trigger& trigger);

  StatusDocument status() const;
  std::string applied_revision() const;
  std::shared_ptr<const zone::ZoneSet> served() const;
  const manifest::ParseCache& parse_cache() const { return cache_; }
  const ZoneBuildCache& zone_cache() const { return zone_cache_; }

  // ---- control (suspend.cpp, rollback.cpp); callable from any thread ----

  // `key` is "" for the whole source or "Zone/<name>" (any case, trailing dot optional);
  // Errc::syntax for another kind or a bad name, Errc::not_found for a zone that is
  // neither served nor in the status. Returns the keys suspended afterwards.
  base::Result<std::vector<std::string>> suspend(std::string_view key, std::string reason);
  // Idempotent. Resuming the source also ends a rollback (the next reconcile follows
  // git again: the caller triggers one).
  base::Result<std::vector<std::string>> resume(std::string_view key);
  Suspensions suspensions() const;
  bool source_suspended() const;
  // "Zone/example.com." for a Zone name in any form; Errc::syntax otherwise.
  static base::Result<std::string> object_key(std::string_view key);

  // Serves the zones of an earlier applied revision (a unique prefix of >= 7 hex digits
  // of one of applied_revisions()) at once: rebuilt from the store's journal, with
  // serials that move forward, persisted and published like an apply; then suspends the
  // source with reason RolledBack until resume(""). Suspended zones are left alone.
  // Errc::not_found for an unknown revision or a zone whose journal no longer reaches
  // back; Errc::syntax for a malformed one; Errc::semantic for an ambiguous prefix.
  base::Result<RollbackResult> rollback(std::string_view revision);
  // Applied revisions, newest first (what rollback can go to).
  base::Result<std::vector<store::AppliedRevision>> applied_revisions() const;
  // Reconcile history from the store, newest first; seq orders it (store::HistoryEntry).
  struct HistoryItem {
    uint64_t seq = 0;
    ReconcileRecord record;
  };
  base::Result<std::vector<HistoryItem>> history_records() const;

  // The last plan with changes (applied or held), as the API's JSON; null before one.
  nlohmann::json last_plan() const;

  struct AppliedZone {
    std::shared_ptr<const zone::Zone> zone;
    std::optional<Fingerprint> fingerprint;  // nullopt: unknown, rebuild next time
    std::string file;                        // the manifest file (display path)
    std::string changed_revision;            // the revision that last changed it
    std::string metadata() const;            // the store's per-zone metadata
    static AppliedZone from_metadata(std::shared_ptr<const zone::Zone> zone,
                                     std::string_view metadata);
  };

 private:
  struct Attempt;
  struct PlannedZone;

  ReconcileOutcome run(Attempt& a);
  ReconcileOutcome reconcile_locked(const Trigger& trigger);
  ReconcileOutcome suspended_outcome(const Trigger& trigger);
  void before_plan(Attempt& a);
  bool zone_suspended(const std::string& lookup_key) const;
  void apply_suspensions(StatusDocument& doc) const;
  void refresh_status();
  base::Status persist_suspensions(const Suspensions& s) const;
  void load_suspensions();
  void remember_plan(const Attempt& a, ReconcileResult result);
  base::Result<RollbackResult> apply_rollback(Attempt& a, store::ApplyBatch batch,
                                              std::map<std::string, AppliedZone> next,
                                              const store::AppliedRevision& target);
  StatusDocument rolled_back_status(const Attempt& a) const;
  void notify_outcome(const ReconcileOutcome& o) const;
  void mark_reconciling(const Attempt& a);
  bool load(Attempt& a);
  void plan_zones(Attempt& a);
  void plan_removals(Attempt& a);
  void check_plan_safety(Attempt& a);
  bool persist_and_publish(Attempt& a);
  ReconcileOutcome finish(Attempt& a, ReconcileResult result, std::string message);
  std::string applied_message(const Attempt& a) const;
  ReconcileRecord make_record(const Attempt& a, ReconcileResult result, std::string message) const;
  ReconcileRecord history_or_make(const Attempt& a, ReconcileResult result,
                                  const std::string& message) const;
  void push_history(const ReconcileRecord& r);
  StatusDocument make_status(const Attempt& a, ReconcileResult result,
                             const std::string& message) const;
  void add_zone_objects(const Attempt& a, ReconcileResult result, StatusDocument& doc) const;
  void add_other_objects(const Attempt& a, StatusDocument& doc) const;
  bool should_record(const ReconcileRecord& r) const;
  void write_status(const StatusDocument& doc);
  void log(LogLevel level, std::string_view msg, LogFields fields) const;

  RevisionSource& source_;
  store::Store& store_;
  Publish publish_;
  ReconcilerConfig config_;
  Logger log_;

  manifest::ParseCache cache_;
  ZoneBuildCache zone_cache_;                   // zoneFile edits become diffs of the served zone
  std::map<std::string, AppliedZone> applied_;  // by Name::lookup_key() of the origin
  std::string applied_revision_;
  std::string fetched_revision_;
  std::shared_ptr<const zone::ZoneSet> served_;
  std::deque<ReconcileRecord> history_;  // oldest first, at most the store's history_max
  uint64_t sequence_ = 0;
  std::string id_prefix_;

  // Held by reconcile() and rollback(): they change applied_, served_ and the store.
  std::mutex op_mutex_;
  mutable std::mutex suspend_mutex_;
  Suspensions suspended_;  // guarded by suspend_mutex_
  mutable std::mutex plan_mutex_;
  nlohmann::json last_plan_;  // guarded by plan_mutex_

  mutable std::mutex status_mutex_;
  StatusDocument status_;  // guarded by status_mutex_ (written on the reconcile thread)
};

// Runs reconciles until the queue is closed: one at start, then one per trigger or per
// `poll` interval without one (poll 0: triggers only). Catches everything per reconcile.
void run_loop(Reconciler& reconciler, TriggerQueue& queue, std::chrono::milliseconds poll);

}  // namespace gitns::reconcile
