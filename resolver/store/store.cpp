#include "resolver/store/store.h"

#include <lmdb.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "resolver/store/store_internal.h"
#include "resolver/zone/zone_builder.h"

namespace gitns::store {

using base::Errc;
using base::fail;
using namespace detail;

namespace detail {

namespace {

MDB_val to_val(Span s) {
  return {s.size(), const_cast<uint8_t*>(s.data())};  // LMDB never writes through it
}
Span to_span(const MDB_val& v) { return {static_cast<const uint8_t*>(v.mv_data), v.mv_size}; }

}  // namespace

base::Error lmdb_error(int rc, std::string_view what) {
  std::string w(what);
  switch (rc) {
    case MDB_MAP_FULL:
      return {Errc::limit, "store: the LMDB map is full while " + w +
                               "; raise the store's map size (Options::map_size)"};
    case MDB_TXN_FULL:
      return {Errc::limit, "store: one transaction holds too many changes while " + w};
    case MDB_VERSION_MISMATCH:
    case MDB_INVALID:
      return {Errc::unsupported,
              "store: " + w + ": not an LMDB environment this liblmdb can read (" +
                  mdb_strerror(rc) + ")"};
    default:
      return {Errc::io, "store: " + w + ": " + mdb_strerror(rc)};
  }
}

base::Result<Txn> Txn::begin(MDB_env* env, bool write) {
  MDB_txn* t = nullptr;
  int rc = mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &t);
  if (rc != 0) return fail(lmdb_error(rc, write ? "starting a write" : "starting a read"));
  return Txn(t);
}

Txn::~Txn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
}

base::Status Txn::commit() {
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;  // committed or, on failure, freed by LMDB
  if (rc != 0) return fail(lmdb_error(rc, "committing"));
  return {};
}

base::Result<std::optional<Span>> get(MDB_txn* txn, MDB_dbi dbi, Span key) {
  MDB_val k = to_val(key), v{};
  int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<Span>();
  if (rc != 0) return fail(lmdb_error(rc, "reading"));
  return std::optional<Span>(to_span(v));
}

base::Status put(MDB_txn* txn, MDB_dbi dbi, Span key, Span value, std::string_view what) {
  MDB_val k = to_val(key), v = to_val(value);
  int rc = mdb_put(txn, dbi, &k, &v, 0);
  if (rc != 0) return fail(lmdb_error(rc, what));
  return {};
}

base::Result<bool> del(MDB_txn* txn, MDB_dbi dbi, Span key) {
  MDB_val k = to_val(key);
  int rc = mdb_del(txn, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return fail(lmdb_error(rc, "deleting"));
  return true;
}

namespace {

struct Cursor {
  MDB_cursor* c = nullptr;
  ~Cursor() {
    if (c != nullptr) mdb_cursor_close(c);
  }
};

bool has_prefix(const MDB_val& k, Span prefix) {
  return k.mv_size >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), static_cast<const uint8_t*>(k.mv_data));
}

}  // namespace

base::Status walk_prefix(MDB_txn* txn, MDB_dbi dbi, Span prefix, PrefixVisitor visit, void* ctx) {
  Cursor cur;
  int rc = mdb_cursor_open(txn, dbi, &cur.c);
  if (rc != 0) return fail(lmdb_error(rc, "opening a cursor"));
  MDB_val k = to_val(prefix), v{};
  rc = mdb_cursor_get(cur.c, &k, &v, prefix.empty() ? MDB_FIRST : MDB_SET_RANGE);
  while (rc == 0 && has_prefix(k, prefix)) {
    GITNS_CHECK(visit(ctx, to_span(k), to_span(v)));
    rc = mdb_cursor_get(cur.c, &k, &v, MDB_NEXT);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) return fail(lmdb_error(rc, "reading with a cursor"));
  return {};
}

