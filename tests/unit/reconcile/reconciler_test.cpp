#include "controller/reconcile/reconciler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "resolver/wire/rdata.h"
#include "tests/unit/reconcile/test_util.h"

namespace gitns::reconcile {
namespace {

using test::MemorySource;
using test::TempDir;
using test::zone_yaml;
using wire::Name;

std::string hosts_yaml(size_t n) {
  std::string out;
  for (size_t i = 1; i <= n; ++i)
    out += "    h" + std::to_string(i) + ": [{type: A, value: 198.51.100." + std::to_string(i) +
           "}]\n";
  return out;
}

// example.com with n host records (n + 4 records in all: SOA, NS, ns1 A).
std::string com(size_t n, const std::string& extra_spec = "",
                const std::string& metadata_extra = "") {
  return "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: example.com\n" + metadata_extra +
         "spec:\n  nameservers: [ns1]\n" + extra_spec +
         "  records:\n    ns1: [{type: A, value: 192.0.2.53}]\n" + hosts_yaml(n);
}

std::string org(const std::string& www = "192.0.2.80") {
  return zone_yaml(
      "example.org",
      "  nameservers: [ns.example.com.]\n  records:\n    www: [{type: A, value: " + www + "}]\n");
}

// Records as sorted presentation lines (RRset order inside a node may differ after a
// reload from the store, which keeps RRsets by type).
std::vector<std::string> texts(const std::vector<wire::RR>& rrs) {
  std::vector<std::string> out;
  for (const wire::RR& rr : rrs)
    out.push_back(rr.owner.to_text() + " " + std::to_string(rr.ttl) + " " +
                  wire::type_to_text(rr.type) + " " + wire::rdata_to_text(rr.type, rr.rdata));
  std::sort(out.begin(), out.end());
  return out;
}

class ReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open() {
    rec_.reset();
    store_.reset();
    store::Options so;
    so.sync = false;
    auto s = store::Store::open(dir_.sub("store"), so);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    store_ = std::move(s).value();
    ReconcilerConfig config;
    config.status_path = dir_.sub("status.json");
    rec_ = std::make_unique<Reconciler>(
        src_, *store_,
        [this](std::shared_ptr<const zone::ZoneSet> set) { published_.push_back(std::move(set)); },
        config,
        [this](LogLevel, std::string_view msg, const LogFields& fields) {
          std::string line(msg);
          for (const auto& [k, v] : fields) line += " " + k + "=" + v;
          log_.push_back(line);
        });
  }

  ReconcileOutcome run() { return rec_->reconcile({TriggerKind::api, "test"}); }

  std::shared_ptr<const zone::Zone> served(const std::string& origin) {
    return rec_->served()->get(Name::must(origin));
  }

  nlohmann::json status_file() {
    std::ifstream in(dir_.sub("status.json"));
    std::stringstream s;
    s << in.rdbuf();
    return nlohmann::json::parse(s.str());
  }

  const ObjectStatus* object(const StatusDocument& d, const std::string& kind,
                             const std::string& name) {
    const ObjectStatus* o = d.find(kind, name);
    EXPECT_NE(o, nullptr) << kind << "/" << name;
    return o;
  }

  static std::string condition(const ObjectStatus* o, std::string_view type) {
    if (!o) return "(no object)";
    const Condition* c = find_condition(o->conditions, type);
    return c ? std::string(c->status ? "True" : "False") + "/" + c->reason : "(none)";
  }

  TempDir dir_;
  MemorySource src_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Reconciler> rec_;
  std::vector<std::shared_ptr<const zone::ZoneSet>> published_;
  std::vector<std::string> log_;
};

TEST_F(ReconcilerTest, AppliesAValidRevisionInOnePublish) {
  ASSERT_TRUE(rec_->restore().ok());
  ASSERT_EQ(published_.size(), 1u);  // the (empty) stored state
  std::string c1 = src_.commit({{"com.yaml", com(3)}, {"org.yaml", org()}});
  log_.clear();
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::applied) << o.record.message;
  ASSERT_EQ(published_.size(), 2u);
  EXPECT_EQ(published_.back()->size(), 2u);
  EXPECT_EQ(o.record.zones_created, 2u);
  EXPECT_EQ(served("example.com.")->serial(), 1u);
  EXPECT_EQ(rec_->applied_revision(), c1);
  auto state = store_->state();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->revision, c1);

  nlohmann::json j = status_file();
  EXPECT_EQ(j["source"]["lastAppliedRevision"], c1);
  EXPECT_EQ(j["source"]["lastAttemptedRevision"], c1);
  StatusDocument d = rec_->status();
  EXPECT_EQ(condition(object(d, "Zone", "example.com."), kReady), "True/Applied");
  EXPECT_EQ(object(d, "Zone", "example.com.")->served_serial, 1u);
  EXPECT_EQ(object(d, "Zone", "example.com.")->record_count, 6u);
  ASSERT_EQ(d.history.size(), 1u);
  EXPECT_EQ(d.history[0].result, ReconcileResult::applied);
  // Log lines carry the reconcile id.
  for (const std::string& line : log_)
    EXPECT_NE(line.find("rid=" + o.record.id), std::string::npos) << line;
}

