#include "controller/reconcile/plan.h"

#include <gtest/gtest.h>

#include "tests/unit/reconcile/test_util.h"

namespace gitns::reconcile {
namespace {

using test::zone_from;
using test::zone_text;

// `n` A records a1..an.
std::string hosts(size_t n, size_t first = 1) {
  std::string out;
  for (size_t i = first; i < first + n; ++i)
    out += "a" + std::to_string(i) + " A 198.51.100." + std::to_string(i % 250) + "\n";
  return out;
}

TEST(Plan, CountsPairAdditionsAndRemovalsAsChanges) {
  auto a = zone_from("example.com.",
                     zone_text(1, "www A 192.0.2.1\nold A 192.0.2.2\nttl A 192.0.2.3\n"));
  auto b = zone_from(
      "example.com.",
      zone_text(2, "www A 192.0.2.9\nnew A 192.0.2.4\nnew AAAA 2001:db8::1\nttl 60 A 192.0.2.3\n"));
  RecordCounts c = count_changes(zone::diff(*a, *b));
  EXPECT_EQ(c.changed, 2u);  // www value, ttl TTL (the SOA serial is not counted)
  EXPECT_EQ(c.added, 2u);    // new A, new AAAA
  EXPECT_EQ(c.removed, 1u);  // old
}

TEST(Plan, SerialOnlyDiffIsRecognised) {
  auto a = zone_from("example.com.", zone_text(1, "www A 192.0.2.1\n"));
  auto b = zone_from("example.com.", zone_text(2, "www A 192.0.2.1\n"));
  auto c = zone_from("example.com.", zone_text(2, "www A 192.0.2.2\n"));
  EXPECT_TRUE(is_serial_only(zone::diff(*a, *b)));
  EXPECT_FALSE(is_serial_only(zone::diff(*a, *c)));
  auto refresh =
      zone_from("example.com.",
                "$TTL 300\n@ SOA ns1 hostmaster 2 7200 600 86400 300\n@ NS ns1\n@ NS ns2\n"
                "ns1 A 192.0.2.50\nns2 A 192.0.2.54\nwww A 192.0.2.1\n");
  EXPECT_FALSE(is_serial_only(zone::diff(*a, *refresh)));  // refresh changed too
}

TEST(Plan, UnchangedContentKeepsTheAppliedZoneAndSerial) {
  auto applied = zone_from("example.com.", zone_text(7, "www A 192.0.2.1\n"));
  auto rebuilt = zone_from("example.com.", zone_text(8, "www A 192.0.2.1\n"));  // candidate serial
  auto p = plan_zone(applied, rebuilt, {true, 0, std::nullopt, 7u});
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->action, ZoneAction::unchanged);
  EXPECT_EQ(p->desired, applied);  // the same object, not a copy
  EXPECT_EQ(p->serial_to, 7u);
}

TEST(Plan, ChangedContentUpdatesWithTheNewSerial) {
  auto applied = zone_from("example.com.", zone_text(7, "www A 192.0.2.1\n"));
  auto rebuilt = zone_from("example.com.", zone_text(8, "www A 192.0.2.2\n"));
  auto p = plan_zone(applied, rebuilt, {true, 0, std::nullopt, 7u});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->action, ZoneAction::update);
  EXPECT_EQ(p->serial_from, 7u);
  EXPECT_EQ(p->serial_to, 8u);
  EXPECT_EQ(p->counts.changed, 1u);
  EXPECT_EQ(p->diff.removed.size(), 2u);  // SOA + www
}

TEST(Plan, CreateAndRemove) {
  auto z = zone_from("example.com.", zone_text(1, "www A 192.0.2.1\n"));
  auto created = plan_zone(nullptr, z, {true, 0, std::nullopt, std::nullopt});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->action, ZoneAction::create);
  EXPECT_EQ(created->counts.added, z->record_count());
  ZonePlan removed = plan_removal(z);
  EXPECT_EQ(removed.action, ZoneAction::remove);
  EXPECT_EQ(removed.counts.removed, z->record_count());
}

TEST(Plan, ExplicitSerialGoingBackwardsFailsThePlan) {
  auto applied = zone_from("example.com.", zone_text(7, "www A 192.0.2.1\n"));
  auto rebuilt = zone_from("example.com.", zone_text(6, "www A 192.0.2.2\n"));
  auto p = plan_zone(applied, rebuilt, {false, 6, std::nullopt, 7u});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("backwards"), std::string::npos);
}

