#include "resolver/wire/name.h"

#include <gtest/gtest.h>

namespace gitns::wire {
namespace {

TEST(Name, TextRoundTripWithEscapes) {
  struct Case { const char* in; const char* out; };
  for (auto c : std::initializer_list<Case>{
           {"example.com.", "example.com."},
           {".", "."},
           {"a\\.b.example.", "a\\.b.example."},
           {"\\065bc.", "Abc."},
           {"sp\\032ace.", "sp\\032ace."},
           {"q\\\"uote.", "q\\\"uote."},
           {"\\255.", "\\255."}}) {
    auto n = Name::from_text(c.in);
    ASSERT_TRUE(n.ok()) << c.in << ": " << n.error().to_string();
    EXPECT_EQ(n->to_text(), c.out);
  }
}

TEST(Name, RelativeNamesUseOrigin) {
  Name origin = Name::must("example.com.");
  EXPECT_EQ(Name::from_text("www", &origin)->to_text(), "www.example.com.");
  EXPECT_EQ(Name::from_text("@", &origin)->to_text(), "example.com.");
  EXPECT_FALSE(Name::from_text("www").ok());
  EXPECT_EQ(Name::must("www.example.com.").to_text_relative(origin), "www");
  EXPECT_EQ(origin.to_text_relative(origin), "@");
  EXPECT_EQ(Name::must("other.net.").to_text_relative(origin), "other.net.");
}

TEST(Name, LengthLimits) {
  std::string l63(63, 'a'), l64(64, 'a');
  EXPECT_TRUE(Name::from_text(l63 + ".").ok());
  EXPECT_EQ(Name::from_text(l64 + ".").error().code, base::Errc::bad_label);
  // 4 labels of 63 = 4*64 + 1 = 257 > 255
  std::string longname = l63 + "." + l63 + "." + l63 + "." + l63 + ".";
  EXPECT_EQ(Name::from_text(longname).error().code, base::Errc::name_too_long);
  std::string ok = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b') + ".";
  auto n = Name::from_text(ok);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->wire_size(), 255u);
  EXPECT_FALSE(Name::from_text("a..b.").ok());
  EXPECT_FALSE(Name::from_text("\\1.").ok());
  EXPECT_FALSE(Name::from_text("\\256.").ok());
}

TEST(Name, CaseInsensitiveEqualityPreservesCase) {
  Name a = Name::must("WwW.Example.COM."), b = Name::must("www.example.com.");
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a.equals_exact(b));
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_EQ(a.to_text(), "WwW.Example.COM.");
}

TEST(Name, CanonicalOrderRfc4034Example) {
  // RFC 4034 section 6.1, in order.
  std::vector<const char*> names = {"example.", "a.example.", "yljkjljk.a.example.",
                                    "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
                                    "\\001.z.example.", "*.z.example.", "\\200.z.example."};
  for (size_t i = 0; i + 1 < names.size(); ++i) {
    Name x = Name::must(names[i]), y = Name::must(names[i + 1]);
    EXPECT_LT(x.canonical_compare(y), 0) << names[i] << " < " << names[i + 1];
    EXPECT_GT(y.canonical_compare(x), 0);
    EXPECT_LT(x.lookup_key(), y.lookup_key()) << names[i] << " < " << names[i + 1];
  }
}

TEST(Name, LookupKeyOrdersLabelsWithZeroBytes) {
  // x.a. sorts before a\000. because label "a" is a prefix of "a\000".
  Name x = Name::must("x.a."), y = Name::must("a\\000.");
  EXPECT_LT(x.canonical_compare(y), 0);
  EXPECT_LT(x.lookup_key(), y.lookup_key());
}

TEST(Name, SubdomainAndSuffix) {
  Name n = Name::must("a.b.example.com.");
  EXPECT_TRUE(n.is_subdomain_of(Name::must("example.com.")));
  EXPECT_TRUE(n.is_subdomain_of(Name::must("EXAMPLE.com.")));
  EXPECT_TRUE(n.is_subdomain_of(Name()));
  EXPECT_FALSE(n.is_subdomain_of(Name::must("ample.com.")));
  EXPECT_FALSE(Name::must("com.").is_subdomain_of(n));
  EXPECT_EQ(n.parent().to_text(), "b.example.com.");
  EXPECT_EQ(n.suffix(2).to_text(), "example.com.");
  EXPECT_EQ(n.common_labels(Name::must("x.example.com.")), 2u);
  EXPECT_EQ(n.label(0), "a");
  EXPECT_EQ(n.label_count(), 4u);
  EXPECT_EQ(n.replace_suffix(Name::must("example.com."), Name::must("example.net."))->to_text(),
            "a.b.example.net.");
}

TEST(Name, ReadsCompressedNamesAndRejectsBadPointers) {
  // "example.com." at 0, then "www" + pointer to 0 at 13.
  std::vector<uint8_t> msg = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
                              3, 'w', 'w', 'w', 0xC0, 0};
  WireReader r(msg.data(), msg.size());
  r.seek(13);
  auto n = Name::read(r);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->to_text(), "www.example.com.");
  EXPECT_EQ(r.position(), msg.size());

  std::vector<uint8_t> loop = {0xC0, 0};  // points at itself
  WireReader r2(loop.data(), loop.size());
  EXPECT_EQ(Name::read(r2).error().code, base::Errc::bad_pointer);

  std::vector<uint8_t> forward = {0xC0, 2, 0};
  WireReader r3(forward.data(), forward.size());
  EXPECT_EQ(Name::read(r3).error().code, base::Errc::bad_pointer);

  std::vector<uint8_t> cut = {3, 'a', 'b'};
  WireReader r4(cut.data(), cut.size());
  EXPECT_EQ(Name::read(r4).error().code, base::Errc::truncated);

  std::vector<uint8_t> ext = {0x40, 0};  // extended label type
  WireReader r5(ext.data(), ext.size());
  EXPECT_EQ(Name::read(r5).error().code, base::Errc::malformed);
}

TEST(Name, WildcardAndPrepend) {
  Name z = Name::must("example.");
  auto w = z.prepend("*");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->is_wildcard());
  EXPECT_FALSE(z.is_wildcard());
}

}  // namespace
}  // namespace gitns::wire
