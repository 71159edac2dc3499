// Rollback to an earlier applied revision, the kept plan, and the store's lists.
//
// A rollback is an apply like any other (one store transaction, then one publish), whose
// desired zones come from the store's journal instead of git: each zone's records as they
// were after the target generation (Store::zone_records_at), with the SOA serial set to
// the served serial + 1. Serials only move forward, so secondaries follow a rollback by
// IXFR and a serial is never reused for other content. Zones created after the target are
// deleted (they did not exist then). The source is suspended (reason RolledBack) first,
// so no reconcile can undo the rollback before a person resumes it.
#include <algorithm>
#include <cctype>

#include "controller/reconcile/plan_json.h"
#include "controller/reconcile/revision_plan.h"
#include "controller/reconcile/reconciler.h"
#include "controller/reconcile/reconciler_internal.h"
#include "resolver/zone/zone_builder.h"

namespace gitns::reconcile {

namespace {

std::string short_rev(std::string_view rev) { return std::string(rev.substr(0, 12)); }

base::Status check_revision_text(std::string_view rev) {
  bool hex = std::all_of(rev.begin(), rev.end(),
                         [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (!hex || rev.size() < 7 || rev.size() > 64)
    return base::fail(base::Errc::syntax, "revision \"" + std::string(rev) +
                                              "\": expected a commit id, or a unique prefix of "
                                              "at least 7 hex digits");
  return {};
}

// The newest applied generation of the revision that `prefix` names.
base::Result<store::AppliedRevision> find_revision(const std::vector<store::AppliedRevision>& revs,
                                                   std::string prefix) {
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const store::AppliedRevision* found = nullptr;
  for (const store::AppliedRevision& r : revs) {
    if (!r.revision.starts_with(prefix)) continue;
    if (found && found->revision != r.revision)
      return base::fail(base::Errc::semantic, "revision prefix " + prefix +
                                                  " is ambiguous: it matches " + found->revision +
                                                  " and " + r.revision + "; give more digits");
    if (!found || r.generation > found->generation) found = &r;
  }
  if (!found)
    return base::fail(base::Errc::not_found,
                      "revision " + prefix + " is not among the " + std::to_string(revs.size()) +
                          " applied revisions the store remembers (GET /api/v1/revisions lists "
                          "them)");
  return *found;
}

// SOA rdata ends with serial, refresh, retry, expire, minimum (5 x 32 bits).
void set_soa_serial(wire::Rdata& rdata, uint32_t serial) {
  auto& b = rdata.bytes;
  if (b.size() < 22) return;
  size_t at = b.size() - 20;
  b[at] = uint8_t(serial >> 24), b[at + 1] = uint8_t(serial >> 16);
  b[at + 2] = uint8_t(serial >> 8), b[at + 3] = uint8_t(serial);
}

base::Result<std::shared_ptr<const zone::Zone>> build_at(const wire::Name& origin,
                                                         std::vector<wire::RR> records,
                                                         uint32_t serial) {
  zone::ZoneBuilder b(origin);
  for (wire::RR& rr : records) {
    if (rr.type == wire::rrtype::SOA && rr.owner == origin) set_soa_serial(rr.rdata, serial);
    b.add(rr);
  }
  zone::BuildResult built = b.build();
  if (!built.ok()) return base::fail(built.error());
  return built.zone;
}

}  // namespace

base::Result<std::vector<store::AppliedRevision>> Reconciler::applied_revisions() const {
  GITNS_TRY(auto revs, store_.revisions());
  std::reverse(revs.begin(), revs.end());
  return revs;
}

base::Result<std::vector<Reconciler::HistoryItem>> Reconciler::history_records() const {
  GITNS_TRY(auto entries, store_.history());
  std::vector<HistoryItem> out;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    auto j = nlohmann::json::parse(it->record, nullptr, false);
    if (auto r = ReconcileRecord::from_json(j)) out.push_back({it->seq, std::move(*r)});
  }
  return out;
}

nlohmann::json Reconciler::last_plan() const {
  std::lock_guard lock(plan_mutex_);
  return last_plan_;
}

void Reconciler::remember_plan(const Attempt& a, ReconcileResult result) {
  bool keep = result == ReconcileResult::applied || result == ReconcileResult::held;
  {
    std::lock_guard lock(plan_mutex_);
    keep = keep || (result == ReconcileResult::unchanged && last_plan_.is_null());
  }
  if (!keep) return;
  nlohmann::json zones = nlohmann::json::array();
  for (const PlannedZone& z : a.zones) zones.push_back(to_json(z.plan, z.file, PlanJsonOptions{1000}));
  nlohmann::json plan{{"revision", a.revision.id},
                      {"fromRevision", a.from_revision},
                      {"result", std::string(to_string(result))},
                      {"held", a.outcome.held},
                      {"zones", std::move(zones)}};
  std::lock_guard lock(plan_mutex_);
  last_plan_ = std::move(plan);
}

base::Result<RollbackResult> Reconciler::rollback(std::string_view revision) {
  GITNS_CHECK(check_revision_text(revision));
  std::lock_guard op(op_mutex_);
  GITNS_TRY(auto revs, store_.revisions());
  GITNS_TRY(store::AppliedRevision target, find_revision(revs, std::string(revision)));
  GITNS_TRY(auto infos, store_.zones());

  Attempt a;
  a.id = "rc-" + id_prefix_ + "-" + std::to_string(++sequence_);
  a.trigger = {TriggerKind::api, "rollback"};
  a.revision.id = target.revision;
  a.from_revision = applied_revision_;
  a.loaded = true;
  store::ApplyBatch batch;
  batch.revision = target.revision;
  std::map<std::string, AppliedZone> next = applied_;
  for (const store::ZoneInfo& info : infos) {
    std::string key = info.origin.lookup_key();
    auto cur = applied_.find(key);
    if (cur == applied_.end() || zone_suspended(key)) continue;
    PlannedZone pz;
    pz.file = cur->second.file;
    if (info.since_generation > target.generation) {  // created after the target
      pz.plan = plan_removal(cur->second.zone);
      batch.deletes.push_back(info.origin);
      next.erase(key);
      a.zones.push_back(std::move(pz));
      continue;
    }
    auto records = store_.zone_records_at(info.origin, target.generation);
    if (!records)
      return base::fail(base::Errc::not_found, "cannot roll zone " + info.origin.to_text() +
                                                   " back to revision " + short_rev(target.revision) +
                                                   ": " + records.error().message);
    uint32_t serial = serial_next(cur->second.zone->serial());
    GITNS_TRY(auto zone, build_at(info.origin, std::move(records).value(), serial));
    SerialInput in;
    in.applied = cur->second.zone->serial();
    GITNS_TRY(pz.plan, plan_zone(cur->second.zone, zone, in));
    if (pz.plan.changes()) {
      AppliedZone az;
      az.zone = pz.plan.desired;
      az.file = cur->second.file;
      az.changed_revision = target.revision;  // no fingerprint: the next reconcile rebuilds
      batch.patches.push_back({info.origin, pz.plan.diff, az.metadata()});
      next[key] = std::move(az);
    }
    a.zones.push_back(std::move(pz));
  }
  return apply_rollback(a, std::move(batch), std::move(next), target);
}

}  // namespace gitns::reconcile

namespace gitns::reconcile {

StatusDocument Reconciler::rolled_back_status(const Attempt& a) const {
  StatusDocument doc = status();
  doc.source.last_applied_revision = applied_revision_;
  doc.source.last_reconcile_time = rfc3339(std::chrono::system_clock::now());
  std::vector<ObjectStatus> objects;
  for (ObjectStatus& o : doc.objects) {
    if (o.kind == "Zone") {
      auto name = wire::Name::from_text(o.name);
      auto it = name ? applied_.find(name->lookup_key()) : applied_.end();
      if (it == applied_.end()) continue;  // deleted by the rollback
      o.served_serial = it->second.zone->serial();
      o.record_count = it->second.zone->record_count();
      o.last_applied_revision = applied_revision_;
      o.last_changed_revision = it->second.changed_revision;
    }
    objects.push_back(std::move(o));
  }
  doc.objects = std::move(objects);
  (void)a;
  return doc;
}

base::Result<RollbackResult> Reconciler::apply_rollback(Attempt& a, store::ApplyBatch batch,
                                                        std::map<std::string, AppliedZone> next,
                                                        const store::AppliedRevision& target) {
  // Suspend first: once the rollback is stored, no reconcile may undo it.
  Suspensions before = suspensions();
  Suspensions after = before;
  after.source = Suspension{std::string(kRolledBack), rfc3339(std::chrono::system_clock::now())};
  after.rolled_back_to = target.revision;
  GITNS_CHECK(persist_suspensions(after));
  {
    std::lock_guard lock(suspend_mutex_);
    suspended_ = after;
  }
  auto undo_suspension = [&] {
    (void)persist_suspensions(before);
    std::lock_guard lock(suspend_mutex_);
    suspended_ = before;
  };

  bool zones_changed = !batch.patches.empty() || !batch.deletes.empty();
  std::shared_ptr<const zone::ZoneSet> set = served_;
  if (zones_changed) {
    std::vector<std::shared_ptr<const zone::Zone>> zones;
    for (const auto& [key, z] : next) zones.push_back(z.zone);
    auto created = zone::ZoneSet::create(std::move(zones));
    if (!created) {
      undo_suspension();
      return created.failure();
    }
    set = std::move(created).value();
  }
  std::string old_revision = applied_revision_;
  applied_.swap(next);
  applied_revision_ = target.revision;
  size_t updated = batch.patches.size(), deleted = batch.deletes.size();
  ReconcileRecord record = make_record(
      a, ReconcileResult::applied,
      "rolled back to revision " + short_rev(target.revision) + " (generation " +
          std::to_string(target.generation) + "): " + std::to_string(updated) +
          " zone(s) updated, " + std::to_string(deleted) +
          " deleted; the source is suspended until it is resumed");
  record.trigger = "rollback";
  StatusDocument doc = rolled_back_status(a);
  batch.status = doc.to_json().dump();
  batch.history = record.to_json().dump();
  auto applied = store_.apply(batch);
  if (!applied) {
    applied_.swap(next);
    applied_revision_ = old_revision;
    undo_suspension();
    log(LogLevel::error, "rollback not persisted; nothing changed",
        {{"rid", a.id}, {"error", applied.error().to_string()}});
    return base::fail(applied.error().code,
                      "cannot persist the rollback: " + applied.error().message);
  }
  push_history(record);
  if (zones_changed) {
    served_ = set;
    if (publish_) publish_(set);
  }
  write_status(doc);
  log(LogLevel::info, "rolled back",
      {{"rid", a.id},
       {"revision", target.revision},
       {"from_revision", old_revision},
       {"generation", std::to_string(applied->generation)},
       {"zones_updated", std::to_string(updated)},
       {"zones_deleted", std::to_string(deleted)}});
  remember_plan(a, ReconcileResult::applied);
  ReconcileOutcome outcome;
  outcome.record = record;
  notify_outcome(outcome);
  return RollbackResult{target.revision, applied->generation, record};
}

}  // namespace gitns::reconcile
