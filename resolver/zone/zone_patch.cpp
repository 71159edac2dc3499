#include "resolver/zone/zone_patch.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "resolver/zone/name_index.h"

namespace gitns::zone {

using base::Errc;
using base::fail;
using detail::kNone;
namespace rrtype = wire::rrtype;

namespace {

using RdataSpan = std::span<const uint8_t>;

// The builder's order of rdatas inside an RRset: bytes, then length.
bool rdata_less(RdataSpan a, RdataSpan b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c < 0;
  return a.size() < b.size();
}

bool rdata_equal(RdataSpan a, RdataSpan b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string rr_text(const wire::RR& rr) {
  return rr.owner.to_text() + " " + wire::type_to_text(rr.type) + " " +
         wire::rdata_to_text(rr.type, rr.rdata);
}

// Flags a node has because of its own RRsets; the others follow from its ancestors and
// children and are computed again for every node.
constexpr uint16_t kOwnFlags = detail::kDelegation | detail::kHasCname | detail::kHasDname;

struct NewRRset {
  uint16_t type = 0;
  uint32_t ttl = 0;
  bool ttl_fixed = true;  // false once every old record is removed: the next addition sets it
  std::vector<RdataSpan> rdatas;
};

}  // namespace

class ZonePatcher {
 public:
  explicit ZonePatcher(const Zone& base) : base_(base) {}

  base::Result<std::shared_ptr<const Zone>> run(const ZoneDiff& diff) {
    for (const wire::RR& rr : diff.removed) GITNS_CHECK(remove(rr));
    for (const wire::RR& rr : diff.added) GITNS_CHECK(add(rr));
    GITNS_CHECK(finish_rrsets());
    add_ancestors();
    drop_empty_leaves();
    place_new_names();
    emit();
    link();
    return std::shared_ptr<const Zone>(std::move(out_));
  }

 private:
  struct Change {
    wire::Name owner;  // the stored owner (its case), or the first added record's
    uint32_t old_index = kNone;
    bool modified = false;       // `rrsets` replace the node's RRsets
    bool removed = false;        // an old node left without data or children
    uint32_t insert_before = 0;  // a new name: the old node it goes before
    std::vector<NewRRset> rrsets;
  };

  // ---- collecting the changes per owner ----------------------------------------------

  base::Result<Change*> change_for(const wire::RR& rr) {
    if (!rr.owner.is_subdomain_of(base_.origin_)) {
      return fail(Errc::semantic, rr_text(rr) + " is outside the zone " + base_.origin_.to_text());
    }
    std::string key = rr.owner.lookup_key();
    auto it = changes_.find(key);
    if (it == changes_.end()) {
      Change c;
      c.owner = rr.owner;
      NodeView n = base_.find_node(rr.owner);
      if (n) {
        c.old_index = n.index();
        c.owner = n.owner();
      }
      it = changes_.emplace(std::move(key), std::move(c)).first;
    }
    Change& c = it->second;
    if (!c.modified) load_rrsets(c);
    return &c;
  }

  void load_rrsets(Change& c) {
    c.modified = true;
    if (c.old_index == kNone) return;
    NodeView n = base_.node(c.old_index);
    for (size_t i = 0; i < n.rrset_count(); ++i) {
      RRsetView v = n.rrset(i);
      NewRRset s{v.type(), v.ttl(), true, {}};
      for (auto rd : v) s.rdatas.push_back(rd);
      c.rrsets.push_back(std::move(s));
    }
  }

  static NewRRset* find_type(Change& c, uint16_t type) {
    for (NewRRset& s : c.rrsets) {
      if (s.type == type) return &s;
    }
    return nullptr;
  }

  base::Status remove(const wire::RR& rr) {
    GITNS_TRY(Change * c, change_for(rr));
    NewRRset* s = find_type(*c, rr.type);
    auto rd = std::span<const uint8_t>(rr.rdata.bytes);
    auto missing = [&] {
      return fail(Errc::semantic, "removed record " + rr_text(rr) + " (TTL " +
                                      std::to_string(rr.ttl) + ") is not in the zone");
    };
    if (!s || rr.ttl != s->ttl || rr.rclass != base_.rclass_) return missing();
    auto pos = std::find_if(s->rdatas.begin(), s->rdatas.end(),
                            [&](RdataSpan x) { return rdata_equal(x, rd); });
    if (pos == s->rdatas.end()) return missing();
    s->rdatas.erase(pos);
    if (s->rdatas.empty()) s->ttl_fixed = false;
    ++removed_;
    return {};
  }

