// The write transaction of Store::apply(): zone deletions, full puts, patches with their
// journal entries, revision, generation, status and history, all in one LMDB txn.
#include <algorithm>
#include <map>
#include <set>

#include "resolver/store/store_internal.h"

namespace gitns::store::detail {

using base::Errc;
using base::fail;

namespace {

std::string describe(const wire::RR& rr) {
  return rr.owner.to_text() + " " + wire::type_to_text(rr.type) + " " +
         wire::rdata_to_text(rr.type, rr.rdata);
}

class Applier {
 public:
  Applier(MDB_txn* txn, const Dbs& dbs, const Options& options, uint64_t generation,
          WriteStats& stats)
      : txn_(txn), dbs_(dbs), options_(options), generation_(generation), stats_(stats) {}

  base::Status delete_zone(const wire::Name& origin);
  base::Status put_zone(const ZonePut& p);
  base::Status patch_zone(const ZonePatch& p);

 private:
  struct Group {
    std::vector<const wire::RR*> removed;
    std::vector<const wire::RR*> added;
  };

  base::Status check_rr(const ZoneRecord& z, const wire::RR& rr, bool added) const;
  base::Status apply_group(const ZoneRecord& z, const Bytes& key, const Group& g);
  base::Status apply_diff(ZoneRecord& z, const zone::ZoneDiff& diff);
  base::Result<uint32_t> stored_serial(const ZoneRecord& z) const;
  base::Status append_journal(ZoneRecord& z, const zone::ZoneDiff& diff, uint32_t to);
  base::Status trim_journal(ZoneRecord& z);
  base::Status write_zone(const ZoneRecord& z);
  std::string zone_text(const ZoneRecord& z) const { return "store: zone " + z.info.origin.to_text(); }

