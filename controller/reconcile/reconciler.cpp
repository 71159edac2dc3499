#include "controller/reconcile/reconciler.h"

#include <algorithm>
#include <exception>
#include <set>

#include "controller/reconcile/reconciler_internal.h"

namespace gitns::reconcile {

namespace {

std::string short_rev(std::string_view rev) { return std::string(rev.substr(0, 12)); }

}  // namespace

// ---- applied zones and their metadata ---------------------------------------------

std::string Reconciler::AppliedZone::metadata() const {
  nlohmann::json j{{"file", file}, {"changedRevision", changed_revision}};
  if (fingerprint) j["fingerprint"] = nlohmann::json::parse(fingerprint->to_json());
  return j.dump();
}

Reconciler::AppliedZone Reconciler::AppliedZone::from_metadata(
    std::shared_ptr<const zone::Zone> zone, std::string_view metadata) {
  AppliedZone a;
  a.zone = std::move(zone);
  auto j = nlohmann::json::parse(metadata, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return a;
  if (auto f = j.find("file"); f != j.end() && f->is_string()) a.file = f->get<std::string>();
  if (auto r = j.find("changedRevision"); r != j.end() && r->is_string())
    a.changed_revision = r->get<std::string>();
  if (auto fp = j.find("fingerprint"); fp != j.end())
    a.fingerprint = Fingerprint::from_json(fp->dump());
  return a;
}

// ---- lifecycle --------------------------------------------------------------------

Reconciler::Reconciler(RevisionSource& source, store::Store& store, Publish publish,
                       ReconcilerConfig config, Logger log)
    : source_(source),
      store_(store),
      publish_(std::move(publish)),
      config_(std::move(config)),
      log_(std::move(log)),
      served_(std::make_shared<const zone::ZoneSet>()) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  id_prefix_ = std::to_string(secs.count() % 100000000);
}

Reconciler::~Reconciler() = default;

void Reconciler::log(LogLevel level, std::string_view msg, LogFields fields) const {
  if (log_) log_(level, msg, fields);
}

base::Status Reconciler::restore() {
  load_suspensions();
  GITNS_TRY(store::Snapshot snap, store_.load());
  std::vector<std::shared_ptr<const zone::Zone>> zones;
  for (store::LoadedZone& z : snap.zones) {
    AppliedZone a = AppliedZone::from_metadata(z.zone, z.info.metadata);
    zones.push_back(z.zone);
    applied_[z.zone->origin().lookup_key()] = std::move(a);
  }
  GITNS_TRY(served_, zone::ZoneSet::create(std::move(zones)));
  applied_revision_ = snap.state.revision;
  if (publish_) publish_(served_);

  StatusDocument doc;
  if (!snap.state.status.empty()) {
    auto j = nlohmann::json::parse(snap.state.status, nullptr, false);
    if (!j.is_discarded()) doc = StatusDocument::from_json(j);
  }
  GITNS_TRY(auto history, store_.history());
  history_.clear();
  for (const store::HistoryEntry& h : history) {
    auto j = nlohmann::json::parse(h.record, nullptr, false);
    if (auto r = ReconcileRecord::from_json(j)) history_.push_back(std::move(*r));
  }
  doc.source.source = source_.describe();
  doc.source.last_applied_revision = applied_revision_;
  log(LogLevel::info, "restored applied state",
      {{"revision", applied_revision_.empty() ? "(none)" : applied_revision_},
       {"zones", std::to_string(served_->size())},
       {"generation", std::to_string(snap.state.generation)}});
  write_status(doc);
  return {};
}

StatusDocument Reconciler::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

std::string Reconciler::applied_revision() const { return applied_revision_; }

std::shared_ptr<const zone::ZoneSet> Reconciler::served() const { return served_; }

// ---- one reconcile ----------------------------------------------------------------

ReconcileOutcome Reconciler::reconcile(const Trigger& trigger) {
  std::lock_guard op(op_mutex_);
  if (source_suspended()) return suspended_outcome(trigger);
  Attempt a;
  a.id = "rc-" + id_prefix_ + "-" + std::to_string(++sequence_);
  a.trigger = trigger;
  base::Result<SourceRevision> fetched = base::fail(base::Errc::io, "not fetched");
  try {
    fetched = source_.fetch();
  } catch (const std::exception& e) {
    fetched = base::fail(base::Errc::io, std::string("fetch threw: ") + e.what());
  }
  if (!fetched) {
    a.revision.id = fetched_revision_;
    log(LogLevel::error, "fetch failed", {{"rid", a.id}, {"error", fetched.error().to_string()}});
    return finish(a, ReconcileResult::failed, "fetch failed: " + fetched.error().to_string());
  }
  if (fetched->forced) {
    log(LogLevel::warn, "history was rewritten (force-push); planning against the applied state",
        {{"rid", a.id}, {"revision", fetched->id}});
  }
  fetched_revision_ = fetched->id;
  a.revision = std::move(fetched).value();
  a.ms.fetch = a.lap();
  return run(a);
}

ReconcileOutcome Reconciler::reconcile_revision(const SourceRevision& revision,
                                                const Trigger& trigger) {
  std::lock_guard op(op_mutex_);
  Attempt a;
  a.id = "rc-" + id_prefix_ + "-" + std::to_string(++sequence_);
  a.trigger = trigger;
  a.revision = revision;
  return run(a);
}

ReconcileOutcome Reconciler::run(Attempt& a) {
  try {
    log(LogLevel::info, "reconcile started",
        {{"rid", a.id},
         {"revision", a.revision.id},
         {"trigger", std::string(to_string(a.trigger.kind))},
         {"subject", a.revision.subject}});
    a.repeat = status().source.last_attempted_revision == a.revision.id;
    mark_reconciling(a);
    if (!load(a)) return finish(a, ReconcileResult::failed, a.outcome.record.message);
    before_plan(a);  // sets suspended zones aside, notes the plan's base (suspend.cpp)
    a.ms.load = a.lap();
    plan_zones(a);
    a.ms.build = a.lap();
    if (!a.errors.empty()) {
      return finish(a, ReconcileResult::invalid,
                    "revision " + short_rev(a.revision.id) + " has " +
                        std::to_string(a.errors.size()) + " error(s); nothing applied");
    }
    plan_removals(a);  // only now: a zone whose manifest failed to decode is not "gone"
    check_plan_safety(a);
    if (a.any_held())
      return finish(a, ReconcileResult::held,
                    "revision " + short_rev(a.revision.id) + " held: unsafe plan");
    a.lap();
    bool persisted = persist_and_publish(a);
    a.ms.persist = a.lap();
    if (!persisted) return finish(a, ReconcileResult::failed, a.outcome.record.message);
    bool changed = std::any_of(a.zones.begin(), a.zones.end(),
                               [](const PlannedZone& z) { return z.plan.changes(); });
    return finish(a, changed ? ReconcileResult::applied : ReconcileResult::unchanged,
                  changed ? applied_message(a) : "no zone changes");
  } catch (const std::exception& e) {
    log(LogLevel::error, "reconcile failed unexpectedly", {{"rid", a.id}, {"error", e.what()}});
    return finish(a, ReconcileResult::failed, std::string("internal error: ") + e.what());
  }
}

void Reconciler::mark_reconciling(const Attempt& a) {
  StatusDocument doc = status();
  if (doc.source.last_attempted_revision == a.revision.id) return;  // a poll of a settled revision
  std::vector<Condition> before = doc.source.conditions;
  set_condition(
      doc.source.conditions,
      {std::string(kReconciling), true, "Progressing", "reconciling revision " + a.revision.id, {}},
      before, rfc3339(std::chrono::system_clock::now()));
  write_status(doc);
}

bool Reconciler::load(Attempt& a) {
  auto entries = source_.list(a.revision.id);
  if (!entries) {
    a.outcome.record.message =
        "cannot read revision " + short_rev(a.revision.id) + ": " + entries.error().to_string();
    return false;
  }
  std::vector<manifest::SourceFile> files;
  files.reserve(entries->size());
  for (SourceEntry& e : *entries) {
    manifest::SourceFile f{e.path, {}, e.blob_id};
    if (!cache_.contains(e.path, e.blob_id)) {
      auto content = source_.read_blob(e.blob_id);
      if (!content) {
        a.outcome.record.message =
            "cannot read " + source_.display_path(e.path) + ": " + content.error().to_string();
        return false;
      }
      f.content = std::move(content).value();
    }
    a.blob_of[e.path] = e.blob_id;
    files.push_back(std::move(f));
  }
  a.manifests = manifest::load_manifests(files, &cache_);
  for (manifest::Diagnostic d : a.manifests.errors) {
    d.file = source_.display_path(d.file);
    a.errors.push_back(std::move(d));
  }
  for (const manifest::IgnoredDocument& i : a.manifests.ignored) {
    a.outcome.warnings.push_back(
        manifest::format_location(source_.display_path(i.file), i.position) +
        ": ignored: " + i.reason);
  }
  a.loaded = true;
  return true;
}

void Reconciler::plan_zones(Attempt& a) {
  const std::string rev = a.revision.id;
  FileReader reader = [this, &rev](const std::string& path) {
    return source_.read_file(rev, path);
  };
  DesiredOptions options;
  options.display_path = [this](const std::string& p) { return source_.display_path(p); };
  std::string settings_blob;
  if (a.manifests.settings) settings_blob = a.blob_of[a.manifests.settings->object.file];

  for (const auto& m : a.manifests.zones) {
    std::string key = m->apex.lookup_key();
    PlannedZone pz;
    pz.manifest = m;
    pz.file = source_.display_path(m->object.file);
    pz.fingerprint.manifest = a.blob_of[m->object.file] + "#" + std::to_string(m->object.document);
    pz.fingerprint.settings = settings_blob;
    auto applied = applied_.find(key);
    const AppliedZone* cur = applied == applied_.end() ? nullptr : &applied->second;
    if (cur && cur->fingerprint && cur->fingerprint->manifest == pz.fingerprint.manifest &&
        cur->fingerprint->settings == pz.fingerprint.settings &&
        files_unchanged(*cur->fingerprint, reader)) {
      pz.fingerprint.files = cur->fingerprint->files;
      pz.plan = plan_unchanged(cur->zone);
      ++a.outcome.zones_reused;
      a.zones.push_back(std::move(pz));
      continue;
    }
    std::optional<uint32_t> applied_serial;
    if (cur) applied_serial = cur->zone->serial();
    DesiredZone d = zone_cache_.build(
        *m, reader,
        {cur ? cur->zone : nullptr, cur && cur->fingerprint ? &*cur->fingerprint : nullptr},
        pz.fingerprint, applied_serial, options);
    ++a.outcome.zones_rebuilt;
    for (std::string& w : d.warnings) a.outcome.warnings.push_back(std::move(w));
    if (!d.ok()) {
      for (manifest::Diagnostic& e : d.errors) {
        a.zone_errors[key].push_back(e.to_string());
        a.errors.push_back(std::move(e));
      }
      continue;
    }
    pz.fingerprint.files = std::move(d.files);
    pz.rebuilt = true;
    auto plan = plan_zone(cur ? cur->zone : nullptr, d.zone,
                          {m->serial_auto, m->serial, d.file_serial, applied_serial},
                          d.diff ? &*d.diff : nullptr);
    if (!plan) {
      manifest::Diagnostic e{pz.file, m->serial_position, "spec.serial", plan.error().message};
      a.zone_errors[key].push_back(e.to_string());
      a.errors.push_back(std::move(e));
      continue;
    }
    pz.plan = std::move(plan).value();
    a.zones.push_back(std::move(pz));
  }
  manifest::sort_diagnostics(a.errors);
}

void Reconciler::plan_removals(Attempt& a) {
  std::set<std::string> wanted;
  for (const auto& m : a.manifests.zones) wanted.insert(m->apex.lookup_key());
  for (const auto& [key, applied] : applied_) {
    if (wanted.count(key) || zone_suspended(key)) continue;
    PlannedZone pz;
    pz.plan = plan_removal(applied.zone);
    pz.file = applied.file;
    a.zones.push_back(std::move(pz));
  }
}

void Reconciler::check_plan_safety(Attempt& a) {
  auto annotated = [](const PlannedZone& z) {
    if (!z.manifest) return false;
    const auto& ann = z.manifest->object.annotations;
    auto it = ann.find(std::string(kAllowUnsafeAnnotation));
    return it != ann.end() && it->second == "true";
  };
  // Trailers are read only when something is unsafe: reading them walks the history.
  bool unsafe = std::any_of(a.zones.begin(), a.zones.end(), [&](const PlannedZone& z) {
    return !unsafe_reasons(z.plan, config_.safety).empty();
  });
  TrailerAllowances trailers;
  if (unsafe) {
    auto values = source_.trailer_values(applied_revision_, a.revision.id, kAllowUnsafeTrailer);
    if (values) {
      trailers = parse_allow_trailers(*values);
      for (const std::string& bad : trailers.invalid)
        a.outcome.warnings.push_back(std::string(kAllowUnsafeTrailer) + ": \"" + bad +
                                     "\" is not a zone name");
    } else {
      a.trailer_problem = "could not read commit trailers: " + values.error().to_string();
      log(LogLevel::warn, "cannot read commit trailers",
          {{"rid", a.id}, {"error", values.error().to_string()}});
    }
  }
  for (PlannedZone& z : a.zones) {
    check_safety(z.plan, config_.safety, annotated(z), trailers);
    if (z.plan.held()) {
      for (const std::string& why : z.plan.unsafe)
        a.outcome.held.push_back(z.plan.origin.to_text() + ": " + why);
    } else if (!z.plan.unsafe.empty()) {
      log(LogLevel::warn, "unsafe change allowed",
          {{"rid", a.id},
           {"zone", z.plan.origin.to_text()},
           {"by", z.plan.allowed_by},
           {"change", z.plan.unsafe.front()}});
    }
  }
}

bool Reconciler::persist_and_publish(Attempt& a) {
  store::ApplyBatch batch;
  batch.revision = a.revision.id;
  std::map<std::string, AppliedZone> next = applied_;
  bool zones_changed = false;
  for (PlannedZone& z : a.zones) {
    std::string key = z.plan.origin.lookup_key();
    ZonePlan& p = z.plan;
    if (p.action == ZoneAction::remove) {
      batch.deletes.push_back(p.origin);
      next.erase(key);
      zones_changed = true;
      continue;
    }
    AppliedZone az;
    az.zone = p.desired;
    az.fingerprint = z.fingerprint;
    az.file = z.file;
    auto old = applied_.find(key);
    az.changed_revision =
        p.changes() || old == applied_.end() ? a.revision.id : old->second.changed_revision;
    std::string metadata = az.metadata();
    if (p.action == ZoneAction::create) {
      batch.puts.push_back({p.desired, metadata});
      zones_changed = true;
    } else if (p.action == ZoneAction::update) {
      batch.patches.push_back({p.origin, std::move(p.diff), metadata});
      p.diff = {};
      zones_changed = true;
    } else if (old->second.metadata() != metadata) {
      batch.patches.push_back({p.origin, {}, metadata});
    }
    next[key] = std::move(az);
  }
  ReconcileResult result = zones_changed ? ReconcileResult::applied : ReconcileResult::unchanged;
  if (a.revision.id == applied_revision_ && batch.puts.empty() && batch.patches.empty() &&
      batch.deletes.empty())
    return true;  // the same revision again: nothing to persist

  std::shared_ptr<const zone::ZoneSet> set = served_;
  if (zones_changed) {
    std::vector<std::shared_ptr<const zone::Zone>> zones;
    for (const auto& [key, z] : next) zones.push_back(z.zone);
    auto created = zone::ZoneSet::create(std::move(zones));
    if (!created) {
      a.outcome.record.message = "cannot assemble the zone set: " + created.error().to_string();
      return false;
    }
    set = std::move(created).value();
  }

  // The status and history entry stored with the apply describe the state after it.
  std::string old_revision = applied_revision_;
  applied_.swap(next);
  applied_revision_ = a.revision.id;
  std::string message = result == ReconcileResult::applied ? applied_message(a) : "no zone changes";
  ReconcileRecord record = make_record(a, result, message);
  batch.status = make_status(a, result, message).to_json().dump();
  bool record_it = should_record(record);
  if (record_it) batch.history = record.to_json().dump();
  auto applied = store_.apply(batch);
  if (!applied) {
    applied_.swap(next);
    applied_revision_ = old_revision;
    a.outcome.record.message = "cannot persist the apply: " + applied.error().to_string();
    log(LogLevel::error, "persist failed; nothing applied",
        {{"rid", a.id}, {"error", applied.error().to_string()}});
    return false;
  }
  a.persisted = true;
  if (record_it) push_history(record);
  if (zones_changed) {
    served_ = set;
    if (publish_) publish_(set);  // after the commit: a crash never serves what is not stored
  }
  log(LogLevel::info, "persisted",
      {{"rid", a.id},
       {"generation", std::to_string(applied->generation)},
       {"rrsets_written", std::to_string(applied->stats.rrsets_written)},
       {"journal_written", std::to_string(applied->stats.journal_written)}});
  return true;
}

std::string Reconciler::applied_message(const Attempt& a) const {
  size_t created = 0, updated = 0, deleted = 0;
  for (const PlannedZone& z : a.zones) {
    created += z.plan.action == ZoneAction::create;
    updated += z.plan.action == ZoneAction::update;
    deleted += z.plan.action == ZoneAction::remove;
  }
  return "applied revision " + short_rev(a.revision.id) + ": " + std::to_string(created) +
         " zone(s) created, " + std::to_string(updated) + " updated, " + std::to_string(deleted) +
         " deleted";
}

ReconcileRecord Reconciler::make_record(const Attempt& a, ReconcileResult result,
                                        std::string message) const {
  ReconcileRecord r;
  r.id = a.id;
  r.revision = a.revision.id;
  r.trigger = std::string(to_string(a.trigger.kind));
  r.result = result;
  r.started = a.started;
  r.message = std::move(message);
  r.errors = a.errors.size();
  if (result != ReconcileResult::failed && result != ReconcileResult::invalid) {
    for (const PlannedZone& z : a.zones) {
      if (z.plan.action == ZoneAction::create) ++r.zones_created;
      if (z.plan.action == ZoneAction::update) ++r.zones_updated;
      if (z.plan.action == ZoneAction::remove) ++r.zones_deleted;
      r.records += z.plan.counts;
    }
  }
  r.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - a.start).count();
  return r;
}