base::Result<uint64_t> delete_prefix(MDB_txn* txn, MDB_dbi dbi, Span prefix) {
  Cursor cur;
  int rc = mdb_cursor_open(txn, dbi, &cur.c);
  if (rc != 0) return fail(lmdb_error(rc, "opening a cursor"));
  uint64_t n = 0;
  // A fresh seek per key: simpler to trust than the cursor position after a delete.
  for (;;) {
    MDB_val k = to_val(prefix), v{};
    rc = mdb_cursor_get(cur.c, &k, &v, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND || (rc == 0 && !has_prefix(k, prefix))) return n;
    if (rc == 0) rc = mdb_cursor_del(cur.c, 0);
    if (rc != 0) return fail(lmdb_error(rc, "deleting a range"));
    ++n;
  }
}

base::Result<uint64_t> delete_below(MDB_txn* txn, MDB_dbi dbi, Span bound) {
  Cursor cur;
  int rc = mdb_cursor_open(txn, dbi, &cur.c);
  if (rc != 0) return fail(lmdb_error(rc, "opening a cursor"));
  uint64_t n = 0;
  for (;;) {
    MDB_val k{}, v{};
    rc = mdb_cursor_get(cur.c, &k, &v, MDB_FIRST);
    if (rc == MDB_NOTFOUND) return n;
    if (rc != 0) return fail(lmdb_error(rc, "trimming"));
    Span key = to_span(k);
    if (!std::lexicographical_compare(key.begin(), key.end(), bound.begin(), bound.end())) return n;
    rc = mdb_cursor_del(cur.c, 0);
    if (rc != 0) return fail(lmdb_error(rc, "trimming"));
    ++n;
  }
}

base::Result<uint64_t> meta_u64(MDB_txn* txn, const Dbs& dbs, std::string_view key,
                                uint64_t absent) {
  GITNS_TRY(auto v, get(txn, dbs.meta, as_bytes(key)));
  if (!v) return absent;
  if (v->size() != 8) {
    return fail(Errc::malformed, "store: meta key '" + std::string(key) + "' must be 8 bytes");
  }
  return load_u64(*v);
}

base::Status put_meta_u64(MDB_txn* txn, const Dbs& dbs, std::string_view key, uint64_t v) {
  Bytes b = u64_key(v);
  return put(txn, dbs.meta, as_bytes(key), b, "writing the store's meta data");
}

base::Result<std::string> meta_text(MDB_txn* txn, const Dbs& dbs, std::string_view key) {
  GITNS_TRY(auto v, get(txn, dbs.meta, as_bytes(key)));
  return v ? as_string(*v) : std::string();
}

base::Result<std::optional<ZoneRecord>> find_zone(MDB_txn* txn, const Dbs& dbs,
                                                  const wire::Name& origin) {
  Bytes key = zone_key(origin);
  GITNS_TRY(auto v, get(txn, dbs.zones, key));
  if (!v) return std::optional<ZoneRecord>();
  GITNS_TRY(ZoneRecord z, decode_zone(*v));
  return std::optional<ZoneRecord>(std::move(z));
}

}  // namespace detail

// --- environment ----------------------------------------------------------------------

struct Store::Impl {
  std::string path;
  Options options;
  MDB_env* env = nullptr;
  Dbs dbs;

  ~Impl() {
    if (env != nullptr) mdb_env_close(env);
  }
};

