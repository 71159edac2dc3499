// Zone checks: each problem yields one clear issue, located at the record's file:line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zone_check.h"
#include "tests/unit/zone/zone_test_util.h"

namespace gitns::zone {
namespace {

using namespace test;
using ::testing::HasSubstr;

constexpr uint16_t A = rrtype::A, NS = rrtype::NS, MX = rrtype::MX, CNAME = rrtype::CNAME,
                   DNAME = rrtype::DNAME, SOA = rrtype::SOA, TXT = rrtype::TXT;

// Adds records with locations "z.zone:<line>:1", line = position in the list + 1.
struct Fixture {
  ZoneBuilder b{Name::must("example.")};
  uint32_t line = 0;
  Fixture& add(wire::RR r) {
    b.add(r, "z.zone", ++line, 1);
    return *this;
  }
  Fixture& apex() {
    add(rr("example.", SOA, 3600, soa_rd("ns1.example.", "h.example.", 1, 300)));
    add(rr("example.", NS, 3600, name_rd("ns1.example.")));
    add(rr("ns1.example.", A, 3600, a_rd("192.0.2.1")));
    return *this;
  }
};

std::vector<ZoneIssue> of(const BuildResult& r, Severity s) {
  std::vector<ZoneIssue> out;
  for (const auto& i : r.issues) {
    if (i.severity == s) out.push_back(i);
  }
  return out;
}

TEST(ZoneCheck, CleanZoneHasNoIssues) {
  Fixture f;
  f.apex();
  f.add(rr("www.example.", A, 3600, a_rd("192.0.2.2")));
  f.add(rr("sub.example.", NS, 3600, name_rd("ns.sub.example.")));
  f.add(rr("ns.sub.example.", A, 3600, a_rd("192.0.2.3")));
  BuildResult r = f.b.build();
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.issues.empty()) << r.issues.front().to_string();
  EXPECT_EQ(r.error().code, base::Errc::ok);
}

TEST(ZoneCheck, MissingSoaAndNs) {
  Fixture f;
  f.add(rr("www.example.", A, 3600, a_rd("192.0.2.2")));
  BuildResult r = f.b.build();
  EXPECT_FALSE(r.ok());
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "zone example. has no SOA record at its apex");
  EXPECT_EQ(errors[1].message, "zone example. has no NS records at its apex");
  EXPECT_FALSE(errors[0].location.has_value());
  EXPECT_EQ(errors[0].to_string(), "error: zone example. has no SOA record at its apex");
  EXPECT_EQ(r.error().code, base::Errc::semantic);
  EXPECT_THAT(r.error().message, HasSubstr("no NS records"));
}

TEST(ZoneCheck, TwoSoaRecordsAndSoaBelowApex) {
  Fixture f;
  f.apex();
  f.add(rr("example.", SOA, 3600, soa_rd("ns2.example.", "h.example.", 2, 300)));
  f.add(rr("www.example.", SOA, 3600, soa_rd("ns1.example.", "h.example.", 1, 300)));
  BuildResult r = f.b.build();
  EXPECT_FALSE(r.ok());
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].to_string(),
            "z.zone:1:1: error: zone example. has 2 SOA records at its apex; exactly one is allowed");
  EXPECT_EQ(errors[1].to_string(),
            "z.zone:5:1: error: SOA record at www.example. is not at the zone apex example.");
}

TEST(ZoneCheck, CnameBesideOtherData) {
  Fixture f;
  f.apex();
  f.add(rr("www.example.", A, 3600, a_rd("192.0.2.2")));
  f.add(rr("www.example.", CNAME, 3600, name_rd("other.example.")));
  f.add(rr("www.example.", MX, 3600, mx_rd(10, "mail.example.")));
  f.add(rr("www.example.", rrtype::RRSIG, 3600, Bytes(20, 0)));  // allowed beside a CNAME
  BuildResult r = f.b.build();
  EXPECT_FALSE(r.ok());
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            "z.zone:5:1: error: CNAME at www.example. is beside other data (A, MX); a CNAME must "
            "be the only record at its name (RFC 1034 3.6.2, RFC 2181 10.1)");
}

TEST(ZoneCheck, CnameAtApexIsBesideSoa) {
  Fixture f;
  f.apex();
  f.add(rr("example.", CNAME, 3600, name_rd("other.test.")));
  BuildResult r = f.b.build();
  ASSERT_EQ(of(r, Severity::error).size(), 1u);
  EXPECT_THAT(of(r, Severity::error)[0].message, HasSubstr("beside other data (SOA, NS)"));
}

