// Internals shared by store.cpp (environment, reads) and store_apply.cpp (the write
// transaction). LMDB handles are only declared here, so no header includes lmdb.h.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "resolver/base/result.h"
#include "resolver/store/store.h"
#include "resolver/store/store_codec.h"

struct MDB_env;
struct MDB_txn;
typedef unsigned int MDB_dbi;  // NOLINT: the same typedef as lmdb.h

namespace gitns::store::detail {

using Span = std::span<const uint8_t>;

inline Span as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string as_string(Span b) { return std::string(b.begin(), b.end()); }

// Names of the meta keys.
inline constexpr std::string_view kMetaFormat = "format";
inline constexpr std::string_view kMetaRevision = "revision";
inline constexpr std::string_view kMetaGeneration = "generation";
inline constexpr std::string_view kMetaStatus = "status";
inline constexpr std::string_view kMetaNextZoneId = "next_zone_id";
inline constexpr std::string_view kMetaNextHistory = "next_history";

struct Dbs {
  MDB_dbi meta = 0;
  MDB_dbi zones = 0;
  MDB_dbi rrsets = 0;
  MDB_dbi journal = 0;
  MDB_dbi history = 0;
  MDB_dbi revisions = 0;
};

// An LMDB return code as an Error: MDB_MAP_FULL and MDB_TXN_FULL are Errc::limit,
// the rest Errc::io. `what` says what the store was doing.
base::Error lmdb_error(int rc, std::string_view what);

// A transaction that aborts unless committed.
class Txn {
 public:
  static base::Result<Txn> begin(MDB_env* env, bool write);
  Txn(Txn&& o) noexcept : txn_(o.txn_) { o.txn_ = nullptr; }
  Txn& operator=(Txn&&) = delete;
  ~Txn();
  MDB_txn* get() const { return txn_; }
  base::Status commit();

 private:
  explicit Txn(MDB_txn* t) : txn_(t) {}
  MDB_txn* txn_;
};

// Values returned point into the map and stay valid until the transaction ends (or, in
// a write transaction, until the next write).
base::Result<std::optional<Span>> get(MDB_txn* txn, MDB_dbi dbi, Span key);
base::Status put(MDB_txn* txn, MDB_dbi dbi, Span key, Span value, std::string_view what);
base::Result<bool> del(MDB_txn* txn, MDB_dbi dbi, Span key);  // false when absent
// Deletes every key starting with `prefix`; returns how many.
base::Result<uint64_t> delete_prefix(MDB_txn* txn, MDB_dbi dbi, Span prefix);
// Deletes every key that sorts before `bound`; returns how many.
base::Result<uint64_t> delete_below(MDB_txn* txn, MDB_dbi dbi, Span bound);
// Calls f(key, value) for every key starting with `prefix`, in key order; stops at
// the first failure f returns.
template <class F>
base::Status for_each_prefix(MDB_txn* txn, MDB_dbi dbi, Span prefix, F&& f);

base::Result<uint64_t> meta_u64(MDB_txn* txn, const Dbs& dbs, std::string_view key,
                                uint64_t absent);
base::Status put_meta_u64(MDB_txn* txn, const Dbs& dbs, std::string_view key, uint64_t v);
base::Result<std::string> meta_text(MDB_txn* txn, const Dbs& dbs, std::string_view key);

// The stored record of a zone, or nullopt.
base::Result<std::optional<ZoneRecord>> find_zone(MDB_txn* txn, const Dbs& dbs,
                                                  const wire::Name& origin);

// A type-erased cursor walk, so the template above needs no LMDB types here.
using PrefixVisitor = base::Status (*)(void* ctx, Span key, Span value);
base::Status walk_prefix(MDB_txn* txn, MDB_dbi dbi, Span prefix, PrefixVisitor visit, void* ctx);

template <class F>
base::Status for_each_prefix(MDB_txn* txn, MDB_dbi dbi, Span prefix, F&& f) {
  using Fn = std::remove_reference_t<F>;
  return walk_prefix(
      txn, dbi, prefix,
      [](void* ctx, Span k, Span v) -> base::Status { return (*static_cast<Fn*>(ctx))(k, v); },
      const_cast<void*>(static_cast<const void*>(&f)));
}

// The write side of apply(), in store_apply.cpp.
base::Result<ApplyResult> apply_in(MDB_txn* txn, const Dbs& dbs, const Options& options,
                                   const ApplyBatch& batch);
base::Result<uint64_t> append_history(MDB_txn* txn, const Dbs& dbs, const Options& options,
                                      const std::string& record, WriteStats& stats);

}  // namespace gitns::store::detail