namespace {

constexpr std::pair<std::string_view, MDB_dbi Dbs::*> kTables[] = {
    {"zones", &Dbs::zones},     {"rrsets", &Dbs::rrsets},   {"journal", &Dbs::journal},
    {"history", &Dbs::history}, {"revisions", &Dbs::revisions},
};

base::Status open_dbi(MDB_txn* txn, std::string_view name, MDB_dbi& out) {
  int rc = mdb_dbi_open(txn, std::string(name).c_str(), MDB_CREATE, &out);
  if (rc != 0) return fail(lmdb_error(rc, "opening table " + std::string(name)));
  return {};
}

// Checks the format version before anything else is created, so a store written by
// a newer gitnsd is left untouched.
base::Status check_format(MDB_txn* txn, Dbs& dbs, const std::string& path) {
  GITNS_CHECK(open_dbi(txn, "meta", dbs.meta));
  GITNS_TRY(auto v, get(txn, dbs.meta, as_bytes(kMetaFormat)));
  if (!v) {
    MDB_stat st{};
    mdb_stat(txn, dbs.meta, &st);
    if (st.ms_entries != 0) {
      return fail(Errc::malformed, "store: " + path + " has data but no format version key");
    }
    ByteWriter w;
    w.u32(kFormatVersion);
    return put(txn, dbs.meta, as_bytes(kMetaFormat), w.buf(), "writing the format version");
  }
  uint32_t found = v->size() == 4 ? load_u32(*v) : 0;
  if (found != kFormatVersion) {
    return fail(Errc::unsupported,
                "store: " + path + " has format version " + std::to_string(found) +
                    (found > kFormatVersion ? " (written by a newer gitnsd)" : "") +
                    "; this gitnsd reads format version " + std::to_string(kFormatVersion));
  }
  return {};
}

base::Status open_tables(MDB_env* env, Dbs& dbs, const std::string& path) {
  GITNS_TRY(Txn txn, Txn::begin(env, true));
  GITNS_CHECK(check_format(txn.get(), dbs, path));
  for (const auto& [name, member] : kTables) GITNS_CHECK(open_dbi(txn.get(), name, dbs.*member));
  return txn.commit();
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

base::Result<std::unique_ptr<Store>> Store::open(const std::string& dir, const Options& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(Errc::io, "store: cannot create the folder " + dir + ": " + ec.message());
  auto impl = std::make_unique<Impl>();
  impl->path = dir;
  impl->options = options;
  int rc = mdb_env_create(&impl->env);
  if (rc != 0) return fail(lmdb_error(rc, "creating the environment"));
  mdb_env_set_maxdbs(impl->env, 8);
  rc = mdb_env_set_mapsize(impl->env, options.map_size);
  if (rc != 0) return fail(lmdb_error(rc, "setting the map size"));
  // MDB_NOTLS: read transactions are not tied to a thread (the controller and the HTTP
  // server read from different threads). Neither MDB_NOMETASYNC nor MDB_WRITEMAP: each
  // commit is durable and a stray pointer can never scribble on the map.
  unsigned flags = MDB_NOTLS | (options.sync ? 0u : unsigned{MDB_NOSYNC});
  rc = mdb_env_open(impl->env, dir.c_str(), flags, 0600);
  if (rc != 0) return fail(lmdb_error(rc, "opening " + dir));
  // Reader slots of processes that died (kill -9) would otherwise pin old pages.
  int dead = 0;
  mdb_reader_check(impl->env, &dead);
  GITNS_CHECK(open_tables(impl->env, impl->dbs, dir));
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

const std::string& Store::path() const { return impl_->path; }
const Options& Store::options() const { return impl_->options; }

// --- writes ---------------------------------------------------------------------------

base::Result<ApplyResult> Store::apply(const ApplyBatch& batch) {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, true));
  auto result = apply_in(txn.get(), impl_->dbs, impl_->options, batch);
  if (result.ok()) {
    if (auto st = txn.commit(); !st) result = st.failure();
  }
  if (!result.ok() && result.error().code == Errc::limit) {
    base::Error e = result.error();
    e.message += " (map size " + std::to_string(impl_->options.map_size) + " bytes)";
    return fail(std::move(e));
  }
  return result;
}

base::Result<uint64_t> Store::record(const std::optional<std::string>& status,
                                     const std::optional<std::string>& history) {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, true));
  if (status) {
    GITNS_CHECK(put(txn.get(), impl_->dbs.meta, as_bytes(kMetaStatus), as_bytes(*status),
                    "writing the status"));
  }
  uint64_t seq = 0;
  if (history) {
    WriteStats stats;
    GITNS_TRY(seq, append_history(txn.get(), impl_->dbs, impl_->options, *history, stats));
  }
  GITNS_CHECK(txn.commit());
  return seq;
}

// --- reads ----------------------------------------------------------------------------

