#include "controller/reconcile/status.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace gitns::reconcile {

using nlohmann::json;

namespace {

json conditions_json(const std::vector<Condition>& cs) {
  json out = json::array();
  for (const Condition& c : cs) {
    out.push_back({{"type", c.type},
                   {"status", c.status ? "True" : "False"},
                   {"reason", c.reason},
                   {"message", c.message},
                   {"lastTransitionTime", c.last_transition}});
  }
  return out;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <class T>
T num(const json& j, const char* key, T fallback = 0) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<T>() : fallback;
}

std::vector<Condition> conditions_from(const json& j) {
  std::vector<Condition> out;
  if (!j.is_array()) return out;
  for (const json& c : j) {
    if (!c.is_object()) continue;
    out.push_back({str(c, "type"), str(c, "status") == "True", str(c, "reason"), str(c, "message"),
                   str(c, "lastTransitionTime")});
  }
  return out;
}

json optional_json(const std::optional<uint64_t>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type) {
  for (const Condition& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

void set_condition(std::vector<Condition>& conditions, Condition c,
                   const std::vector<Condition>& previous, const std::string& now) {
  const Condition* before = find_condition(previous, c.type);
  c.last_transition = before && before->status == c.status && !before->last_transition.empty()
                          ? before->last_transition
                          : now;
  for (Condition& existing : conditions) {
    if (existing.type == c.type) {
      existing = std::move(c);
      return;
    }
  }
  conditions.push_back(std::move(c));
}

std::string_view to_string(ReconcileResult r) {
  switch (r) {
    case ReconcileResult::applied:
      return "applied";
    case ReconcileResult::unchanged:
      return "unchanged";
    case ReconcileResult::invalid:
      return "invalid";
    case ReconcileResult::held:
      return "held";
    case ReconcileResult::failed:
      return "failed";
  }
  return "?";
}

json ReconcileRecord::to_json() const {
  return {{"id", id},
          {"revision", revision},
          {"trigger", trigger},
          {"result", std::string(reconcile::to_string(result))},
          {"started", started},
          {"durationMs", duration_ms},
          {"zones",
           {{"created", zones_created}, {"updated", zones_updated}, {"deleted", zones_deleted}}},
          {"records",
           {{"added", records.added}, {"removed", records.removed}, {"changed", records.changed}}},
          {"errors", errors},
          {"message", message}};
}

std::optional<ReconcileRecord> ReconcileRecord::from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  ReconcileRecord r;
  r.id = str(j, "id");
  r.revision = str(j, "revision");
  r.trigger = str(j, "trigger");
  std::string result = str(j, "result");
  bool known = false;
  for (auto v : {ReconcileResult::applied, ReconcileResult::unchanged, ReconcileResult::invalid,
                 ReconcileResult::held, ReconcileResult::failed}) {
    if (to_string(v) == result) r.result = v, known = true;
  }
  if (!known) return std::nullopt;
  r.started = str(j, "started");
  r.duration_ms = num<int64_t>(j, "durationMs");
  if (auto z = j.find("zones"); z != j.end() && z->is_object()) {
    r.zones_created = num<size_t>(*z, "created");
    r.zones_updated = num<size_t>(*z, "updated");
    r.zones_deleted = num<size_t>(*z, "deleted");
  }
  if (auto c = j.find("records"); c != j.end() && c->is_object()) {
    r.records.added = num<size_t>(*c, "added");
    r.records.removed = num<size_t>(*c, "removed");
    r.records.changed = num<size_t>(*c, "changed");
  }
  r.errors = num<size_t>(j, "errors");
  r.message = str(j, "message");
  return r;
}

json StatusDocument::to_json() const {
  json objs = json::array();
  for (const ObjectStatus& o : objects) {
    objs.push_back({{"kind", o.kind},
                    {"name", o.name},
                    {"location", o.location},
                    {"conditions", conditions_json(o.conditions)},
                    {"lastAppliedRevision", o.last_applied_revision},
                    {"lastChangedRevision", o.last_changed_revision},
                    {"servedSerial", o.served_serial ? json(*o.served_serial) : json(nullptr)},
                    {"recordCount", optional_json(o.record_count)},
                    {"lastError", o.last_error}});
  }
  json hist = json::array();
  for (const ReconcileRecord& r : history) hist.push_back(r.to_json());
  return {{"apiVersion", "gitns.io/v1"},
          {"kind", "Status"},
          {"source",
           {{"source", source.source},
            {"lastFetchedRevision", source.last_fetched_revision},
            {"lastAttemptedRevision", source.last_attempted_revision},
            {"lastAppliedRevision", source.last_applied_revision},
            {"lastReconcileTime", source.last_reconcile_time},
            {"conditions", conditions_json(source.conditions)},
            {"lastError", source.last_error},
            {"errors", source.errors},
            {"errorsOmitted", source.errors_omitted},
            {"suspended", source.suspended},
            {"suspendReason", source.suspend_reason},
            {"rolledBackTo",
             source.rolled_back_to.empty() ? json(nullptr) : json(source.rolled_back_to)}}},
          {"objects", objs},
          {"history", hist}};
}

StatusDocument StatusDocument::from_json(const json& j) {
  StatusDocument d;
  if (!j.is_object()) return d;
  if (auto s = j.find("source"); s != j.end() && s->is_object()) {
    d.source.source = str(*s, "source");
    d.source.last_fetched_revision = str(*s, "lastFetchedRevision");
    d.source.last_attempted_revision = str(*s, "lastAttemptedRevision");
    d.source.last_applied_revision = str(*s, "lastAppliedRevision");
    d.source.last_reconcile_time = str(*s, "lastReconcileTime");
    if (auto c = s->find("conditions"); c != s->end()) d.source.conditions = conditions_from(*c);
    d.source.last_error = str(*s, "lastError");
    if (auto e = s->find("errors"); e != s->end() && e->is_array()) {
      for (const json& line : *e) {
        if (line.is_string()) d.source.errors.push_back(line.get<std::string>());
      }
    }
    d.source.errors_omitted = num<size_t>(*s, "errorsOmitted");
    if (auto v = s->find("suspended"); v != s->end() && v->is_boolean())
      d.source.suspended = v->get<bool>();
    d.source.suspend_reason = str(*s, "suspendReason");
    d.source.rolled_back_to = str(*s, "rolledBackTo");
  }
  if (auto objs = j.find("objects"); objs != j.end() && objs->is_array()) {
    for (const json& o : *objs) {
      if (!o.is_object()) continue;
      ObjectStatus os;
      os.kind = str(o, "kind");
      os.name = str(o, "name");
      os.location = str(o, "location");
      if (auto c = o.find("conditions"); c != o.end()) os.conditions = conditions_from(*c);
      os.last_applied_revision = str(o, "lastAppliedRevision");
      os.last_changed_revision = str(o, "lastChangedRevision");
      if (auto v = o.find("servedSerial"); v != o.end() && v->is_number_unsigned())
        os.served_serial = v->get<uint32_t>();
      if (auto v = o.find("recordCount"); v != o.end() && v->is_number_unsigned())
        os.record_count = v->get<uint64_t>();
      os.last_error = str(o, "lastError");
      d.objects.push_back(std::move(os));
    }
  }
  if (auto h = j.find("history"); h != j.end() && h->is_array()) {
    for (const json& r : *h) {
      if (auto rec = ReconcileRecord::from_json(r)) d.history.push_back(std::move(*rec));
    }
  }
  return d;
}

const ObjectStatus* StatusDocument::find(std::string_view kind, std::string_view name) const {
  for (const ObjectStatus& o : objects) {
    if (o.kind == kind && o.name == name) return &o;
  }
  return nullptr;
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
  return buf;
}

base::Status write_file_atomically(const std::string& path, std::string_view content) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  auto fail = [&](const char* what) {
    std::string msg = std::string(what) + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return base::fail(base::Errc::io, msg);
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return base::fail(base::Errc::io, "cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return fail("cannot write");
    }
    done += size_t(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return fail("cannot fsync");
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return fail(("cannot rename to " + path + ":").c_str());
  return {};
}

}  // namespace gitns::reconcile
