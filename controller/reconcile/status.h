// Reconcile status (DESIGN.md "Reconcile", status): per object conditions in the
// Kubernetes style (Ready / Reconciling / Stalled with reason and message), the source's
// fetched, attempted and applied revisions, the last errors with their locations, and a
// history of reconciles. Written as JSON to <state>/status.json and into the store; the
// HTTP API will serve the same document.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/reconcile/plan.h"
#include "resolver/base/result.h"

namespace gitns::reconcile {

inline constexpr std::string_view kReady = "Ready";
inline constexpr std::string_view kReconciling = "Reconciling";
inline constexpr std::string_view kStalled = "Stalled";

struct Condition {
  std::string type;  // Ready, Reconciling, Stalled
  bool status = false;
  std::string reason;           // CamelCase, e.g. Applied, InvalidManifest, UnsafePlan
  std::string message;          // one sentence for people
  std::string last_transition;  // RFC 3339 UTC: when `status` last flipped
};

// Replaces (or adds) the condition of c.type. last_transition is kept when the status
// did not flip in `previous` (the object's conditions before this reconcile).
void set_condition(std::vector<Condition>& conditions, Condition c,
                   const std::vector<Condition>& previous, const std::string& now);
const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type);

struct ObjectStatus {
  std::string kind;      // Zone, TsigKey, Settings
  std::string name;      // zones: the apex with a trailing dot
  std::string location;  // file:line:col of metadata.name; empty when the object is gone
  std::vector<Condition> conditions;
  std::string last_applied_revision;  // the applied revision this object is served from
  std::string last_changed_revision;  // zones: the revision that last changed the zone
  std::optional<uint32_t> served_serial;
  std::optional<uint64_t> record_count;
  std::string last_error;  // empty when the last attempt had none for this object

  std::string key() const { return kind + "/" + name; }
};

enum class ReconcileResult { applied, unchanged, invalid, held, failed };
std::string_view to_string(ReconcileResult r);

// One entry of the reconcile history.
struct ReconcileRecord {
  std::string id;  // the reconcile id that its log lines carry
  std::string revision;
  std::string trigger;
  ReconcileResult result = ReconcileResult::unchanged;
  std::string started;  // RFC 3339 UTC
  int64_t duration_ms = 0;
  size_t zones_created = 0, zones_updated = 0, zones_deleted = 0;
  RecordCounts records;
  size_t errors = 0;
  std::string message;

  nlohmann::json to_json() const;
  static std::optional<ReconcileRecord> from_json(const nlohmann::json& j);
};

struct SourceStatus {
  std::string source;  // url, branch and path
  std::string last_fetched_revision;
  std::string last_attempted_revision;
  std::string last_applied_revision;
  std::string last_reconcile_time;  // RFC 3339 UTC, end of the last reconcile
  std::vector<Condition> conditions;
  std::string last_error;           // one line; empty after a good reconcile
  std::vector<std::string> errors;  // every error of the last attempt ("file:line:col: ...")
  size_t errors_omitted = 0;        // errors beyond the kept ones
  // Suspension (Reconciler::suspend, rollback): nothing is fetched or applied.
  bool suspended = false;
  std::string suspend_reason;  // as given, or "RolledBack"
  std::string rolled_back_to;  // the revision a rollback serves; empty when none
};

struct StatusDocument {
  SourceStatus source;
  std::vector<ObjectStatus> objects;     // sorted by kind, then name
  std::vector<ReconcileRecord> history;  // oldest first

  nlohmann::json to_json() const;
  // Tolerant: fields it does not know or cannot read are left at their defaults.
  static StatusDocument from_json(const nlohmann::json& j);
  const ObjectStatus* find(std::string_view kind, std::string_view name) const;
};

std::string rfc3339(std::chrono::system_clock::time_point t);

// Writes `content` to `path` through a temporary file in the same folder, fsync and
// rename, so readers see the old or the new file, never a part.
base::Status write_file_atomically(const std::string& path, std::string_view content);

}  // namespace gitns::reconcile
