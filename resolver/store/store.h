// Persistence of the applied state in LMDB: the applied git revision and generation, the
// zones (records, SOA serial, opaque metadata), the journal of zone diffs (IXFR, RFC 1995,
// and rollback), the reconcile status and a bounded history of reconciles.
//
// Durability: one apply is one LMDB write transaction, committed with fsync (no
// MDB_NOSYNC unless Options::sync is false), so a crash at any moment leaves either the
// whole previous state or the whole new one. Readers never block the writer (MVCC).
//
// Layout (named databases inside one environment):
//   meta       "format" u32, "revision", "generation" u64, "status", counters
//   zones      lowercased origin wire -> zone record (id, class, serial, metadata, journal
//              counters)
//   rrsets     zone id u32 | lowercased owner wire | type u16 -> owner (original case),
//              TTL, rdatas: one key per RRset, so a one-record change rewrites one RRset
//              (and the SOA), not the zone
//   journal    zone id u32 | seq u64 -> generation, serial from/to, removed and added RRs
//              in uncompressed wire form; bounded per zone, the oldest dropped
//   history    seq u64 -> reconcile record (opaque JSON); bounded
//   revisions  generation u64 -> applied revision; bounded
// Integers in keys are big-endian so that byte order is numeric order.
//
// The environment is a directory (LMDB's default, not MDB_NOSUBDIR): data.mdb and the
// lock file lock.mdb stay together inside it, and the daemon's state folder only needs
// one entry for the store. The store is safe to use from several threads: LMDB
// serializes writers and readers see consistent snapshots.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"
#include "resolver/zone/zone.h"