void Reconciler::push_history(const ReconcileRecord& r) {
  history_.push_back(r);
  while (history_.size() > std::max<size_t>(1, store_.options().history_max)) history_.pop_front();
}

bool Reconciler::should_record(const ReconcileRecord& r) const {
  // Polls of a revision that is already settled (applied, or failing the same way)
  // would fill the history with copies; the first one is enough.
  if (history_.empty()) return true;
  const ReconcileRecord& last = history_.back();
  if (r.result == ReconcileResult::applied) return true;
  return !(last.revision == r.revision && last.result == r.result && last.message == r.message) &&
         !(r.result == ReconcileResult::unchanged && last.revision == r.revision &&
           last.result == ReconcileResult::applied);
}

ReconcileOutcome Reconciler::finish(Attempt& a, ReconcileResult result, std::string message) {
  for (const manifest::Diagnostic& d : a.errors) a.outcome.errors.push_back(d.to_string());
  ReconcileRecord record =
      a.persisted ? history_or_make(a, result, message) : make_record(a, result, message);
  record.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - a.start).count();
  a.outcome.record = record;

  // Polls of a revision already attempted log the outcome line only, not every detail.
  for (const std::string& e : a.outcome.errors) {
    if (!a.repeat) log(LogLevel::error, "manifest error", {{"rid", a.id}, {"error", e}});
  }
  for (const std::string& h : a.outcome.held) {
    if (!a.repeat) log(LogLevel::warn, "plan held", {{"rid", a.id}, {"reason", h}});
  }
  for (const std::string& w : a.outcome.warnings) {
    if (!a.repeat) log(LogLevel::warn, "warning", {{"rid", a.id}, {"warning", w}});
  }
  for (const PlannedZone& z : a.zones) {
    if (a.repeat && !a.persisted) continue;
    if (!z.plan.changes() || result == ReconcileResult::invalid) continue;
    log(LogLevel::info, "zone plan",
        {{"rid", a.id},
         {"zone", z.plan.origin.to_text()},
         {"action", std::string(to_string(z.plan.action))},
         {"added", std::to_string(z.plan.counts.added)},
         {"removed", std::to_string(z.plan.counts.removed)},
         {"changed", std::to_string(z.plan.counts.changed)},
         {"serial_from", std::to_string(z.plan.serial_from)},
         {"serial_to", std::to_string(z.plan.serial_to)},
         {"held", z.plan.held() ? "true" : "false"}});
  }

  StatusDocument doc = make_status(a, result, record.message);
  if (!a.persisted && should_record(record)) {
    // Nothing was applied: the status and the history entry are the only writes.
    auto stored = store_.record(doc.to_json().dump(), record.to_json().dump());
    if (!stored)
      log(LogLevel::error, "cannot store status",
          {{"rid", a.id}, {"error", stored.error().to_string()}});
    push_history(record);
  }
  write_status(doc);
  LogLevel level = result == ReconcileResult::failed || result == ReconcileResult::invalid
                       ? LogLevel::error
                   : result == ReconcileResult::held ? LogLevel::warn
                                                     : LogLevel::info;
  log(level, "reconcile finished",
      {{"rid", a.id},
       {"result", std::string(to_string(result))},
       {"revision", a.revision.id},
       {"applied_revision", applied_revision_},
       {"duration_ms", std::to_string(record.duration_ms)},
       {"zones_created", std::to_string(record.zones_created)},
       {"zones_updated", std::to_string(record.zones_updated)},
       {"zones_deleted", std::to_string(record.zones_deleted)},
       {"rebuilt", std::to_string(a.outcome.zones_rebuilt)},
       {"reused", std::to_string(a.outcome.zones_reused)},
       {"errors", std::to_string(record.errors)},
       {"fetch_ms", std::to_string(a.ms.fetch)},
       {"load_ms", std::to_string(a.ms.load)},
       {"build_ms", std::to_string(a.ms.build)},
       {"persist_ms", std::to_string(a.ms.persist)},
       {"message", record.message}});
  remember_plan(a, result);
  notify_outcome(a.outcome);
  return std::move(a.outcome);
}

ReconcileRecord Reconciler::history_or_make(const Attempt& a, ReconcileResult result,
                                            const std::string& message) const {
  if (!history_.empty() && history_.back().id == a.id) return history_.back();
  return make_record(a, result, message);
}

}  // namespace gitns::reconcile
