// Suspend/resume, rollback, the kept plan, on_outcome and ReconcileLoop::trigger_and_wait.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "controller/reconcile/loop.h"
#include "controller/reconcile/reconciler.h"
#include "resolver/wire/rdata.h"
#include "tests/unit/reconcile/test_util.h"

namespace gitns::reconcile {
namespace {

using test::MemorySource;
using test::TempDir;
using test::zone_yaml;
using wire::Name;

std::string zone_with(const std::string& name, const std::string& www,
                      const std::string& extra = "") {
  return zone_yaml(name, "  nameservers: [ns.example.com.]\n  records:\n    www: [{type: A, value: " +
                             www + "}]\n" + extra);
}

class ControlTest : public ::testing::Test {
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
    config.suspensions_path = dir_.sub("suspensions.json");
    config.on_outcome = [this](const ReconcileOutcome& o) { outcomes_.push_back(o.record); };
    rec_ = std::make_unique<Reconciler>(
        src_, *store_,
        [this](std::shared_ptr<const zone::ZoneSet> set) { published_.push_back(std::move(set)); },
        config);
    ASSERT_TRUE(rec_->restore().ok());
  }

  ReconcileOutcome run() { return rec_->reconcile({TriggerKind::api, "test"}); }

  // The A records of www.<zone> as served, e.g. "192.0.2.80"; "" when absent.
  std::string www(std::string zone) {
    if (!zone.ends_with('.')) zone += '.';
    auto z = rec_->served()->get(Name::must(zone));
    if (!z) return "(no zone)";
    std::string out;
    for (const wire::RR& rr : z->records()) {
      if (rr.type == wire::rrtype::A && rr.owner == Name::must("www." + zone))
        out += (out.empty() ? "" : ",") + wire::rdata_to_text(rr.type, rr.rdata);
    }
    return out;
  }
  uint32_t serial(const std::string& zone) { return rec_->served()->get(Name::must(zone))->serial(); }

  std::string ready(const std::string& kind, const std::string& name) {
    StatusDocument d = rec_->status();
    const std::vector<Condition>* cs = &d.source.conditions;
    if (!kind.empty()) {
      const ObjectStatus* o = d.find(kind, name);
      if (!o) return "(no object)";
      cs = &o->conditions;
    }
    const Condition* c = find_condition(*cs, kReady);
    return c ? std::string(c->status ? "True/" : "False/") + c->reason : "(none)";
  }

  nlohmann::json status_file() {
    std::ifstream in(dir_.sub("status.json"));
    std::stringstream s;
    s << in.rdbuf();
    return nlohmann::json::parse(s.str());
  }

  TempDir dir_;
  MemorySource src_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Reconciler> rec_;
  std::vector<std::shared_ptr<const zone::ZoneSet>> published_;
  std::vector<ReconcileRecord> outcomes_;
};

TEST_F(ControlTest, SuspendedSourceFetchesAndAppliesNothingUntilResumed) {
  std::string c1 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  auto keys = rec_->suspend("", "maintenance");
  ASSERT_TRUE(keys.ok()) << keys.error().to_string();
  EXPECT_EQ(*keys, std::vector<std::string>{"source"});
  EXPECT_EQ(ready("", ""), "True/Suspended");
  EXPECT_TRUE(status_file()["source"]["suspended"].get<bool>());
  EXPECT_EQ(status_file()["source"]["suspendReason"], "maintenance");

  std::string c2 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.2")}});
  src_.fail_fetch(true);  // a suspended source must not even fetch
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::unchanged);
  EXPECT_NE(o.record.message.find("suspended"), std::string::npos) << o.record.message;
  EXPECT_EQ(www("a.test"), "192.0.2.1");
  EXPECT_EQ(rec_->applied_revision(), c1);

  src_.fail_fetch(false);
  ASSERT_TRUE(rec_->resume("").ok());
  EXPECT_EQ(ready("", ""), "True/Resumed");
  EXPECT_FALSE(rec_->source_suspended());
  EXPECT_EQ(run().result(), ReconcileResult::applied);
  EXPECT_EQ(www("a.test"), "192.0.2.2");
  EXPECT_EQ(rec_->applied_revision(), c2);
  EXPECT_EQ(ready("", ""), "True/Applied");
  // Resuming again is not an error.
  EXPECT_TRUE(rec_->resume("").ok());
}