namespace gitns::store {

// The on-disk layout this code writes. A store with a higher version is refused.
inline constexpr uint32_t kFormatVersion = 1;

struct Options {
  // Upper bound of the memory map and so of the file. LMDB maps it sparsely: the file
  // only grows by what is written. A full map is an Errc::limit error from apply().
  uint64_t map_size = uint64_t{16} << 30;
  // fsync on every commit. false (MDB_NOSYNC) survives a kill -9 of the process but
  // may lose the last commits on an OS crash or power loss: for tests and benchmarks.
  bool sync = true;
  size_t journal_max_entries = 1000;                // per zone; the oldest dropped first
  uint64_t journal_max_bytes = uint64_t{64} << 20;  // per zone; the newest entry is always kept
  size_t history_max = 100;                         // reconcile history entries kept
  size_t revisions_max = 100;                       // applied revisions remembered
};

// A new zone, or the full replacement of a stored one. Replacing drops the zone's
// journal (a diff from an older serial no longer exists); prefer ZonePatch.
struct ZonePut {
  std::shared_ptr<const zone::Zone> zone;
  std::string metadata;
};

// A change to a stored zone, computed against its stored content (zone::diff(old, new)).
// Every removed record must be stored and no added record may be stored already, so a
// diff made against other content fails instead of corrupting the zone. A non-empty
// diff must change the SOA serial forward (RFC 1982); it is appended to the journal.
struct ZonePatch {
  wire::Name origin;
  zone::ZoneDiff diff;
  std::optional<std::string> metadata;  // nullopt: unchanged
};

// Everything one applied revision changes, committed atomically or not at all.
struct ApplyBatch {
  std::string revision;  // the applied git commit id; must not be empty
  std::vector<ZonePut> puts;
  std::vector<ZonePatch> patches;
  std::vector<wire::Name> deletes;
  std::optional<std::string> status;   // nullopt: unchanged
  std::optional<std::string> history;  // appended to the reconcile history when set
};

// What a write did; the counters show that a small change writes little.
struct WriteStats {
  uint64_t rrsets_written = 0;
  uint64_t rrsets_deleted = 0;
  uint64_t journal_written = 0;
  uint64_t journal_trimmed = 0;
  uint64_t history_trimmed = 0;
};

struct ApplyResult {
  uint64_t generation = 0;   // the new generation (the previous one plus one)
  uint64_t history_seq = 0;  // sequence number of the history entry; 0 when none
  WriteStats stats;
};

struct State {
  uint32_t format_version = kFormatVersion;
  std::string revision;    // empty before the first apply
  uint64_t generation = 0; // number of applies so far
  std::string status;      // empty until written
};

struct ZoneInfo {
  wire::Name origin;  // as the last ZonePut wrote it (case kept)
  uint16_t rclass = wire::rrclass::IN;
  uint32_t serial = 0;
  std::string metadata;
  uint64_t record_count = 0;
  uint64_t since_generation = 0;  // generation that created (or last replaced) the zone
  // The oldest generation whose content zone_records_at() can rebuild: since_generation,
  // moved forward as the journal is trimmed.
  uint64_t rebuild_floor = 0;
  uint64_t journal_entries = 0;
  uint64_t journal_bytes = 0;
};

// One applied zone diff: the change from serial_from to serial_to.
struct JournalEntry {
  uint64_t generation = 0;  // the apply that made it
  uint32_t serial_from = 0;
  uint32_t serial_to = 0;
  std::vector<wire::RR> removed;
  std::vector<wire::RR> added;
};

struct HistoryEntry {
  uint64_t seq = 0;
  std::string record;
};

struct AppliedRevision {
  uint64_t generation = 0;
  std::string revision;
};

struct LoadedZone {
  ZoneInfo info;
  std::shared_ptr<const zone::Zone> zone;
};

// The whole applied state, read in one snapshot: what gitnsd serves at start.
struct Snapshot {
  State state;
  std::vector<LoadedZone> zones;  // in the order of their lowercased origin wire form
};

struct Usage {
  uint64_t map_size = 0;   // configured upper bound
  uint64_t used_bytes = 0; // pages in use (last page number times page size)
};

class Store {
 public:
  // Opens (creating the directory and the environment when absent) the store in `dir`.
  // Fails with Errc::unsupported when the store was written by a newer format version,
  // Errc::io when the directory or the files cannot be used.
  static base::Result<std::unique_ptr<Store>> open(const std::string& dir,
                                                   const Options& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const;
  const Options& options() const;

  // One applied revision in one transaction. Errc::not_found for a patch or delete of a
  // zone that is not stored; Errc::semantic for a diff that does not match the stored
  // content, a zone named twice in the batch, a changed zone whose serial did not move
  // forward; Errc::limit when the map is full. On failure nothing is written.
  base::Result<ApplyResult> apply(const ApplyBatch& batch);
  // A reconcile that applied nothing (an invalid commit, a held plan): status and/or a
  // history entry, without touching revision, generation or zones. Returns the history
  // sequence number (0 when `history` is empty).
  base::Result<uint64_t> record(const std::optional<std::string>& status,
                                const std::optional<std::string>& history);

  base::Result<State> state() const;
  // Revision, status and every zone built into a Zone, all from one read snapshot.
  base::Result<Snapshot> load() const;
  base::Result<std::vector<ZoneInfo>> zones() const;
  // nullopt when the zone is not stored.
  base::Result<std::optional<ZoneInfo>> zone_info(const wire::Name& origin) const;
  // The stored zone built again (bulk cursor read into a ZoneBuilder).
  base::Result<std::shared_ptr<const zone::Zone>> load_zone(const wire::Name& origin) const;
  base::Result<std::vector<wire::RR>> zone_records(const wire::Name& origin) const;

  // The diffs that lead from `serial` to the zone's current serial, oldest first (empty
  // when `serial` is current): what an IXFR answer is made of. Errc::not_found when the
  // journal no longer (or never) reached back to `serial`: answer with AXFR instead.
  base::Result<std::vector<JournalEntry>> journal_since(const wire::Name& origin,
                                                        uint32_t serial) const;
  // The whole retained journal of a zone, oldest first.
  base::Result<std::vector<JournalEntry>> journal(const wire::Name& origin) const;

  // Reconcile history, oldest first (at most Options::history_max entries).
  base::Result<std::vector<HistoryEntry>> history() const;
  // The last applied revisions, oldest first (at most Options::revisions_max).
  base::Result<std::vector<AppliedRevision>> revisions() const;
  // The zone's records as they were after the apply of `generation`, rebuilt by undoing
  // journal entries newer than it (rollback). Errc::not_found when the zone is not stored
  // or did not exist then, or when the journal no longer reaches back that far.
  base::Result<std::vector<wire::RR>> zone_records_at(const wire::Name& origin,
                                                      uint64_t generation) const;

  base::Result<Usage> usage() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gitns::store
