#include "controller/reconcile/revision_plan.h"

#include <algorithm>
#include <map>

#include "controller/reconcile/plan_json.h"
#include "controller/reconcile/reconciler.h"
#include "resolver/wire/rdata.h"

namespace gitns::reconcile {
namespace {

bool annotated_unsafe(const manifest::ZoneManifest* m) {
  if (!m) return false;
  auto it = m->object.annotations.find(std::string(kAllowUnsafeAnnotation));
  return it != m->object.annotations.end() && it->second == "true";
}

bool canonical_less(const wire::RR& a, const wire::RR& b) {
  int c = a.owner.canonical_compare(b.owner);
  if (c != 0) return c < 0;
  if (a.type != b.type) return a.type < b.type;
  return a.rdata < b.rdata;
}

}  // namespace

const RevisionZone* RevisionState::find_zone(const wire::Name& apex) const {
  for (const RevisionZone& z : zones)
    if (z.manifest->apex == apex) return &z;
  return nullptr;
}

RevisionState build_revision(std::span<const manifest::SourceFile> files, const FileReader& read,
                             const DisplayPath& display, const AppliedSerial& applied) {
  auto show = [&](const std::string& p) { return display ? display(p) : p; };
  RevisionState s;
  s.manifests = manifest::load_manifests(files);
  for (manifest::Diagnostic d : s.manifests.errors) {
    d.file = show(d.file);
    s.errors.push_back(std::move(d));
  }
  for (const manifest::IgnoredDocument& i : s.manifests.ignored)
    s.warnings.push_back(manifest::format_location(show(i.file), i.position) +
                         ": ignored: " + i.reason);
  DesiredOptions options;
  if (display) options.display_path = display;
  for (const auto& m : s.manifests.zones) {
    std::optional<uint32_t> serial = applied ? applied(m->apex) : std::nullopt;
    DesiredZone d = build_desired_zone(*m, read, serial, options);
    for (std::string& w : d.warnings) s.warnings.push_back(std::move(w));
    if (!d.ok()) {
      for (manifest::Diagnostic& e : d.errors) s.errors.push_back(std::move(e));
      continue;
    }
    s.zones.push_back({m, show(m->object.file), std::move(d)});
  }
  manifest::sort_diagnostics(s.errors);
  return s;
}

base::Result<RevisionState> load_revision(RevisionSource& source, std::string_view revision,
                                          const AppliedSerial& applied) {
  GITNS_TRY(std::vector<SourceEntry> entries, source.list(revision));
  std::vector<manifest::SourceFile> files;
  files.reserve(entries.size());
  for (SourceEntry& e : entries) {
    auto content = source.read_blob(e.blob_id);
    if (!content)
      return base::fail(content.error().code, "cannot read " + source.display_path(e.path) +
                                                  ": " + content.error().message);
    files.push_back({e.path, std::move(content).value(), e.blob_id});
  }
  std::string rev(revision);
  FileReader reader = [&source, rev](const std::string& path) {
    return source.read_file(rev, path);
  };
  DisplayPath display = [&source](const std::string& p) { return source.display_path(p); };
  RevisionState s = build_revision(files, reader, display, applied);
  s.revision = rev;
  return s;
}

bool RevisionPlan::changes() const {
  return std::any_of(zones.begin(), zones.end(),
                     [](const PlannedZoneChange& z) { return z.plan.changes(); });
}

bool RevisionPlan::held() const {
  return std::any_of(zones.begin(), zones.end(),
                     [](const PlannedZoneChange& z) { return z.plan.held(); });
}

std::string_view RevisionPlan::result() const {
  if (!valid()) return "invalid";
  if (held()) return "held";
  return changes() ? "changes" : "unchanged";
}

std::vector<std::string> RevisionPlan::held_reasons() const {
  std::vector<std::string> out;
  for (const PlannedZoneChange& z : zones) {
    if (!z.plan.held()) continue;
    for (const std::string& why : z.plan.unsafe) out.push_back(z.plan.origin.to_text() + ": " + why);
  }
  return out;
}

RevisionPlan plan_states(const RevisionState* from, const RevisionState& to,
                         const TrailerReader& trailers, const SafetyPolicy& policy) {
  RevisionPlan p;
  p.from = from ? from->revision : "";
  p.to = to.revision;
  p.warnings = to.warnings;
  p.errors = to.errors;
  if (!to.ok()) return p;

  std::map<std::string, const manifest::ZoneManifest*> manifest_of;  // by lookup key
  for (const RevisionZone& z : to.zones) {
    const RevisionZone* old = from ? from->find_zone(z.manifest->apex) : nullptr;
    const DesiredZone& d = z.desired;
    std::optional<uint32_t> applied_serial;
    if (old) applied_serial = old->desired.zone->serial();
    auto plan = plan_zone(old ? old->desired.zone : nullptr, d.zone,
                          {z.manifest->serial_auto, z.manifest->serial, d.file_serial, applied_serial});
    if (!plan) {
      p.errors.push_back({z.file, z.manifest->serial_position, "spec.serial", plan.error().message});
      continue;
    }
    manifest_of[z.manifest->apex.lookup_key()] = z.manifest.get();
    p.zones.push_back({std::move(plan).value(), z.file});
  }
  if (!p.errors.empty()) {
    manifest::sort_diagnostics(p.errors);
    p.zones.clear();
    return p;
  }
  if (from) {
    for (const RevisionZone& z : from->zones) {
      if (to.find_zone(z.manifest->apex)) continue;
      p.zones.push_back({plan_removal(z.desired.zone), z.file});
    }
  }
  std::sort(p.zones.begin(), p.zones.end(), [](const auto& a, const auto& b) {
    return a.plan.origin.canonical_compare(b.plan.origin) < 0;
  });

  bool unsafe = std::any_of(p.zones.begin(), p.zones.end(), [&](const PlannedZoneChange& z) {
    return !unsafe_reasons(z.plan, policy).empty();
  });
  TrailerAllowances allowances;
  if (unsafe && trailers) {
    auto values = trailers();
    if (values) {
      allowances = parse_allow_trailers(*values);
      for (const std::string& bad : allowances.invalid)
        p.warnings.push_back(std::string(kAllowUnsafeTrailer) + ": \"" + bad +
                             "\" is not a zone name");
    } else {
      p.warnings.push_back("could not read commit trailers: " + values.error().to_string());
    }
  }
  for (PlannedZoneChange& z : p.zones) {
    auto m = manifest_of.find(z.plan.origin.lookup_key());
    check_safety(z.plan, policy, annotated_unsafe(m == manifest_of.end() ? nullptr : m->second),
                 allowances);
  }
  return p;
}

base::Result<RevisionPlan> plan_revisions(RevisionSource& source, std::string_view from,
                                          std::string_view to, const SafetyPolicy& policy) {
  std::optional<RevisionState> before;
  if (!from.empty()) {
    GITNS_TRY(before, load_revision(source, from));
    if (!before->ok()) {
      return base::fail(base::Errc::semantic,
                        "revision " + std::string(from) + " (the one planned from) is invalid: " +
                            std::to_string(before->errors.size()) + " error(s), the first: " +
                            before->errors.front().to_string());
    }
  }
  AppliedSerial applied = [&before](const wire::Name& apex) -> std::optional<uint32_t> {
    if (!before) return std::nullopt;
    const RevisionZone* z = before->find_zone(apex);
    if (!z) return std::nullopt;
    return z->desired.zone->serial();
  };
  GITNS_TRY(RevisionState after, load_revision(source, to, applied));
  std::string from_id(from), to_id(to);
  TrailerReader trailers = [&source, from_id, to_id]() {
    return source.trailer_values(from_id, to_id, kAllowUnsafeTrailer);
  };
  return plan_states(before ? &*before : nullptr, after, trailers, policy);
}

PlanRecords plan_records(const ZonePlan& plan) {
  PlanRecords out;
  switch (plan.action) {
    case ZoneAction::unchanged:
      return out;
    case ZoneAction::create:
      out.added = plan.desired->records();
      return out;
    case ZoneAction::remove:
      out.removed = plan.applied->records();
      return out;
    case ZoneAction::update:
      break;
  }
  if (!plan.diff.empty() || !plan.applied || !plan.desired) {
    out.added = plan.diff.added;
    out.removed = plan.diff.removed;
  } else {
    // An applied plan moved its diff into the store batch: compute it again.
    zone::ZoneDiff d = zone::diff(*plan.applied, *plan.desired);
    out.added = std::move(d.added);
    out.removed = std::move(d.removed);
  }
  // Every changed zone has a new SOA serial; "serial" says it, the lists need not.
  auto soa_at = [&](std::vector<wire::RR>& v) {
    return std::find_if(v.begin(), v.end(), [&](const wire::RR& rr) {
      return rr.type == wire::rrtype::SOA && rr.owner == plan.origin;
    });
  };
  auto a = soa_at(out.added);
  auto r = soa_at(out.removed);
  if (a != out.added.end() && r != out.removed.end() &&
      is_serial_only(zone::ZoneDiff{{*r}, {*a}})) {
    out.added.erase(a);
    out.removed.erase(r);
  }
  std::sort(out.added.begin(), out.added.end(), canonical_less);
  std::sort(out.removed.begin(), out.removed.end(), canonical_less);
  return out;
}

nlohmann::json to_json(const ZonePlan& plan, const std::string& file,
                       const PlanJsonOptions& options) {
  // The last plan's shape (plan_json.h) plus what only a revision plan knows.
  nlohmann::json j = zone_plan_to_json(plan, options.max_records);
  j["truncated"] = j.value("truncated", false);
  j["file"] = file;
  j["unsafeReasons"] = plan.unsafe;
  j["held"] = plan.held();
  return j;
}

nlohmann::json to_json(const RevisionPlan& plan, const PlanJsonOptions& options) {
  nlohmann::json zones = nlohmann::json::array();
  for (const PlannedZoneChange& z : plan.zones) zones.push_back(to_json(z.plan, z.file, options));
  nlohmann::json errors = nlohmann::json::array();
  for (const manifest::Diagnostic& d : plan.errors) errors.push_back(d.to_string());
  return {{"fromRevision", plan.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(plan.from)},
          {"revision", plan.to.empty() ? nlohmann::json(nullptr) : nlohmann::json(plan.to)},
          {"result", std::string(plan.result())},
          {"held", plan.held_reasons()},
          {"errors", errors},
          {"warnings", plan.warnings},
          {"zones", zones}};
}

}  // namespace gitns::reconcile