TEST_F(ReconcilerTest, InvalidRevisionAppliesNothingAndReportsEveryError) {
  ASSERT_TRUE(rec_->restore().ok());
  std::string c1 = src_.commit({{"com.yaml", com(3)}, {"org.yaml", org()}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  size_t publishes = published_.size();
  // One schema error, one record error in another file, and a valid change beside them.
  std::string c2 =
      src_.commit({{"com.yaml", com(3, "  ttl: abc\n")},
                   {"org.yaml", org("300.1.1.1")},
                   {"new.yaml", zone_yaml("example.net", "  nameservers: [ns.example.com.]\n")}});
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::invalid);
  ASSERT_EQ(o.errors.size(), 2u) << ::testing::PrintToString(o.errors);
  EXPECT_EQ(o.errors[0], "com.yaml:7:8: spec.ttl: expected integer >= 0, got \"abc\"");
  EXPECT_NE(
      o.errors[1].find("org.yaml:8:28: spec.records.www[0].value: invalid A value \"300.1.1.1\""),
      std::string::npos)
      << o.errors[1];
  EXPECT_EQ(published_.size(), publishes);  // nothing published
  EXPECT_EQ(rec_->served()->size(), 2u);    // example.net not added
  EXPECT_EQ(store_->state()->revision, c1);

  StatusDocument d = rec_->status();
  EXPECT_EQ(d.source.last_applied_revision, c1);
  EXPECT_EQ(d.source.last_attempted_revision, c2);
  EXPECT_EQ(condition(&*std::find_if(d.objects.begin(), d.objects.end(),
                                     [](auto& x) { return x.name == "example.org."; }),
                      kStalled),
            "True/InvalidManifest");
  EXPECT_EQ(condition(object(d, "Zone", "example.net."), kReady), "False/RevisionNotApplied");
  EXPECT_EQ(d.source.errors.size(), 2u);
  EXPECT_NE(d.source.last_error.find("com.yaml:7:8"), std::string::npos);
  // The object whose document failed its schema is still listed as served, with its error.
  const ObjectStatus* com_status = object(d, "Zone", "example.com.");
  EXPECT_EQ(condition(com_status, kStalled), "True/InvalidManifest");
  EXPECT_EQ(com_status->served_serial, 1u);

  // Fixing it applies everything in one go.
  src_.commit({{"com.yaml", com(3)},
               {"org.yaml", org("192.0.2.81")},
               {"new.yaml", zone_yaml("example.net", "  nameservers: [ns.example.com.]\n")}});
  ReconcileOutcome fixed = run();
  EXPECT_EQ(fixed.result(), ReconcileResult::applied);
  EXPECT_EQ(published_.size(), publishes + 1);
  EXPECT_EQ(rec_->served()->size(), 3u);
}

TEST_F(ReconcilerTest, SameRevisionTwiceChangesNothing) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"com.yaml", com(3)}, {"org.yaml", org()}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  size_t publishes = published_.size();
  auto generation = store_->state()->generation;
  uint32_t serial = served("example.com.")->serial();
  size_t history = store_->history()->size();

  ReconcileOutcome again = run();
  EXPECT_EQ(again.result(), ReconcileResult::unchanged);
  EXPECT_EQ(again.zones_rebuilt, 0u);
  EXPECT_EQ(again.zones_reused, 2u);
  EXPECT_EQ(published_.size(), publishes);
  EXPECT_EQ(store_->state()->generation, generation);  // no write at all
  EXPECT_EQ(served("example.com.")->serial(), serial);
  EXPECT_EQ(store_->history()->size(), history);
  EXPECT_EQ(rec_->parse_cache().misses(), 2u);  // the second run parsed nothing
}

