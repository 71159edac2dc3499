// apply_diff: a zone patched with a diff must equal the zone built from scratch with the
// same records — checked over random edit sequences (new names with empty non-terminals,
// names that vanish, delegations and DNAMEs appearing and going, TTL changes, the SOA).
#include "resolver/zone/zone_patch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "resolver/zone/zone_builder.h"
#include "tests/unit/zone/zone_test_util.h"

namespace gitns::zone {
namespace {

using test::a_rd;
using test::aaaa_rd;
using test::mx_rd;
using test::name_rd;
using test::soa_rd;
using test::txt_rd;
using wire::Bytes;
using wire::Name;
using wire::RR;
namespace rrtype = wire::rrtype;

const Name kOrigin = Name::must("example.");

// The records of a zone as a value: (owner text, type) -> TTL and rdata set.
struct Model {
  std::map<std::pair<std::string, uint16_t>, std::pair<uint32_t, std::set<Bytes>>> sets;
  uint32_t serial = 1;

  std::vector<RR> records() const {
    std::vector<RR> out;
    out.push_back({kOrigin,
                   rrtype::SOA,
                   wire::rrclass::IN,
                   3600,
                   {soa_rd("ns.other.net.", "h.other.net.", serial, 300)}});
    out.push_back({kOrigin, rrtype::NS, wire::rrclass::IN, 3600, {name_rd("ns.other.net.")}});
    for (const auto& [key, v] : sets) {
      for (const Bytes& rd : v.second)
        out.push_back({Name::must(key.first), key.second, wire::rrclass::IN, v.first, {rd}});
    }
    return out;
  }
};

std::shared_ptr<const Zone> build(const std::vector<RR>& records) {
  ZoneBuilder b(kOrigin);
  for (const RR& rr : records) b.add(rr);
  BuildResult r = b.build();
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.zone;
}

// Records as a sorted list, so RRset order inside a node does not matter.
std::vector<std::tuple<std::string, uint16_t, uint32_t, Bytes>> sorted(const Zone& z) {
  std::vector<std::tuple<std::string, uint16_t, uint32_t, Bytes>> out;
  for (const RR& rr : z.records())
    out.emplace_back(rr.owner.lookup_key(), rr.type, rr.ttl, rr.rdata.bytes);
  std::sort(out.begin(), out.end());
  return out;
}

ZoneDiff model_diff(const Model& from, const Model& to) {
  auto a = from.records(), b = to.records();
  auto key = [](const RR& r) {
    return std::make_tuple(r.owner.lookup_key(), r.type, r.ttl, r.rdata.bytes);
  };
  std::set<std::tuple<std::string, uint16_t, uint32_t, Bytes>> sa, sb;
  for (const RR& r : a) sa.insert(key(r));
  for (const RR& r : b) sb.insert(key(r));
  ZoneDiff d;
  for (const RR& r : a)
    if (!sb.count(key(r))) d.removed.push_back(r);
  for (const RR& r : b)
    if (!sa.count(key(r))) d.added.push_back(r);
  return d;
}

// Everything a lookup depends on: nodes in order, with parents, flags and RRsets.
void expect_same_structure(const Zone& patched, const Zone& fresh) {
  ASSERT_EQ(patched.node_count(), fresh.node_count());
  EXPECT_EQ(patched.record_count(), fresh.record_count());
  EXPECT_EQ(patched.rrset_count(), fresh.rrset_count());
  EXPECT_EQ(patched.serial(), fresh.serial());
  EXPECT_EQ(patched.negative_ttl(), fresh.negative_ttl());
  EXPECT_EQ(sorted(patched), sorted(fresh));
  for (size_t i = 0; i < fresh.node_count(); ++i) {
    NodeView p = patched.node(i), f = fresh.node(i);
    ASSERT_TRUE(p.owner().equals_exact(f.owner()))
        << i << ": " << p.owner().to_text() << " vs " << f.owner().to_text();
    EXPECT_EQ(p.parent().index(), f.parent().index()) << f.owner().to_text();
    EXPECT_EQ(p.is_apex(), f.is_apex());
    EXPECT_EQ(p.is_delegation(), f.is_delegation()) << f.owner().to_text();
    EXPECT_EQ(p.is_nonauth(), f.is_nonauth()) << f.owner().to_text();
    EXPECT_EQ(p.is_below_dname(), f.is_below_dname()) << f.owner().to_text();
    EXPECT_EQ(p.has_wildcard_child(), f.has_wildcard_child()) << f.owner().to_text();
    EXPECT_EQ(p.rrset_count(), f.rrset_count()) << f.owner().to_text();
    // The hash index finds every node.
    EXPECT_EQ(patched.find_node(f.owner()).index(), i);
  }
  EXPECT_TRUE(diff(patched, fresh).empty());
}

// Names chosen so that edits create and remove empty non-terminals, wildcards,
// delegations (out-of-zone NS targets: no glue needed) and DNAMEs.
const std::vector<std::string> kNames = {
    "a.example.",   "b.a.example.",  "c.b.a.example.", "x.y.z.example.",  "q.y.z.example.",
    "*.w.example.", "v.w.example.",  "d.example.",     "h.d.example.",    "k.h.d.example.",
    "dn.example.",  "s.dn.example.", "Mixed.example.", "e.f.g.h.example."};

void random_edit(Model& m, std::mt19937& rng) {
  auto pick = [&](size_t n) { return size_t(rng() % n); };
  const std::string& owner = kNames[pick(kNames.size())];
  uint16_t types[] = {rrtype::A, rrtype::AAAA, rrtype::TXT, rrtype::MX, rrtype::NS, rrtype::DNAME};
  uint16_t type = types[pick(6)];
  if (type == rrtype::NS && owner != "d.example." && owner != "h.d.example.") type = rrtype::A;
  if (type == rrtype::DNAME && owner != "dn.example.") type = rrtype::TXT;
  Bytes rd;
  switch (type) {
    case rrtype::A:
      rd = a_rd("192.0.2." + std::to_string(1 + pick(4)));
      break;
    case rrtype::AAAA:
      rd = aaaa_rd(uint8_t(1 + pick(3)));
      break;
    case rrtype::TXT:
      rd = txt_rd(std::string(1 + pick(3), 't'));
      break;
    case rrtype::MX:
      rd = mx_rd(uint16_t(10 * (1 + pick(2))), "mx.other.net.");
      break;
    case rrtype::NS:
      rd = name_rd(pick(2) ? "ns1.other.net." : "ns2.other.net.");
      break;
    default:
      rd = name_rd("target.other.net.");
      break;
  }
  auto key = std::make_pair(owner, type);
  auto it = m.sets.find(key);
  switch (pick(5)) {
    case 0:  // TTL change of the whole RRset
      if (it != m.sets.end()) it->second.first = it->second.first == 300 ? 600 : 300;
      break;
    case 1:  // the whole RRset goes
      if (it != m.sets.end()) m.sets.erase(it);
      break;
    case 2:  // remove one record
      if (it != m.sets.end()) {
        it->second.second.erase(rd);
        if (it->second.second.empty()) m.sets.erase(it);
      }
      break;
    default:  // add one record (DNAME is a singleton: replace it)
      if (it == m.sets.end())
        it = m.sets.emplace(key, std::make_pair(300u, std::set<Bytes>())).first;
      if (type == rrtype::DNAME) it->second.second.clear();
      it->second.second.insert(rd);
      break;
  }
  if (pick(4) == 0) ++m.serial;
}

TEST(ZonePatch, RandomEditsEqualAZoneBuiltFromScratch) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    Model m;
    for (int i = 0; i < 8; ++i) random_edit(m, rng);
    std::shared_ptr<const Zone> zone = build(m.records());
    ASSERT_TRUE(zone);
    for (int step = 0; step < 60; ++step) {
      Model next = m;
      int edits = 1 + int(rng() % 4);
      for (int k = 0; k < edits; ++k) random_edit(next, rng);
      auto patched = apply_diff(*zone, model_diff(m, next));
      ASSERT_TRUE(patched.ok()) << "seed " << seed << " step " << step << ": "
                                << patched.error().message;
      auto fresh = build(next.records());
      ASSERT_TRUE(fresh);
      SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step));
      expect_same_structure(**patched, *fresh);
      if (HasFatalFailure()) return;
      // Lookups agree too (a wildcard match, a name below a cut, an NXDOMAIN).
      for (const char* q : {"zz.w.example.", "k.h.d.example.", "s.dn.example.", "nx.example.",
                            "y.z.example.", "b.a.example."}) {
        Name qn = Name::must(q);
        LookupResult a = (*patched)->lookup(qn, rrtype::A), b = fresh->lookup(qn, rrtype::A);
        EXPECT_EQ(a.kind, b.kind) << q;
        EXPECT_EQ(a.end, b.end) << q;
        EXPECT_EQ(a.answer_count, b.answer_count) << q;
      }
      zone = *patched;
      m = next;
    }
  }
}

