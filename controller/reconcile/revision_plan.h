// The plan between two revisions of the manifest repository, computed from git alone
// (no store, no server): what `gitnsctl diff --from A --to B` prints and what
// GET /api/v1/revisions/{rev}/plan serves. It builds both revisions' desired zones the
// way the reconciler does (load_manifests, build_desired_zone) and plans them with
// plan.h (plan_zone, plan_removal, check_safety, parse_allow_trailers), so a verdict
// here is the verdict gitnsd reaches when it moves from `from` to `to`.
//
// Also the desired state of one revision on its own (`build_revision`): what
// `gitnsctl validate` checks, for files from git or from a working folder.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/manifest/loader.h"
#include "controller/reconcile/desired.h"
#include "controller/reconcile/plan.h"
#include "controller/reconcile/source.h"

namespace gitns::reconcile {

// A zone of a revision, built from its manifest (and zoneFile).
struct RevisionZone {
  std::shared_ptr<const manifest::ZoneManifest> manifest;
  std::string file;  // display path of the manifest file
  DesiredZone desired;
};

// One revision's desired state, or every error that keeps it from being applied.
struct RevisionState {
  std::string revision;  // commit id, or "" for a working folder
  manifest::Manifests manifests;
  std::vector<RevisionZone> zones;           // zones that built, canonical order of apex
  std::vector<manifest::Diagnostic> errors;  // display paths, sorted by file:line:col
  std::vector<std::string> warnings;         // "file:line:col: ..." (ignored documents too)
  bool ok() const { return errors.empty(); }
  const RevisionZone* find_zone(const wire::Name& apex) const;
};

// The serial a zone is served with before this revision (nullopt: a new zone); it seeds
// `serial: auto` exactly as the reconciler's applied serial does.
using AppliedSerial = std::function<std::optional<uint32_t>(const wire::Name& apex)>;
using DisplayPath = std::function<std::string(const std::string& source_path)>;

// Builds the desired state of a set of files already read. `read` reads other files
// of the same revision (zoneFile, $INCLUDE) relative to the source root.
RevisionState build_revision(std::span<const manifest::SourceFile> files, const FileReader& read,
                             const DisplayPath& display = {}, const AppliedSerial& applied = {});

// The same for a revision of a source (all of its manifest files are read). Fails only
// when the revision cannot be read; manifest problems are in RevisionState::errors.
base::Result<RevisionState> load_revision(RevisionSource& source, std::string_view revision,
                                          const AppliedSerial& applied = {});

struct PlannedZoneChange {
  ZonePlan plan;
  std::string file;  // display path of the manifest (of `from` for a deletion)
};

struct RevisionPlan {
  std::string from;  // "" when planned against nothing (every zone is created)
  std::string to;    // "" for a working folder
  std::vector<PlannedZoneChange> zones;      // every zone of either side, canonical order
  std::vector<manifest::Diagnostic> errors;  // errors of `to`: nothing would be applied
  std::vector<std::string> warnings;

  bool valid() const { return errors.empty(); }
  bool changes() const;  // some zone is created, updated or deleted
  bool held() const;     // some change needs an allowance it does not have
  // "invalid" (errors), "held", "changes" or "unchanged".
  std::string_view result() const;
  // "example.com.: deletes 9 of 12 records (75%, more than 30%)" per held reason.
  std::vector<std::string> held_reasons() const;
};

// Trailer values of the commits after `from` up to `to` (the Gitns-Allow-Unsafe ones).
using TrailerReader = std::function<base::Result<std::vector<std::string>>()>;

// Plans `to` against `from` (a valid revision). `from` invalid is an error: a plan needs
// a state to start from. `to` invalid gives a plan with `errors` and no zones.
// Trailers are read only when some change is unsafe.
RevisionPlan plan_states(const RevisionState* from, const RevisionState& to,
                         const TrailerReader& trailers, const SafetyPolicy& policy = {});

// Both revisions from the source (`from` empty: against nothing). The trailers are those
// of the commits reachable from `to` and not from `from`.
base::Result<RevisionPlan> plan_revisions(RevisionSource& source, std::string_view from,
                                          std::string_view to, const SafetyPolicy& policy = {});

struct PlanJsonOptions {
  // Records listed per zone and direction; the counts are always complete and
  // "truncated": true says when the lists are not.
  size_t max_records = std::numeric_limits<size_t>::max();
};

// API.md's ZonePlan as zone_plan_to_json (plan_json.h) writes it ({"zone","action",
// "added":[rr],"removed":[rr],"counts":{"added","removed","changed"},"serialFrom",
// "serialTo","unsafe":str|null,"allowedBy"}) plus "file", "unsafeReasons":[str],
// "held":bool, "truncated":bool. rr is {"name","type","ttl","data"}, name absolute. The
// lists leave out an SOA that differs only in its serial, in canonical order.
nlohmann::json to_json(const ZonePlan& plan, const std::string& file = {},
                       const PlanJsonOptions& options = {});
// {"fromRevision","revision","result","held":[str],"errors":[str],"warnings":[str],
//  "zones":[ZonePlan]} (unchanged zones included, with action "unchanged").
nlohmann::json to_json(const RevisionPlan& plan, const PlanJsonOptions& options = {});

// The records a plan adds and removes, for display: the SOA pair that differs only in
// its serial is dropped; canonical order.
struct PlanRecords {
  std::vector<wire::RR> added;
  std::vector<wire::RR> removed;
};
PlanRecords plan_records(const ZonePlan& plan);

}  // namespace gitns::reconcile
