// Zone sets (closest enclosing zone, REFUSED when none), their atomic publication, and
// diffs between zone versions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "resolver/zone/zone.h"
#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zone_set.h"
#include "tests/unit/zone/zone_test_util.h"

namespace gitns::zone {
namespace {

using namespace test;

std::shared_ptr<const Zone> small_zone(const std::string& origin, uint32_t serial,
                                       std::vector<wire::RR> extra = {}) {
  ZoneBuilder b(Name::must(origin));
  add_apex(b, origin, serial);
  for (auto& r : extra) b.add(r);
  BuildResult r = b.build();
  for (const auto& i : r.issues) ADD_FAILURE() << i.to_string();
  return r.zone;
}

std::string origin_of(const Zone* z) { return z ? z->origin().to_text() : "none"; }

TEST(ZoneSet, FindsClosestEnclosingZone) {
  auto set = ZoneSet::create({small_zone("example.", 1), small_zone("sub.example.", 1),
                              small_zone("test.", 1), small_zone("a.b.c.test.", 1)});
  ASSERT_TRUE(set.ok());
  const ZoneSet& s = **set;
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(origin_of(s.find(Name::must("www.example."))), "example.");
  EXPECT_EQ(origin_of(s.find(Name::must("example."))), "example.");
  EXPECT_EQ(origin_of(s.find(Name::must("SUB.Example."))), "sub.example.");
  EXPECT_EQ(origin_of(s.find(Name::must("x.y.sub.example."))), "sub.example.");
  EXPECT_EQ(origin_of(s.find(Name::must("xsub.example."))), "example.");
  EXPECT_EQ(origin_of(s.find(Name::must("b.c.test."))), "test.");
  EXPECT_EQ(origin_of(s.find(Name::must("z.a.b.c.test."))), "a.b.c.test.");
  // Names in no zone: the server answers REFUSED.
  EXPECT_EQ(s.find(Name::must("example.com.")), nullptr);
  EXPECT_EQ(s.find(Name::must(".")), nullptr);
  EXPECT_EQ(s.find(Name::must("com.")), nullptr);
  EXPECT_EQ(ZoneSet().find(Name::must("example.")), nullptr);
  EXPECT_EQ(origin_of(s.get(Name::must("sub.example.")).get()), "sub.example.");
  EXPECT_EQ(s.get(Name::must("www.example.")), nullptr);
}

TEST(ZoneSet, RootZoneEnclosesEverything) {
  auto set = ZoneSet::create({small_zone(".", 1), small_zone("example.", 1)});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(origin_of((*set)->find(Name::must("com."))), ".");
  EXPECT_EQ(origin_of((*set)->find(Name::must("a.example."))), "example.");
}

TEST(ZoneSet, RejectsDuplicateOrigins) {
  auto set = ZoneSet::create({small_zone("example.", 1), small_zone("EXAMPLE.", 2)});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, base::Errc::semantic);
  EXPECT_THAT(set.error().message, ::testing::MatchesRegex("zone (example|EXAMPLE)\\. is defined twice"));
}

TEST(ZoneSet, WithAndWithoutMakeNewSets) {
  auto base_set = *ZoneSet::create({small_zone("example.", 1)});
  auto replaced = base_set->with(small_zone("example.", 2));
  auto added = replaced->with(small_zone("test.", 1));
  auto removed = added->without(Name::must("example."));
  EXPECT_EQ(base_set->find(Name::must("example."))->serial(), 1u);  // unchanged
  EXPECT_EQ(replaced->find(Name::must("example."))->serial(), 2u);
  EXPECT_EQ(added->size(), 2u);
  EXPECT_EQ(removed->size(), 1u);
  EXPECT_EQ(removed->find(Name::must("example.")), nullptr);
  EXPECT_EQ(origin_of(removed->find(Name::must("x.test."))), "test.");
}

TEST(ZoneSetHolder, ReaderRefreshesOnlyWhenGenerationMoves) {
  ZoneSetHolder holder(*ZoneSet::create({small_zone("example.", 1)}));
  ZoneSetReader reader(holder);
  const ZoneSet* first = &reader.current();
  EXPECT_EQ(&reader.current(), first);
  auto held = reader.hold();  // a query still in flight on the first set

  uint64_t g = holder.generation();
  holder.publish(*ZoneSet::create({small_zone("example.", 2)}));
  EXPECT_EQ(holder.generation(), g + 1);
  const ZoneSet& second = reader.current();
  EXPECT_NE(&second, first);
  EXPECT_EQ(second.find(Name::must("example."))->serial(), 2u);
  EXPECT_EQ(reader.generation(), g + 1);
  // The old set is still alive for whoever holds it.
  EXPECT_EQ(held->find(Name::must("example."))->serial(), 1u);
  EXPECT_EQ(held.use_count(), 1);

  holder.publish(nullptr);  // publishing nothing means no zones, not a null set
  EXPECT_EQ(reader.current().size(), 0u);
}

// Writers publish sets whose two zones always carry the same serial; readers on other
// threads must never see a mix, and must see every set eventually settle on the last.
TEST(ZoneSetHolder, ConcurrentReadersSeeConsistentSets) {
  constexpr uint32_t kVersions = 100;
  std::vector<std::shared_ptr<const ZoneSet>> sets;
  for (uint32_t v = 1; v <= kVersions; ++v) {
    sets.push_back(*ZoneSet::create({small_zone("a.test.", v), small_zone("b.test.", v)}));
  }
  ZoneSetHolder holder(sets[0]);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bad{0}, reads{0};
  const Name a = Name::must("www.a.test."), b = Name::must("www.b.test.");
  auto reader_loop = [&] {
    ZoneSetReader reader(holder);
    uint32_t last = 0;
    while (!done.load(std::memory_order_acquire)) {
      const ZoneSet& s = reader.current();
      const Zone* za = s.find(a);
      const Zone* zb = s.find(b);
      if (!za || !zb || za->serial() != zb->serial() || za->serial() < last) ++bad;
      last = za ? za->serial() : last;
      // The lookup itself on the set in hand.
      if (za && za->lookup(a, rrtype::A).end != Outcome::nxdomain) ++bad;
      ++reads;
    }
    if (reader.current().find(a)->serial() != kVersions) ++bad;
  };
  std::thread r1(reader_loop), r2(reader_loop);
  for (uint32_t v = 1; v < kVersions; ++v) {
    holder.publish(sets[v]);
    std::this_thread::yield();
  }
  sets.clear();  // only the holder and the readers keep sets alive now
  while (reads.load() < 1000) std::this_thread::yield();
  done.store(true, std::memory_order_release);
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_GE(reads.load(), 1000u);
}

// ---------------------------------------------------------------------------------------
// Diffs

std::vector<std::string> texts(const std::vector<wire::RR>& rrs) {
  std::vector<std::string> out;
  for (const auto& r : rrs) {
    out.push_back(r.owner.to_text() + " " + std::to_string(r.type) + " " + std::to_string(r.ttl) +
                  " " + std::to_string(r.rdata.bytes.size()) + ":" +
                  std::to_string(r.rdata.bytes.empty() ? 0 : r.rdata.bytes.back()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ZoneDiff, RemovedAndAddedRecords) {
  auto from = small_zone("example.", 1,
                         {rr("www.example.", rrtype::A, 60, a_rd("192.0.2.1")),
                          rr("www.example.", rrtype::A, 60, a_rd("192.0.2.2")),
                          rr("gone.example.", rrtype::A, 60, a_rd("192.0.2.3")),
                          rr("ttl.example.", rrtype::A, 60, a_rd("192.0.2.4")),
                          rr("same.example.", rrtype::TXT, 60, txt_rd("x"))});
  auto to = small_zone("example.", 2,
                       {rr("www.example.", rrtype::A, 60, a_rd("192.0.2.2")),
                        rr("www.example.", rrtype::A, 60, a_rd("192.0.2.5")),
                        rr("www.example.", rrtype::AAAA, 60, aaaa_rd(1)),
                        rr("new.example.", rrtype::A, 60, a_rd("192.0.2.6")),
                        rr("ttl.example.", rrtype::A, 120, a_rd("192.0.2.4")),
                        rr("same.example.", rrtype::TXT, 60, txt_rd("x"))});
  ZoneDiff d = diff(*from, *to);
  EXPECT_EQ(texts(d.removed), (std::vector<std::string>{
                                  "example. 6 3600 53:44",  // SOA serial 1 (minimum 300 = ..0x2c)
                                  "gone.example. 1 60 4:3",
                                  "ttl.example. 1 60 4:4",
                                  "www.example. 1 60 4:1",
                              }));
  EXPECT_EQ(texts(d.added), (std::vector<std::string>{
                                "example. 6 3600 53:44",
                                "new.example. 1 60 4:6",
                                "ttl.example. 1 120 4:4",
                                "www.example. 1 60 4:5",
                                "www.example. 28 60 16:1",
                            }));
  EXPECT_TRUE(diff(*from, *from).empty());
  // Applying the diff to `from` gives `to`.
  auto records = from->records();
  for (const auto& r : d.removed) {
    auto it = std::find_if(records.begin(), records.end(), [&](const wire::RR& x) {
      return x.owner == r.owner && x.type == r.type && x.ttl == r.ttl && x.rdata == r.rdata;
    });
    ASSERT_NE(it, records.end());
    records.erase(it);
  }
  records.insert(records.end(), d.added.begin(), d.added.end());
  EXPECT_EQ(texts(records), texts(to->records()));
}

}  // namespace
}  // namespace gitns::zone