TEST(ZoneCheck, TwoCnamesAndDnameBesideCname) {
  Fixture f;
  f.apex();
  f.add(rr("two.example.", CNAME, 3600, name_rd("a.example.")));
  f.add(rr("two.example.", CNAME, 3600, name_rd("b.example.")));
  f.add(rr("both.example.", CNAME, 3600, name_rd("a.example.")));
  f.add(rr("both.example.", DNAME, 3600, name_rd("b.example.")));
  f.add(rr("dd.example.", DNAME, 3600, name_rd("a.test.")));
  f.add(rr("dd.example.", DNAME, 3600, name_rd("b.test.")));
  BuildResult r = f.b.build();
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].to_string(),
            "z.zone:4:1: error: two.example. has 2 CNAME records; a name can have only one "
            "(RFC 2181 10.1)");
  EXPECT_EQ(errors[1].to_string(),
            "z.zone:6:1: error: both.example. has both a CNAME and a DNAME record; they cannot "
            "share a name (RFC 6672 2.4)");
  EXPECT_EQ(errors[2].to_string(),
            "z.zone:8:1: error: dd.example. has 2 DNAME records; a name can have only one "
            "(RFC 6672 2.4)");
}

TEST(ZoneCheck, RecordOutsideTheZone) {
  Fixture f;
  f.apex();
  f.add(rr("www.example.com.", A, 3600, a_rd("192.0.2.2")));
  BuildResult r = f.b.build();
  EXPECT_FALSE(r.ok());
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            "z.zone:4:1: error: www.example.com. A is outside the zone example. and is ignored");
}

TEST(ZoneCheck, OccludedDataBelowDelegationIsAWarning) {
  Fixture f;
  f.apex();
  f.add(rr("sub.example.", NS, 3600, name_rd("ns.sub.example.")));
  f.add(rr("ns.sub.example.", A, 3600, a_rd("192.0.2.3")));  // glue: fine
  f.add(rr("www.sub.example.", MX, 3600, mx_rd(10, "mail.example.")));
  f.add(rr("sub.example.", TXT, 3600, txt_rd("at the cut")));
  BuildResult r = f.b.build();
  ASSERT_TRUE(r.ok());
  auto warnings = of(r, Severity::warning);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].to_string(),
            "z.zone:6:1: warning: www.sub.example. MX is below the delegation at sub.example. and "
            "is not served (occluded; only A/AAAA glue belongs there)");
  EXPECT_EQ(warnings[1].to_string(),
            "z.zone:7:1: warning: sub.example. TXT is at the delegation point and is not served "
            "(occluded by the NS records)");
  // Occluded data is never an answer: the query gets a referral.
  Name q = Name::must("www.sub.example.");
  EXPECT_EQ(r.zone->lookup(q, MX).end, Outcome::delegation);
}

TEST(ZoneCheck, DataBelowDnameIsAWarning) {
  Fixture f;
  f.apex();
  f.add(rr("dn.example.", DNAME, 3600, name_rd("other.test.")));
  f.add(rr("x.dn.example.", A, 3600, a_rd("192.0.2.3")));
  BuildResult r = f.b.build();
  ASSERT_TRUE(r.ok());
  auto warnings = of(r, Severity::warning);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].to_string(),
            "z.zone:5:1: warning: x.dn.example. A is below a DNAME and is not served (occluded, "
            "RFC 6672 2.4)");
}

TEST(ZoneCheck, MissingGlueBelowDelegation) {
  Fixture f;
  f.apex();
  f.add(rr("sub.example.", NS, 3600, name_rd("ns.sub.example.")));
  f.add(rr("sub.example.", NS, 3600, name_rd("ns.elsewhere.test.")));  // out of zone: fine
  BuildResult r = f.b.build();
  EXPECT_FALSE(r.ok());
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            "z.zone:4:1: error: NS record at sub.example. names ns.sub.example., which is below "
            "the delegation, but there is no A or AAAA glue record for ns.sub.example.");
}

TEST(ZoneCheck, InZoneNameServerWithoutAddress) {
  Fixture f;
  f.add(rr("example.", SOA, 3600, soa_rd("ns1.example.", "h.example.", 1, 300)));
  f.add(rr("example.", NS, 3600, name_rd("ns1.example.")));
  f.add(rr("ns1.example.", TXT, 3600, txt_rd("no address")));
  BuildResult r = f.b.build();
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            "z.zone:2:1: error: NS record at example. names ns1.example., which is inside the "
            "zone, but ns1.example. has no A or AAAA record");
}

TEST(ZoneCheck, NameServerThatIsAnAlias) {
  Fixture f;
  f.add(rr("example.", SOA, 3600, soa_rd("ns1.example.", "h.example.", 1, 300)));
  f.add(rr("example.", NS, 3600, name_rd("ns1.example.")));
  f.add(rr("ns1.example.", CNAME, 3600, name_rd("host.test.")));
  BuildResult r = f.b.build();
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message, HasSubstr("which is an alias (CNAME)"));
}