TEST_F(ControlTest, SuspendedZoneKeepsServingWhileOthersMove) {
  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")},
               {"b.yaml", zone_with("b.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  ASSERT_TRUE(rec_->suspend("Zone/A.TEST", "").ok());  // any case, no trailing dot
  EXPECT_EQ(rec_->suspensions().objects.count("Zone/a.test."), 1u);
  EXPECT_EQ(ready("Zone", "a.test."), "True/Suspended");

  // Both change: only b.test moves. (A manifest error would still make the revision
  // invalid: validation covers the whole commit, suspended objects included.)
  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.5")},
               {"b.yaml", zone_with("b.test", "192.0.2.2")}});
  ReconcileOutcome o = run();
  EXPECT_EQ(o.result(), ReconcileResult::applied) << o.record.message;
  EXPECT_EQ(www("a.test"), "192.0.2.1");
  EXPECT_EQ(www("b.test"), "192.0.2.2");
  EXPECT_EQ(ready("Zone", "a.test."), "True/Suspended");

  // Its manifest gone: a suspended zone is not deleted either.
  src_.commit({{"b.yaml", zone_with("b.test", "192.0.2.2")}});
  EXPECT_NE(run().result(), ReconcileResult::held);
  EXPECT_EQ(www("a.test"), "192.0.2.1");

  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.9")},
               {"b.yaml", zone_with("b.test", "192.0.2.2")}});
  ASSERT_TRUE(rec_->resume("Zone/a.test.").ok());
  EXPECT_EQ(run().result(), ReconcileResult::applied);
  EXPECT_EQ(www("a.test"), "192.0.2.9");
  EXPECT_EQ(ready("Zone", "a.test."), "True/Applied");
}

TEST_F(ControlTest, SuspendRejectsUnknownAndMalformedObjects) {
  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  auto unknown = rec_->suspend("Zone/nope.test", "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, base::Errc::not_found);
  auto kind = rec_->suspend("TsigKey/x", "");
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.error().code, base::Errc::syntax);
  EXPECT_EQ(rec_->suspend("Zone/", "").error().code, base::Errc::syntax);
  EXPECT_TRUE(rec_->suspensions().objects.empty());
}

TEST_F(ControlTest, SuspensionsSurviveARestart) {
  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  ASSERT_TRUE(rec_->suspend("", "freeze").ok());
  ASSERT_TRUE(rec_->suspend("Zone/a.test", "").ok());
  open();
  Suspensions s = rec_->suspensions();
  ASSERT_TRUE(s.source.has_value());
  EXPECT_EQ(s.source->reason, "freeze");
  EXPECT_EQ(s.objects.count("Zone/a.test."), 1u);
  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.2")}});
  EXPECT_EQ(run().result(), ReconcileResult::unchanged);
  EXPECT_EQ(www("a.test"), "192.0.2.1");
}

