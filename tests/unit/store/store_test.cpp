// The applied state in LMDB: apply -> reopen -> the same state, patches that write only
// what changed, deletions, replacements, validation that leaves the store untouched,
// format versions and a full map.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <lmdb.h>

#include <chrono>

#include "tests/unit/store/store_test_util.h"

namespace gitns::store {
namespace {

using namespace test;
using base::Errc;
using ::testing::HasSubstr;

const char* kExample =
    "www 300 IN A 192.0.2.10\n"
    "www 300 IN A 192.0.2.11\n"
    "WwW.Mixed 300 IN AAAA 2001:db8::1\n"
    "mail 3600 IN MX 10 mx.example.org.\n"
    "txt 60 IN TXT \"hello world\" \"two\"\n"
    "alias 300 IN CNAME www\n"
    "sub 3600 IN NS ns.sub\n"
    "ns.sub 3600 IN A 192.0.2.53\n";

std::shared_ptr<const zone::Zone> example(uint32_t serial, const std::string& extra = "") {
  return zone_from_text("example.", apex(serial) + kExample + extra);
}

TEST(Store, EmptyStoreHasNoState) {
  TempDir dir;
  auto store = open_store(dir.sub("s"));
  ASSERT_TRUE(store);
  auto st = store->state();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->revision, "");
  EXPECT_EQ(st->generation, 0u);
  EXPECT_EQ(st->status, "");
  auto zones = store->zones();
  ASSERT_TRUE(zones.ok());
  EXPECT_TRUE(zones->empty());
  // LMDB's default layout: a folder with the data and lock files.
  EXPECT_TRUE(std::filesystem::exists(dir.sub("s/data.mdb")));
  EXPECT_TRUE(std::filesystem::exists(dir.sub("s/lock.mdb")));
}

TEST(Store, ApplyThenReopenGivesTheSameState) {
  TempDir dir;
  auto z1 = example(7);
  auto z2 = zone_from_text("test.", apex(42) + "a 60 IN TXT \"x\"\n");
  {
    auto store = open_store(dir.path());
    ApplyBatch b;
    b.revision = "0123456789abcdef0123456789abcdef01234567";
    b.puts = {{z1, R"({"labels":{"team":"web"}})"}, {z2, "{}"}};
    b.status = R"({"ready":true})";
    b.history = R"({"revision":"0123","result":"applied"})";
    auto r = store->apply(b);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->generation, 1u);
    EXPECT_EQ(r->history_seq, 1u);
    EXPECT_EQ(r->stats.rrsets_written, z1->rrset_count() + z2->rrset_count());
  }
  auto store = open_store(dir.path());
  auto snap = store->load();
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  EXPECT_EQ(snap->state.revision, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(snap->state.generation, 1u);
  EXPECT_EQ(snap->state.status, R"({"ready":true})");
  ASSERT_EQ(snap->zones.size(), 2u);
  // Zones come in the order of their lowercased origins' wire form.
  const LoadedZone& a = snap->zones[0];
  const LoadedZone& b = snap->zones[1];
  EXPECT_EQ(a.info.origin.to_text(), "test.");
  EXPECT_EQ(b.info.origin.to_text(), "example.");
  EXPECT_EQ(b.info.serial, 7u);
  EXPECT_EQ(a.info.serial, 42u);
  EXPECT_EQ(b.info.metadata, R"({"labels":{"team":"web"}})");
  EXPECT_EQ(b.info.record_count, z1->record_count());
  EXPECT_EQ(b.info.since_generation, 1u);
  EXPECT_EQ(b.zone->serial(), 7u);
  EXPECT_EQ(tuples(b.zone->records()), tuples(z1->records()));
  EXPECT_EQ(tuples(a.zone->records()), tuples(z2->records()));
  // Owner case survives the round trip (RFC 4343), though keys are lowercased.
  auto mixed = b.zone->find_node(Name::must("www.mixed.example."));
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed.owner().to_text(), "WwW.Mixed.example.");
  // The rebuilt zone answers like the original.
  auto res = b.zone->lookup(Name::must("alias.example."), wire::rrtype::A);
  EXPECT_EQ(res.kind, zone::Outcome::cname);
  EXPECT_EQ(res.end, zone::Outcome::answer);
  auto hist = store->history();
  ASSERT_TRUE(hist.ok());
  ASSERT_EQ(hist->size(), 1u);
  EXPECT_EQ((*hist)[0].record, R"({"revision":"0123","result":"applied"})");
  auto revs = store->revisions();
  ASSERT_TRUE(revs.ok());
  ASSERT_EQ(revs->size(), 1u);
  EXPECT_EQ((*revs)[0].generation, 1u);
  EXPECT_EQ((*revs)[0].revision, "0123456789abcdef0123456789abcdef01234567");
}