TEST_F(ReconcilerTest, OnlyChangedZonesAreRebuiltAndOthersKeepTheirSnapshot) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"com.yaml", com(3)}, {"org.yaml", org()}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  auto com_before = served("example.com.");
  auto files = src_.files();
  files["org.yaml"] = org("192.0.2.99");
  src_.commit(files);
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::applied);
  EXPECT_EQ(o.zones_rebuilt, 1u);
  EXPECT_EQ(o.zones_reused, 1u);
  EXPECT_EQ(o.record.zones_updated, 1u);
  EXPECT_EQ(o.record.records.changed, 1u);
  EXPECT_EQ(served("example.com."), com_before);  // the very same object
  EXPECT_EQ(served("example.org.")->serial(), 2u);
  auto journal = store_->journal(Name::must("example.org."));
  ASSERT_TRUE(journal.ok());
  ASSERT_EQ(journal->size(), 1u);  // the diff is kept for IXFR
  EXPECT_EQ((*journal)[0].serial_from, 1u);
  EXPECT_EQ((*journal)[0].serial_to, 2u);
}

TEST_F(ReconcilerTest, AutoSerialMovesOnlyWithContent) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"com.yaml", com(3)}, {"README.md", "v1"}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  auto files = src_.files();
  files["README.md"] = "v2";  // not a manifest
  std::string c2 = src_.commit(files);
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::unchanged);
  EXPECT_EQ(served("example.com.")->serial(), 1u);
  EXPECT_EQ(store_->state()->revision, c2);  // the revision is applied all the same
  EXPECT_EQ(rec_->status().source.last_applied_revision, c2);

  // A reformatted manifest (new blob, same records) is rebuilt but changes nothing.
  files["com.yaml"] = "# a comment\n" + com(3);
  src_.commit(files);
  ReconcileOutcome reformatted = run();
  EXPECT_EQ(reformatted.result(), ReconcileResult::unchanged);
  EXPECT_EQ(reformatted.zones_rebuilt, 1u);
  EXPECT_EQ(served("example.com.")->serial(), 1u);

  files["com.yaml"] = com(4);
  src_.commit(files);
  EXPECT_EQ(run().result(), ReconcileResult::applied);
  EXPECT_EQ(served("example.com.")->serial(), 2u);
}

TEST_F(ReconcilerTest, ExplicitSerialGoingBackwardsIsAnErrorAtTheField) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"com.yaml", com(3, "  serial: 10\n")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  EXPECT_EQ(served("example.com.")->serial(), 10u);
  src_.commit({{"com.yaml", com(4, "  serial: 9\n")}});
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::invalid);
  ASSERT_EQ(o.errors.size(), 1u);
  EXPECT_EQ(
      o.errors[0].rfind(
          "com.yaml:7:11: spec.serial: spec.serial 9 goes backwards from the served serial 10", 0),
      0u)
      << o.errors[0];
  src_.commit({{"com.yaml", com(4, "  serial: 11\n")}});
  EXPECT_EQ(run().result(), ReconcileResult::applied);
  EXPECT_EQ(served("example.com.")->serial(), 11u);
}

TEST_F(ReconcilerTest, MassDeleteIsHeldUntilATrailerAllowsIt) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"com.yaml", com(17)}, {"org.yaml", org()}});  // 20 records
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  size_t publishes = published_.size();
  src_.commit({{"com.yaml", com(7)}, {"org.yaml", org("192.0.2.81")}});  // deletes 10 of 20
  ReconcileOutcome held = run();
  EXPECT_EQ(held.result(), ReconcileResult::held);
  ASSERT_EQ(held.held.size(), 1u);
  EXPECT_NE(held.held[0].find("example.com.: deletes 10 of 20 records (50%"), std::string::npos)
      << held.held[0];
  EXPECT_EQ(published_.size(), publishes);
  EXPECT_EQ(served("example.com.")->record_count(), 20u);
  EXPECT_EQ(served("example.org.")->serial(),
            1u);  // the safe zone waits too: one commit, one transaction

  StatusDocument d = rec_->status();
  EXPECT_EQ(condition(object(d, "Zone", "example.com."), kStalled), "True/UnsafePlan");
  EXPECT_NE(object(d, "Zone", "example.com.")->last_error.find("Gitns-Allow-Unsafe: example.com."),
            std::string::npos);
  EXPECT_EQ(condition(object(d, "Zone", "example.org."), kReady), "False/RevisionHeld");
  const Condition* ready = find_condition(d.source.conditions, kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->reason, "UnsafePlan");

  // Polling the held revision again does not add history entries.
  size_t history = store_->history()->size();
  EXPECT_EQ(run().result(), ReconcileResult::held);
  EXPECT_EQ(store_->history()->size(), history);

  // An empty commit with the trailer allows it.
  src_.commit(src_.files(), {"example.com"});
  ReconcileOutcome allowed = run();
  EXPECT_EQ(allowed.result(), ReconcileResult::applied) << allowed.record.message;
  EXPECT_EQ(served("example.com.")->record_count(), 10u);
  EXPECT_EQ(served("example.org.")->serial(), 2u);

  // The trailer belongs to that commit range: the next mass delete is held again.
  src_.commit({{"com.yaml", com(1)}, {"org.yaml", org("192.0.2.81")}});  // deletes 6 of 10
  EXPECT_EQ(run().result(), ReconcileResult::held);
}