TEST_F(ControlTest, RollbackServesTheOldZonesWithForwardSerialsAndSuspends) {
  std::string c1 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  std::string c2 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.2")},
                                {"n.yaml", zone_with("new.test", "192.0.2.7")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  ASSERT_EQ(serial("a.test."), 2u);
  size_t publishes = published_.size();

  auto rb = rec_->rollback(c1.substr(0, 7));
  ASSERT_TRUE(rb.ok()) << rb.error().to_string();
  EXPECT_EQ(rb->revision, c1);
  EXPECT_EQ(published_.size(), publishes + 1);  // served at once, in one publish
  EXPECT_EQ(www("a.test"), "192.0.2.1");
  EXPECT_EQ(serial("a.test."), 3u);  // forward, never back to 1
  EXPECT_EQ(rec_->served()->get(Name::must("new.test.")), nullptr);  // did not exist then
  EXPECT_EQ(store_->state()->revision, c1);
  EXPECT_EQ(store_->state()->generation, rb->generation);
  EXPECT_EQ(rb->record.trigger, "rollback");
  EXPECT_EQ(outcomes_.back().id, rb->record.id);

  Suspensions s = rec_->suspensions();
  ASSERT_TRUE(s.source.has_value());
  EXPECT_EQ(s.source->reason, kRolledBack);
  EXPECT_EQ(s.rolled_back_to, c1);
  EXPECT_EQ(ready("", ""), "True/RolledBack");
  nlohmann::json st = status_file();
  EXPECT_EQ(st["source"]["rolledBackTo"], c1);
  EXPECT_EQ(st["source"]["lastAppliedRevision"], c1);
  EXPECT_EQ(rec_->status().find("Zone", "a.test.")->served_serial, 3u);
  EXPECT_EQ(rec_->status().find("Zone", "new.test."), nullptr);

  // Reconciles do not undo it; a restart keeps it.
  EXPECT_EQ(run().result(), ReconcileResult::unchanged);
  EXPECT_EQ(www("a.test"), "192.0.2.1");
  open();
  EXPECT_EQ(www("a.test"), "192.0.2.1");
  EXPECT_EQ(serial("a.test."), 3u);
  EXPECT_TRUE(rec_->source_suspended());

  // Resume: back to git's tip, serial forward again.
  ASSERT_TRUE(rec_->resume("").ok());
  EXPECT_TRUE(rec_->suspensions().rolled_back_to.empty());
  ReconcileOutcome back = run();
  EXPECT_EQ(back.result(), ReconcileResult::applied) << back.record.message;
  EXPECT_EQ(www("a.test"), "192.0.2.2");
  EXPECT_EQ(serial("a.test."), 4u);
  EXPECT_EQ(www("new.test"), "192.0.2.7");
  EXPECT_EQ(rec_->applied_revision(), c2);
}

TEST_F(ControlTest, RollbackRefusesUnknownOrMalformedRevisions) {
  std::string c1 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  EXPECT_EQ(rec_->rollback("abc").error().code, base::Errc::syntax);     // too short
  EXPECT_EQ(rec_->rollback("xyzxyzxyz").error().code, base::Errc::syntax);  // not hex
  auto unknown = rec_->rollback("deadbeefdeadbeef");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, base::Errc::not_found);
  EXPECT_NE(unknown.error().message.find("/api/v1/revisions"), std::string::npos);
  EXPECT_FALSE(rec_->source_suspended());  // a refused rollback changes nothing
  EXPECT_EQ(rec_->applied_revision(), c1);
}