TEST(Store, PatchChangesOnlyTheDiff) {
  TempDir dir;
  auto store = open_store(dir.path());
  auto v1 = example(1);
  ASSERT_TRUE(store->apply({"r1", {{v1, "m1"}}, {}, {}, {}, {}}).ok());
  auto v2 = example(2, "new 300 IN A 192.0.2.99\n");
  zone::ZoneDiff d = zone::diff(*v1, *v2);
  ASSERT_EQ(d.removed.size(), 1u);  // the old SOA
  ASSERT_EQ(d.added.size(), 2u);    // the new SOA and new A
  ApplyBatch b;
  b.revision = "r2";
  b.patches = {{Name::must("example."), d, std::nullopt}};
  auto r = store->apply(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->generation, 2u);
  EXPECT_EQ(r->stats.rrsets_written, 2u);  // SOA and new.example. A
  EXPECT_EQ(r->stats.rrsets_deleted, 0u);
  EXPECT_EQ(r->stats.journal_written, 1u);
  auto info = store->zone_info(Name::must("EXAMPLE."));
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->serial, 2u);
  EXPECT_EQ((*info)->metadata, "m1");  // a patch without metadata keeps it
  EXPECT_EQ((*info)->record_count, v2->record_count());
  EXPECT_EQ((*info)->journal_entries, 1u);
  auto loaded = store->load_zone(Name::must("example."));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(tuples((*loaded)->records()), tuples(v2->records()));

  // Removing records deletes RRsets that became empty.
  auto v3 = zone_from_text("example.", apex(3) + "www 300 IN A 192.0.2.10\n");
  b.revision = "r3";
  b.patches = {{Name::must("example."), zone::diff(*v2, *v3), std::string("m3")}};
  r = store->apply(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.rrsets_written, 2u);  // SOA, www A (one record left)
  EXPECT_EQ(r->stats.rrsets_deleted, 7u);  // AAAA, MX, TXT, CNAME, NS, glue A, new A
  loaded = store->load_zone(Name::must("example."));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(tuples((*loaded)->records()), tuples(v3->records()));
  EXPECT_EQ((*store->zone_info(Name::must("example.")))->metadata, "m3");
}

