// The journal of applied zone diffs: "from serial X to now" for IXFR, trimming by count
// and bytes, and rebuilding earlier content (rollback) by undoing diffs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/store/store_test_util.h"

namespace gitns::store {
namespace {

using namespace test;
using base::Errc;
using ::testing::HasSubstr;

// Version v of zone "j.": serial 10*v, host records h0..h(v-1), TXT "v=<v>".
std::shared_ptr<const zone::Zone> version(int v) {
  std::string text = apex(10 * v) + "info 300 IN TXT \"v=" + std::to_string(v) + "\"\n";
  for (int i = 0; i < v; ++i) text += "h" + std::to_string(i) + " 300 IN A 192.0.2." + std::to_string(i) + "\n";
  return zone_from_text("j.", text);
}

// Applies versions 1..n: version 1 as a put (generation 1), the others as patches.
void apply_versions(Store& store, int n) {
  ASSERT_TRUE(store.apply({"rev1", {{version(1), ""}}, {}, {}, {}, {}}).ok());
  for (int v = 2; v <= n; ++v) {
    ApplyBatch b;
    b.revision = "rev" + std::to_string(v);
    b.patches = {{Name::must("j."), zone::diff(*version(v - 1), *version(v)), {}}};
    auto r = store.apply(b);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
}

TEST(Journal, EntriesHoldTheDiffs) {
  TempDir dir;
  auto store = open_store(dir.path());
  apply_versions(*store, 3);
  auto j = store->journal(Name::must("j."));
  ASSERT_TRUE(j.ok()) << j.error().message;
  ASSERT_EQ(j->size(), 2u);
  const JournalEntry& e = (*j)[1];
  EXPECT_EQ(e.generation, 3u);
  EXPECT_EQ(e.serial_from, 20u);
  EXPECT_EQ(e.serial_to, 30u);
  zone::ZoneDiff want = zone::diff(*version(2), *version(3));
  EXPECT_EQ(tuples(e.removed), tuples(want.removed));
  EXPECT_EQ(tuples(e.added), tuples(want.added));
  // SOA, TXT v=2 out; SOA, TXT v=3, h2 in.
  EXPECT_EQ(e.removed.size(), 2u);
  EXPECT_EQ(e.added.size(), 3u);
}

TEST(Journal, SinceASerialGivesTheChainToNow) {
  TempDir dir;
  auto store = open_store(dir.path());
  apply_versions(*store, 6);
  store.reset();
  store = open_store(dir.path());  // the journal is persistent
  auto all = store->journal_since(Name::must("j."), 10);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 5u);
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].serial_from, 10 * (i + 1));
    EXPECT_EQ((*all)[i].serial_to, 10 * (i + 2));
  }
  auto tail = store->journal_since(Name::must("j."), 40);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ((*tail)[0].serial_from, 40u);
  EXPECT_EQ((*tail)[1].serial_to, 60u);
  auto none = store->journal_since(Name::must("j."), 60);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto missing = store->journal_since(Name::must("j."), 35);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_THAT(missing.error().message,
              HasSubstr("no diff from serial 35 (current serial 60, its journal reaches back to serial 10)"));
  auto unknown = store->journal_since(Name::must("nope."), 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST(Journal, TrimmedToTheLastEntries) {
  TempDir dir;
  Options o;
  o.journal_max_entries = 3;
  auto store = open_store(dir.path(), o);
  apply_versions(*store, 6);
  auto info = *store->zone_info(Name::must("j."));
  EXPECT_EQ(info->journal_entries, 3u);
  auto j = store->journal(Name::must("j."));
  ASSERT_EQ(j->size(), 3u);
  EXPECT_EQ((*j)[0].serial_from, 30u);
  EXPECT_EQ((*j)[2].serial_to, 60u);
  auto gone = store->journal_since(Name::must("j."), 20);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, Errc::not_found);
  EXPECT_THAT(gone.error().message, HasSubstr("reaches back to serial 30"));
  EXPECT_TRUE(store->journal_since(Name::must("j."), 30).ok());
  // The dropped entries were made at generations 2 and 3: content of generation 3 and
  // later can be rebuilt, earlier content not.
  EXPECT_EQ(info->rebuild_floor, 3u);
}

