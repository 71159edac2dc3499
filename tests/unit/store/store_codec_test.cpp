// Byte layouts of stored values: round trips, and every truncation or damage is an
// error (stored bytes are read like untrusted input).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "resolver/store/store_codec.h"
#include "tests/unit/store/store_test_util.h"

namespace gitns::store::detail {
namespace {

using test::parse_records;
using test::tuples;
using wire::Name;

TEST(StoreCodec, ZoneRecordRoundTrip) {
  ZoneRecord z;
  z.id = 0x01020304;
  z.info.origin = Name::must("Example.COM.");
  z.info.rclass = wire::rrclass::CH;
  z.info.serial = 0xFFFFFFFE;
  z.info.metadata = std::string("{\"a\":1}\0x", 9);
  z.info.record_count = 1ull << 40;
  z.info.since_generation = 7;
  z.info.rebuild_floor = 9;
  z.journal_first = 11;
  z.journal_next = 15;
  z.info.journal_bytes = 12345;
  Bytes b = encode_zone(z);
  auto d = decode_zone(b);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->id, z.id);
  EXPECT_TRUE(d->info.origin.equals_exact(z.info.origin));
  EXPECT_EQ(d->info.rclass, z.info.rclass);
  EXPECT_EQ(d->info.serial, z.info.serial);
  EXPECT_EQ(d->info.metadata, z.info.metadata);
  EXPECT_EQ(d->info.record_count, z.info.record_count);
  EXPECT_EQ(d->info.since_generation, 7u);
  EXPECT_EQ(d->info.rebuild_floor, 9u);
  EXPECT_EQ(d->journal_first, 11u);
  EXPECT_EQ(d->journal_next, 15u);
  EXPECT_EQ(d->info.journal_entries, 4u);
  EXPECT_EQ(d->info.journal_bytes, 12345u);
  for (size_t n = 0; n < b.size(); ++n) {
    EXPECT_FALSE(decode_zone({b.data(), n}).ok()) << "truncated to " << n;
  }
  b.push_back(0);
  EXPECT_FALSE(decode_zone(b).ok()) << "trailing byte";
}

TEST(StoreCodec, RRsetRoundTripAndDamage) {
  RRsetValue v;
  v.owner = Name::must("WWW.example.");
  v.ttl = 300;
  v.rdatas = {{192, 0, 2, 1}, {192, 0, 2, 2}, {}};
  auto b = encode_rrset(v);
  ASSERT_TRUE(b.ok());
  auto d = decode_rrset(*b);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(d->owner.equals_exact(v.owner));
  EXPECT_EQ(d->ttl, 300u);
  EXPECT_EQ(d->rdatas, v.rdatas);
  for (size_t n = 0; n < b->size(); ++n) {
    EXPECT_FALSE(decode_rrset({b->data(), n}).ok()) << "truncated to " << n;
  }
  Bytes longer = *b;
  longer.push_back(1);
  EXPECT_FALSE(decode_rrset(longer).ok()) << "trailing byte";
  Bytes bad_owner = *b;
  bad_owner[1] = 70;  // a label length over 63
  EXPECT_FALSE(decode_rrset(bad_owner).ok());
}

TEST(StoreCodec, RRsetFromAZoneView) {
  auto z = test::zone_from_text("example.", test::apex(1) + "www 60 IN A 192.0.2.2\nwww 60 IN A 192.0.2.1\n");
  ASSERT_TRUE(z);
  auto view = z->find(Name::must("www.example."), wire::rrtype::A);
  auto d = decode_rrset(encode_rrset(view));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ttl, 60u);
  ASSERT_EQ(d->rdatas.size(), 2u);
  EXPECT_EQ(d->rdatas[0], (Bytes{192, 0, 2, 1}));
}

TEST(StoreCodec, JournalRoundTripAndDamage) {
  zone::ZoneDiff diff;
  diff.removed = parse_records("example.", "@ 3600 IN SOA ns1 h 1 2 3 4 5\nwww 60 IN A 192.0.2.1\n");
  diff.added = parse_records("example.", "@ 3600 IN SOA ns1 h 2 2 3 4 5\nWWW 60 IN TXT \"a b\"\n");
  Bytes b = encode_journal(77, 1, 2, diff);
  auto e = decode_journal(b);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->generation, 77u);
  EXPECT_EQ(e->serial_from, 1u);
  EXPECT_EQ(e->serial_to, 2u);
  EXPECT_EQ(tuples(e->removed), tuples(diff.removed));
  EXPECT_EQ(tuples(e->added), tuples(diff.added));
  for (size_t n = 0; n < b.size(); ++n) {
    EXPECT_FALSE(decode_journal({b.data(), n}).ok()) << "truncated to " << n;
  }
  Bytes huge = b;
  huge[16] = 0xFF;  // removed count 0xFF000002: more records than bytes
  EXPECT_FALSE(decode_journal(huge).ok());
}

TEST(StoreCodec, KeysSortNumericallyAndIgnoreCase) {
  EXPECT_LT(u64_key(255), u64_key(256));
  EXPECT_LT(journal_key(1, 0xFFFFFFFF), journal_key(2, 0));
  EXPECT_EQ(rrset_key(3, Name::must("WwW.Example."), 1), rrset_key(3, Name::must("www.example."), 1));
  EXPECT_NE(rrset_key(3, Name::must("www.example."), 1), rrset_key(3, Name::must("www.example."), 28));
  EXPECT_EQ(zone_key(Name::must("EXAMPLE.")), zone_key(Name::must("example.")));
  // The longest owner still fits LMDB's 511-byte key limit.
  std::string label(63, 'a');
  Name longest = Name::must(label + "." + label + "." + label + "." + std::string(61, 'b') + ".");
  EXPECT_EQ(longest.wire_size(), 255u);
  EXPECT_LE(rrset_key(1, longest, 1).size(), 511u);
}

TEST(StoreCodec, SerialArithmetic) {
  EXPECT_TRUE(serial_greater(2, 1));
  EXPECT_FALSE(serial_greater(1, 1));
  EXPECT_FALSE(serial_greater(1, 2));
  EXPECT_TRUE(serial_greater(0, 0xFFFFFFFF));  // wraps (RFC 1982)
  EXPECT_TRUE(serial_greater(0x7FFFFFFF, 0));
  EXPECT_FALSE(serial_greater(0x80000000, 0));  // undefined in RFC 1982: not greater
  auto soa = parse_records("example.", "@ 3600 IN SOA ns1 h 4294967295 2 3 4 5\n");
  auto s = soa_serial(soa[0].rdata.bytes);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, 4294967295u);
  EXPECT_FALSE(soa_serial(Bytes{0, 0, 1}).ok());
}

}  // namespace
}  // namespace gitns::store::detail