TEST_F(ReconcilerTest, AnnotationAllowsAnUnsafeChange) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"com.yaml", com(16)}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  src_.commit({{"com.yaml", com(2, "", "  annotations: {gitns.io/allow-unsafe: \"true\"}\n")}});
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::applied) << o.record.message;
  EXPECT_EQ(served("example.com.")->record_count(), 5u);  // 19 -> 5
}

TEST_F(ReconcilerTest, ApexNsChangeIsHeld) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"org.yaml", org()}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  src_.commit({{"org.yaml", zone_yaml("example.org",
                                      "  nameservers: [ns.example.net.]\n  records:\n"
                                      "    www: [{type: A, value: 192.0.2.80}]\n")}});
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::held);
  ASSERT_EQ(o.held.size(), 1u);
  EXPECT_NE(o.held[0].find("apex NS set from ns.example.com. to ns.example.net."),
            std::string::npos)
      << o.held[0];
}

TEST_F(ReconcilerTest, ZoneRemovalIsHeldThenAllowedByTrailer) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"com.yaml", com(3)}, {"org.yaml", org()}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  src_.commit({{"com.yaml", com(3)}});
  ReconcileOutcome held = run();
  EXPECT_EQ(held.result(), ReconcileResult::held);
  ASSERT_EQ(held.held.size(), 1u);
  EXPECT_NE(held.held[0].find("example.org.: deletes the zone"), std::string::npos);
  ASSERT_NE(served("example.org."), nullptr);
  StatusDocument d = rec_->status();
  EXPECT_EQ(condition(object(d, "Zone", "example.org."), kStalled), "True/UnsafePlan");
  EXPECT_NE(object(d, "Zone", "example.org.")->last_error.find("its manifest is gone"),
            std::string::npos);

  src_.commit(src_.files(), {"example.org."});
  ReconcileOutcome allowed = run();
  EXPECT_EQ(allowed.result(), ReconcileResult::applied);
  EXPECT_EQ(allowed.record.zones_deleted, 1u);
  EXPECT_EQ(served("example.org."), nullptr);
  EXPECT_FALSE(store_->zone_info(Name::must("example.org."))->has_value());
  EXPECT_EQ(rec_->status().find("Zone", "example.org."), nullptr);
}