TEST(Store, TtlChangeReplacesTheRRset) {
  TempDir dir;
  auto store = open_store(dir.path());
  auto v1 = example(1);
  ASSERT_TRUE(store->apply({"r1", {{v1, ""}}, {}, {}, {}, {}}).ok());
  std::string text = std::string(kExample);
  text.replace(text.find("www 300"), 7, "www 900");
  text.replace(text.find("www 300"), 7, "www 900");
  auto v2 = zone_from_text("example.", apex(2) + text);
  auto r = store->apply({"r2", {}, {{Name::must("example."), zone::diff(*v1, *v2), {}}}, {}, {}, {}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto loaded = store->load_zone(Name::must("example."));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->find(Name::must("www.example."), wire::rrtype::A).ttl(), 900u);
  EXPECT_EQ(tuples((*loaded)->records()), tuples(v2->records()));
}

TEST(Store, OneRecordChangeInALargeZoneWritesTwoRRsets) {
  TempDir dir;
  auto store = open_store(dir.path());
  const std::string origin = "big.example.";
  std::vector<wire::RR> records = parse_records(origin, apex(1));
  wire::RR host = parse_records(origin, "h 300 IN A 10.0.0.0\n")[0];
  for (uint32_t i = 0; i < 100'000; ++i) {
    host.owner = *Name::from_text("h" + std::to_string(i), &records[0].owner);
    host.rdata.bytes = {10, uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)};
    records.push_back(host);
  }
  auto v1 = build(origin, records);
  ASSERT_TRUE(v1);
  auto t0 = std::chrono::steady_clock::now();
  auto r = store->apply({"r1", {{v1, ""}}, {}, {}, {}, {}});
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.rrsets_written, 100'003u);

  records[0] = parse_records(origin, apex(2))[0];  // the SOA
  records[3 + 54'321].rdata.bytes = {192, 0, 2, 1};
  auto v2 = build(origin, records);
  ApplyBatch b;
  b.revision = "r2";
  b.patches = {{Name::must(origin), zone::diff(*v1, *v2), {}}};
  auto t2 = std::chrono::steady_clock::now();
  r = store->apply(b);
  auto t3 = std::chrono::steady_clock::now();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.rrsets_written, 2u);
  EXPECT_EQ(r->stats.rrsets_deleted, 0u);

  store.reset();
  store = open_store(dir.path());
  auto t4 = std::chrono::steady_clock::now();
  auto snap = store->load();
  auto t5 = std::chrono::steady_clock::now();
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  ASSERT_EQ(snap->zones.size(), 1u);
  const zone::Zone& z = *snap->zones[0].zone;
  EXPECT_EQ(z.record_count(), 100'003u);
  EXPECT_EQ(z.serial(), 2u);
  auto a = z.find(Name::must("h54321.big.example."), wire::rrtype::A);
  ASSERT_TRUE(a);
  EXPECT_THAT(std::vector<uint8_t>(a.front().begin(), a.front().end()),
              ::testing::ElementsAre(192, 0, 2, 1));
  EXPECT_EQ(tuples(z.records()), tuples(v2->records()));
  auto ms = [](auto a, auto b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
  };
  std::printf("100k zone: put %lld ms, one-record patch %lld ms, load %lld ms\n",
              static_cast<long long>(ms(t0, t1)), static_cast<long long>(ms(t2, t3)),
              static_cast<long long>(ms(t4, t5)));
}

TEST(Store, ZoneDeletion) {
  TempDir dir;
  auto store = open_store(dir.path());
  auto a = example(1);
  auto b = zone_from_text("other.", apex(5));
  ASSERT_TRUE(store->apply({"r1", {{a, ""}, {b, ""}}, {}, {}, {}, {}}).ok());
  auto r = store->apply({"r2", {}, {}, {Name::must("example.")}, {}, {}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.rrsets_deleted, a->rrset_count());
  auto info = store->zone_info(Name::must("example."));
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->has_value());
  auto recs = store->zone_records(Name::must("example."));
  ASSERT_FALSE(recs.ok());
  EXPECT_EQ(recs.error().code, Errc::not_found);
  auto zones = store->zones();
  ASSERT_EQ(zones->size(), 1u);
  EXPECT_EQ((*zones)[0].origin.to_text(), "other.");
  // Created again, the zone holds only its new records: the old RRsets are gone.
  auto small = zone_from_text("example.", apex(9));
  ASSERT_TRUE(store->apply({"r3", {{small, ""}}, {}, {}, {}, {}}).ok());
  auto again = store->zone_records(Name::must("example."));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(tuples(*again), tuples(small->records()));
  // Deleting a zone that is not stored fails and writes nothing.
  r = store->apply({"r4", {}, {}, {Name::must("nope.")}, {}, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::not_found);
  EXPECT_EQ(store->state()->generation, 3u);
}

TEST(Store, PutReplacesAStoredZoneAndDropsItsJournal) {
  TempDir dir;
  auto store = open_store(dir.path());
  auto v1 = example(1);
  auto v2 = example(2, "x 60 IN A 192.0.2.7\n");
  ASSERT_TRUE(store->apply({"r1", {{v1, "a"}}, {}, {}, {}, {}}).ok());
  ASSERT_TRUE(store->apply({"r2", {}, {{Name::must("example."), zone::diff(*v1, *v2), {}}}, {}, {}, {}}).ok());
  auto v3 = zone_from_text("example.", apex(10) + "y 60 IN A 192.0.2.8\n");
  auto r = store->apply({"r3", {{v3, "b"}}, {}, {}, {}, {}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.rrsets_deleted, v2->rrset_count());
  EXPECT_EQ(r->stats.journal_trimmed, 1u);
  auto info = *store->zone_info(Name::must("example."));
  EXPECT_EQ(info->serial, 10u);
  EXPECT_EQ(info->metadata, "b");
  EXPECT_EQ(info->since_generation, 3u);
  EXPECT_EQ(info->journal_entries, 0u);
  EXPECT_EQ(tuples(*store->zone_records(Name::must("example."))), tuples(v3->records()));
}

// A batch that fails leaves everything as it was, including the parts before the error.
class StoreRejects : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store(dir_.path());
    v1_ = example(1);
    ASSERT_TRUE(store_->apply({"r1", {{v1_, "meta"}}, {}, {}, R"("s1")", {}}).ok());
  }
  void expect_rejected(ApplyBatch b, Errc code, const std::string& text) {
    // Also put another zone first in the same batch: it must not survive the failure.
    b.puts.push_back({zone_from_text("extra.", apex(1)), ""});
    auto r = store_->apply(b);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_THAT(r.error().message, HasSubstr(text));
    auto st = store_->state();
    EXPECT_EQ(st->generation, 1u);
    EXPECT_EQ(st->revision, "r1");
    EXPECT_EQ(st->status, R"("s1")");
    EXPECT_EQ(store_->zones()->size(), 1u);
    EXPECT_EQ(tuples(*store_->zone_records(Name::must("example."))), tuples(v1_->records()));
    EXPECT_EQ((*store_->zone_info(Name::must("example.")))->journal_entries, 0u);
  }
  ApplyBatch patch(zone::ZoneDiff d) {
    ApplyBatch b;
    b.revision = "r2";
    b.status = R"("s2")";
    b.patches = {{Name::must("example."), std::move(d), std::string("changed")}};
    return b;
  }
  wire::RR rr(const std::string& text) { return parse_records("example.", text)[0]; }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<const zone::Zone> v1_;
};

TEST_F(StoreRejects, RemovalOfARecordNotStored) {
  zone::ZoneDiff d = zone::diff(*v1_, *example(2));
  d.removed.push_back(rr("www 300 IN A 192.0.2.99"));
  expect_rejected(patch(d), Errc::semantic, "removes www.example. A 192.0.2.99, which is not stored");
}

TEST_F(StoreRejects, AdditionOfARecordStoredAlready) {
  zone::ZoneDiff d = zone::diff(*v1_, *example(2));
  d.added.push_back(rr("www 300 IN A 192.0.2.10"));
  expect_rejected(patch(d), Errc::semantic, "which is stored already");
}

TEST_F(StoreRejects, ChangeWithoutANewSerial) {
  zone::ZoneDiff d = zone::diff(*v1_, *example(1, "n 300 IN A 192.0.2.5\n"));
  expect_rejected(patch(d), Errc::semantic, "serial went from 1 to 1");
}

TEST_F(StoreRejects, SerialGoingBackwards) {
  // 1 + 2^31 + 1 is "less than" 1 in RFC 1982 arithmetic.
  zone::ZoneDiff d = zone::diff(*v1_, *example(0x80000002u));
  expect_rejected(patch(d), Errc::semantic, "needs a greater serial");
}

TEST_F(StoreRejects, MixedTtlsInOneRRset) {
  zone::ZoneDiff d = zone::diff(*v1_, *example(2));
  d.added.push_back(rr("www 60 IN A 192.0.2.12"));
  expect_rejected(patch(d), Errc::semantic, "with TTL 60 to an RRset with TTL 300");
}

TEST_F(StoreRejects, RecordOutsideTheZone) {
  zone::ZoneDiff d = zone::diff(*v1_, *example(2));
  d.added.push_back(parse_records("other.", "x 300 IN A 192.0.2.1")[0]);
  expect_rejected(patch(d), Errc::out_of_zone, "x.other. A 192.0.2.1 is outside the zone");
}

TEST_F(StoreRejects, BadRdata) {
  zone::ZoneDiff d = zone::diff(*v1_, *example(2));
  wire::RR bad = rr("www 300 IN A 192.0.2.12");
  bad.rdata.bytes.push_back(0);  // five bytes of A
  d.added.push_back(bad);
  expect_rejected(patch(d), Errc::bad_rdata, "www.example. A");
}

TEST_F(StoreRejects, RemovingTheSoa) {
  zone::ZoneDiff d;
  d.removed.push_back(rr("@ 3600 IN SOA ns1 hostmaster 1 3600 600 86400 300"));
  expect_rejected(patch(d), Errc::semantic, "has no SOA record at its apex");
}

TEST_F(StoreRejects, PatchOfAnUnknownZone) {
  ApplyBatch b = patch({});
  b.patches[0].origin = Name::must("unknown.");
  expect_rejected(b, Errc::not_found, "cannot patch zone unknown.: it is not stored");
}

TEST_F(StoreRejects, ZoneNamedTwice) {
  ApplyBatch b = patch(zone::diff(*v1_, *example(2)));
  b.deletes.push_back(Name::must("EXAMPLE."));
  expect_rejected(b, Errc::semantic, "zone EXAMPLE. appears twice in one apply");
}

TEST_F(StoreRejects, EmptyRevision) {
  ApplyBatch b = patch(zone::diff(*v1_, *example(2)));
  b.revision.clear();
  expect_rejected(b, Errc::semantic, "needs a revision");
}

TEST(Store, MetadataOnlyPatchWritesNoJournal) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->apply({"r1", {{example(1), "old"}}, {}, {}, {}, {}}).ok());
  auto r = store->apply({"r2", {}, {{Name::must("example."), {}, std::string("new")}}, {}, {}, {}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.rrsets_written, 0u);
  EXPECT_EQ(r->stats.journal_written, 0u);
  auto info = *store->zone_info(Name::must("example."));
  EXPECT_EQ(info->metadata, "new");
  EXPECT_EQ(info->serial, 1u);
  EXPECT_EQ(store->state()->revision, "r2");
}

