#include "resolver/zone/zone.h"

#include <algorithm>
#include <cstring>

namespace gitns::zone {

using detail::kNone;
using detail::NameSplit;
namespace rrtype = wire::rrtype;

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::answer: return "answer";
    case Outcome::cname: return "cname";
    case Outcome::dname: return "dname";
    case Outcome::delegation: return "delegation";
    case Outcome::nxdomain: return "nxdomain";
    case Outcome::nodata: return "nodata";
    case Outcome::out_of_zone: return "out_of_zone";
    case Outcome::loop: return "loop";
    case Outcome::yxdomain: return "yxdomain";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------
// Views

wire::Name RRsetView::owner() const {
  auto n = wire::Name::from_wire(owner_wire());
  return n ? *n : wire::Name();
}

wire::RRset RRsetView::to_rrset(uint16_t rclass) const {
  wire::RRset s;
  s.owner = owner();
  s.type = type_;
  s.rclass = rclass;
  s.ttl = ttl_;
  for (auto rd : *this) s.rdatas.push_back({wire::Bytes(rd.begin(), rd.end())});
  return s;
}

const detail::Node& NodeView::node() const { return zone_->nodes_[index_]; }
uint16_t NodeView::flags() const { return node().flags; }
std::span<const uint8_t> NodeView::owner_wire() const { return zone_->owner_of(index_); }

wire::Name NodeView::owner() const {
  auto n = wire::Name::from_wire(owner_wire());
  return n ? *n : wire::Name();
}

size_t NodeView::rrset_count() const { return node().rrset_count; }

RRsetView NodeView::rrset(size_t i) const {
  return zone_->view(index_, zone_->rrsets_[node().rrset_begin + i]);
}

RRsetView NodeView::find(uint16_t type) const {
  const detail::RRsetEntry* e = zone_->find_rrset(index_, type);
  return e ? zone_->view(index_, *e) : RRsetView();
}

NodeView NodeView::parent() const { return {zone_, node().parent}; }

// ---------------------------------------------------------------------------------------
// Node and RRset access

RRsetView Zone::view(uint32_t node, const detail::RRsetEntry& e) const {
  return RRsetView(owner_of(node), e.type, e.ttl, e.count, rdata_.data() + e.rdata_off);
}

const detail::RRsetEntry* Zone::find_rrset(uint32_t node, uint16_t type) const {
  const detail::Node& n = nodes_[node];
  const detail::RRsetEntry* e = rrsets_.data() + n.rrset_begin;
  for (uint16_t i = 0; i < n.rrset_count; ++i) {
    if (e[i].type == type) return &e[i];
  }
  return nullptr;
}

RRsetView Zone::soa() const {
  if (nodes_.empty()) return {};
  const detail::RRsetEntry* e = find_rrset(0, rrtype::SOA);
  return e ? view(0, *e) : RRsetView();
}

size_t Zone::memory_bytes() const {
  return sizeof(*this) + nodes_.capacity() * sizeof(detail::Node) +
         rrsets_.capacity() * sizeof(detail::RRsetEntry) + names_.capacity() +
         rdata_.capacity() + index_.memory_bytes();
}

uint32_t Zone::probe(const NameSplit& q, size_t labels) const {
  auto s = q.suffix(labels);
  return index_.find(detail::hash_finish(q.hash[labels]), [&](uint32_t id) {
    return detail::wire_equal_ci(owner_of(id), s);
  });
}

uint32_t Zone::probe_wildcard(const NameSplit& q, size_t labels) const {
  auto s = q.suffix(labels);
  uint32_t h = detail::hash_finish(detail::hash_label(q.hash[labels], detail::kWildcardLabel));
  return index_.find(h, [&](uint32_t id) {
    auto o = owner_of(id);
    return o.size() == s.size() + 2 && o[0] == 1 && o[1] == '*' &&
           detail::wire_equal_ci(o.subspan(2), s);
  });
}

static bool in_zone(const NameSplit& q, const wire::Name& origin) {
  return q.labels >= origin.label_count() &&
         detail::wire_equal_ci(q.suffix(origin.label_count()), origin.wire());
}

NodeView Zone::find_node(const wire::Name& name) const {
  NameSplit q;
  q.init(name.wire());
  if (!in_zone(q, origin_)) return {};
  return {this, probe(q, q.labels)};
}

RRsetView Zone::find(const wire::Name& owner, uint16_t type) const {
  NodeView n = find_node(owner);
  return n ? n.find(type) : RRsetView();
}

NodeView Zone::enclosing_cut(const wire::Name& name) const {
  NameSplit q;
  q.init(name.wire());
  if (!in_zone(q, origin_)) return {};
  uint32_t found = kNone;
  for (size_t k = origin_.label_count() + 1; k <= q.labels; ++k) {
    uint32_t n = probe(q, k);
    if (n == kNone) break;
    if (nodes_[n].flags & detail::kDelegation) {
      found = n;
      break;
    }
  }
  return {this, found};
}

// ---------------------------------------------------------------------------------------
// Lookup

struct Zone::Located {
  enum Kind : uint8_t { none, exact, wildcard, cut, dname, nxdomain };
  Kind kind = none;
  uint32_t node = kNone;      // exact/wildcard: the answering node; cut/dname: its holder
  uint32_t encloser = kNone;  // the closest encloser of the name
};

// Walks from `n` to the apex and returns the topmost cut or DNAME on the way, as the
// top-down descent of RFC 1034 4.3.2 step 3 would meet it first. `self`: n is the
// name itself, where a cut answers DS from the parent side (RFC 4035 3.1.4.1) and a
// DNAME is ordinary data.
Zone::Located Zone::check_path(uint32_t n, bool self, uint16_t qtype) const {
  Located hit;
  for (uint32_t m = n; m != kNone; m = nodes_[m].parent) {
    const detail::Node& node = nodes_[m];
    bool is_self = self && m == n;
    if (node.flags & detail::kDelegation) {
      if (!(is_self && qtype == rrtype::DS)) hit = {Located::cut, m, m};
    } else if ((node.flags & detail::kHasDname) && !is_self) {
      hit = {Located::dname, m, m};
    }
  }
  return hit;
}

Zone::Located Zone::locate(const NameSplit& q, uint16_t qtype) const {
  constexpr uint16_t kExactCheck = detail::kDelegation | detail::kNonAuth | detail::kBelowDname;
  const size_t apex = origin_.label_count();
  uint32_t n = probe(q, q.labels);
  if (n != kNone) {
    if (nodes_[n].flags & kExactCheck) {
      Located p = check_path(n, true, qtype);
      if (p.kind != Located::none) return p;
    }
    return {Located::exact, n, n};
  }
  // The closest encloser: every ancestor up to the apex exists as a node (empty
  // non-terminals included), so the first hit going up is it.
  size_t k = q.labels - 1;
  for (; k > apex; --k) {
    n = probe(q, k);
    if (n != kNone) break;
  }
  if (k == apex) n = 0;
  if (nodes_[n].flags & (kExactCheck | detail::kHasDname)) {
    Located p = check_path(n, false, qtype);
    if (p.kind != Located::none) return p;
  }
  if (nodes_[n].flags & detail::kWildcardChild) {
    uint32_t w = probe_wildcard(q, k);
    if (w != kNone) {
      if (nodes_[w].flags & detail::kDelegation) return {Located::cut, w, n};
      return {Located::wildcard, w, n};
    }
  }
  return {Located::nxdomain, kNone, n};
}

namespace {

void push(LookupResult& r, RRsetView v, std::span<const uint8_t> wildcard = {},
          bool synthesized = false) {
  r.answer_storage[r.answer_count++] = {v, wildcard, synthesized};
}

void finish(LookupResult& r, bool first, Outcome o) {
  if (first) r.kind = o;
  r.end = o;
}

}  // namespace

void Zone::add_referral(LookupResult& r, uint32_t cut) const {
  const detail::RRsetEntry* ns = find_rrset(cut, rrtype::NS);
  r.ns = view(cut, *ns);
  for (auto rd : r.ns) {
    NameSplit t;
    t.init(rd);  // NS rdata was checked to be one name when the zone was built
    if (!in_zone(t, origin_)) continue;  // out of bailiwick: no glue
    uint32_t n = probe(t, t.labels);
    if (n == kNone) continue;
    for (uint16_t type : {rrtype::A, rrtype::AAAA}) {
      const detail::RRsetEntry* e = find_rrset(n, type);
      if (e && r.glue_count < LookupResult::kMaxGlue) r.glue_storage[r.glue_count++] = view(n, *e);
    }
  }
}

LookupResult Zone::lookup(const wire::Name& qname, uint16_t qtype) const {
  LookupResult r;
  NameSplit q;
  q.init(qname.wire());
  if (nodes_.empty() || !in_zone(q, origin_)) {
    finish(r, true, Outcome::out_of_zone);
    return r;
  }
  bool first = true;
  size_t hops = 0;
  for (;; first = false) {
    Located at = locate(q, qtype);
    switch (at.kind) {
      case Located::cut:
        add_referral(r, at.node);
        finish(r, first, Outcome::delegation);
        return r;
      case Located::nxdomain:
        r.closest_encloser = owner_of(at.encloser);
        r.soa = soa();
        r.negative_ttl = negative_ttl_;
        finish(r, first, Outcome::nxdomain);
        return r;
      case Located::dname: {
        if (hops++ == LookupResult::kMaxChain) {
          r.end = Outcome::loop;
          return r;
        }
        const detail::RRsetEntry* d = find_rrset(at.node, rrtype::DNAME);
        RRsetView dv = view(at.node, *d);
        push(r, dv);
        if (first) r.kind = Outcome::dname;
        // Names here were validated at build time; from_wire cannot fail.
        auto cur = wire::Name::from_wire(q.whole());
        auto owner = wire::Name::from_wire(dv.owner_wire());
        auto target = wire::Name::from_wire(dv.front());
        auto sub = cur->replace_suffix(*owner, *target);
        if (!sub) {
          r.end = Outcome::yxdomain;
          return r;
        }
        if (r.synthesized.capacity() == 0) r.synthesized.reserve(LookupResult::kMaxChain);
        auto& buf = r.synthesized.emplace_back();
        auto w = sub->wire();
        buf[0] = static_cast<uint8_t>(w.size() >> 8);
        buf[1] = static_cast<uint8_t>(w.size());
        std::memcpy(buf.data() + 2, w.data(), w.size());
        push(r, RRsetView(q.whole(), rrtype::CNAME, d->ttl, 1, buf.data()), {}, true);
        q.init({buf.data() + 2, w.size()});
        if (!in_zone(q, origin_)) {
          r.end = Outcome::out_of_zone;
          return r;
        }
        continue;
      }
      case Located::exact:
      case Located::wildcard:
      case Located::none:
        break;
    }
    // A node matched, exactly or through a wildcard (owner becomes the name asked for).
    const bool wild = at.kind == Located::wildcard;
    auto owner = wild ? q.whole() : owner_of(at.node);
    std::span<const uint8_t> source = wild ? owner_of(at.node) : std::span<const uint8_t>();
    const detail::Node& node = nodes_[at.node];
    const detail::RRsetEntry* e = nullptr;
    if (qtype == rrtype::ANY) {
      // RFC 8482 section 4.1: one RRset. Knot answers the lowest type the node holds;
      // choosing the same keeps answers comparable across servers. RRSIGs are never it.
      for (uint32_t i = node.rrset_begin; i < node.rrset_begin + node.rrset_count; ++i) {
        const detail::RRsetEntry& cand = rrsets_[i];
        if (cand.type == rrtype::RRSIG) continue;
        if (e == nullptr || cand.type < e->type) e = &cand;
      }
    } else {
      e = find_rrset(at.node, qtype);
    }
    if (wild) {
      r.wildcard = source;
      r.closest_encloser = owner_of(at.encloser);
    }
    if (e) {
      push(r, view(at.node, *e).with_owner(owner), source);
      finish(r, first, Outcome::answer);
      return r;
    }
    const detail::RRsetEntry* c =
        (node.flags & detail::kHasCname) ? find_rrset(at.node, rrtype::CNAME) : nullptr;
    if (!c) {
      r.closest_encloser = owner_of(at.encloser);
      r.soa = soa();
      r.negative_ttl = negative_ttl_;
      finish(r, first, Outcome::nodata);
      return r;
    }
    if (hops++ == LookupResult::kMaxChain) {
      r.end = Outcome::loop;
      return r;
    }
    RRsetView cv = view(at.node, *c).with_owner(owner);
    push(r, cv, source);
    if (first) r.kind = Outcome::cname;
    r.wildcard = {};
    r.closest_encloser = {};
    q.init(cv.front());  // CNAME rdata was checked to be one name at build time
    if (!in_zone(q, origin_)) {
      r.end = Outcome::out_of_zone;
      return r;
    }
  }
}

Additional Zone::additional_at(const NameSplit& q) const {
  Additional a;
  if (nodes_.empty() || !in_zone(q, origin_)) return a;
  uint32_t n = probe(q, q.labels);
  std::span<const uint8_t> owner;
  if (n == kNone) {
    Located at = locate(q, rrtype::A);
    if (at.kind != Located::wildcard) return a;
    n = at.node;
    owner = q.whole();
  } else {
    owner = owner_of(n);
  }
  if (const detail::RRsetEntry* e = find_rrset(n, rrtype::A)) a.a = view(n, *e).with_owner(owner);
  if (const detail::RRsetEntry* e = find_rrset(n, rrtype::AAAA)) {
    a.aaaa = view(n, *e).with_owner(owner);
  }
  a.glue = (nodes_[n].flags & detail::kNonAuth) != 0;
  return a;
}

Additional Zone::additional(const wire::Name& target) const {
  NameSplit q;
  q.init(target.wire());
  return additional_at(q);
}

// ---------------------------------------------------------------------------------------
// Whole-zone views

std::vector<wire::RR> Zone::records() const {
  std::vector<wire::RR> out;
  out.reserve(record_count_);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    NodeView n = node(i);
    wire::Name owner = n.owner();
    for (size_t k = 0; k < n.rrset_count(); ++k) {
      RRsetView s = n.rrset(k);
      for (auto rd : s) {
        out.push_back({owner, s.type(), rclass_, s.ttl(), {wire::Bytes(rd.begin(), rd.end())}});
      }
    }
  }
  return out;
}

