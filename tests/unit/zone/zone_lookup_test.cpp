// Lookup cases, table-driven: each row is a question and the outcome, answer section,
// referral and negative data it must produce.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "resolver/zone/zone.h"
#include "resolver/zone/zone_builder.h"
#include "tests/unit/zone/zone_test_util.h"

namespace gitns::zone {
namespace {

using namespace test;

std::shared_ptr<const Zone> build_or_die(ZoneBuilder& b) {
  BuildResult r = b.build();
  for (const auto& i : r.issues) ADD_FAILURE() << i.to_string();
  EXPECT_TRUE(r.ok());
  return r.zone;
}

// A 200-octet name: a DNAME pointing at it makes long query names overflow.
std::string long_target() {
  std::string s;
  for (int i = 0; i < 3; ++i) s += std::string(60, 'a' + i) + ".";
  return s + "test.";
}

std::shared_ptr<const Zone> main_zone() {
  ZoneBuilder b(Name::must("example."));
  add_apex(b, "example.");
  b.add(rr("example.", rrtype::NS, 3600, name_rd("ns.other.test.")));
  b.add(rr("example.", rrtype::MX, 3600, mx_rd(10, "mail.example.")));
  b.add(rr("mail.example.", rrtype::A, 3600, a_rd("192.0.2.2")));
  b.add(rr("www.example.", rrtype::A, 3600, a_rd("192.0.2.3")));
  b.add(rr("www.example.", rrtype::AAAA, 3600, aaaa_rd(3)));
  b.add(rr("MixedCase.Example.", rrtype::A, 3600, a_rd("192.0.2.9")));
  b.add(rr("a.b.c.example.", rrtype::A, 3600, a_rd("192.0.2.4")));
  b.add(rr("alias.example.", rrtype::CNAME, 3600, name_rd("www.example.")));
  b.add(rr("alias2.example.", rrtype::CNAME, 3600, name_rd("alias.example.")));
  b.add(rr("ext.example.", rrtype::CNAME, 3600, name_rd("www.other.test.")));
  b.add(rr("dangling.example.", rrtype::CNAME, 3600, name_rd("nothere.example.")));
  b.add(rr("nodata-alias.example.", rrtype::CNAME, 3600, name_rd("mail.example.")));
  b.add(rr("loop1.example.", rrtype::CNAME, 3600, name_rd("loop2.example.")));
  b.add(rr("loop2.example.", rrtype::CNAME, 3600, name_rd("loop1.example.")));
  b.add(rr("sub.example.", rrtype::NS, 3600, name_rd("ns1.sub.example.")));
  b.add(rr("sub.example.", rrtype::NS, 3600, name_rd("ns.other.test.")));
  b.add(rr("sub.example.", rrtype::NS, 3600, name_rd("ns1.example.")));
  b.add(rr("sub.example.", rrtype::DS, 3600, Bytes{0, 1, 13, 2, 0xaa, 0xbb}));
  b.add(rr("ns1.sub.example.", rrtype::A, 3600, a_rd("192.0.2.10")));
  b.add(rr("nods.example.", rrtype::NS, 3600, name_rd("ns.other.test.")));
  b.add(rr("to-sub.example.", rrtype::CNAME, 3600, name_rd("host.sub.example.")));
  b.add(rr("dn.example.", rrtype::DNAME, 600, name_rd("target.example.")));
  b.add(rr("x.target.example.", rrtype::A, 3600, a_rd("192.0.2.20")));
  b.add(rr("dn-out.example.", rrtype::DNAME, 600, name_rd("other.test.")));
  b.add(rr("lg.example.", rrtype::DNAME, 600, name_rd(long_target())));
  b.add(rr("*.wild.example.", rrtype::TXT, 3600, txt_rd("wild")));
  b.add(rr("*.wild.example.", rrtype::A, 3600, a_rd("192.0.2.30")));
  b.add(rr("existing.wild.example.", rrtype::A, 3600, a_rd("192.0.2.31")));
  b.add(rr("x.y.wild.example.", rrtype::A, 3600, a_rd("192.0.2.32")));
  b.add(rr("*.cw.example.", rrtype::CNAME, 3600, name_rd("www.example.")));
  return build_or_die(b);
}

struct Case {
  std::string qname;
  uint16_t qtype;
  Outcome kind;
  Outcome end;
  std::vector<std::string> answers;
  std::string referral = "";           // owner of the NS RRset on a referral
  std::vector<std::string> glue = {};  // describe() of each glue RRset
  std::string wildcard = "";           // the source wildcard, when one was used
};


void check_case(const Zone& zone, const Case& c) {
  SCOPED_TRACE(c.qname + " type " + std::to_string(c.qtype));
  Name qname = Name::must(c.qname);
  LookupResult r = zone.lookup(qname, c.qtype);
  EXPECT_EQ(to_string(r.kind), std::string(to_string(c.kind)));
  EXPECT_EQ(to_string(r.end), std::string(to_string(c.end)));
  std::vector<std::string> got;
  for (const AnswerRRset& a : r.answers()) got.push_back(describe(a.rrset));
  EXPECT_EQ(got, c.answers);
  if (c.end == Outcome::delegation) {
    ASSERT_FALSE(r.ns.empty());
    EXPECT_EQ(wire_text(r.ns.owner_wire()), c.referral);
    EXPECT_EQ(r.ns.type(), rrtype::NS);
    std::vector<std::string> glue;
    for (const RRsetView& g : r.glue()) glue.push_back(describe(g));
    EXPECT_EQ(glue, c.glue);
    EXPECT_FALSE(r.authoritative() && c.kind == Outcome::delegation);
  } else {
    EXPECT_TRUE(r.ns.empty());
  }
  if (c.end == Outcome::nxdomain || c.end == Outcome::nodata) {
    ASSERT_FALSE(r.soa.empty());
    EXPECT_EQ(r.soa.type(), rrtype::SOA);
    EXPECT_EQ(r.negative_ttl, 300u);  // min(SOA TTL 3600, MINIMUM 300)
  } else {
    EXPECT_TRUE(r.soa.empty());
  }
  EXPECT_EQ(r.wildcard.empty() ? std::string() : wire_text(r.wildcard), c.wildcard);
}

constexpr uint16_t A = rrtype::A, AAAA = rrtype::AAAA, MX = rrtype::MX, TXT = rrtype::TXT,
                   NS = rrtype::NS, DS = rrtype::DS, CNAME = rrtype::CNAME,
                   DNAME = rrtype::DNAME, ANY = rrtype::ANY, SRV = rrtype::SRV;
using O = Outcome;

TEST(ZoneLookup, MainTable) {
  auto zone = main_zone();
  ASSERT_TRUE(zone);
  const std::string long_q = std::string(63, 'q') + "." + std::string(10, 'r') + ".lg.example.";
  const std::vector<Case> cases = {
      // Exact matches and plain negative answers.
      {"www.example.", A, O::answer, O::answer, {"www.example. A 192.0.2.3"}},
      {"WWW.EXAMPLE.", AAAA, O::answer, O::answer, {"www.example. AAAA"}},
      {"www.example.", MX, O::nodata, O::nodata, {}},
      {"nothere.example.", A, O::nxdomain, O::nxdomain, {}},
      {"example.", MX, O::answer, O::answer, {"example. MX"}},
      // Empty non-terminals exist: NODATA, and names below them NXDOMAIN.
      {"c.example.", A, O::nodata, O::nodata, {}},
      {"b.c.example.", TXT, O::nodata, O::nodata, {}},
      {"zz.b.c.example.", A, O::nxdomain, O::nxdomain, {}},
      {"a.b.c.example.", A, O::answer, O::answer, {"a.b.c.example. A 192.0.2.4"}},
      // CNAME chains inside the zone.
      {"alias.example.", A, O::cname, O::answer,
       {"alias.example. CNAME -> www.example.", "www.example. A 192.0.2.3"}},
      {"alias2.example.", A, O::cname, O::answer,
       {"alias2.example. CNAME -> alias.example.", "alias.example. CNAME -> www.example.",
        "www.example. A 192.0.2.3"}},
      {"alias.example.", CNAME, O::answer, O::answer, {"alias.example. CNAME -> www.example."}},
      {"ext.example.", A, O::cname, O::out_of_zone, {"ext.example. CNAME -> www.other.test."}},
      {"dangling.example.", A, O::cname, O::nxdomain,
       {"dangling.example. CNAME -> nothere.example."}},
      {"nodata-alias.example.", AAAA, O::cname, O::nodata,
       {"nodata-alias.example. CNAME -> mail.example."}},
      // Delegations: referral with glue for in-zone targets only; DS from the parent side.
      {"sub.example.", A, O::delegation, O::delegation, {}, "sub.example.",
       {"ns1.sub.example. A 192.0.2.10", "ns1.example. A 192.0.2.1"}},
      {"host.sub.example.", A, O::delegation, O::delegation, {}, "sub.example.",
       {"ns1.sub.example. A 192.0.2.10", "ns1.example. A 192.0.2.1"}},
      {"ns1.sub.example.", A, O::delegation, O::delegation, {}, "sub.example.",
       {"ns1.sub.example. A 192.0.2.10", "ns1.example. A 192.0.2.1"}},
      {"sub.example.", NS, O::delegation, O::delegation, {}, "sub.example.",
       {"ns1.sub.example. A 192.0.2.10", "ns1.example. A 192.0.2.1"}},
      {"sub.example.", ANY, O::delegation, O::delegation, {}, "sub.example.",
       {"ns1.sub.example. A 192.0.2.10", "ns1.example. A 192.0.2.1"}},
      {"sub.example.", DS, O::answer, O::answer, {"sub.example. DS"}},
      {"nods.example.", DS, O::nodata, O::nodata, {}},
      {"x.nods.example.", DS, O::delegation, O::delegation, {}, "nods.example.", {}},
      {"to-sub.example.", A, O::cname, O::delegation,
       {"to-sub.example. CNAME -> host.sub.example."}, "sub.example.",
       {"ns1.sub.example. A 192.0.2.10", "ns1.example. A 192.0.2.1"}},
      // DNAME (RFC 6672): the DNAME, a synthesized CNAME, then the new name's answer.
      {"x.dn.example.", A, O::dname, O::answer,
       {"dn.example. DNAME -> target.example.", "x.dn.example. CNAME -> x.target.example.",
        "x.target.example. A 192.0.2.20"}},
      {"X.Y.dn.example.", A, O::dname, O::nxdomain,
       {"dn.example. DNAME -> target.example.",
        "X.Y.dn.example. CNAME -> X.Y.target.example."}},
      {"dn.example.", A, O::nodata, O::nodata, {}},
      {"dn.example.", DNAME, O::answer, O::answer, {"dn.example. DNAME -> target.example."}},
      {"y.dn-out.example.", A, O::dname, O::out_of_zone,
       {"dn-out.example. DNAME -> other.test.", "y.dn-out.example. CNAME -> y.other.test."}},
      {long_q, A, O::dname, O::yxdomain, {"lg.example. DNAME -> " + long_target()}},
      // Wildcards.
      {"foo.wild.example.", TXT, O::answer, O::answer, {"foo.wild.example. TXT"}, "", {},
       "*.wild.example."},
      {"a.b.wild.example.", A, O::answer, O::answer, {"a.b.wild.example. A 192.0.2.30"}, "", {},
       "*.wild.example."},
      {"foo.wild.example.", MX, O::nodata, O::nodata, {}, "", {}, "*.wild.example."},
      {"existing.wild.example.", TXT, O::nodata, O::nodata, {}},
      {"y.wild.example.", A, O::nodata, O::nodata, {}},       // an empty non-terminal
      {"z.y.wild.example.", A, O::nxdomain, O::nxdomain, {}},  // ...which blocks the wildcard
      {"*.wild.example.", A, O::answer, O::answer, {"*.wild.example. A 192.0.2.30"}},
      {"host.cw.example.", A, O::cname, O::answer,
       {"host.cw.example. CNAME -> www.example.", "www.example. A 192.0.2.3"}},
      // ANY (RFC 8482): one RRset, the lowest type at the name (as Knot).
      {"www.example.", ANY, O::answer, O::answer, {"www.example. A 192.0.2.3"}},
      {"example.", ANY, O::answer, O::answer, {"example. NS"}},
      {"c.example.", ANY, O::nodata, O::nodata, {}},
      {"alias.example.", ANY, O::answer, O::answer, {"alias.example. CNAME -> www.example."}},
      // Not in the zone at all.
      {"www.other.test.", A, O::out_of_zone, O::out_of_zone, {}},
      {"example.net.", A, O::out_of_zone, O::out_of_zone, {}},
  };
  for (const Case& c : cases) check_case(*zone, c);
}

TEST(ZoneLookup, CnameLoopStopsAfterMaxChain) {
  auto zone = main_zone();
  Name q = Name::must("loop1.example.");
  LookupResult r = zone->lookup(q, A);
  EXPECT_EQ(r.kind, O::cname);
  EXPECT_EQ(r.end, O::loop);
  ASSERT_EQ(r.answers().size(), LookupResult::kMaxChain);
  EXPECT_EQ(describe(r.answers()[0].rrset), "loop1.example. CNAME -> loop2.example.");
  EXPECT_EQ(describe(r.answers()[1].rrset), "loop2.example. CNAME -> loop1.example.");
}

TEST(ZoneLookup, LongChainWithinLimitIsFollowed) {
  ZoneBuilder b(Name::must("chain.test."));
  add_apex(b, "chain.test.");
  const size_t n = LookupResult::kMaxChain;
  for (size_t i = 0; i < n; ++i) {
    b.add(rr("c" + std::to_string(i) + ".chain.test.", CNAME, 60,
             name_rd("c" + std::to_string(i + 1) + ".chain.test.")));
  }
  b.add(rr("c" + std::to_string(n) + ".chain.test.", A, 60, a_rd("192.0.2.99")));
  b.add(rr("d.chain.test.", CNAME, 60, name_rd("c0.chain.test.")));
  auto zone = build_or_die(b);
  Name q = Name::must("c0.chain.test.");
  LookupResult r = zone->lookup(q, A);
  EXPECT_EQ(r.end, O::answer);
  EXPECT_EQ(r.answers().size(), n + 1);
  // One more hop is one too many.
  Name d = Name::must("d.chain.test.");
  LookupResult r2 = zone->lookup(d, A);
  EXPECT_EQ(r2.end, O::loop);
  EXPECT_EQ(r2.answers().size(), n);
}

TEST(ZoneLookup, DnameSynthesisTtlAndMarkers) {
  auto zone = main_zone();
  Name q = Name::must("x.dn.example.");
  LookupResult r = zone->lookup(q, A);
  ASSERT_EQ(r.answers().size(), 3u);
  EXPECT_FALSE(r.answers()[0].synthesized);
  EXPECT_TRUE(r.answers()[1].synthesized);
  EXPECT_EQ(r.answers()[1].rrset.ttl(), 600u);  // the DNAME's TTL (RFC 6672 3.1)
  EXPECT_EQ(r.answers()[1].rrset.size(), 1u);
  // The synthesized owner is the query name as asked.
  EXPECT_TRUE(r.answers()[1].rrset.owner_wire().data() == q.wire().data());
  // Moving the result keeps the synthesized views valid.
  LookupResult moved = std::move(r);
  EXPECT_EQ(describe(moved.answers()[1].rrset), "x.dn.example. CNAME -> x.target.example.");
}

TEST(ZoneLookup, WildcardAnswerOwnerIsQueryName) {
  auto zone = main_zone();
  Name q = Name::must("Foo.Wild.example.");
  LookupResult r = zone->lookup(q, A);
  ASSERT_EQ(r.answers().size(), 1u);
  const AnswerRRset& a = r.answers()[0];
  EXPECT_TRUE(std::equal(a.rrset.owner_wire().begin(), a.rrset.owner_wire().end(),
                         q.wire().begin(), q.wire().end()));
  EXPECT_EQ(wire_text(a.wildcard), "*.wild.example.");
  EXPECT_EQ(wire_text(r.closest_encloser), "wild.example.");
}

TEST(ZoneLookup, OwnerCaseIsPreservedFromTheZone) {
  auto zone = main_zone();
  Name q = Name::must("mixedcase.EXAMPLE.");
  LookupResult r = zone->lookup(q, A);
  ASSERT_EQ(r.answers().size(), 1u);
  Name zone_owner = Name::must("MixedCase.Example.");
  EXPECT_TRUE(r.answers()[0].rrset.owner().equals_exact(zone_owner));
  EXPECT_TRUE(zone->find_node(q).owner().equals_exact(zone_owner));
}

TEST(ZoneLookup, NegativeAnswersCarryClosestEncloser) {
  auto zone = main_zone();
  Name q = Name::must("zz.b.c.example.");
  LookupResult r = zone->lookup(q, A);
  EXPECT_EQ(wire_text(r.closest_encloser), "b.c.example.");
  EXPECT_EQ(zone->serial(), 1u);
  EXPECT_EQ(zone->negative_ttl(), 300u);
}

TEST(ZoneLookup, NegativeTtlIsSoaTtlWhenSmaller) {
  ZoneBuilder b(Name::must("t.test."));
  b.add(rr("t.test.", rrtype::SOA, 60, soa_rd("ns1.t.test.", "h.t.test.", 7, 3600)));
  b.add(rr("t.test.", NS, 60, name_rd("ns.other.")));
  auto zone = build_or_die(b);
  Name q = Name::must("none.t.test.");
  EXPECT_EQ(zone->lookup(q, A).negative_ttl, 60u);
  EXPECT_EQ(zone->serial(), 7u);
}

TEST(ZoneLookup, AdditionalFindsAuthoritativeGlueAndWildcardAddresses) {
  auto zone = main_zone();
  Name mail = Name::must("mail.example.");
  Additional a = zone->additional(mail);
  EXPECT_EQ(describe(a.a), "mail.example. A 192.0.2.2");
  EXPECT_TRUE(a.aaaa.empty());
  EXPECT_FALSE(a.glue);

  Name www = Name::must("www.example.");
  a = zone->additional(www);
  EXPECT_FALSE(a.a.empty());
  EXPECT_FALSE(a.aaaa.empty());

  Name glue = Name::must("ns1.sub.example.");
  a = zone->additional(glue);
  EXPECT_EQ(describe(a.a), "ns1.sub.example. A 192.0.2.10");
  EXPECT_TRUE(a.glue);

  Name wild = Name::must("host.wild.example.");
  a = zone->additional(wild);
  EXPECT_EQ(describe(a.a), "host.wild.example. A 192.0.2.30");

  Name out = Name::must("ns.other.test.");
  a = zone->additional(out);
  EXPECT_TRUE(a.a.empty() && a.aaaa.empty());
  Name none = Name::must("none.example.");
  a = zone->additional(none);
  EXPECT_TRUE(a.a.empty() && a.aaaa.empty());
}

// RFC 4592 section 2.2.1: the example zone and every query the section lists.
TEST(ZoneLookup, Rfc4592Section221Examples) {
  ZoneBuilder b(Name::must("example."));
  b.add(rr("example.", rrtype::SOA, 3600, soa_rd("ns.example.com.", "h.example.com.", 1, 300)));
  b.add(rr("example.", NS, 3600, name_rd("ns.example.com.")));
  b.add(rr("example.", NS, 3600, name_rd("ns.example.net.")));
  b.add(rr("*.example.", TXT, 3600, txt_rd("this is a wildcard")));
  b.add(rr("*.example.", MX, 3600, mx_rd(10, "host1.example.")));
  b.add(rr("sub.*.example.", TXT, 3600, txt_rd("this is not a wildcard")));
  b.add(rr("host1.example.", A, 3600, a_rd("192.0.2.1")));
  b.add(rr("_ssh._tcp.host1.example.", SRV, 3600, srv_rd("host1.example.")));
  b.add(rr("_ssh._tcp.host2.example.", SRV, 3600, srv_rd("host2.example.")));
  b.add(rr("subdel.example.", NS, 3600, name_rd("ns.example.com.")));
  b.add(rr("subdel.example.", NS, 3600, name_rd("ns.example.net.")));
  auto zone = build_or_die(b);
  const std::vector<Case> cases = {
      // "The following responses would be synthesized from one of the wildcards":
      {"host3.example.", MX, O::answer, O::answer, {"host3.example. MX"}, "", {}, "*.example."},
      {"host3.example.", A, O::nodata, O::nodata, {}, "", {}, "*.example."},
      {"foo.bar.example.", TXT, O::answer, O::answer, {"foo.bar.example. TXT"}, "", {},
       "*.example."},
      // "The following responses would not be synthesized from any of the wildcards":
      {"host1.example.", MX, O::nodata, O::nodata, {}},          // host1 exists
      {"sub.*.example.", MX, O::nodata, O::nodata, {}},          // sub.*.example exists
      {"_telnet._tcp.host1.example.", SRV, O::nxdomain, O::nxdomain, {}},  // _tcp.host1 exists (ENT)
      {"host.subdel.example.", A, O::delegation, O::delegation, {}, "subdel.example.", {}},
      {"ghost.*.example.", MX, O::nxdomain, O::nxdomain, {}},   // *.example exists: no match
  };
  for (const Case& c : cases) check_case(*zone, c);
  // The closest encloser of _telnet._tcp.host1.example is the empty non-terminal.
  Name q = Name::must("_telnet._tcp.host1.example.");
  EXPECT_EQ(wire_text(zone->lookup(q, SRV).closest_encloser), "_tcp.host1.example.");
  Name g = Name::must("ghost.*.example.");
  EXPECT_EQ(wire_text(zone->lookup(g, MX).closest_encloser), "*.example.");
}

TEST(ZoneLookup, CaseInsensitiveMatchOfWildcardAndCut) {
  auto zone = main_zone();
  check_case(*zone, {"HOST.SUB.EXAMPLE.", A, O::delegation, O::delegation, {}, "sub.example.",
                     {"ns1.sub.example. A 192.0.2.10", "ns1.example. A 192.0.2.1"}});
  check_case(*zone, {"BAR.WILD.EXAMPLE.", TXT, O::answer, O::answer, {"BAR.WILD.EXAMPLE. TXT"},
                     "", {}, "*.wild.example."});
}

TEST(ZoneLookup, NodesAreInCanonicalOrderWithEmptyNonTerminals) {
  ZoneBuilder b(Name::must("example."));
  add_apex(b, "example.");
  b.add(rr("z.example.", A, 60, a_rd("192.0.2.1")));
  b.add(rr("a.example.", A, 60, a_rd("192.0.2.1")));
  b.add(rr("yljkjljk.a.example.", A, 60, a_rd("192.0.2.1")));
  b.add(rr("Z.a.example.", A, 60, a_rd("192.0.2.1")));
  b.add(rr("zABC.a.EXAMPLE.", A, 60, a_rd("192.0.2.1")));
  b.add(rr("*.z.example.", A, 60, a_rd("192.0.2.1")));
  b.add(rr("\\200.z.example.", A, 60, a_rd("192.0.2.1")));
  b.add(rr("x.\\001.z.example.", A, 60, a_rd("192.0.2.1")));
  auto zone = build_or_die(b);
  std::vector<std::string> owners;
  for (size_t i = 0; i < zone->node_count(); ++i) owners.push_back(zone->node(i).owner().to_text());
  // RFC 4034 6.1's example order, plus the apex NS host and an empty non-terminal.
  std::vector<std::string> want = {"example.",          "a.example.",     "yljkjljk.a.example.",
                                   "Z.a.example.",      "zABC.a.EXAMPLE.", "ns1.example.",
                                   "z.example.",        "\\001.z.example.", "x.\\001.z.example.",
                                   "*.z.example.",      "\\200.z.example."};
  EXPECT_EQ(owners, want);
  EXPECT_TRUE(zone->find_node(Name::must("\\001.z.example.")).is_empty_nonterminal());
  EXPECT_TRUE(zone->find_node(Name::must("z.example.")).has_wildcard_child());
  EXPECT_EQ(zone->record_count(), 11u);
}

}  // namespace
}  // namespace gitns::zone