namespace {

base::Result<State> read_state(MDB_txn* txn, const Dbs& dbs) {
  State s;
  GITNS_TRY(s.revision, meta_text(txn, dbs, kMetaRevision));
  GITNS_TRY(s.generation, meta_u64(txn, dbs, kMetaGeneration, 0));
  GITNS_TRY(s.status, meta_text(txn, dbs, kMetaStatus));
  return s;
}

base::Result<std::vector<ZoneRecord>> read_zones(MDB_txn* txn, const Dbs& dbs) {
  std::vector<ZoneRecord> out;
  GITNS_CHECK(for_each_prefix(txn, dbs.zones, {}, [&](Span, Span v) -> base::Status {
    GITNS_TRY(ZoneRecord z, decode_zone(v));
    out.push_back(std::move(z));
    return {};
  }));
  return out;
}

base::Result<ZoneRecord> require_zone(MDB_txn* txn, const Dbs& dbs, const wire::Name& origin) {
  GITNS_TRY(auto z, find_zone(txn, dbs, origin));
  if (!z) return fail(Errc::not_found, "store: zone " + origin.to_text() + " is not stored");
  return std::move(*z);
}

base::Status damaged_rrset(const ZoneRecord& z) {
  return fail(Errc::malformed, "store: damaged RRset value in zone " + z.info.origin.to_text());
}

// Every stored record of the zone, handed to `sink` one by one. `rr` is reused, so the
// bulk load allocates per RRset at most, not per record.
template <class Sink>
base::Status read_records(MDB_txn* txn, const Dbs& dbs, const ZoneRecord& z, Sink&& sink) {
  wire::RR rr;
  rr.rclass = z.info.rclass;
  Bytes prefix = id_prefix(z.id);
  return for_each_prefix(txn, dbs.rrsets, prefix, [&](Span k, Span v) -> base::Status {
    RRsetReader rd(v);
    if (!rd.ok() || k.size() < prefix.size() + 3) return damaged_rrset(z);
    GITNS_TRY(rr.owner, wire::Name::from_wire(rd.owner()));
    rr.type = static_cast<uint16_t>(k[k.size() - 2] << 8 | k[k.size() - 1]);
    rr.ttl = rd.ttl();
    std::span<const uint8_t> one;
    while (rd.next(one)) {
      rr.rdata.bytes.assign(one.begin(), one.end());
      sink(rr);
    }
    if (!rd.ok()) return damaged_rrset(z);
    return {};
  });
}

base::Result<std::shared_ptr<const zone::Zone>> build_zone(MDB_txn* txn, const Dbs& dbs,
                                                           const ZoneRecord& z) {
  zone::ZoneBuilder builder(z.info.origin);
  GITNS_CHECK(read_records(txn, dbs, z, [&](const wire::RR& rr) { builder.add(rr); }));
  zone::BuildResult built = builder.build();
  const std::string name = z.info.origin.to_text();
  if (!built.ok()) {
    return fail(Errc::malformed,
                "store: stored zone " + name + " does not build: " + built.error().message);
  }
  if (built.zone->serial() != z.info.serial) {
    return fail(Errc::malformed, "store: zone " + name + " has SOA serial " +
                                     std::to_string(built.zone->serial()) +
                                     " but its record says " + std::to_string(z.info.serial));
  }
  return std::move(built.zone);
}

base::Result<JournalEntry> journal_at(MDB_txn* txn, const Dbs& dbs, const ZoneRecord& z,
                                      uint64_t seq) {
  Bytes key = journal_key(z.id, seq);
  GITNS_TRY(auto v, get(txn, dbs.journal, key));
  if (!v) {
    return fail(Errc::malformed, "store: journal entry " + std::to_string(seq) + " of zone " +
                                     z.info.origin.to_text() + " is missing");
  }
  return decode_journal(*v);
}

// Serial a journal entry starts from, without decoding its records.
base::Result<uint32_t> journal_serial_from(MDB_txn* txn, const Dbs& dbs, const ZoneRecord& z,
                                           uint64_t seq) {
  Bytes key = journal_key(z.id, seq);
  GITNS_TRY(auto v, get(txn, dbs.journal, key));
  if (!v || v->size() < 16) {
    return fail(Errc::malformed, "store: journal entry " + std::to_string(seq) + " of zone " +
                                     z.info.origin.to_text() + " is missing or damaged");
  }
  return load_u32(v->subspan(8));
}

// Key of a record for set arithmetic: lowercased owner, type, rdata.
Bytes record_key(const wire::RR& rr) {
  Bytes k = rrset_key(0, rr.owner, rr.type);
  k.insert(k.end(), rr.rdata.bytes.begin(), rr.rdata.bytes.end());
  return k;
}

}  // namespace

