// Suspend and resume (DESIGN.md "Reconcile": per object and for the whole source).
//  - A suspended source fetches and applies nothing; reconcile() answers at once with
//    result `unchanged` and a message that says so (no history entry: polls would fill it).
//  - A suspended zone keeps serving what is applied: reconciles set its manifest aside
//    (no build, no plan, not deleted when its manifest is gone), and rollback skips it.
//  - Suspensions are kept in a small JSON file in the state folder, so a restart keeps
//    them, and shown in the status: source.suspended / suspendReason / rolledBackTo and
//    a Ready condition with reason Suspended (or RolledBack), Resumed after a resume.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "controller/reconcile/plan_json.h"
#include "controller/reconcile/reconciler.h"
#include "controller/reconcile/reconciler_internal.h"

namespace gitns::reconcile {

namespace {

std::string now_text() { return rfc3339(std::chrono::system_clock::now()); }

std::string short_rev(std::string_view rev) {
  return rev.empty() ? "(none)" : std::string(rev.substr(0, 12));
}

void set_three(std::vector<Condition>& cs, const std::string& reason, const std::string& message,
               const std::string& now) {
  std::vector<Condition> before = cs;
  set_condition(cs, {std::string(kReady), true, reason, message, {}}, before, now);
  set_condition(cs, {std::string(kReconciling), false, reason, "", {}}, before, now);
  set_condition(cs, {std::string(kStalled), false, reason, "", {}}, before, now);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool shows_suspension(const std::vector<Condition>& cs) {
  const Condition* c = find_condition(cs, kReady);
  return c && (c->reason == "Suspended" || c->reason == kRolledBack);
}

nlohmann::json suspension_json(const Suspension& s) {
  return {{"reason", s.reason}, {"since", s.since}};
}

Suspension suspension_from(const nlohmann::json& j) {
  Suspension s;
  if (!j.is_object()) return s;
  if (auto r = j.find("reason"); r != j.end() && r->is_string()) s.reason = r->get<std::string>();
  if (auto t = j.find("since"); t != j.end() && t->is_string()) s.since = t->get<std::string>();
  return s;
}

std::vector<std::string> keys_of(const Suspensions& s) {
  std::vector<std::string> out;
  if (s.source) out.push_back("source");
  for (const auto& [key, _] : s.objects) out.push_back(key);
  return out;
}

}  // namespace

base::Result<std::string> Reconciler::object_key(std::string_view key) {
  size_t slash = key.find('/');
  if (slash == std::string_view::npos || key.substr(0, slash) != "Zone")
    return base::fail(base::Errc::syntax,
                      "object \"" + std::string(key) +
                          "\": expected Zone/<name> (e.g. Zone/example.com.), or no object for "
                          "the whole source");
  auto name = absolute_name(key.substr(slash + 1));
  if (!name || key.size() == slash + 1)
    return base::fail(base::Errc::syntax, "object \"" + std::string(key) +
                                              "\": the zone name after Zone/ is not a domain name");
  return "Zone/" + lower(name->to_text());
}

Suspensions Reconciler::suspensions() const {
  std::lock_guard lock(suspend_mutex_);
  return suspended_;
}

bool Reconciler::source_suspended() const {
  std::lock_guard lock(suspend_mutex_);
  return suspended_.source.has_value();
}

bool Reconciler::zone_suspended(const std::string& lookup_key) const {
  std::lock_guard lock(suspend_mutex_);
  if (suspended_.objects.empty()) return false;
  for (const auto& [key, _] : suspended_.objects) {
    auto name = wire::Name::from_text(std::string_view(key).substr(5));
    if (name && name->lookup_key() == lookup_key) return true;
  }
  return false;
}

base::Result<std::vector<std::string>> Reconciler::suspend(std::string_view key,
                                                           std::string reason) {
  Suspension s{reason.empty() ? "suspended by request" : std::move(reason), now_text()};
  std::string object;
  if (!key.empty()) {
    GITNS_TRY(object, object_key(key));
    std::string name = object.substr(5);
    // From the status, not served_: this runs on API threads while reconciles swap it.
    StatusDocument doc = status();
    bool known = std::any_of(doc.objects.begin(), doc.objects.end(), [&](const ObjectStatus& o) {
      return o.kind == "Zone" && "Zone/" + lower(o.name) == object;
    });
    if (!known)
      return base::fail(base::Errc::not_found, "zone " + name +
                                                   " is neither served nor in the repository's "
                                                   "last revision (GET /api/v1/zones lists them)");
  }
  Suspensions next;
  {
    std::lock_guard lock(suspend_mutex_);
    next = suspended_;
    if (object.empty()) {
      if (!next.source) next.source = s;  // suspending twice keeps the first reason
    } else if (!next.objects.count(object)) {
      next.objects[object] = s;
    }
    GITNS_CHECK(persist_suspensions(next));
    suspended_ = next;
  }
  log(LogLevel::info, "suspended", {{"object", object.empty() ? "source" : object},
                                    {"reason", object.empty() ? next.source->reason
                                                              : next.objects[object].reason}});
  refresh_status();
  return keys_of(next);
}

base::Result<std::vector<std::string>> Reconciler::resume(std::string_view key) {
  std::string object;
  if (!key.empty()) {
    GITNS_TRY(object, object_key(key));
  }
  Suspensions next;
  bool changed = false;
  {
    std::lock_guard lock(suspend_mutex_);
    next = suspended_;
    if (object.empty()) {
      changed = next.source.has_value() || !next.rolled_back_to.empty();
      next.source.reset();
      next.rolled_back_to.clear();
    } else {
      changed = next.objects.erase(object) > 0;
    }
    if (changed) {
      GITNS_CHECK(persist_suspensions(next));
      suspended_ = next;
    }
  }
  if (changed) {
    log(LogLevel::info, "resumed", {{"object", object.empty() ? "source" : object}});
    refresh_status();
  }
  return keys_of(next);
}

void Reconciler::before_plan(Attempt& a) {
  a.from_revision = applied_revision_;
  auto& zones = a.manifests.zones;
  zones.erase(std::remove_if(zones.begin(), zones.end(),
                             [this](const auto& m) { return zone_suspended(m->apex.lookup_key()); }),
              zones.end());
}

ReconcileOutcome Reconciler::suspended_outcome(const Trigger& trigger) {
  Suspensions s = suspensions();
  ReconcileOutcome o;
  o.record.id = "rc-" + id_prefix_ + "-" + std::to_string(++sequence_);
  o.record.revision = applied_revision_;
  o.record.trigger = std::string(to_string(trigger.kind));
  o.record.result = ReconcileResult::unchanged;
  o.record.started = now_text();
  o.record.message = "the source is suspended (" + (s.source ? s.source->reason : "") +
                     "): nothing fetched or applied; resume it to follow git again";
  log(LogLevel::debug, "reconcile skipped: the source is suspended",
      {{"rid", o.record.id}, {"trigger", o.record.trigger}});
  refresh_status();
  notify_outcome(o);
  return o;
}

void Reconciler::apply_suspensions(StatusDocument& doc) const {
  Suspensions s = suspensions();
  const std::string now = now_text();
  doc.source.suspended = s.source.has_value();
  doc.source.suspend_reason = s.source ? s.source->reason : "";
  doc.source.rolled_back_to = s.rolled_back_to;
  std::string serving = "; serving revision " + short_rev(doc.source.last_applied_revision);
  if (s.source) {
    bool rolled_back = s.source->reason == kRolledBack;
    std::string message =
        rolled_back ? "rolled back to revision " + short_rev(s.rolled_back_to) +
                          "; git is not followed until the source is resumed"
                    : "suspended since " + s.source->since + " (" + s.source->reason +
                          "): nothing is fetched or applied until it is resumed" + serving;
    set_three(doc.source.conditions, rolled_back ? std::string(kRolledBack) : "Suspended", message,
              now);
  } else if (shows_suspension(doc.source.conditions)) {
    set_three(doc.source.conditions, "Resumed",
              "resumed: the next reconcile follows git again" + serving, now);
  }
  for (ObjectStatus& o : doc.objects) {
    if (o.kind != "Zone") continue;
    // Object names are the apex as written; suspensions are keyed lowercase.
    auto it = s.objects.find("Zone/" + lower(o.name));
    if (it != s.objects.end()) {
      std::string serving_zone =
          o.served_serial ? "; serving serial " + std::to_string(*o.served_serial) : "";
      set_three(o.conditions, "Suspended",
                "suspended since " + it->second.since + " (" + it->second.reason +
                    "): reconciles leave this zone as it is served" + serving_zone,
                now);
    } else if (shows_suspension(o.conditions)) {
      set_three(o.conditions, "Resumed", "resumed: the next reconcile plans this zone again", now);
    }
  }
}

void Reconciler::refresh_status() {
  std::lock_guard lock(status_mutex_);
  apply_suspensions(status_);
  if (config_.status_path.empty()) return;
  auto written = write_file_atomically(config_.status_path, status_.to_json().dump(2) + "\n");
  if (!written)
    log(LogLevel::error, "cannot write status", {{"error", written.error().to_string()}});
}

base::Status Reconciler::persist_suspensions(const Suspensions& s) const {
  if (config_.suspensions_path.empty()) return {};
  nlohmann::json objects = nlohmann::json::object();
  for (const auto& [key, v] : s.objects) objects[key] = suspension_json(v);
  nlohmann::json j{{"source", s.source ? suspension_json(*s.source) : nlohmann::json(nullptr)},
                   {"rolledBackTo", s.rolled_back_to},
                   {"objects", objects}};
  auto written = write_file_atomically(config_.suspensions_path, j.dump(2) + "\n");
  if (!written)
    return base::fail(base::Errc::io, "cannot keep the suspension: " + written.error().message);
  return {};
}

void Reconciler::load_suspensions() {
  if (config_.suspensions_path.empty()) return;
  std::ifstream in(config_.suspensions_path);
  if (!in) return;  // nothing suspended yet
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    log(LogLevel::error, "cannot read the suspensions file; nothing is suspended",
        {{"file", config_.suspensions_path}});
    return;
  }
  Suspensions s;
  if (auto src = j.find("source"); src != j.end() && src->is_object())
    s.source = suspension_from(*src);
  if (auto r = j.find("rolledBackTo"); r != j.end() && r->is_string())
    s.rolled_back_to = r->get<std::string>();
  if (auto objs = j.find("objects"); objs != j.end() && objs->is_object()) {
    for (const auto& [key, v] : objs->items()) {
      if (auto k = object_key(key)) s.objects[*k] = suspension_from(v);
    }
  }
  std::lock_guard lock(suspend_mutex_);
  suspended_ = std::move(s);
}

void Reconciler::notify_outcome(const ReconcileOutcome& o) const {
  if (!config_.on_outcome) return;
  try {
    config_.on_outcome(o);
  } catch (const std::exception& e) {
    log(LogLevel::error, "on_outcome callback failed", {{"error", e.what()}});
  }
}

}  // namespace gitns::reconcile