TEST(Journal, TrimmedByBytesKeepsTheNewest) {
  TempDir dir;
  Options o;
  o.journal_max_bytes = 1;  // smaller than any entry
  auto store = open_store(dir.path(), o);
  ApplyBatch first{"rev1", {{version(1), ""}}, {}, {}, {}, {}};
  ASSERT_TRUE(store->apply(first).ok());
  for (int v = 2; v <= 4; ++v) {
    ApplyBatch b;
    b.revision = "rev" + std::to_string(v);
    b.patches = {{Name::must("j."), zone::diff(*version(v - 1), *version(v)), {}}};
    auto r = store->apply(b);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->stats.journal_trimmed, v == 2 ? 0u : 1u);
  }
  auto j = store->journal(Name::must("j."));
  ASSERT_EQ(j->size(), 1u);
  EXPECT_EQ((*j)[0].serial_to, 40u);
  auto info = *store->zone_info(Name::must("j."));
  EXPECT_GT(info->journal_bytes, 1u);
}

TEST(Journal, ZoneDeletionDropsItsJournal) {
  TempDir dir;
  auto store = open_store(dir.path());
  apply_versions(*store, 3);
  ASSERT_TRUE(store->apply({"del", {}, {}, {Name::must("j.")}, {}, {}}).ok());
  ASSERT_TRUE(store->apply({"again", {{version(5), ""}}, {}, {}, {}, {}}).ok());
  auto j = store->journal(Name::must("j."));
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(j->empty());
  EXPECT_FALSE(store->journal_since(Name::must("j."), 20).ok());
}

TEST(Journal, JournalsAreKeptPerZone) {
  TempDir dir;
  auto store = open_store(dir.path());
  auto k1 = zone_from_text("k.", apex(1));
  auto k2 = zone_from_text("k.", apex(2) + "x 60 IN A 192.0.2.1\n");
  ASSERT_TRUE(store->apply({"r1", {{version(1), ""}, {k1, ""}}, {}, {}, {}, {}}).ok());
  ApplyBatch b;
  b.revision = "r2";
  b.patches = {{Name::must("j."), zone::diff(*version(1), *version(2)), {}},
               {Name::must("k."), zone::diff(*k1, *k2), {}}};
  auto r = store->apply(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.journal_written, 2u);
  auto jk = store->journal_since(Name::must("k."), 1);
  ASSERT_TRUE(jk.ok());
  ASSERT_EQ(jk->size(), 1u);
  EXPECT_EQ((*jk)[0].serial_to, 2u);
  EXPECT_EQ((*jk)[0].added.size(), 2u);  // SOA and x A
  auto jj = store->journal_since(Name::must("j."), 10);
  ASSERT_EQ(jj->size(), 1u);
  EXPECT_EQ((*jj)[0].serial_to, 20u);
}

TEST(Rollback, RebuildsEarlierGenerations) {
  TempDir dir;
  auto store = open_store(dir.path());
  apply_versions(*store, 5);
  for (int g = 1; g <= 5; ++g) {
    auto recs = store->zone_records_at(Name::must("j."), g);
    ASSERT_TRUE(recs.ok()) << recs.error().message;
    EXPECT_EQ(tuples(*recs), tuples(version(g)->records())) << "generation " << g;
  }
  auto future = store->zone_records_at(Name::must("j."), 6);
  ASSERT_FALSE(future.ok());
  EXPECT_THAT(future.error().message, HasSubstr("generation 6 has not been applied"));
}

TEST(Rollback, LimitsAreErrors) {
  TempDir dir;
  Options o;
  o.journal_max_entries = 2;
  auto store = open_store(dir.path(), o);
  ASSERT_TRUE(store->apply({"r0", {{zone_from_text("other.", apex(1)), ""}}, {}, {}, {}, {}}).ok());
  // j. created at generation 2, patched at 3..6; entries of 3 and 4 trimmed.
  ASSERT_TRUE(store->apply({"rev1", {{version(1), ""}}, {}, {}, {}, {}}).ok());
  for (int v = 2; v <= 5; ++v) {
    ApplyBatch b;
    b.revision = "rev" + std::to_string(v);
    b.patches = {{Name::must("j."), zone::diff(*version(v - 1), *version(v)), {}}};
    ASSERT_TRUE(store->apply(b).ok());
  }
  auto before = store->zone_records_at(Name::must("j."), 1);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().code, Errc::not_found);
  EXPECT_THAT(before.error().message, HasSubstr("created or replaced at generation 2"));
  auto trimmed = store->zone_records_at(Name::must("j."), 3);
  ASSERT_FALSE(trimmed.ok());
  EXPECT_THAT(trimmed.error().message, HasSubstr("rebuilt back to generation 4, not 3"));
  auto ok = store->zone_records_at(Name::must("j."), 4);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(tuples(*ok), tuples(version(3)->records()));
  auto unknown = store->zone_records_at(Name::must("nope."), 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

}  // namespace
}  // namespace gitns::store