base::Result<State> Store::state() const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  return read_state(txn.get(), impl_->dbs);
}

base::Result<Snapshot> Store::load() const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  Snapshot snap;
  GITNS_TRY(snap.state, read_state(txn.get(), impl_->dbs));
  GITNS_TRY(auto records, read_zones(txn.get(), impl_->dbs));
  snap.zones.reserve(records.size());
  for (ZoneRecord& z : records) {
    GITNS_TRY(auto zone, build_zone(txn.get(), impl_->dbs, z));
    snap.zones.push_back({std::move(z.info), std::move(zone)});
  }
  return snap;
}

base::Result<std::vector<ZoneInfo>> Store::zones() const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  GITNS_TRY(auto records, read_zones(txn.get(), impl_->dbs));
  std::vector<ZoneInfo> out;
  out.reserve(records.size());
  for (ZoneRecord& z : records) out.push_back(std::move(z.info));
  return out;
}

base::Result<std::optional<ZoneInfo>> Store::zone_info(const wire::Name& origin) const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  GITNS_TRY(auto z, find_zone(txn.get(), impl_->dbs, origin));
  if (!z) return std::optional<ZoneInfo>();
  return std::optional<ZoneInfo>(std::move(z->info));
}

base::Result<std::shared_ptr<const zone::Zone>> Store::load_zone(const wire::Name& origin) const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  GITNS_TRY(ZoneRecord z, require_zone(txn.get(), impl_->dbs, origin));
  return build_zone(txn.get(), impl_->dbs, z);
}

base::Result<std::vector<wire::RR>> Store::zone_records(const wire::Name& origin) const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  GITNS_TRY(ZoneRecord z, require_zone(txn.get(), impl_->dbs, origin));
  std::vector<wire::RR> out;
  out.reserve(z.info.record_count);
  GITNS_CHECK(read_records(txn.get(), impl_->dbs, z, [&](const wire::RR& rr) { out.push_back(rr); }));
  return out;
}

base::Result<std::vector<JournalEntry>> Store::journal(const wire::Name& origin) const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  GITNS_TRY(ZoneRecord z, require_zone(txn.get(), impl_->dbs, origin));
  std::vector<JournalEntry> out;
  for (uint64_t seq = z.journal_first; seq < z.journal_next; ++seq) {
    GITNS_TRY(JournalEntry e, journal_at(txn.get(), impl_->dbs, z, seq));
    out.push_back(std::move(e));
  }
  return out;
}

base::Result<std::vector<JournalEntry>> Store::journal_since(const wire::Name& origin,
                                                             uint32_t serial) const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  GITNS_TRY(ZoneRecord z, require_zone(txn.get(), impl_->dbs, origin));
  std::vector<JournalEntry> out;
  if (serial == z.info.serial) return out;
  // The newest entry leaving `serial` gives the shortest chain to the current serial.
  std::optional<uint64_t> start;
  for (uint64_t seq = z.journal_next; seq-- > z.journal_first;) {
    GITNS_TRY(uint32_t from, journal_serial_from(txn.get(), impl_->dbs, z, seq));
    if (from == serial) {
      start = seq;
      break;
    }
  }
  if (!start) {
    std::string held = "its journal is empty";
    if (z.journal_first < z.journal_next) {
      GITNS_TRY(uint32_t oldest, journal_serial_from(txn.get(), impl_->dbs, z, z.journal_first));
      held = "its journal reaches back to serial " + std::to_string(oldest);
    }
    return fail(Errc::not_found, "store: zone " + z.info.origin.to_text() +
                                     " has no diff from serial " + std::to_string(serial) +
                                     " (current serial " + std::to_string(z.info.serial) +
                                     ", " + held + ")");
  }
  uint32_t at = serial;
  for (uint64_t seq = *start; seq < z.journal_next; ++seq) {
    GITNS_TRY(JournalEntry e, journal_at(txn.get(), impl_->dbs, z, seq));
    if (e.serial_from != at) {
      return fail(Errc::malformed, "store: journal of zone " + z.info.origin.to_text() +
                                       " is broken at serial " + std::to_string(at));
    }
    at = e.serial_to;
    out.push_back(std::move(e));
  }
  if (at != z.info.serial) {
    return fail(Errc::malformed, "store: journal of zone " + z.info.origin.to_text() +
                                     " ends at serial " + std::to_string(at) +
                                     ", not at the zone's serial " + std::to_string(z.info.serial));
  }
  return out;
}

