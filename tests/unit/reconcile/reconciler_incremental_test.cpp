// The reconciler with zoneFile edits: applied incrementally (ZoneBuildCache), persisted,
// and after a restart (store reload, empty cache) still the same zone.
#include <gtest/gtest.h>

#include <algorithm>

#include "controller/reconcile/reconciler.h"
#include "resolver/wire/rdata.h"
#include "tests/unit/reconcile/test_util.h"

namespace gitns::reconcile {
namespace {

using test::MemorySource;
using test::TempDir;
using test::zone_yaml;

std::vector<std::string> texts(const std::vector<wire::RR>& rrs) {
  std::vector<std::string> out;
  for (const wire::RR& rr : rrs)
    out.push_back(rr.owner.to_text() + " " + std::to_string(rr.ttl) + " " +
                  wire::type_to_text(rr.type) + " " + wire::rdata_to_text(rr.type, rr.rdata));
  std::sort(out.begin(), out.end());
  return out;
}

std::string zone_file(const std::string& extra) {
  std::string t =
      "$TTL 300\n@ SOA ns1 hostmaster 5 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.53\n";
  for (int i = 0; i < 500; ++i)
    t += "h" + std::to_string(i) + " A 198.51.100." + std::to_string(i % 250) + "\n";
  return t + extra;
}

struct Harness {
  TempDir dir;
  MemorySource src;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Reconciler> rec;
  std::shared_ptr<const zone::ZoneSet> served;

  void open() {
    rec.reset();
    store.reset();
    store::Options so;
    so.sync = false;
    store = std::move(store::Store::open(dir.sub("store"), so)).value();
    rec = std::make_unique<Reconciler>(
        src, *store, [this](std::shared_ptr<const zone::ZoneSet> s) { served = std::move(s); },
        ReconcilerConfig{});
  }
  ReconcileOutcome run() { return rec->reconcile({TriggerKind::api, "test"}); }
  const zone::Zone* zone() { return served->find(wire::Name::must("example.net.")); }
};

TEST(ReconcilerIncremental, ZoneFileEditsApplyAsDiffsAndSurviveARestart) {
  Harness h;
  h.open();
  const std::string manifest = zone_yaml("example.net", "  zoneFile: z/example.net.zone\n");
  h.src.commit({{"n.yaml", manifest}, {"z/example.net.zone", zone_file("")}});
  ASSERT_EQ(h.run().result(), ReconcileResult::applied);
  EXPECT_EQ(h.zone()->serial(), 5u);
  EXPECT_EQ(h.rec->zone_cache().full_builds(), 1u);

  // Three edits: a changed address, a new name below a new empty non-terminal, a
  // removed name. Each is applied from the diff, and equals a zone built from the file.
  std::vector<std::string> extras = {"h7 A 203.0.113.7\n",
                                     "h7 A 203.0.113.7\nx.new AAAA 2001:db8::1\n",
                                     "x.new AAAA 2001:db8::1\n"};
  uint32_t serial = 5;
  for (const std::string& extra : extras) {
    std::string text = zone_file(extra);
    h.src.commit({{"n.yaml", manifest}, {"z/example.net.zone", text}});
    ReconcileOutcome o = h.run();
    ASSERT_EQ(o.result(), ReconcileResult::applied) << o.record.message;
    EXPECT_EQ(h.zone()->serial(), ++serial);
    auto expected = test::zone_from("example.net.", text);
    std::vector<std::string> want = texts(expected->records());
    std::vector<std::string> got = texts(h.zone()->records());
    // The served SOA carries the policy's serial, not the file's.
    std::erase_if(want, [](const std::string& s) { return s.find(" SOA ") != std::string::npos; });
    std::erase_if(got, [](const std::string& s) { return s.find(" SOA ") != std::string::npos; });
    EXPECT_EQ(got, want);
  }
  EXPECT_EQ(h.rec->zone_cache().full_builds(), 1u);
  EXPECT_EQ(h.rec->zone_cache().incremental_builds(), 3u);
  // The journal got each diff (h7 gains an address, x.new is added, h7's goes; plus SOAs).
  auto journal = h.store->journal(wire::Name::must("example.net."));
  ASSERT_TRUE(journal.ok());
  ASSERT_EQ(journal->size(), 3u);
  EXPECT_EQ(journal->at(0).added.size(), 2u);    // h7's second A and the new SOA
  EXPECT_EQ(journal->at(0).removed.size(), 1u);  // the old SOA
  EXPECT_EQ(journal->at(2).removed.size(), 2u);  // h7's second A and the old SOA

  // A restart: the store's zone is served, and the next edit (empty cache) builds fully.
  auto before = texts(h.zone()->records());
  h.open();
  ASSERT_TRUE(h.rec->restore().ok());
  EXPECT_EQ(texts(h.zone()->records()), before);
  h.src.commit({{"n.yaml", manifest}, {"z/example.net.zone", zone_file("y A 192.0.2.9\n")}});
  ASSERT_EQ(h.run().result(), ReconcileResult::applied);
  EXPECT_EQ(h.rec->zone_cache().full_builds(), 1u);
  EXPECT_EQ(h.zone()->serial(), serial + 1);
  h.src.commit({{"n.yaml", manifest}, {"z/example.net.zone", zone_file("y A 192.0.2.10\n")}});
  ASSERT_EQ(h.run().result(), ReconcileResult::applied);
  EXPECT_EQ(h.rec->zone_cache().incremental_builds(), 1u);
  EXPECT_EQ(h.zone()->find(wire::Name::must("y.example.net."), wire::rrtype::A).size(), 1u);
}

}  // namespace
}  // namespace gitns::reconcile