TEST(ZoneCheck, SiblingGlueIsNotRequired) {
  Fixture f;
  f.apex();
  f.add(rr("a.example.", NS, 3600, name_rd("ns.b.example.")));  // served by b's servers
  f.add(rr("b.example.", NS, 3600, name_rd("ns.elsewhere.test.")));
  BuildResult r = f.b.build();
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.issues.empty());
}

TEST(ZoneCheck, WildcardAddressSatisfiesInZoneTarget) {
  Fixture f;
  f.add(rr("example.", SOA, 3600, soa_rd("ns1.example.", "h.example.", 1, 300)));
  f.add(rr("example.", NS, 3600, name_rd("ns1.example.")));
  f.add(rr("*.example.", A, 3600, a_rd("192.0.2.9")));
  BuildResult r = f.b.build();
  EXPECT_TRUE(r.ok());
}

TEST(ZoneCheck, DuplicatesDroppedAndTtlMismatchUsesFirst) {
  Fixture f;
  f.apex();
  f.add(rr("www.example.", A, 300, a_rd("192.0.2.2")));
  f.add(rr("www.example.", A, 300, a_rd("192.0.2.2")));
  f.add(rr("www.example.", A, 900, a_rd("192.0.2.3")));
  BuildResult r = f.b.build();
  ASSERT_TRUE(r.ok());
  auto warnings = of(r, Severity::warning);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].location->line, 5u);
  EXPECT_THAT(warnings[0].message, HasSubstr("duplicate record www.example. A"));
  EXPECT_EQ(warnings[1].to_string(),
            "z.zone:6:1: warning: TTL 900 of www.example. A differs from the TTL 300 of the first "
            "record of the RRset; using 300 for all (RFC 2181 5.2)");
  RRsetView a = r.zone->find(Name::must("www.example."), A);
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.ttl(), 300u);
  EXPECT_EQ(r.zone->record_count(), 5u);
}

TEST(ZoneCheck, ClassMismatchMetaTypeAndBadRdata) {
  Fixture f;
  f.apex();
  f.add(rr("www.example.", A, 300, a_rd("192.0.2.2"), wire::rrclass::CH));
  f.add(rr("x.example.", rrtype::ANY, 300, Bytes{}));
  f.add(rr("y.example.", CNAME, 300, Bytes{3, 'a', 'b'}));
  f.add(rr("example.", SOA, 300, Bytes{0, 0, 1}));
  f.add(rr("z.example.", A, 300, Bytes{192, 0, 2}));
  BuildResult r = f.b.build();
  EXPECT_FALSE(r.ok());
  auto errors = of(r, Severity::error);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].to_string(),
            "z.zone:4:1: error: www.example. A has class CH but the zone's class is IN");
  EXPECT_THAT(errors[1].message, HasSubstr("query or meta type"));
  // The rdata codec's own message follows the record it is about.
  EXPECT_THAT(errors[2].to_string(), ::testing::StartsWith("z.zone:6:1: error: y.example. CNAME: "));
  EXPECT_THAT(errors[2].message, HasSubstr("name runs past the end"));
  EXPECT_THAT(errors[3].to_string(), ::testing::StartsWith("z.zone:7:1: error: example. SOA: "));
  EXPECT_THAT(errors[4].to_string(), ::testing::StartsWith("z.zone:8:1: error: z.example. A: "));
  EXPECT_THAT(errors[4].message, HasSubstr("needs 4 octets"));
}

TEST(ZoneCheck, IssuesAreSortedByLineAndUnlocatedFirst) {
  ZoneBuilder b(Name::must("example."));
  b.add(rr("z.example.", CNAME, 60, name_rd("a.example.")), "b.zone", 9, 3);
  b.add(rr("z.example.", A, 60, a_rd("192.0.2.1")), "b.zone", 2, 1);
  b.add(rr("out.test.", A, 60, a_rd("192.0.2.1")), "a.zone", 7, 1);
  BuildResult r = b.build();
  ASSERT_EQ(r.issues.size(), 4u);
  EXPECT_FALSE(r.issues[0].location);  // no SOA
  EXPECT_FALSE(r.issues[1].location);  // no NS
  EXPECT_EQ(r.issues[2].location->to_string(), "a.zone:7:1");
  EXPECT_EQ(r.issues[3].location->to_string(), "b.zone:9:3");
}

TEST(ZoneCheck, BuilderIsReusableAfterBuild) {
  Fixture f;
  f.apex();
  BuildResult first = f.b.build();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(f.b.size(), 0u);
  f.apex();
  f.add(rr("www.example.", A, 60, a_rd("192.0.2.2")));
  BuildResult second = f.b.build();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.zone->record_count(), 4u);
  EXPECT_EQ(first.zone->record_count(), 3u);
}

}  // namespace
}  // namespace gitns::zone