TEST(Store, RecordWritesStatusAndHistoryOnly) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->apply({"r1", {{example(1), ""}}, {}, {}, "ok", "h1"}).ok());
  auto seq = store->record(std::string("failed: zones/a.yaml:3:1: bad"), std::string("h2"));
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EXPECT_EQ(*seq, 2u);
  auto st = store->state();
  EXPECT_EQ(st->revision, "r1");
  EXPECT_EQ(st->generation, 1u);
  EXPECT_EQ(st->status, "failed: zones/a.yaml:3:1: bad");
  seq = store->record(std::nullopt, std::nullopt);
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 0u);
  EXPECT_EQ(store->state()->status, "failed: zones/a.yaml:3:1: bad");
}

TEST(Store, HistoryAndRevisionsAreBounded) {
  TempDir dir;
  Options o;
  o.history_max = 3;
  o.revisions_max = 2;
  auto store = open_store(dir.path(), o);
  auto v = example(1);
  ASSERT_TRUE(store->apply({"r1", {{v, ""}}, {}, {}, {}, "a1"}).ok());
  ASSERT_TRUE(store->record({}, std::string("b2")).ok());
  ASSERT_TRUE(store->record({}, std::string("b3")).ok());
  auto r = store->apply({"r2", {}, {}, {}, {}, "a4"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stats.history_trimmed, 1u);
  ASSERT_TRUE(store->apply({"r3", {}, {}, {}, {}, "a5"}).ok());
  store.reset();
  store = open_store(dir.path(), o);
  auto h = store->history();
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 3u);
  EXPECT_EQ((*h)[0].seq, 3u);
  EXPECT_EQ((*h)[0].record, "b3");
  EXPECT_EQ((*h)[1].record, "a4");
  EXPECT_EQ((*h)[2].seq, 5u);
  EXPECT_EQ((*h)[2].record, "a5");
  auto revs = store->revisions();
  ASSERT_EQ(revs->size(), 2u);
  EXPECT_EQ((*revs)[0].generation, 2u);
  EXPECT_EQ((*revs)[0].revision, "r2");
  EXPECT_EQ((*revs)[1].revision, "r3");
}