  MDB_txn* txn_;
  const Dbs& dbs_;
  const Options& options_;
  uint64_t generation_;
  WriteStats& stats_;
};

base::Status Applier::write_zone(const ZoneRecord& z) {
  Bytes key = zone_key(z.info.origin);
  Bytes value = encode_zone(z);
  return put(txn_, dbs_.zones, key, value, "writing zone " + z.info.origin.to_text());
}

base::Status Applier::delete_zone(const wire::Name& origin) {
  GITNS_TRY(auto z, find_zone(txn_, dbs_, origin));
  if (!z) return fail(Errc::not_found, "store: cannot delete zone " + origin.to_text() + ": it is not stored");
  Bytes prefix = id_prefix(z->id);
  GITNS_TRY(uint64_t rrsets, delete_prefix(txn_, dbs_.rrsets, prefix));
  GITNS_TRY(uint64_t entries, delete_prefix(txn_, dbs_.journal, prefix));
  stats_.rrsets_deleted += rrsets;
  stats_.journal_trimmed += entries;
  Bytes key = zone_key(origin);
  GITNS_TRY(bool gone, del(txn_, dbs_.zones, key));
  (void)gone;
  return {};
}

base::Status Applier::put_zone(const ZonePut& p) {
  if (!p.zone) return fail(Errc::semantic, "store: a ZonePut holds no zone");
  const zone::Zone& zone = *p.zone;
  GITNS_TRY(auto old, find_zone(txn_, dbs_, zone.origin()));
  ZoneRecord z;
  if (old) {
    // A replacement keeps the id and the journal's sequence numbers, drops the content.
    z.id = old->id;
    z.journal_first = z.journal_next = old->journal_next;
    Bytes prefix = id_prefix(z.id);
    GITNS_TRY(uint64_t rrsets, delete_prefix(txn_, dbs_.rrsets, prefix));
    GITNS_TRY(uint64_t entries, delete_prefix(txn_, dbs_.journal, prefix));
    stats_.rrsets_deleted += rrsets;
    stats_.journal_trimmed += entries;
  } else {
    GITNS_TRY(uint64_t id, meta_u64(txn_, dbs_, kMetaNextZoneId, 1));
    if (id > 0xFFFFFFFFu) return fail(Errc::limit, "store: zone ids are exhausted");
    z.id = static_cast<uint32_t>(id);
    GITNS_CHECK(put_meta_u64(txn_, dbs_, kMetaNextZoneId, id + 1));
  }
  z.info.origin = zone.origin();
  z.info.rclass = zone.rclass();
  z.info.serial = zone.serial();
  z.info.metadata = p.metadata;
  z.info.record_count = zone.record_count();
  z.info.since_generation = z.info.rebuild_floor = generation_;
  const std::string what = "writing zone " + zone.origin().to_text();
  for (size_t i = 0; i < zone.node_count(); ++i) {
    zone::NodeView node = zone.node(i);
    for (size_t k = 0; k < node.rrset_count(); ++k) {
      zone::RRsetView set = node.rrset(k);
      Bytes key = rrset_key(z.id, set.owner_wire(), set.type());
      Bytes value = encode_rrset(set);
      GITNS_CHECK(put(txn_, dbs_.rrsets, key, value, what));
      ++stats_.rrsets_written;
    }
  }
  return write_zone(z);
}

base::Status Applier::check_rr(const ZoneRecord& z, const wire::RR& rr, bool added) const {
  if (!rr.owner.is_subdomain_of(z.info.origin)) {
    return fail(Errc::out_of_zone, zone_text(z) + ": " + describe(rr) + " is outside the zone");
  }
  if (rr.rclass != z.info.rclass) {
    return fail(Errc::semantic, zone_text(z) + ": " + describe(rr) + " has class " +
                                    wire::class_to_text(rr.rclass) + ", expected " +
                                    wire::class_to_text(z.info.rclass));
  }
  if (rr.type == 0 || wire::is_meta_type(rr.type)) {
    return fail(Errc::semantic, zone_text(z) + ": type " + wire::type_to_text(rr.type) +
                                    " cannot be zone data");
  }
  if (added) {
    if (auto st = wire::rdata_check(rr.type, rr.rdata.bytes); !st) {
      return fail(Errc::bad_rdata, zone_text(z) + ": " + rr.owner.to_text() + " " +
                                       wire::type_to_text(rr.type) + ": " + st.error().message);
    }
  }
  return {};
}

// One RRset: read, remove, add, write back (or delete when it became empty).
base::Status Applier::apply_group(const ZoneRecord& z, const Bytes& key, const Group& g) {
  GITNS_TRY(auto stored, get(txn_, dbs_.rrsets, key));
  RRsetValue v;
  if (stored) {
    GITNS_TRY(v, decode_rrset(*stored));
  } else {
    v.owner = (g.added.empty() ? g.removed : g.added).front()->owner;
  }
  for (const wire::RR* r : g.removed) {
    auto it = std::lower_bound(v.rdatas.begin(), v.rdatas.end(), r->rdata.bytes);
    if (it == v.rdatas.end() || *it != r->rdata.bytes) {
      return fail(Errc::semantic, zone_text(z) + ": the diff removes " + describe(*r) +
                                      ", which is not stored (was the diff made against "
                                      "other content?)");
    }
    v.rdatas.erase(it);
  }
  bool has_ttl = !v.rdatas.empty();
  for (const wire::RR* a : g.added) {
    if (!has_ttl) {
      v.ttl = a->ttl;
      has_ttl = true;
    } else if (a->ttl != v.ttl) {
      return fail(Errc::semantic, zone_text(z) + ": the diff adds " + describe(*a) + " with TTL " +
                                      std::to_string(a->ttl) + " to an RRset with TTL " +
                                      std::to_string(v.ttl) +
                                      " (a TTL change removes and adds the whole RRset)");
    }
    auto it = std::lower_bound(v.rdatas.begin(), v.rdatas.end(), a->rdata.bytes);
    if (it != v.rdatas.end() && *it == a->rdata.bytes) {
      return fail(Errc::semantic, zone_text(z) + ": the diff adds " + describe(*a) +
                                      ", which is stored already");
    }
    v.rdatas.insert(it, a->rdata.bytes);
  }
  if (v.rdatas.empty()) {
    if (stored) {
      GITNS_CHECK(del(txn_, dbs_.rrsets, key));
      ++stats_.rrsets_deleted;
    }
    return {};
  }
  GITNS_TRY(Bytes value, encode_rrset(v));
  GITNS_CHECK(put(txn_, dbs_.rrsets, key, value, "writing zone " + z.info.origin.to_text()));
  ++stats_.rrsets_written;
  return {};
}

base::Status Applier::apply_diff(ZoneRecord& z, const zone::ZoneDiff& diff) {
  std::map<Bytes, Group> groups;
  for (const wire::RR& rr : diff.removed) {
    GITNS_CHECK(check_rr(z, rr, false));
    groups[rrset_key(z.id, rr.owner, rr.type)].removed.push_back(&rr);
  }
  for (const wire::RR& rr : diff.added) {
    GITNS_CHECK(check_rr(z, rr, true));
    groups[rrset_key(z.id, rr.owner, rr.type)].added.push_back(&rr);
  }
  for (const auto& [key, g] : groups) GITNS_CHECK(apply_group(z, key, g));
  z.info.record_count = z.info.record_count + diff.added.size() - diff.removed.size();
  return {};
}

base::Result<uint32_t> Applier::stored_serial(const ZoneRecord& z) const {
  Bytes key = rrset_key(z.id, z.info.origin, wire::rrtype::SOA);
  GITNS_TRY(auto v, get(txn_, dbs_.rrsets, key));
  if (!v) return fail(Errc::semantic, zone_text(z) + " has no SOA record at its apex after the diff");
  GITNS_TRY(RRsetValue soa, decode_rrset(*v));
  if (soa.rdatas.size() != 1) {
    return fail(Errc::semantic, zone_text(z) + " has " + std::to_string(soa.rdatas.size()) +
                                    " SOA records after the diff; expected exactly one");
  }
  return soa_serial(soa.rdatas.front());
}

base::Status Applier::append_journal(ZoneRecord& z, const zone::ZoneDiff& diff, uint32_t to) {
  Bytes key = journal_key(z.id, z.journal_next);
  Bytes value = encode_journal(generation_, z.info.serial, to, diff);
  GITNS_CHECK(put(txn_, dbs_.journal, key, value, "writing the journal of " + z.info.origin.to_text()));
  ++z.journal_next;
  z.info.journal_bytes += value.size();
  ++stats_.journal_written;
  return trim_journal(z);
}

// Drops the oldest entries over the limits, always keeping the newest one. Content
// older than a dropped entry's generation can no longer be rebuilt.
base::Status Applier::trim_journal(ZoneRecord& z) {
  auto count = [&] { return z.journal_next - z.journal_first; };
  while (count() > 1 &&
         (count() > options_.journal_max_entries || z.info.journal_bytes > options_.journal_max_bytes)) {
    Bytes key = journal_key(z.id, z.journal_first);
    GITNS_TRY(auto v, get(txn_, dbs_.journal, key));
    if (!v || v->size() < 8) {
      return fail(Errc::malformed, zone_text(z) + ": journal entry " +
                                       std::to_string(z.journal_first) + " is missing or damaged");
    }
    uint64_t size = v->size();
    uint64_t made_at = load_u64(*v);
    GITNS_CHECK(del(txn_, dbs_.journal, key));
    z.info.journal_bytes -= std::min(size, z.info.journal_bytes);
    z.info.rebuild_floor = std::max(z.info.rebuild_floor, made_at);
    ++z.journal_first;
    ++stats_.journal_trimmed;
  }
  return {};
}

base::Status Applier::patch_zone(const ZonePatch& p) {
  GITNS_TRY(auto found, find_zone(txn_, dbs_, p.origin));
  if (!found) {
    return fail(Errc::not_found, "store: cannot patch zone " + p.origin.to_text() +
                                     ": it is not stored (create it with a ZonePut)");
  }
  ZoneRecord z = std::move(*found);
  if (!p.diff.empty()) {
    GITNS_CHECK(apply_diff(z, p.diff));
    GITNS_TRY(uint32_t serial, stored_serial(z));
    if (!serial_greater(serial, z.info.serial)) {
      return fail(Errc::semantic, zone_text(z) + " changed but its SOA serial went from " +
                                      std::to_string(z.info.serial) + " to " + std::to_string(serial) +
                                      "; a changed zone needs a greater serial (RFC 1982)");
    }
    GITNS_CHECK(append_journal(z, p.diff, serial));
    z.info.serial = serial;
  }
  if (p.metadata) z.info.metadata = *p.metadata;
  return write_zone(z);
}

base::Status check_batch(const ApplyBatch& batch) {
  if (batch.revision.empty()) return fail(Errc::semantic, "store: an apply needs a revision");
  std::set<Bytes> seen;
  auto once = [&](const wire::Name& origin) -> base::Status {
    if (!seen.insert(zone_key(origin)).second) {
      return fail(Errc::semantic, "store: zone " + origin.to_text() + " appears twice in one apply");
    }
    return {};
  };
  for (const ZonePut& p : batch.puts) {
    if (!p.zone) return fail(Errc::semantic, "store: a ZonePut holds no zone");
    GITNS_CHECK(once(p.zone->origin()));
  }
  for (const ZonePatch& p : batch.patches) GITNS_CHECK(once(p.origin));
  for (const wire::Name& d : batch.deletes) GITNS_CHECK(once(d));
  return {};
}

// Keeps the newest `keep` keys of a table keyed by a u64 sequence ending at `last`.
base::Result<uint64_t> keep_last(MDB_txn* txn, MDB_dbi dbi, uint64_t last, size_t keep) {
  uint64_t bound = last + 1 > keep ? last + 1 - keep : 0;
  Bytes key = u64_key(bound);
  return delete_below(txn, dbi, key);
}

}  // namespace

base::Result<uint64_t> append_history(MDB_txn* txn, const Dbs& dbs, const Options& options,
                                      const std::string& record, WriteStats& stats) {
  GITNS_TRY(uint64_t seq, meta_u64(txn, dbs, kMetaNextHistory, 1));
  Bytes key = u64_key(seq);
  GITNS_CHECK(put(txn, dbs.history, key, as_bytes(record), "writing the reconcile history"));
  GITNS_CHECK(put_meta_u64(txn, dbs, kMetaNextHistory, seq + 1));
  GITNS_TRY(uint64_t trimmed, keep_last(txn, dbs.history, seq, options.history_max));
  stats.history_trimmed += trimmed;
  return seq;
}

base::Result<ApplyResult> apply_in(MDB_txn* txn, const Dbs& dbs, const Options& options,
                                   const ApplyBatch& batch) {
  GITNS_CHECK(check_batch(batch));
  ApplyResult out;
  GITNS_TRY(uint64_t previous, meta_u64(txn, dbs, kMetaGeneration, 0));
  out.generation = previous + 1;
  Applier a(txn, dbs, options, out.generation, out.stats);
  for (const wire::Name& d : batch.deletes) GITNS_CHECK(a.delete_zone(d));
  for (const ZonePut& p : batch.puts) GITNS_CHECK(a.put_zone(p));
  for (const ZonePatch& p : batch.patches) GITNS_CHECK(a.patch_zone(p));

  const char* what = "writing the applied revision";
  GITNS_CHECK(put(txn, dbs.meta, as_bytes(kMetaRevision), as_bytes(batch.revision), what));
  GITNS_CHECK(put_meta_u64(txn, dbs, kMetaGeneration, out.generation));
  Bytes gen_key = u64_key(out.generation);
  GITNS_CHECK(put(txn, dbs.revisions, gen_key, as_bytes(batch.revision), what));
  GITNS_TRY(uint64_t dropped, keep_last(txn, dbs.revisions, out.generation, options.revisions_max));
  (void)dropped;
  if (batch.status) {
    GITNS_CHECK(put(txn, dbs.meta, as_bytes(kMetaStatus), as_bytes(*batch.status), "writing the status"));
  }
  if (batch.history) {
    GITNS_TRY(out.history_seq, append_history(txn, dbs, options, *batch.history, out.stats));
  }
  return out;
}

}  // namespace gitns::store::detail
