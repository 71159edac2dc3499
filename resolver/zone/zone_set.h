// The zones the server answers for, as one immutable set ("view"), and its publication:
// a writer builds a new set and swaps it in at once, so a commit touching ten zones
// changes all ten together, and queries in flight keep the set they started with.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/wire/name.h"
#include "resolver/zone/name_index.h"
#include "resolver/zone/zone.h"

namespace gitns::zone {

class ZoneSet {
 public:
  ZoneSet() = default;  // no zones: every query is REFUSED
  // Fails when two zones share an origin.
  static base::Result<std::shared_ptr<const ZoneSet>> create(
      std::vector<std::shared_ptr<const Zone>> zones);

  // The closest enclosing zone (longest matching origin), or nullptr: the server
  // answers REFUSED for names in no zone.
  const Zone* find(const wire::Name& qname) const;
  // The zone with exactly this origin, or nullptr.
  std::shared_ptr<const Zone> get(const wire::Name& origin) const;

  size_t size() const { return zones_.size(); }
  // In canonical order of their origins.
  const std::vector<std::shared_ptr<const Zone>>& zones() const { return zones_; }

  // A new set with `zone` added or replacing the zone of the same origin.
  std::shared_ptr<const ZoneSet> with(std::shared_ptr<const Zone> zone) const;
  // A new set without the zone of that origin.
  std::shared_ptr<const ZoneSet> without(const wire::Name& origin) const;

 private:
  uint32_t probe(const detail::NameSplit& q, size_t labels) const;

  std::vector<std::shared_ptr<const Zone>> zones_;
  detail::NameTable index_;
  // Bit k set: some origin has k labels. Most depths hold no zone and need no probe.
  std::array<uint64_t, 2> depths_{};
};

// Publishes zone sets. publish() stores the new set and then moves the generation on;
// readers compare generations and take the (internally locked) shared_ptr only when it
// moved, so the query path is lock-free in the common case.
class ZoneSetHolder {
 public:
  ZoneSetHolder();
  explicit ZoneSetHolder(std::shared_ptr<const ZoneSet> initial);

  void publish(std::shared_ptr<const ZoneSet> set);
  std::shared_ptr<const ZoneSet> acquire() const { return current_.load(std::memory_order_acquire); }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::mutex publish_mutex_;  // publishers are serialized; readers never take it
  std::atomic<std::shared_ptr<const ZoneSet>> current_;
  std::atomic<uint64_t> generation_{1};
};

// One per worker thread (not shared between threads). current() returns the newest set
// the reader has seen; the reference stays valid until the next current() call on this
// reader, which is what lets a query finish on the set it started with.
class ZoneSetReader {
 public:
  explicit ZoneSetReader(const ZoneSetHolder& holder)
      : holder_(&holder), generation_(holder.generation()), set_(holder.acquire()) {}

  const ZoneSet& current() {
    uint64_t g = holder_->generation();
    if (g != generation_) {
      // The set is stored before the generation moves, so this one is at least as new
      // as g; if it is newer, the next call simply takes it again.
      set_ = holder_->acquire();
      generation_ = g;
    }
    return *set_;
  }
  std::shared_ptr<const ZoneSet> hold() const { return set_; }
  uint64_t generation() const { return generation_; }

 private:
  const ZoneSetHolder* holder_;
  uint64_t generation_;
  std::shared_ptr<const ZoneSet> set_;
};

}  // namespace gitns::zone