// 4 apex/NS records + 16 hosts = 20 records.
TEST(Safety, MassDeleteOverThirtyPercentIsUnsafe) {
  SafetyPolicy policy;
  auto applied = zone_from("example.com.", zone_text(1, hosts(16)));
  ASSERT_EQ(applied->record_count(), 21u);  // SOA, 2 NS, 2 NS addresses, 16 hosts
  // Deleting 6 of 21 (29%) is fine; 7 of 21 (33%) is not.
  auto keep10 = zone_from("example.com.", zone_text(2, hosts(10)));
  auto keep9 = zone_from("example.com.", zone_text(2, hosts(9)));
  auto ok = plan_zone(applied, keep10, {true, 0, std::nullopt, 1u});
  auto bad = plan_zone(applied, keep9, {true, 0, std::nullopt, 1u});
  ASSERT_TRUE(ok.ok() && bad.ok());
  EXPECT_TRUE(unsafe_reasons(*ok, policy).empty());
  auto why = unsafe_reasons(*bad, policy);
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].find("deletes 7 of 21 records (33%"), std::string::npos) << why[0];
}

TEST(Safety, ChangedRecordsAreNotDeletions) {
  auto applied = zone_from("example.com.", zone_text(1, hosts(16)));
  std::string moved;
  for (int i = 1; i <= 16; ++i)
    moved += "a" + std::to_string(i) + " A 203.0.113." + std::to_string(i) + "\n";
  auto p = plan_zone(applied, zone_from("example.com.", zone_text(2, moved)),
                     {true, 0, std::nullopt, 1u});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->counts.changed, 16u);
  EXPECT_TRUE(unsafe_reasons(*p, {}).empty());
}

TEST(Safety, SmallZonesMayShrink) {
  auto applied = zone_from("example.com.", zone_text(1, hosts(4)));  // 9 records
  ASSERT_LT(applied->record_count(), 10u);
  auto p = plan_zone(applied, zone_from("example.com.", zone_text(2)), {true, 0, std::nullopt, 1u});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(unsafe_reasons(*p, {}).empty());
}

TEST(Safety, ApexNsChangeAndZoneDeletionAreUnsafe) {
  auto applied = zone_from("example.com.", zone_text(1, "www A 192.0.2.1\n"));
  auto other_ns = zone_from("example.com.", zone_text(2, "www A 192.0.2.1\n", "ns1 ns3"));
  auto p = plan_zone(applied, other_ns, {true, 0, std::nullopt, 1u});
  ASSERT_TRUE(p.ok());
  auto why = unsafe_reasons(*p, {});
  ASSERT_EQ(why.size(), 1u);
  EXPECT_NE(why[0].find("apex NS set from ns1.example.com., ns2.example.com. to ns1.example.com., "
                        "ns3.example.com."),
            std::string::npos)
      << why[0];
  auto gone = unsafe_reasons(plan_removal(applied), {});
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_NE(gone[0].find("deletes the zone"), std::string::npos);
  // An NS TTL change is not a change of the set.
  auto ttl =
      zone_from("example.com.",
                "$TTL 300\n@ SOA ns1 hostmaster 2 3600 600 86400 300\n@ 60 NS ns1\n@ 60 NS ns2\n"
                "ns1 A 192.0.2.50\nns2 A 192.0.2.54\nwww A 192.0.2.1\n");
  auto t = plan_zone(applied, ttl, {true, 0, std::nullopt, 1u});
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(unsafe_reasons(*t, {}).empty());
}

TEST(Safety, TrailersAndAnnotationsAllow) {
  auto applied = zone_from("example.com.", zone_text(1, "www A 192.0.2.1\n"));
  auto other_ns = zone_from("example.com.", zone_text(2, "www A 192.0.2.1\n", "ns1 ns3"));
  ZonePlan p = *plan_zone(applied, other_ns, {true, 0, std::nullopt, 1u});

  check_safety(p, {}, false, {});
  EXPECT_TRUE(p.held());
  check_safety(p, {}, true, {});
  EXPECT_FALSE(p.held());
  EXPECT_NE(p.allowed_by.find("annotation"), std::string::npos);

  TrailerAllowances t = parse_allow_trailers({"EXAMPLE.com, other.org.", "not..a..name"});
  EXPECT_TRUE(t.allows(wire::Name::must("example.com.")));
  EXPECT_TRUE(t.allows(wire::Name::must("other.org.")));
  EXPECT_FALSE(t.allows(wire::Name::must("example.net.")));
  ASSERT_EQ(t.invalid.size(), 1u);
  check_safety(p, {}, false, t);
  EXPECT_FALSE(p.held());
  EXPECT_NE(p.allowed_by.find("trailer"), std::string::npos);

  // A deleted zone has no manifest left: an annotation cannot allow it, a trailer can.
  ZonePlan gone = plan_removal(applied);
  check_safety(gone, {}, true, {});
  EXPECT_TRUE(gone.held());
  check_safety(gone, {}, false, t);
  EXPECT_FALSE(gone.held());
}

}  // namespace
}  // namespace gitns::reconcile