namespace gitns::zone {
namespace {

using namespace test;

long rss_kib() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  long kib = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib;
}

// A measurement, not a timed assertion: run with --gtest_also_run_disabled_tests to see
// how long a million-record zone takes to build, how much memory it holds, and the cost
// of a lookup. It checks only that every name answers.
TEST(ZonePerformance, DISABLED_MillionRecords) {
  using Clock = std::chrono::steady_clock;
  const size_t kNames = 500000;  // two records each
  long rss0 = rss_kib();
  auto t0 = Clock::now();
  std::shared_ptr<const Zone> zone;
  {
    ZoneBuilder b(Name::must("example.com."));
    add_apex(b, "example.com.");
    for (size_t i = 0; i < kNames; ++i) {
      std::string owner = "host" + std::to_string(i) + ".example.com.";
      b.add(rr(owner, rrtype::A, 3600, a_rd("192.0.2.1")));
      b.add(rr(owner, rrtype::AAAA, 3600, aaaa_rd(uint8_t(i))));
    }
    auto t1 = Clock::now();
    std::printf("add: %.2f s, rss +%ld MiB\n", std::chrono::duration<double>(t1 - t0).count(),
                (rss_kib() - rss0) / 1024);
    BuildResult r = b.build();
    ASSERT_TRUE(r.ok());
    zone = r.zone;
    std::printf("build: %.2f s\n", std::chrono::duration<double>(Clock::now() - t1).count());
  }
  std::printf("zone: %zu records, %zu nodes, memory_bytes %.1f MiB, rss +%ld MiB\n",
              zone->record_count(), zone->node_count(), zone->memory_bytes() / 1048576.0,
              (rss_kib() - rss0) / 1024);
  std::vector<Name> names;
  for (size_t i = 0; i < 100000; ++i) {
    names.push_back(Name::must((i % 5 == 0 ? "nx" : "host") + std::to_string(i * 4) + ".example.com."));
  }
  auto t2 = Clock::now();
  size_t answered = 0;
  for (int rep = 0; rep < 10; ++rep) {
    for (const Name& n : names) answered += zone->lookup(n, rrtype::A).end == Outcome::answer;
  }
  double secs = std::chrono::duration<double>(Clock::now() - t2).count();
  std::printf("lookup: %.0f ns each\n", secs * 1e9 / (10.0 * names.size()));
  EXPECT_EQ(answered, 10 * 80000u);
}

}  // namespace
}  // namespace gitns::zone
