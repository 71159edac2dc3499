#include "controller/reconcile/revision_plan.h"

#include <gtest/gtest.h>

#include "controller/reconcile/reconciler.h"
#include "tests/unit/reconcile/test_util.h"

namespace gitns::reconcile {
namespace {

using test::MemorySource;
using test::TempDir;
using test::zone_yaml;
using wire::Name;

std::string hosts(size_t n, const std::string& net = "198.51.100") {
  std::string out;
  for (size_t i = 1; i <= n; ++i)
    out += "    h" + std::to_string(i) + ": [{type: A, value: " + net + "." + std::to_string(i) +
           "}]\n";
  return out;
}

std::string com(size_t n, const std::string& metadata_extra = "", const std::string& spec = "") {
  return "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: example.com\n" + metadata_extra +
         "spec:\n  nameservers: [ns1]\n" + spec +
         "  records:\n    ns1: [{type: A, value: 192.0.2.53}]\n" + hosts(n);
}

std::string org(const std::string& www = "192.0.2.80") {
  return zone_yaml("example.org", "  nameservers: [ns.example.com.]\n  records:\n    www: [{type: A, value: " +
                                      www + "}]\n");
}

const PlannedZoneChange* find(const RevisionPlan& p, const std::string& zone) {
  for (const auto& z : p.zones)
    if (z.plan.origin == Name::must(zone)) return &z;
  return nullptr;
}

TEST(RevisionPlan, FromNothingCreatesEveryZone) {
  MemorySource src;
  std::string c1 = src.commit({{"zones/com.yaml", com(3)}, {"zones/org.yaml", org()}});
  auto p = plan_revisions(src, "", c1);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->result(), "changes");
  ASSERT_EQ(p->zones.size(), 2u);
  EXPECT_EQ(p->zones[0].plan.origin.to_text(), "example.com.");  // canonical order
  EXPECT_EQ(p->zones[0].plan.action, ZoneAction::create);
  EXPECT_EQ(p->zones[0].file, "zones/com.yaml");
  EXPECT_EQ(p->zones[0].plan.counts.added, 3u + 3u);  // SOA, NS, ns1 A, 3 hosts
  auto j = to_json(*p);
  EXPECT_EQ(j["fromRevision"], nullptr);
  EXPECT_EQ(j["revision"], c1);
  EXPECT_EQ(j["zones"][0]["added"].size(), 6u);
  EXPECT_EQ(j["zones"][1]["zone"], "example.org.");
}

TEST(RevisionPlan, SameRevisionPlansNothing) {
  MemorySource src;
  std::string c1 = src.commit({{"zones/com.yaml", com(12)}, {"zones/org.yaml", org()}});
  auto p = plan_revisions(src, c1, c1);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->result(), "unchanged");
  EXPECT_FALSE(p->changes());
  for (const auto& z : p->zones) EXPECT_EQ(z.plan.action, ZoneAction::unchanged);
}

TEST(RevisionPlan, OneChangedRecordIsOneChangeWithNextSerial) {
  MemorySource src;
  std::string c1 = src.commit({{"zones/com.yaml", com(3)}, {"zones/org.yaml", org()}});
  auto files = src.files();
  files["zones/org.yaml"] = org("192.0.2.81");
  std::string c2 = src.commit(files);
  auto p = plan_revisions(src, c1, c2);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->result(), "changes");
  const auto* z = find(*p, "example.org.");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->plan.action, ZoneAction::update);
  EXPECT_EQ(z->plan.counts.changed, 1u);
  EXPECT_EQ(z->plan.counts.added, 0u);
  EXPECT_EQ(z->plan.serial_from, 1u);
  EXPECT_EQ(z->plan.serial_to, 2u);
  EXPECT_EQ(find(*p, "example.com.")->plan.action, ZoneAction::unchanged);
  // The lists leave out the SOA whose serial alone moved.
  PlanRecords recs = plan_records(z->plan);
  ASSERT_EQ(recs.added.size(), 1u);
  ASSERT_EQ(recs.removed.size(), 1u);
  auto j = to_json(z->plan, z->file);
  EXPECT_EQ(j["added"][0], (nlohmann::json{{"name", "www.example.org."}, {"type", "A"}, {"ttl", 3600},
                                           {"data", "192.0.2.81"}}));
  EXPECT_EQ(j["removed"][0]["data"], "192.0.2.80");
  EXPECT_EQ(j["serialTo"], 2);
  EXPECT_EQ(j["file"], "zones/org.yaml");
  EXPECT_EQ(j["unsafe"], nullptr);
  EXPECT_EQ(j["action"], "update");
}

TEST(RevisionPlan, DeletedZoneIsHeldUntilATrailerAllowsIt) {
  MemorySource src;
  std::string c1 = src.commit({{"zones/com.yaml", com(3)}, {"zones/org.yaml", org()}});
  std::string c2 = src.commit({{"zones/com.yaml", com(3)}});
  auto p = plan_revisions(src, c1, c2);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->result(), "held");
  const auto* z = find(*p, "example.org.");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->plan.action, ZoneAction::remove);
  EXPECT_EQ(z->file, "zones/org.yaml");
  ASSERT_EQ(p->held_reasons().size(), 1u);
  EXPECT_NE(p->held_reasons()[0].find("example.org.: deletes the zone"), std::string::npos);
  EXPECT_EQ(to_json(*p)["result"], "held");

  std::string c3 = src.commit({{"zones/com.yaml", com(3)}}, {"example.org"});
  auto allowed = plan_revisions(src, c1, c3);
  ASSERT_TRUE(allowed.ok());
  EXPECT_EQ(allowed->result(), "changes");
  z = find(*allowed, "example.org.");
  EXPECT_FALSE(z->plan.unsafe.empty());
  EXPECT_NE(z->plan.allowed_by.find("Gitns-Allow-Unsafe"), std::string::npos);
  // A trailer before `from` does not count.
  auto later = plan_revisions(src, c2, c3);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->result(), "unchanged");
}