  base::Status add(const wire::RR& rr) {
    if (rr.rclass != base_.rclass_) {
      return fail(Errc::semantic, rr_text(rr) + " has class " + wire::class_to_text(rr.rclass) +
                                      " but the zone's class is " +
                                      wire::class_to_text(base_.rclass_));
    }
    if (rr.type == 0 || wire::is_meta_type(rr.type)) {
      return fail(Errc::semantic, rr_text(rr) + ": a query or meta type cannot be zone data");
    }
    if (auto st = wire::rdata_check(rr.type, rr.rdata.bytes); !st) {
      return fail(Errc::semantic, rr_text(rr) + ": " + st.error().message);
    }
    if (const char* p = detail::rdata_problem(rr.type, rr.rdata.bytes)) {
      return fail(Errc::semantic, rr_text(rr) + ": " + p);
    }
    GITNS_TRY(Change * c, change_for(rr));
    NewRRset* s = find_type(*c, rr.type);
    if (!s) {
      c->rrsets.push_back({rr.type, rr.ttl, false, {}});
      s = &c->rrsets.back();
    }
    auto rd = std::span<const uint8_t>(rr.rdata.bytes);
    for (RdataSpan x : s->rdatas) {
      if (rdata_equal(x, rd))
        return fail(Errc::semantic, "added record " + rr_text(rr) + " is already in the zone");
    }
    if (!s->ttl_fixed) {
      s->ttl = rr.ttl;
      s->ttl_fixed = true;
    } else if (s->ttl != rr.ttl) {
      return fail(Errc::unsupported, "added record " + rr_text(rr) + " has TTL " +
                                         std::to_string(rr.ttl) + ", its RRset " +
                                         std::to_string(s->ttl) + ": build the zone from records");
    }
    s->rdatas.push_back(rd);
    ++added_;
    return {};
  }

  base::Status finish_rrsets() {
    for (auto& [key, c] : changes_) {
      std::erase_if(c.rrsets, [](const NewRRset& s) { return s.rdatas.empty(); });
      for (NewRRset& s : c.rrsets) {
        if (s.rdatas.size() > 0xFFFF) {
          return fail(Errc::unsupported, c.owner.to_text() + " " + wire::type_to_text(s.type) +
                                             " would have more than 65535 records");
        }
        std::sort(s.rdatas.begin(), s.rdatas.end(), rdata_less);
      }
    }
    return {};
  }

  // ---- the node set --------------------------------------------------------------------

  // Every ancestor of a new name down to the apex must be a node (empty non-terminals).
  void add_ancestors() {
    std::vector<wire::Name> fresh;
    for (const auto& [key, c] : changes_) {
      if (c.old_index == kNone) fresh.push_back(c.owner);
    }
    const size_t apex = base_.origin_.label_count();
    for (const wire::Name& name : fresh) {
      for (size_t k = name.label_count(); k-- > apex;) {
        wire::Name anc = name.suffix(k);
        if (base_.find_node(anc)) break;
        auto [it, inserted] = changes_.try_emplace(anc.lookup_key());
        if (!inserted) break;
        it->second.owner = anc;
        it->second.modified = true;
      }
    }
  }

  size_t rrset_count_after(const Change& c) const {
    if (c.modified) return c.rrsets.size();
    return base_.nodes_[c.old_index].rrset_count;
  }

  // An old node left without RRsets stays as an empty non-terminal only while some node
  // below it remains; otherwise it goes, and its parent may then go too.
  void drop_empty_leaves() {
    std::set<std::string, std::greater<>> todo;  // descendants first
    for (const auto& [key, c] : changes_) {
      if (c.old_index != kNone && c.old_index != 0 && c.modified && c.rrsets.empty())
        todo.insert(key);
    }
    while (!todo.empty()) {
      std::string key = *todo.begin();
      todo.erase(todo.begin());
      Change& c = changes_.at(key);
      if (has_survivor_below(key, c.old_index)) continue;
      c.removed = true;
      removed_old_.insert(c.old_index);
      uint32_t parent = base_.nodes_[c.old_index].parent;
      if (parent == 0 || parent == kNone) continue;
      NodeView p = base_.node(parent);
      std::string pkey = p.owner().lookup_key();
      auto [it, inserted] = changes_.try_emplace(pkey);
      if (inserted) {
        it->second.owner = p.owner();
        it->second.old_index = parent;
      }
      if (!it->second.removed && rrset_count_after(it->second) == 0) todo.insert(pkey);
    }
  }