namespace {

void append_all(std::vector<wire::RR>& out, const wire::Name& owner, const RRsetView& s,
                uint16_t rclass) {
  for (auto rd : s) out.push_back({owner, s.type(), rclass, s.ttl(), {wire::Bytes(rd.begin(), rd.end())}});
}

void append_node(std::vector<wire::RR>& out, const NodeView& n, uint16_t rclass) {
  wire::Name owner = n.owner();
  for (size_t k = 0; k < n.rrset_count(); ++k) append_all(out, owner, n.rrset(k), rclass);
}

bool bytes_less(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

// RRsets keep their rdatas sorted by bytes (the builder sorts them), so the difference
// of two versions is one merge.
void diff_rrset(ZoneDiff& d, const wire::Name& owner, const RRsetView& a, const RRsetView& b,
                uint16_t rclass) {
  if (a.ttl() != b.ttl()) {
    append_all(d.removed, owner, a, rclass);
    append_all(d.added, owner, b, rclass);
    return;
  }
  auto ia = a.begin(), ib = b.begin();
  auto emit = [&](std::vector<wire::RR>& out, const RRsetView& s, std::span<const uint8_t> rd) {
    out.push_back({owner, s.type(), rclass, s.ttl(), {wire::Bytes(rd.begin(), rd.end())}});
  };
  while (ia != a.end() || ib != b.end()) {
    if (ib == b.end() || (ia != a.end() && bytes_less(*ia, *ib))) {
      emit(d.removed, a, *ia++);
    } else if (ia == a.end() || bytes_less(*ib, *ia)) {
      emit(d.added, b, *ib++);
    } else {
      ++ia;
      ++ib;
    }
  }
}

void diff_node(ZoneDiff& d, const NodeView& a, const NodeView& b, uint16_t rclass) {
  wire::Name owner = b.owner();
  for (size_t k = 0; k < a.rrset_count(); ++k) {
    RRsetView sa = a.rrset(k);
    RRsetView sb = b.find(sa.type());
    if (sb.empty()) {
      append_all(d.removed, a.owner(), sa, rclass);
    } else {
      diff_rrset(d, owner, sa, sb, rclass);
    }
  }
  for (size_t k = 0; k < b.rrset_count(); ++k) {
    RRsetView sb = b.rrset(k);
    if (a.find(sb.type()).empty()) append_all(d.added, owner, sb, rclass);
  }
}

}  // namespace

ZoneDiff diff(const Zone& from, const Zone& to) {
  ZoneDiff d;
  size_t i = 0, j = 0;
  const size_t na = from.node_count(), nb = to.node_count();
  while (i < na || j < nb) {
    int c;
    if (i == na) {
      c = 1;
    } else if (j == nb) {
      c = -1;
    } else {
      c = from.node(i).owner().canonical_compare(to.node(j).owner());
    }
    if (c < 0) {
      append_node(d.removed, from.node(i++), from.rclass());
    } else if (c > 0) {
      append_node(d.added, to.node(j++), to.rclass());
    } else {
      diff_node(d, from.node(i++), to.node(j++), to.rclass());
    }
  }
  return d;
}

}  // namespace gitns::zone
