#include "resolver/zone/zone_set.h"

#include <algorithm>

namespace gitns::zone {

using detail::kNone;

base::Result<std::shared_ptr<const ZoneSet>> ZoneSet::create(
    std::vector<std::shared_ptr<const Zone>> zones) {
  zones.erase(std::remove(zones.begin(), zones.end(), nullptr), zones.end());
  std::sort(zones.begin(), zones.end(), [](const auto& a, const auto& b) {
    return a->origin().canonical_compare(b->origin()) < 0;
  });
  for (size_t i = 1; i < zones.size(); ++i) {
    if (zones[i - 1]->origin() == zones[i]->origin()) {
      return base::fail(base::Errc::semantic,
                        "zone " + zones[i]->origin().to_text() + " is defined twice");
    }
  }
  auto set = std::make_shared<ZoneSet>();
  set->index_.reset(zones.size());
  for (size_t i = 0; i < zones.size(); ++i) {
    const wire::Name& o = zones[i]->origin();
    set->index_.insert(detail::hash_finish(detail::hash_wire(o.wire())), static_cast<uint32_t>(i));
    size_t k = o.label_count();
    set->depths_[k / 64] |= uint64_t(1) << (k % 64);
  }
  set->zones_ = std::move(zones);
  return std::shared_ptr<const ZoneSet>(std::move(set));
}

uint32_t ZoneSet::probe(const detail::NameSplit& q, size_t labels) const {
  auto s = q.suffix(labels);
  return index_.find(detail::hash_finish(q.hash[labels]), [&](uint32_t id) {
    return detail::wire_equal_ci(zones_[id]->origin().wire(), s);
  });
}

const Zone* ZoneSet::find(const wire::Name& qname) const {
  if (zones_.empty()) return nullptr;
  detail::NameSplit q;
  q.init(qname.wire());
  for (size_t k = q.labels + 1; k-- > 0;) {
    if (!(depths_[k / 64] >> (k % 64) & 1)) continue;
    uint32_t id = probe(q, k);
    if (id != kNone) return zones_[id].get();
  }
  return nullptr;
}

std::shared_ptr<const Zone> ZoneSet::get(const wire::Name& origin) const {
  if (zones_.empty()) return nullptr;
  detail::NameSplit q;
  q.init(origin.wire());
  uint32_t id = probe(q, q.labels);
  return id == kNone ? nullptr : zones_[id];
}

std::shared_ptr<const ZoneSet> ZoneSet::with(std::shared_ptr<const Zone> zone) const {
  std::vector<std::shared_ptr<const Zone>> zones;
  zones.reserve(zones_.size() + 1);
  for (const auto& z : zones_) {
    if (!(z->origin() == zone->origin())) zones.push_back(z);
  }
  zones.push_back(std::move(zone));
  return *create(std::move(zones));  // origins are distinct by construction
}

std::shared_ptr<const ZoneSet> ZoneSet::without(const wire::Name& origin) const {
  std::vector<std::shared_ptr<const Zone>> zones;
  for (const auto& z : zones_) {
    if (!(z->origin() == origin)) zones.push_back(z);
  }
  return *create(std::move(zones));
}

ZoneSetHolder::ZoneSetHolder() : current_(std::make_shared<const ZoneSet>()) {}

ZoneSetHolder::ZoneSetHolder(std::shared_ptr<const ZoneSet> initial)
    : current_(initial ? std::move(initial) : std::make_shared<const ZoneSet>()) {}

void ZoneSetHolder::publish(std::shared_ptr<const ZoneSet> set) {
  if (!set) set = std::make_shared<const ZoneSet>();
  std::lock_guard lock(publish_mutex_);
  current_.store(std::move(set), std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace gitns::zone
