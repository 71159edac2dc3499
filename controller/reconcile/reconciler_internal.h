// Internal to controller/reconcile: the state of one reconcile, shared by the flow
// (reconciler.cpp) and the status (reconcile_status.cpp).
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "controller/reconcile/reconciler.h"

namespace gitns::reconcile {

using Clock = std::chrono::steady_clock;

struct Reconciler::PlannedZone {
  ZonePlan plan;
  std::shared_ptr<const manifest::ZoneManifest> manifest;  // null for a removal
  Fingerprint fingerprint;
  std::string file;  // display path of the manifest file
  bool rebuilt = false;
};

struct Reconciler::Attempt {
  std::string id;
  Trigger trigger;
  SourceRevision revision;
  Clock::time_point start = Clock::now();
  std::string started = rfc3339(std::chrono::system_clock::now());
  bool loaded = false;  // manifests were read (the revision exists and is readable)
  manifest::Manifests manifests;
  std::map<std::string, std::string> blob_of;  // source path -> blob id
  std::vector<manifest::Diagnostic> errors;    // every error, paths as shown to people
  std::map<std::string, std::vector<std::string>> zone_errors;  // zone key -> its own errors
  std::vector<PlannedZone> zones;
  bool trailers_read = false;
  std::string trailer_problem;
  bool repeat = false;     // the revision was attempted before: details are not logged again
  bool persisted = false;  // the apply (status and history entry included) is stored
  std::string from_revision;  // the applied revision the plan starts from
  // Milliseconds per phase, for the "reconcile finished" line (where latency goes).
  struct Phases {
    int64_t fetch = 0, load = 0, build = 0, persist = 0;
  } ms;
  Clock::time_point mark = start;
  int64_t lap() {
    auto now = Clock::now();
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(now - mark).count();
    mark = now;
    return d;
  }
  ReconcileOutcome outcome;

  bool any_held() const {
    return std::any_of(zones.begin(), zones.end(),
                       [](const PlannedZone& z) { return z.plan.held(); });
  }
};

}  // namespace gitns::reconcile