TEST(RevisionPlan, MassDeleteHeldUnlessAnnotated) {
  MemorySource src;
  std::string c1 = src.commit({{"z.yaml", com(20)}});
  std::string c2 = src.commit({{"z.yaml", com(5)}});
  auto p = plan_revisions(src, c1, c2);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->held());
  EXPECT_NE(p->held_reasons().at(0).find("deletes 15 of 23 records"), std::string::npos)
      << p->held_reasons().at(0);
  std::string c3 =
      src.commit({{"z.yaml", com(5, "  annotations:\n    gitns.io/allow-unsafe: \"true\"\n")}});
  auto ok = plan_revisions(src, c1, c3);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->held());
  EXPECT_EQ(ok->zones[0].plan.allowed_by, "annotation gitns.io/allow-unsafe: \"true\"");
}

TEST(RevisionPlan, InvalidTargetGivesLocatedErrorsAndNoZones) {
  MemorySource src;
  std::string c1 = src.commit({{"z.yaml", com(3)}});
  std::string c2 = src.commit(
      {{"z.yaml", com(3) + "    bad: [{type: A, value: 300.1.1.1}]\n"}});
  auto p = plan_revisions(src, c1, c2);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->result(), "invalid");
  EXPECT_TRUE(p->zones.empty());
  ASSERT_EQ(p->errors.size(), 1u);
  EXPECT_EQ(p->errors[0].file, "z.yaml");
  EXPECT_EQ(p->errors[0].position.line, 12);
  auto j = to_json(*p);
  EXPECT_EQ(j["result"], "invalid");
  EXPECT_EQ(j["errors"].size(), 1u);
}

TEST(RevisionPlan, InvalidStartIsAnError) {
  MemorySource src;
  std::string c1 = src.commit({{"z.yaml", "apiVersion: gitns.io/v1\nkind: Zone\n"}});
  std::string c2 = src.commit({{"z.yaml", com(3)}});
  auto p = plan_revisions(src, c1, c2);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("is invalid"), std::string::npos);
}

TEST(RevisionPlan, ExplicitSerialGoingBackwardsIsAnError) {
  MemorySource src;
  std::string c1 = src.commit({{"z.yaml", com(3, "", "  serial: 10\n")}});
  std::string c2 = src.commit({{"z.yaml", com(4, "", "  serial: 9\n")}});
  auto p = plan_revisions(src, c1, c2);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->result(), "invalid");
  ASSERT_EQ(p->errors.size(), 1u);
  EXPECT_EQ(p->errors[0].path, "spec.serial");
}

TEST(RevisionPlan, JsonListsAreTruncatedButCountsComplete) {
  MemorySource src;
  std::string c1 = src.commit({{"z.yaml", com(30)}});
  auto p = plan_revisions(src, "", c1);
  ASSERT_TRUE(p.ok());
  PlanJsonOptions o;
  o.max_records = 5;
  auto j = to_json(*p, o);
  EXPECT_EQ(j["zones"][0]["added"].size(), 5u);
  EXPECT_TRUE(j["zones"][0]["truncated"].get<bool>());
  EXPECT_EQ(j["zones"][0]["counts"]["added"], 33);
}

TEST(RevisionPlan, ZoneFileIsReadFromTheSameRevision) {
  MemorySource src;
  std::string spec = "  zoneFile: zones/org.zone\n";
  std::string m = zone_yaml("example.org", spec);
  std::string c1 = src.commit({{"org.yaml", m}, {"zones/org.zone", test::zone_text(5, "www A 192.0.2.1\n")}});
  std::string c2 = src.commit({{"org.yaml", m}, {"zones/org.zone", test::zone_text(5, "www A 192.0.2.2\n")}});
  auto p = plan_revisions(src, c1, c2);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  ASSERT_EQ(p->zones.size(), 1u);
  EXPECT_EQ(p->zones[0].plan.counts.changed, 1u);
  EXPECT_EQ(p->zones[0].plan.serial_to, 6u);  // auto follows the applied serial
}

// The verdict is the reconciler's: a reconciler on `from` holds `to` for the same reasons.
TEST(RevisionPlan, AgreesWithTheReconciler) {
  MemorySource src;
  TempDir dir;
  std::string c1 = src.commit({{"a.yaml", com(20)}, {"b.yaml", org()}});
  store::Options so;
  so.sync = false;
  auto st = store::Store::open(dir.sub("store"), so);
  ASSERT_TRUE(st.ok());
  Reconciler rec(src, **st, nullptr, {});
  ASSERT_EQ(rec.reconcile({TriggerKind::api, "test"}).result(), ReconcileResult::applied);
  std::string c2 = src.commit({{"a.yaml", com(4)}});
  auto plan = plan_revisions(src, c1, c2);
  ASSERT_TRUE(plan.ok());
  ReconcileOutcome out = rec.reconcile({TriggerKind::api, "test"});
  EXPECT_EQ(out.result(), ReconcileResult::held);
  EXPECT_EQ(out.held, plan->held_reasons());
}

}  // namespace
}  // namespace gitns::reconcile