base::Result<std::vector<HistoryEntry>> Store::history() const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  std::vector<HistoryEntry> out;
  GITNS_CHECK(for_each_prefix(txn.get(), impl_->dbs.history, {}, [&](Span k, Span v) -> base::Status {
    if (k.size() != 8) return fail(Errc::malformed, "store: damaged history key");
    out.push_back({load_u64(k), as_string(v)});
    return {};
  }));
  return out;
}

base::Result<std::vector<AppliedRevision>> Store::revisions() const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  std::vector<AppliedRevision> out;
  GITNS_CHECK(for_each_prefix(txn.get(), impl_->dbs.revisions, {}, [&](Span k, Span v) -> base::Status {
    if (k.size() != 8) return fail(Errc::malformed, "store: damaged revision key");
    out.push_back({load_u64(k), as_string(v)});
    return {};
  }));
  return out;
}

base::Result<std::vector<wire::RR>> Store::zone_records_at(const wire::Name& origin,
                                                           uint64_t generation) const {
  GITNS_TRY(Txn txn, Txn::begin(impl_->env, false));
  MDB_txn* t = txn.get();
  const Dbs& dbs = impl_->dbs;
  GITNS_TRY(ZoneRecord z, require_zone(t, dbs, origin));
  GITNS_TRY(uint64_t current, meta_u64(t, dbs, kMetaGeneration, 0));
  const std::string name = z.info.origin.to_text();
  const std::string gen = std::to_string(generation);
  if (generation > current) {
    return fail(Errc::not_found, "store: generation " + gen + " has not been applied (current " +
                                     std::to_string(current) + ")");
  }
  if (generation < z.info.since_generation) {
    return fail(Errc::not_found, "store: zone " + name + " was created or replaced at generation " +
                                     std::to_string(z.info.since_generation) +
                                     "; its content at generation " + gen + " is not kept");
  }
  if (generation < z.info.rebuild_floor) {
    return fail(Errc::not_found, "store: the journal of zone " + name +
                                     " was trimmed; content can be rebuilt back to generation " +
                                     std::to_string(z.info.rebuild_floor) + ", not " + gen);
  }
  std::map<Bytes, wire::RR> records;
  GITNS_CHECK(read_records(t, dbs, z, [&](const wire::RR& rr) { records.emplace(record_key(rr), rr); }));
  // Undo the diffs made after `generation`, newest first.
  for (uint64_t seq = z.journal_next; seq-- > z.journal_first;) {
    GITNS_TRY(JournalEntry e, journal_at(t, dbs, z, seq));
    if (e.generation <= generation) break;
    for (const wire::RR& rr : e.added) records.erase(record_key(rr));
    for (const wire::RR& rr : e.removed) records.insert_or_assign(record_key(rr), rr);
  }
  std::vector<wire::RR> out;
  out.reserve(records.size());
  for (auto& [k, rr] : records) out.push_back(std::move(rr));
  return out;
}

base::Result<Usage> Store::usage() const {
  MDB_envinfo info{};
  MDB_stat st{};
  int rc = mdb_env_info(impl_->env, &info);
  if (rc == 0) rc = mdb_env_stat(impl_->env, &st);
  if (rc != 0) return fail(lmdb_error(rc, "reading the environment's usage"));
  return Usage{info.me_mapsize, (uint64_t{info.me_last_pgno} + 1) * st.ms_psize};
}

}  // namespace gitns::store