TEST(ZonePatch, EmptyDiffCopiesTheZone) {
  Model m;
  m.sets[{"a.example.", rrtype::A}] = {300, {a_rd("192.0.2.1")}};
  auto zone = build(m.records());
  auto patched = apply_diff(*zone, {});
  ASSERT_TRUE(patched.ok());
  expect_same_structure(**patched, *zone);
}

TEST(ZonePatch, LargeZoneOneRecordChangeKeepsTheRest) {
  Model m;
  for (int i = 0; i < 3000; ++i) {
    m.sets[{"n" + std::to_string(i) + ".example.", rrtype::A}] = {
        300, {a_rd("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256))}};
  }
  auto zone = build(m.records());
  Model next = m;
  next.sets[{"n1500.example.", rrtype::A}] = {300, {a_rd("192.0.2.99")}};
  next.sets[{"new.sub.example.", rrtype::TXT}] = {300, {txt_rd("hi")}};
  next.sets.erase({"n7.example.", rrtype::A});
  next.serial = 2;
  auto patched = apply_diff(*zone, model_diff(m, next));
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  expect_same_structure(**patched, *build(next.records()));
  // The base snapshot is untouched.
  expect_same_structure(*zone, *build(m.records()));
}

TEST(ZonePatch, DiffsThatDoNotFitAreRefused) {
  Model m;
  m.sets[{"a.example.", rrtype::A}] = {300, {a_rd("192.0.2.1")}};
  auto zone = build(m.records());
  auto rr = [](const char* owner, uint16_t type, uint32_t ttl, Bytes rd) {
    return RR{Name::must(owner), type, wire::rrclass::IN, ttl, {std::move(rd)}};
  };
  ZoneDiff missing;
  missing.removed.push_back(rr("a.example.", rrtype::A, 300, a_rd("192.0.2.9")));
  auto r = apply_diff(*zone, missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, base::Errc::semantic);
  EXPECT_NE(r.error().message.find("is not in the zone"), std::string::npos);

  ZoneDiff wrong_ttl;
  wrong_ttl.removed.push_back(rr("a.example.", rrtype::A, 600, a_rd("192.0.2.1")));
  EXPECT_EQ(apply_diff(*zone, wrong_ttl).error().code, base::Errc::semantic);

  ZoneDiff present;
  present.added.push_back(rr("a.example.", rrtype::A, 300, a_rd("192.0.2.1")));
  EXPECT_EQ(apply_diff(*zone, present).error().code, base::Errc::semantic);

  ZoneDiff mixed_ttl;  // the builder would warn and pick one: left to it
  mixed_ttl.added.push_back(rr("a.example.", rrtype::A, 600, a_rd("192.0.2.2")));
  auto mixed = apply_diff(*zone, mixed_ttl);
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().code, base::Errc::unsupported);

  ZoneDiff outside;
  outside.added.push_back(rr("a.example.net.", rrtype::A, 300, a_rd("192.0.2.2")));
  EXPECT_EQ(apply_diff(*zone, outside).error().code, base::Errc::semantic);

  ZoneDiff meta;
  meta.added.push_back(rr("a.example.", rrtype::ANY, 300, {}));
  EXPECT_FALSE(apply_diff(*zone, meta).ok());

  ZoneDiff bad_name;
  bad_name.added.push_back(rr("c.example.", rrtype::CNAME, 300, {3, 'a', 'b'}));
  EXPECT_FALSE(apply_diff(*zone, bad_name).ok());
}

}  // namespace
}  // namespace gitns::zone
