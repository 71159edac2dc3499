#include "controller/reconcile/status.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "controller/reconcile/trigger.h"
#include "tests/unit/reconcile/test_util.h"

namespace gitns::reconcile {
namespace {

TEST(Status, ConditionKeepsItsTransitionTimeUntilItFlips) {
  std::vector<Condition> previous;
  std::vector<Condition> now1;
  set_condition(now1, {"Ready", true, "Applied", "ok", {}}, previous, "t1");
  EXPECT_EQ(now1.at(0).last_transition, "t1");
  std::vector<Condition> now2;
  set_condition(now2, {"Ready", true, "UpToDate", "still ok", {}}, now1, "t2");
  EXPECT_EQ(now2.at(0).last_transition, "t1");  // same status, reason changed
  std::vector<Condition> now3;
  set_condition(now3, {"Ready", false, "InvalidManifest", "bad", {}}, now2, "t3");
  EXPECT_EQ(now3.at(0).last_transition, "t3");
  set_condition(now3, {"Ready", true, "Applied", "ok", {}}, now2, "t4");  // replaces, does not add
  EXPECT_EQ(now3.size(), 1u);
}

TEST(Status, DocumentRoundTripsThroughJson) {
  StatusDocument d;
  d.source.source = "repo";
  d.source.last_applied_revision = "abc";
  d.source.errors = {"a.yaml:1:2: x"};
  d.source.conditions.push_back({"Ready", false, "ValidationFailed", "m", "t"});
  ObjectStatus o;
  o.kind = "Zone";
  o.name = "example.com.";
  o.served_serial = 4294967295u;
  o.record_count = 12;
  o.conditions.push_back({"Stalled", true, "UnsafePlan", "why", "t"});
  d.objects.push_back(o);
  ReconcileRecord r;
  r.id = "rc-1";
  r.result = ReconcileResult::held;
  r.records = {1, 2, 3};
  r.duration_ms = 17;
  d.history.push_back(r);

  nlohmann::json j = d.to_json();
  EXPECT_EQ(j["objects"][0]["conditions"][0]["status"], "True");
  EXPECT_EQ(j["history"][0]["result"], "held");
  StatusDocument back = StatusDocument::from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back.source.last_applied_revision, "abc");
  EXPECT_EQ(back.source.errors, d.source.errors);
  ASSERT_EQ(back.objects.size(), 1u);
  EXPECT_EQ(back.objects[0].served_serial, 4294967295u);
  EXPECT_EQ(back.objects[0].record_count, 12u);
  ASSERT_EQ(back.objects[0].conditions.size(), 1u);
  EXPECT_TRUE(back.objects[0].conditions[0].status);
  EXPECT_EQ(back.objects[0].conditions[0].reason, "UnsafePlan");
  ASSERT_EQ(back.history.size(), 1u);
  EXPECT_EQ(back.history[0].result, ReconcileResult::held);
  EXPECT_EQ(back.history[0].records.removed, 2u);
  EXPECT_EQ(back.history[0].duration_ms, 17);
  // Unknown or damaged input gives defaults, not a crash.
  EXPECT_TRUE(StatusDocument::from_json(nlohmann::json::parse("[1,2]")).objects.empty());
  EXPECT_TRUE(StatusDocument::from_json(nlohmann::json::parse("{\"objects\": [3, {\"kind\": 5}]}"))
                  .objects.size() == 1);
}

TEST(Status, AtomicWriteReplacesTheFile) {
  test::TempDir dir;
  std::string path = dir.sub("status.json");
  ASSERT_TRUE(write_file_atomically(path, "one").ok());
  ASSERT_TRUE(write_file_atomically(path, "two").ok());
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), "two");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);  // no temp left
  auto bad = write_file_atomically(dir.sub("missing/status.json"), "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, base::Errc::io);
}

TEST(Trigger, RequestsCoalesceAndCloseWins) {
  TriggerQueue q;
  auto idle = q.wait_for(std::chrono::milliseconds(1));
  EXPECT_EQ(idle.what, TriggerQueue::Wait::What::timeout);
  q.push({TriggerKind::signal, "SIGHUP"});
  q.push({TriggerKind::webhook, "delivery-1"});
  auto w = q.wait_for(std::chrono::seconds(5));
  ASSERT_EQ(w.what, TriggerQueue::Wait::What::triggered);
  ASSERT_EQ(w.triggers.size(), 2u);
  EXPECT_EQ(w.triggers[0].kind, TriggerKind::signal);
  EXPECT_EQ(q.wait_for(std::chrono::milliseconds(1)).what, TriggerQueue::Wait::What::timeout);

  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.close();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(q.wait_for(std::chrono::seconds(30)).what, TriggerQueue::Wait::What::closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  closer.join();
  q.push({TriggerKind::api, ""});
  EXPECT_EQ(q.wait_for(std::chrono::milliseconds(1)).what, TriggerQueue::Wait::What::closed);
}

}  // namespace
}  // namespace gitns::reconcile
