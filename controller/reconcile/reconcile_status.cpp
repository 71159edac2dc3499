// The status half of the Reconciler: what a reconcile's outcome means for each object,
// and the status document that gitnsd writes and the HTTP API will serve.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "controller/reconcile/reconciler.h"
#include "controller/reconcile/reconciler_internal.h"

namespace gitns::reconcile {

namespace {

std::string short_rev(std::string_view rev) {
  return rev.empty() ? "(none)" : std::string(rev.substr(0, 12));
}

std::string first_and_more(const std::vector<std::string>& lines) {
  if (lines.empty()) return {};
  std::string s = lines.front();
  if (lines.size() > 1) s += " (and " + std::to_string(lines.size() - 1) + " more)";
  return s;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

bool before(const manifest::Position& a, const manifest::Position& b) {
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

// Sets Ready, Reconciling and Stalled at once.
void set_all(std::vector<Condition>& out, const std::vector<Condition>& previous,
             const std::string& now, bool ready, bool stalled, bool reconciling,
             const std::string& reason, const std::string& message) {
  set_condition(out, {std::string(kReady), ready, reason, message, {}}, previous, now);
  set_condition(out,
                {std::string(kReconciling), reconciling, reason, reconciling ? message : "", {}},
                previous, now);
  set_condition(out, {std::string(kStalled), stalled, reason, stalled ? message : "", {}}, previous,
                now);
}

const std::vector<Condition>& previous_conditions(const StatusDocument& prev,
                                                  const std::string& kind,
                                                  const std::string& name) {
  static const std::vector<Condition> none;
  const ObjectStatus* o = prev.find(kind, name);
  return o ? o->conditions : none;
}

constexpr std::string_view kHowToAllow =
    "; to allow it, add the annotation gitns.io/allow-unsafe: \"true\" to the manifest or a commit "
    "trailer "
    "\"Gitns-Allow-Unsafe: ";

}  // namespace

// The errors of the loader that fall inside one object's document: from its start to
// the start of the next decoded object in the same file.
static std::vector<std::string> errors_in_document(const std::vector<manifest::Diagnostic>& errors,
                                                   const std::string& file,
                                                   manifest::Position start,
                                                   const std::vector<manifest::Position>& others) {
  manifest::Position end{1 << 30, 0};
  for (const manifest::Position& p : others) {
    if (before(start, p) && before(p, end)) end = p;
  }
  std::vector<std::string> out;
  for (const manifest::Diagnostic& d : errors) {
    if (d.file != file) continue;
    if (!d.position.known() || (!before(d.position, start) && before(d.position, end)))
      out.push_back(d.to_string());
  }
  return out;
}

StatusDocument Reconciler::make_status(const Attempt& a, ReconcileResult result,
                                       const std::string& message) const {
  StatusDocument prev = status();
  StatusDocument doc;
  const std::string now = rfc3339(std::chrono::system_clock::now());
  doc.source = prev.source;
  doc.source.source = source_.describe();
  if (!fetched_revision_.empty()) doc.source.last_fetched_revision = fetched_revision_;
  if (!a.revision.id.empty()) doc.source.last_attempted_revision = a.revision.id;
  doc.source.last_applied_revision = applied_revision_;
  doc.source.last_reconcile_time = now;

  std::vector<std::string> errors;
  for (const manifest::Diagnostic& d : a.errors) errors.push_back(d.to_string());
  errors.insert(errors.end(), a.outcome.held.begin(), a.outcome.held.end());
  if (result == ReconcileResult::failed) errors.push_back(message);
  if (!a.trailer_problem.empty() && result == ReconcileResult::held)
    errors.push_back(a.trailer_problem);
  doc.source.errors_omitted =
      errors.size() > config_.max_status_errors ? errors.size() - config_.max_status_errors : 0;
  if (doc.source.errors_omitted) errors.resize(config_.max_status_errors);
  doc.source.errors = errors;
  doc.source.last_error = errors.empty() ? "" : first_and_more(errors);

  const auto& pc = prev.source.conditions;
  std::string serving = "; serving revision " + short_rev(applied_revision_);
  switch (result) {
    case ReconcileResult::applied:
      set_all(doc.source.conditions, pc, now, true, false, false, "Applied", message);
      break;
    case ReconcileResult::unchanged:
      set_all(doc.source.conditions, pc, now, true, false, false, "UpToDate",
              "revision " + short_rev(applied_revision_) + " is applied");
      break;
    case ReconcileResult::invalid:
      set_all(doc.source.conditions, pc, now, false, true, false, "ValidationFailed",
              message + ": " + doc.source.last_error + serving);
      break;
    case ReconcileResult::held:
      set_all(doc.source.conditions, pc, now, false, true, false, "UnsafePlan",
              message + ": " + join(a.outcome.held, "; ") + serving);
      break;
    case ReconcileResult::failed:
      set_all(doc.source.conditions, pc, now, false, false, true, "ReconcileFailed",
              message + serving + "; retrying at the next poll or signal");
      break;
  }

  if (!a.loaded || result == ReconcileResult::failed) {
    doc.objects = prev.objects;  // nothing new is known about them
    return doc;
  }
  add_zone_objects(a, result, doc);
  add_other_objects(a, doc);
  std::sort(doc.objects.begin(), doc.objects.end(),
            [](const ObjectStatus& x, const ObjectStatus& y) {
              return std::tie(x.kind, x.name) < std::tie(y.kind, y.name);
            });
  return doc;
}

void Reconciler::add_zone_objects(const Attempt& a, ReconcileResult result,
                                  StatusDocument& doc) const {
  StatusDocument prev = status();
  const std::string now = rfc3339(std::chrono::system_clock::now());
  std::map<std::string, const PlannedZone*> plans;
  for (const PlannedZone& z : a.zones) plans[z.plan.origin.lookup_key()] = &z;

  // Document starts of every decoded object, per file, to attribute loader errors.
  std::map<std::string, std::vector<manifest::Position>> starts;
  for (const auto& z : a.manifests.zones) starts[z->object.file].push_back(z->object.position);
  for (const auto& k : a.manifests.tsig_keys) starts[k->object.file].push_back(k->object.position);
  if (a.manifests.settings)
    starts[a.manifests.settings->object.file].push_back(a.manifests.settings->object.position);

  bool blocked = result == ReconcileResult::invalid || result == ReconcileResult::held;
  std::string blocked_reason =
      result == ReconcileResult::invalid ? "RevisionNotApplied" : "RevisionHeld";
  std::string blocked_message =
      result == ReconcileResult::invalid
          ? "revision " + short_rev(a.revision.id) +
                " was not applied: it has errors in other objects"
          : "revision " + short_rev(a.revision.id) + " is held by unsafe changes in other zones";

  auto fill_served = [&](ObjectStatus& o, const std::string& key) -> std::string {
    auto it = applied_.find(key);
    if (it == applied_.end()) return "; not served yet";
    o.served_serial = it->second.zone->serial();
    o.record_count = it->second.zone->record_count();
    o.last_applied_revision = applied_revision_;
    o.last_changed_revision = it->second.changed_revision;
    return "; serving serial " + std::to_string(it->second.zone->serial()) + " (" +
           std::to_string(it->second.zone->record_count()) + " records) from revision " +
           short_rev(applied_revision_);
  };

  auto conditions = [&](ObjectStatus& o, const std::vector<std::string>& own, const PlannedZone* pz,
                        const std::string& key, const std::string& gone_note) {
    const auto& pc = previous_conditions(prev, o.kind, o.name);
    std::string serving = fill_served(o, key);
    if (!own.empty()) {
      o.last_error = own.front();
      set_all(o.conditions, pc, now, false, true, false, "InvalidManifest",
              first_and_more(own) + serving);
    } else if (blocked && pz && pz->plan.held()) {
      std::string msg =
          join(pz->plan.unsafe, "; ") + gone_note + std::string(kHowToAllow) + o.name + "\"";
      o.last_error = msg;
      set_all(o.conditions, pc, now, false, true, false, "UnsafePlan", msg + serving);
    } else if (blocked && (!pz || pz->plan.changes())) {
      set_all(o.conditions, pc, now, false, false, false, blocked_reason,
              blocked_message + serving);
    } else {
      bool changed = pz && pz->plan.changes();
      set_all(o.conditions, pc, now, true, false, false, changed ? "Applied" : "UpToDate",
              (changed ? "applied" : "up to date") + serving);
    }
  };

  std::set<std::string> listed;
  for (const auto& m : a.manifests.zones) {
    std::string key = m->apex.lookup_key();
    if (!listed.insert(key).second) continue;  // defined twice: an error already says so
    ObjectStatus o;
    o.kind = "Zone";
    o.name = m->apex.to_text();
    std::string file = source_.display_path(m->object.file);
    o.location = manifest::format_location(file, m->object.name_position);
    std::vector<std::string> own =
        errors_in_document(a.errors, file, m->object.position, starts[m->object.file]);
    if (auto it = a.zone_errors.find(key); it != a.zone_errors.end()) {
      for (const std::string& e : it->second) {
        if (std::find(own.begin(), own.end(), e) == own.end()) own.push_back(e);
      }
    }
    auto p = plans.find(key);
    conditions(o, own, p == plans.end() ? nullptr : p->second, key, "");
    doc.objects.push_back(std::move(o));
  }
  // Served zones whose object is not in this revision (gone, or did not decode).
  for (const auto& [key, applied] : applied_) {
    if (listed.count(key)) continue;
    ObjectStatus o;
    o.kind = "Zone";
    o.name = applied.zone->origin().to_text();
    o.location = applied.file;  // where it was last seen
    std::vector<std::string> own;
    for (const manifest::Diagnostic& d : a.errors) {
      if (!applied.file.empty() && d.file == applied.file) own.push_back(d.to_string());
    }
    auto p = plans.find(key);
    conditions(o, own, p == plans.end() ? nullptr : p->second, key,
               " (its manifest is gone, so only a commit trailer can allow this)");
    doc.objects.push_back(std::move(o));
  }
}

void Reconciler::add_other_objects(const Attempt& a, StatusDocument& doc) const {
  StatusDocument prev = status();
  const std::string now = rfc3339(std::chrono::system_clock::now());
  std::map<std::string, std::vector<manifest::Position>> starts;
  for (const auto& z : a.manifests.zones) starts[z->object.file].push_back(z->object.position);
  for (const auto& k : a.manifests.tsig_keys) starts[k->object.file].push_back(k->object.position);
  if (a.manifests.settings)
    starts[a.manifests.settings->object.file].push_back(a.manifests.settings->object.position);

  for (const auto& k : a.manifests.tsig_keys) {
    ObjectStatus o;
    o.kind = "TsigKey";
    o.name = k->name.to_text();
    std::string file = source_.display_path(k->object.file);
    o.location = manifest::format_location(file, k->object.name_position);
    const auto& pc = previous_conditions(prev, o.kind, o.name);
    auto own = errors_in_document(a.errors, file, k->object.position, starts[k->object.file]);
    if (!own.empty()) {
      o.last_error = own.front();
      set_all(o.conditions, pc, now, false, true, false, "InvalidManifest", first_and_more(own));
    } else if (auto secret = manifest::read_secret(k->secret); !secret) {
      // A missing secret stalls this key only; the commit stays valid (CI has no secrets).
      o.last_error =
          manifest::format_location(file, k->secret.position) + ": " + secret.error().message;
      set_all(o.conditions, pc, now, false, true, false, "SecretMissing", o.last_error);
    } else {
      set_all(o.conditions, pc, now, true, false, false, "SecretAvailable",
              std::string(manifest::to_string(k->algorithm)) + " key loaded (" +
                  std::to_string(secret->size()) +
                  " bytes); used once transfers and updates arrive");
    }
    doc.objects.push_back(std::move(o));
  }
  if (const auto& s = a.manifests.settings) {
    ObjectStatus o;
    o.kind = "Settings";
    o.name = s->object.name;
    std::string file = source_.display_path(s->object.file);
    o.location = manifest::format_location(file, s->object.name_position);
    const auto& pc = previous_conditions(prev, o.kind, o.name);
    auto own = errors_in_document(a.errors, file, s->object.position, starts[s->object.file]);
    if (!own.empty()) {
      o.last_error = own.front();
      set_all(o.conditions, pc, now, false, true, false, "InvalidManifest", first_and_more(own));
    } else {
      std::string msg = "zone defaults applied";
      if (!s->listeners.empty()) msg += "; listeners are not applied yet (gitnsd --listen decides)";
      set_all(o.conditions, pc, now, true, false, false, "Applied", msg);
    }
    doc.objects.push_back(std::move(o));
  }
}

void Reconciler::write_status(const StatusDocument& doc) {
  StatusDocument full = doc;
  full.history.clear();
  size_t skip =
      history_.size() > config_.history_in_status ? history_.size() - config_.history_in_status : 0;
  for (size_t i = skip; i < history_.size(); ++i) full.history.push_back(history_[i]);
  // Under the lock: suspend/resume overlay and rewrite the status from API threads.
  std::lock_guard lock(status_mutex_);
  apply_suspensions(full);
  if (!config_.status_path.empty()) {
    auto written = write_file_atomically(config_.status_path, full.to_json().dump(2) + "\n");
    if (!written)
      log(LogLevel::error, "cannot write status", {{"error", written.error().to_string()}});
  }
  status_ = std::move(full);
}

void run_loop(Reconciler& reconciler, TriggerQueue& queue, std::chrono::milliseconds poll) {
  const auto forever = std::chrono::hours(24);
  Trigger next{TriggerKind::start, ""};
  for (;;) {
    reconciler.reconcile(next);  // catches everything itself
    for (;;) {
      TriggerQueue::Wait w = queue.wait_for(
          poll.count() > 0 ? poll : std::chrono::duration_cast<std::chrono::milliseconds>(forever));
      if (w.what == TriggerQueue::Wait::What::closed) return;
      if (w.what == TriggerQueue::Wait::What::triggered) {
        next = w.triggers.front();
        break;
      }
      if (poll.count() > 0) {
        next = {TriggerKind::poll, ""};
        break;
      }
    }
  }
}

}  // namespace gitns::reconcile