  bool has_survivor_below(const std::string& key, uint32_t index) const {
    const auto& nodes = base_.nodes_;
    for (size_t j = index + 1; j < nodes.size() && nodes[j].labels > nodes[index].labels; ++j) {
      if (!removed_old_.count(static_cast<uint32_t>(j))) return true;
    }
    for (auto it = changes_.upper_bound(key);
         it != changes_.end() && it->first.compare(0, key.size(), key) == 0; ++it) {
      if (it->second.old_index == kNone && !it->second.removed) return true;
    }
    return false;
  }

  // The old node each new name goes before (the first one after it in canonical order).
  void place_new_names() {
    for (auto& [key, c] : changes_) {
      if (c.old_index != kNone) continue;
      size_t lo = 1, hi = base_.nodes_.size();  // the apex sorts before everything
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        auto owner = wire::Name::from_wire(base_.owner_of(static_cast<uint32_t>(mid)));
        if (owner && owner->canonical_compare(c.owner) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      c.insert_before = static_cast<uint32_t>(lo);
      nodes_changed_ = true;
    }
    if (!removed_old_.empty()) nodes_changed_ = true;
  }

  // ---- writing the new arrays ----------------------------------------------------------

  // Old nodes [a, b) unchanged: their owners, RRset entries and rdata are contiguous in
  // the base (the builder and this patcher both lay a zone out node by node), so each
  // array is one copy, then the offsets are moved.
  void copy_run(uint32_t a, uint32_t b) {
    if (a >= b) return;
    const auto& nodes = base_.nodes_;
    const auto& rrsets = base_.rrsets_;
    const detail::Node& first = nodes[a];
    const detail::Node& last = nodes[b - 1];
    const uint32_t name_begin = first.owner_off;
    const uint32_t name_end = last.owner_off + last.owner_size;
    const uint32_t rs_begin = first.rrset_begin;
    const uint32_t rs_end = last.rrset_begin + last.rrset_count;
    const uint32_t rd_begin =
        rs_begin < rrsets.size() ? rrsets[rs_begin].rdata_off : uint32_t(base_.rdata_.size());
    const uint32_t rd_end =
        rs_end < rrsets.size() ? rrsets[rs_end].rdata_off : uint32_t(base_.rdata_.size());

    Zone& z = *out_;
    const int64_t dn = int64_t(z.names_.size()) - name_begin;
    const int64_t dr = int64_t(z.rrsets_.size()) - rs_begin;
    const int64_t dd = int64_t(z.rdata_.size()) - rd_begin;
    z.names_.insert(z.names_.end(), base_.names_.begin() + name_begin,
                    base_.names_.begin() + name_end);
    z.rdata_.insert(z.rdata_.end(), base_.rdata_.begin() + rd_begin, base_.rdata_.begin() + rd_end);
    size_t at = z.rrsets_.size();
    z.rrsets_.insert(z.rrsets_.end(), rrsets.begin() + rs_begin, rrsets.begin() + rs_end);
    for (; at < z.rrsets_.size(); ++at)
      z.rrsets_[at].rdata_off = uint32_t(z.rrsets_[at].rdata_off + dd);
    at = z.nodes_.size();
    z.nodes_.insert(z.nodes_.end(), nodes.begin() + a, nodes.begin() + b);
    for (; at < z.nodes_.size(); ++at) {
      detail::Node& n = z.nodes_[at];
      n.owner_off = uint32_t(n.owner_off + dn);
      n.rrset_begin = uint32_t(n.rrset_begin + dr);
      n.flags &= kOwnFlags;
    }
  }

  void emit_node(std::span<const uint8_t> owner, uint8_t labels, const std::vector<NewRRset>& sets,
                 bool apex) {
    Zone& z = *out_;
    detail::Node n{};
    n.owner_off = static_cast<uint32_t>(z.names_.size());
    n.owner_size = static_cast<uint8_t>(owner.size());
    n.labels = labels;
    n.parent = kNone;
    n.rrset_begin = static_cast<uint32_t>(z.rrsets_.size());
    n.rrset_count = static_cast<uint16_t>(sets.size());
    n.flags = 0;
    z.names_.insert(z.names_.end(), owner.begin(), owner.end());
    for (const NewRRset& s : sets) {
      z.rrsets_.push_back({static_cast<uint32_t>(z.rdata_.size()), s.ttl, s.type,
                           static_cast<uint16_t>(s.rdatas.size())});
      for (RdataSpan rd : s.rdatas) {
        z.rdata_.push_back(static_cast<uint8_t>(rd.size() >> 8));
        z.rdata_.push_back(static_cast<uint8_t>(rd.size()));
        z.rdata_.insert(z.rdata_.end(), rd.begin(), rd.end());
      }
      if (s.type == rrtype::NS && !apex) n.flags |= detail::kDelegation;
      if (s.type == rrtype::CNAME) n.flags |= detail::kHasCname;
      if (s.type == rrtype::DNAME) n.flags |= detail::kHasDname;
    }
    z.nodes_.push_back(n);
  }

  void emit() {
    out_ = std::make_shared<Zone>();
    Zone& z = *out_;
    z.origin_ = base_.origin_;
    z.rclass_ = base_.rclass_;
    z.nodes_.reserve(base_.nodes_.size() + changes_.size());
    z.rrsets_.reserve(base_.rrsets_.size() + changes_.size() * 2);
    z.names_.reserve(base_.names_.size() + changes_.size() * 32);
    z.rdata_.reserve(base_.rdata_.size() + (added_ + 1) * 64);
    uint32_t next_old = 0;
    const uint32_t n = static_cast<uint32_t>(base_.nodes_.size());
    for (const auto& [key, c] : changes_) {
      if (c.old_index == kNone) {
        copy_run(next_old, c.insert_before);
        next_old = std::max(next_old, c.insert_before);
        emit_node(c.owner.wire(), static_cast<uint8_t>(c.owner.label_count()), c.rrsets, false);
        continue;
      }
      copy_run(next_old, c.old_index);
      if (!c.removed) {
        if (c.modified) {
          const detail::Node& old = base_.nodes_[c.old_index];
          emit_node(base_.owner_of(c.old_index), old.labels, c.rrsets, c.old_index == 0);
        } else {
          copy_run(c.old_index, c.old_index + 1);
        }
      }
      next_old = c.old_index + 1;
    }
    copy_run(next_old, n);
    z.record_count_ = base_.record_count_ - removed_ + added_;
  }

  // Parents, inherited flags and the name index: one pass in canonical order, where a
  // node's parent is the last node seen one label up (every ancestor is a node).
  void link() {
    Zone& z = *out_;
    std::array<uint32_t, 130> last_at_depth;
    last_at_depth.fill(kNone);
    for (uint32_t r = 0; r < z.nodes_.size(); ++r) {
      detail::Node& node = z.nodes_[r];
      node.flags &= kOwnFlags;
      last_at_depth[node.labels] = r;
      if (r == 0) {
        node.flags |= detail::kApex;
        node.parent = kNone;
        continue;
      }
      node.parent = last_at_depth[node.labels - 1];
      detail::Node& parent = z.nodes_[node.parent];
      if (parent.flags & (detail::kDelegation | detail::kNonAuth)) node.flags |= detail::kNonAuth;
      if (parent.flags & (detail::kHasDname | detail::kBelowDname))
        node.flags |= detail::kBelowDname;
      const uint8_t* owner = z.names_.data() + node.owner_off;
      if (owner[0] == 1 && owner[1] == '*') parent.flags |= detail::kWildcardChild;
    }
    if (nodes_changed_) {
      z.index_.reset(z.nodes_.size());
      for (uint32_t r = 0; r < z.nodes_.size(); ++r) {
        auto owner = z.owner_of(r);
        z.index_.insert(detail::hash_finish(detail::hash_wire(owner)), r);
      }
    } else {
      z.index_ = base_.index_;
    }
    z.read_soa();
  }

  const Zone& base_;
  std::map<std::string, Change> changes_;  // by lookup key: canonical order
  std::set<uint32_t> removed_old_;
  bool nodes_changed_ = false;
  size_t removed_ = 0, added_ = 0;
  std::shared_ptr<Zone> out_;
};

base::Result<std::shared_ptr<const Zone>> apply_diff(const Zone& base, const ZoneDiff& diff) {
  if (base.node_count() == 0) return fail(Errc::semantic, "cannot patch an empty zone");
  return ZonePatcher(base).run(diff);
}

}  // namespace gitns::zone