// Writes a raw meta value, as another (newer) gitnsd would have.
void poke_meta(const std::string& dir, const std::string& key, std::vector<uint8_t> value) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 8);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0600), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
  std::string kb = key;
  MDB_val k{kb.size(), kb.data()}, v{value.size(), value.data()};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST(Store, NewerFormatVersionIsRefused) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store->apply({"r1", {{example(1), ""}}, {}, {}, {}, {}}).ok());
  }
  poke_meta(dir.path(), "format", {0, 0, 0, 2});
  auto s = Store::open(dir.path());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::unsupported);
  EXPECT_THAT(s.error().message, HasSubstr("format version 2 (written by a newer gitnsd)"));
  EXPECT_THAT(s.error().message, HasSubstr("reads format version 1"));
}

TEST(Store, DamagedValuesAreErrorsNotCrashes) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store->apply({"r1", {{example(1), ""}}, {}, {}, {}, {}}).ok());
  }
  poke_meta(dir.path(), "generation", {1, 2, 3});
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  auto st = store->state();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Errc::malformed);
  EXPECT_THAT(st.error().message, HasSubstr("'generation' must be 8 bytes"));
}

TEST(Store, FullMapIsALimitErrorAndTheStoreStaysUsable) {
  TempDir dir;
  Options o;
  o.map_size = 1 << 20;
  auto store = open_store(dir.path(), o);
  ASSERT_TRUE(store->apply({"r1", {{example(1), ""}}, {}, {}, {}, {}}).ok());
  std::vector<wire::RR> records = parse_records("big.", apex(1));
  wire::RR txt = parse_records("big.", "t 300 IN TXT \"x\"\n")[0];
  for (int i = 0; i < 20'000; ++i) {
    txt.owner = *Name::from_text("t" + std::to_string(i), &records[0].owner);
    records.push_back(txt);
  }
  auto r = store->apply({"r2", {{build("big.", records), ""}}, {}, {}, {}, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::limit);
  EXPECT_THAT(r.error().message, HasSubstr("map is full"));
  EXPECT_THAT(r.error().message, HasSubstr("map size 1048576 bytes"));
  // Nothing of the failed apply is visible, and later applies work.
  EXPECT_EQ(store->state()->generation, 1u);
  EXPECT_EQ(store->zones()->size(), 1u);
  auto ok = store->apply({"r3", {{zone_from_text("small.", apex(1)), ""}}, {}, {}, {}, {}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->generation, 2u);
  auto u = store->usage();
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->map_size, 1u << 20);
  EXPECT_GT(u->used_bytes, 0u);
  EXPECT_LE(u->used_bytes, u->map_size);
}

TEST(Store, OpenFailsClearlyOnAFile) {
  TempDir dir;
  std::string file = dir.sub("plain");
  { std::FILE* f = std::fopen(file.c_str(), "w"); std::fputs("x", f); std::fclose(f); }
  auto s = Store::open(file);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::io);
  EXPECT_THAT(s.error().message, HasSubstr(file));
}

}  // namespace
}  // namespace gitns::store