TEST_F(ControlTest, RollbackLeavesSuspendedZonesAlone) {
  std::string c1 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")},
                                {"b.yaml", zone_with("b.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.2")},
               {"b.yaml", zone_with("b.test", "192.0.2.2")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  ASSERT_TRUE(rec_->suspend("Zone/b.test", "").ok());
  ASSERT_TRUE(rec_->rollback(c1).ok());
  EXPECT_EQ(www("a.test"), "192.0.2.1");
  EXPECT_EQ(www("b.test"), "192.0.2.2");
}

TEST_F(ControlTest, LastPlanKeepsTheAppliedOrHeldPlan) {
  EXPECT_TRUE(rec_->last_plan().is_null());
  std::string c1 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  std::string c2 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.2")}});
  ASSERT_EQ(run().result(), ReconcileResult::applied);
  nlohmann::json plan = rec_->last_plan();
  EXPECT_EQ(plan["revision"], c2);
  EXPECT_EQ(plan["fromRevision"], c1);
  EXPECT_EQ(plan["result"], "applied");
  ASSERT_EQ(plan["zones"].size(), 1u);
  const nlohmann::json& z = plan["zones"][0];
  EXPECT_EQ(z["zone"], "a.test.");
  EXPECT_EQ(z["action"], "update");
  EXPECT_EQ(z["unsafe"], nullptr);
  auto has = [](const nlohmann::json& rrs, const std::string& data) {
    for (const auto& rr : rrs) {
      if (rr["type"] == "A" && rr["name"] == "www.a.test." && rr["data"] == data) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(z["added"], "192.0.2.2")) << z.dump();
  EXPECT_TRUE(has(z["removed"], "192.0.2.1")) << z.dump();
  // An unchanged reconcile keeps the plan that changed something.
  ASSERT_EQ(run().result(), ReconcileResult::unchanged);
  EXPECT_EQ(rec_->last_plan()["revision"], c2);
  // A held plan (the zone deleted) replaces it and says why.
  std::string c3 = src_.commit({{"b.yaml", zone_with("b.test", "192.0.2.1")}});
  ASSERT_EQ(run().result(), ReconcileResult::held);
  plan = rec_->last_plan();
  EXPECT_EQ(plan["revision"], c3);
  EXPECT_EQ(plan["result"], "held");
  EXPECT_FALSE(plan["held"].empty());
  bool deleted_and_unsafe = false;
  for (const auto& zp : plan["zones"])
    deleted_and_unsafe |= zp["zone"] == "a.test." && zp["action"] == "delete" && zp["unsafe"].is_string();
  EXPECT_TRUE(deleted_and_unsafe) << plan.dump();
}

TEST_F(ControlTest, OnOutcomeSeesEveryReconcile) {
  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  run();
  run();
  src_.fail_fetch(true);
  run();
  ASSERT_EQ(outcomes_.size(), 3u);
  EXPECT_EQ(outcomes_[0].result, ReconcileResult::applied);
  EXPECT_EQ(outcomes_[1].result, ReconcileResult::unchanged);
  EXPECT_EQ(outcomes_[2].result, ReconcileResult::failed);
}

TEST_F(ControlTest, TriggerAndWaitReturnsAReconcileThatStartedAfterThePush) {
  src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  ReconcileLoop loop(*rec_, std::chrono::milliseconds(0));
  std::thread t([&] { loop.run(); });
  // The start reconcile, then a new commit: the waited record is of that commit.
  auto first = loop.trigger_and_wait({TriggerKind::api, "t1"}, std::chrono::seconds(10));
  ASSERT_EQ(first.what, ReconcileLoop::Waited::What::done);
  std::string c2 = src_.commit({{"a.yaml", zone_with("a.test", "192.0.2.2")}});
  auto second = loop.trigger_and_wait({TriggerKind::api, "t2"}, std::chrono::seconds(10));
  ASSERT_EQ(second.what, ReconcileLoop::Waited::What::done);
  EXPECT_EQ(second.record.revision, c2);
  EXPECT_EQ(second.record.result, ReconcileResult::applied);
  EXPECT_EQ(second.record.trigger, "api");
  loop.stop();
  t.join();
  auto after = loop.trigger_and_wait({TriggerKind::api, "t3"}, std::chrono::seconds(10));
  EXPECT_EQ(after.what, ReconcileLoop::Waited::What::stopped);
}

// A source whose fetch blocks until released: a reconcile that outlives the wait.
class BlockingSource final : public RevisionSource {
 public:
  explicit BlockingSource(MemorySource& inner) : inner_(inner) {}
  std::atomic<bool> block{false};
  std::string describe() const override { return "blocking"; }
  base::Result<SourceRevision> fetch() override {
    while (block) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return inner_.fetch();
  }
  base::Result<std::vector<SourceEntry>> list(std::string_view r) override { return inner_.list(r); }
  base::Result<std::string> read_blob(std::string_view b) override { return inner_.read_blob(b); }
  base::Result<std::string> read_file(std::string_view r, std::string_view p) override {
    return inner_.read_file(r, p);
  }
  base::Result<std::vector<std::string>> trailer_values(std::string_view f, std::string_view t,
                                                        std::string_view k) override {
    return inner_.trailer_values(f, t, k);
  }

 private:
  MemorySource& inner_;
};

TEST(ReconcileLoopTest, WaitTimesOutWhileAReconcileIsStuck) {
  TempDir dir;
  MemorySource mem;
  mem.commit({{"a.yaml", zone_with("a.test", "192.0.2.1")}});
  BlockingSource src(mem);
  store::Options so;
  so.sync = false;
  auto store = store::Store::open(dir.sub("store"), so);
  ASSERT_TRUE(store.ok());
  Reconciler rec(src, **store, {}, {});
  ASSERT_TRUE(rec.restore().ok());
  src.block = true;
  ReconcileLoop loop(rec, std::chrono::milliseconds(0));
  std::thread t([&] { loop.run(); });
  auto waited = loop.trigger_and_wait({TriggerKind::api, "x"}, std::chrono::milliseconds(100));
  EXPECT_EQ(waited.what, ReconcileLoop::Waited::What::timeout);
  src.block = false;
  auto later = loop.trigger_and_wait({TriggerKind::api, "y"}, std::chrono::seconds(10));
  EXPECT_EQ(later.what, ReconcileLoop::Waited::What::done);
  loop.stop();
  t.join();
}

}  // namespace
}  // namespace gitns::reconcile