TEST_F(ReconcilerTest, RestartServesTheStoredStateWithoutTheSource) {
  ASSERT_TRUE(rec_->restore().ok());
  std::string c1 = src_.commit({{"com.yaml", com(3)}, {"org.yaml", org()}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  auto before = served("example.com.")->records();

  src_.fail_fetch(true);
  published_.clear();
  open();  // a new process: new store handle, new reconciler
  ASSERT_TRUE(rec_->restore().ok());
  ASSERT_EQ(published_.size(), 1u);
  EXPECT_EQ(published_[0]->size(), 2u);
  EXPECT_EQ(rec_->applied_revision(), c1);
  auto after = rec_->served()->get(Name::must("example.com."))->records();
  EXPECT_EQ(texts(after), texts(before));
  EXPECT_EQ(rec_->status().source.last_applied_revision, c1);

  ReconcileOutcome failed = run();
  EXPECT_EQ(failed.result(), ReconcileResult::failed);
  EXPECT_NE(failed.record.message.find("remote unreachable"), std::string::npos);
  EXPECT_EQ(published_.size(), 1u);
  StatusDocument after_failure = rec_->status();
  const Condition* rec = find_condition(after_failure.source.conditions, kReconciling);
  ASSERT_NE(rec, nullptr);
  EXPECT_TRUE(rec->status);  // a retry is pending

  // Back online: the same revision plans to nothing, since the fingerprints were stored.
  src_.fail_fetch(false);
  ReconcileOutcome back = run();
  EXPECT_EQ(back.result(), ReconcileResult::unchanged);
  EXPECT_EQ(back.zones_rebuilt, 0u);
  EXPECT_EQ(rec_->served()->get(Name::must("example.com."))->serial(), 1u);
}

TEST_F(ReconcilerTest, SerialsNeverGoBackAcrossAForcePushOrARestart) {
  ASSERT_TRUE(rec_->restore().ok());
  std::string c1 = src_.commit({{"com.yaml", com(3)}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  src_.commit({{"com.yaml", com(4)}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  EXPECT_EQ(served("example.com.")->serial(), 2u);
  open();
  ASSERT_TRUE(rec_->restore().ok());
  src_.set_tip(c1);  // history rewritten back to the first commit
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::applied);
  EXPECT_EQ(served("example.com.")->serial(), 3u);  // same content as c1, higher serial
  EXPECT_EQ(served("example.com.")->record_count(), 6u);
}

TEST_F(ReconcilerTest, ZoneFileChangeRebuildsAZoneWhoseManifestDidNotChange) {
  ASSERT_TRUE(rec_->restore().ok());
  std::string manifest = zone_yaml("example.net", "  zoneFile: zones/net.zone\n");
  std::string file =
      "$TTL 300\n@ SOA ns1 hm 100 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n$INCLUDE "
      "inc.zone\n";
  src_.commit(
      {{"net.yaml", manifest}, {"zones/net.zone", file}, {"zones/inc.zone", "www A 192.0.2.2\n"}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  EXPECT_EQ(served("example.net.")->serial(), 100u);
  EXPECT_EQ(run().zones_reused, 1u);

  auto files = src_.files();
  files["zones/inc.zone"] = "www A 192.0.2.3\n";  // only the included file changes
  src_.commit(files);
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::applied);
  EXPECT_EQ(o.zones_rebuilt, 1u);
  EXPECT_EQ(served("example.net.")->serial(), 101u);
  auto www = served("example.net.")->find(Name::must("www.example.net."), wire::rrtype::A);
  ASSERT_FALSE(www.empty());
  EXPECT_EQ(
      wire::rdata_to_text(wire::rrtype::A, wire::Rdata{{www.front().begin(), www.front().end()}}),
      "192.0.2.3");
}

TEST_F(ReconcilerTest, AMissingSecretStallsTheKeyOnly) {
  ASSERT_TRUE(rec_->restore().ok());
  ::unsetenv("GITNS_TEST_ABSENT_SECRET");
  src_.commit(
      {{"com.yaml", com(1)},
       {"key.yaml",
        "apiVersion: gitns.io/v1\nkind: TsigKey\nmetadata:\n  name: xfr.example.com\nspec:\n"
        "  algorithm: hmac-sha256\n  secretRef: {env: GITNS_TEST_ABSENT_SECRET}\n"}});
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::applied);
  StatusDocument d = rec_->status();
  EXPECT_EQ(condition(object(d, "TsigKey", "xfr.example.com."), kStalled), "True/SecretMissing");
  EXPECT_EQ(condition(object(d, "Zone", "example.com."), kReady), "True/Applied");
}

TEST_F(ReconcilerTest, HistoryIsPersistedAndRestored) {
  ASSERT_TRUE(rec_->restore().ok());
  src_.commit({{"com.yaml", com(1)}});
  run();
  src_.commit({{"com.yaml", com(1, "  ttl: -1\n")}});
  run();
  auto h = store_->history();
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  open();
  ASSERT_TRUE(rec_->restore().ok());
  StatusDocument d = rec_->status();
  ASSERT_EQ(d.history.size(), 2u);
  EXPECT_EQ(d.history[0].result, ReconcileResult::applied);
  EXPECT_EQ(d.history[1].result, ReconcileResult::invalid);
  EXPECT_EQ(d.history[1].errors, 1u);
  EXPECT_EQ(d.source.last_attempted_revision, src_.tip());  // from the stored status
  nlohmann::json j = status_file();
  EXPECT_EQ(j["history"].size(), 2u);
}

}  // namespace
}  // namespace gitns::reconcile
