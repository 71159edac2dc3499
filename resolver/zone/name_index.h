// Internal to resolver/zone: hashing of wire names by suffix and an open-addressing
// table of node ids. Not part of the public API.
//
// Why a hash and not an ordered search: a lookup probes the query name and then its
// ancestors. The hash is folded label by label from the root (the reverse of the wire
// order, as Knot's lookup keys are), so one pass over a query name yields the hash of
// every suffix, and each probe is one or two cache misses instead of a binary search.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "resolver/wire/name.h"

namespace gitns::zone::detail {

inline constexpr uint32_t kNone = UINT32_MAX;

// Why rdata of this type cannot be zone data (names inside NS, CNAME, DNAME and SOA
// rdata drive lookups, so they must parse), or nullptr. In zone_builder.cpp.
const char* rdata_problem(uint16_t type, std::span<const uint8_t> rdata);

inline constexpr uint64_t kHashSeed = 1469598103934665603ull;
inline constexpr uint64_t kHashPrime = 1099511628211ull;

// Folds one label (pointing at its length byte) into a suffix hash, case-insensitively.
inline uint64_t hash_label(uint64_t h, const uint8_t* label) {
  uint8_t len = label[0];
  h = (h ^ len) * kHashPrime;
  for (uint8_t i = 1; i <= len; ++i) h = (h ^ wire::ascii_lower(label[i])) * kHashPrime;
  return h;
}

inline uint32_t hash_finish(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<uint32_t>(h);
}

inline constexpr uint8_t kWildcardLabel[2] = {1, '*'};

// Case-insensitive equality of two uncompressed wire names. Length bytes are below
// 64, so lowering them is harmless.
inline bool wire_equal_ci(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (wire::ascii_lower(a[i]) != wire::ascii_lower(b[i])) return false;
  }
  return true;
}

// A wire name cut into labels with the hash of each suffix. Lives on the stack; the
// bytes it points to must outlive it.
struct NameSplit {
  const uint8_t* wire = nullptr;
  uint8_t size = 0;
  uint8_t labels = 0;
  std::array<uint8_t, 128> off;   // off[i]: offset of label i from the left; off[labels] = root
  std::array<uint64_t, 128> hash;  // hash[k]: raw hash of the suffix with k labels

  // `bytes` must be a valid uncompressed name (a Name's wire form or checked rdata).
  void init(std::span<const uint8_t> bytes) {
    wire = bytes.data();
    size_t pos = 0;
    labels = 0;
    while (pos < bytes.size() && bytes[pos] != 0) {
      off[labels++] = static_cast<uint8_t>(pos);
      pos += bytes[pos] + 1;
    }
    off[labels] = static_cast<uint8_t>(pos);
    size = static_cast<uint8_t>(pos + 1);
    uint64_t h = kHashSeed;
    hash[0] = h;
    for (size_t k = 1; k <= labels; ++k) {
      h = hash_label(h, wire + off[labels - k]);
      hash[k] = h;
    }
  }
  std::span<const uint8_t> suffix(size_t k) const {
    size_t start = off[labels - k];
    return {wire + start, size - start};
  }
  std::span<const uint8_t> whole() const { return {wire, size}; }
};

inline uint64_t hash_wire(std::span<const uint8_t> bytes) {
  NameSplit s;
  s.init(bytes);
  return s.hash[s.labels];
}

// Open addressing with linear probing over (hash, id) slots. The 32-bit hash kept in
// each slot rejects almost every mismatch without touching the node it names.
class NameTable {
 public:
  struct Slot {
    uint32_t hash = 0;
    uint32_t id = kNone;
  };

  void reset(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    count_ = 0;
  }
  size_t size() const { return count_; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

  // Adds an id; the caller makes sure it is not present yet. Grows at half load.
  void insert(uint32_t hash, uint32_t id) {
    if (slots_.empty() || (count_ + 1) * 2 > slots_.size()) grow();
    place(hash, id);
    ++count_;
  }

  // The id whose slot hash matches and for which eq(id) holds, or kNone.
  template <class Eq>
  uint32_t find(uint32_t hash, Eq&& eq) const {
    if (slots_.empty()) return kNone;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.hash == hash && eq(s.id)) return s.id;
    }
  }

 private:
  void place(uint32_t hash, uint32_t id) {
    size_t i = hash & mask_;
    while (slots_[i].id != kNone) i = (i + 1) & mask_;
    slots_[i] = {hash, id};
  }
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    size_t cap = old.empty() ? 16 : old.size() * 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const Slot& s : old) {
      if (s.id != kNone) place(s.hash, s.id);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace gitns::zone::detail
