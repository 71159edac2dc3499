#include "resolver/wire/edns.h"

#include <gtest/gtest.h>

#include "resolver/wire/message.h"
#include "tests/unit/wire/message_test_util.h"

namespace gitns::wire {
namespace {

using testing::Pkt;

TEST(Edns, FixedFieldsFromOptClassAndTtl) {
  // ext rcode 1 (BADVERS with header 0), version 2, DO, one other flag bit.
  auto e = edns_from_opt(4096, 0x01028001, {});
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  EXPECT_EQ(e->udp_size, 4096);
  EXPECT_EQ(e->ext_rcode, 1);
  EXPECT_EQ(e->version, 2);
  EXPECT_TRUE(e->do_bit);
  EXPECT_EQ(e->z, 1);
  EXPECT_TRUE(e->options.empty());
  EXPECT_EQ(edns_ttl(*e), 0x01028001u);
}

TEST(Edns, SmallUdpSizeTreatedAs512) {
  Edns e;
  e.udp_size = 0;
  EXPECT_EQ(e.effective_udp_size(), 512);
  e.udp_size = 511;
  EXPECT_EQ(e.effective_udp_size(), 512);
  e.udp_size = 1232;
  EXPECT_EQ(e.effective_udp_size(), 1232);
  EXPECT_EQ(effective_udp_size(100), 512);
}

TEST(Edns, OptionsKeptInOrderIncludingUnknownAndRepeated) {
  Bytes rdata = Pkt()
                    .u16(65000).u16(3).raw({'a', 'b', 'c'})
                    .u16(edns_option::PADDING).u16(4).raw({0, 0, 0, 0})
                    .u16(65000).u16(0)
                    .u16(edns_option::NSID).u16(0)
                    .b;
  auto e = edns_from_opt(1232, 0, rdata);
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  ASSERT_EQ(e->options.size(), 4u);
  EXPECT_EQ(e->options[0], (EdnsOption{65000, {'a', 'b', 'c'}}));
  EXPECT_EQ(e->options[1].code, edns_option::PADDING);
  EXPECT_EQ(e->options[2], (EdnsOption{65000, {}}));
  EXPECT_EQ(e->options[3].code, edns_option::NSID);
  EXPECT_EQ(e->find(65000), &e->options[0]);
  EXPECT_EQ(e->find(edns_option::COOKIE), nullptr);
  // Writing gives back the same rdata byte for byte.
  ASSERT_EQ(opt_rdata_size(*e), rdata.size());
  Bytes out(rdata.size());
  write_opt_rdata(*e, out.data());
  EXPECT_EQ(out, rdata);
  EXPECT_EQ(opt_rr_size(*e), 11 + rdata.size());
}

TEST(Edns, UnknownOptionsSurviveMessageRoundTrip) {
  Bytes rdata = Pkt().u16(0xFDE9).u16(5).raw({9, 8, 7, 6, 5}).u16(edns_option::CHAIN).u16(1).u8(0).b;
  Pkt p;
  p.header(1, 0, 1, 0, 0, 1).question("example.", rrtype::A).opt(1400, 0x00008000, rdata);
  auto m = parse_message(p.span());
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  Bytes again = build_message(*m);
  EXPECT_EQ(again, p.b);
}

TEST(Edns, BadOptionLayoutRejected) {
  struct Case {
    const char* what;
    Bytes rdata;
    const char* reason;
  };
  for (const auto& c : std::initializer_list<Case>{
           {"header cut", {0, 1, 0}, "header cut short"},
           {"length past end", Pkt().u16(3).u16(5).raw({1, 2}).b, "runs past the end"},
           {"cookie 7 bytes", Pkt().u16(edns_option::COOKIE).u16(7).raw({1, 2, 3, 4, 5, 6, 7}).b, "COOKIE"},
           {"ecs family 3", Pkt().u16(edns_option::CLIENT_SUBNET).u16(4).raw({0, 3, 0, 0}).b, "family"},
           {"ede 1 byte", Pkt().u16(edns_option::EDE).u16(1).raw({0}).b, "INFO-CODE"},
           {"keepalive 1 byte", Pkt().u16(edns_option::TCP_KEEPALIVE).u16(1).raw({0}).b, "TCP_KEEPALIVE"},
       }) {
    auto e = edns_from_opt(1232, 0, c.rdata);
    ASSERT_FALSE(e.ok()) << c.what;
    EXPECT_EQ(e.error().code, base::Errc::malformed) << c.what;
    EXPECT_NE(e.error().message.find(c.reason), std::string::npos) << c.what << ": " << e.error().message;
  }
}

TEST(Edns, CookieLengths) {
  for (size_t n = 0; n <= 48; ++n) {
    Bytes d(n, 0x5A);
    bool want = n == 8 || (n >= 16 && n <= 40);
    EXPECT_EQ(validate_edns_option(edns_option::COOKIE, d).ok(), want) << n;
  }
}

TEST(Edns, ClientSubnetLayout) {
  EXPECT_TRUE(validate_edns_option(edns_option::CLIENT_SUBNET, Bytes{0, 1, 24, 0, 192, 0, 2}).ok());
  EXPECT_TRUE(validate_edns_option(edns_option::CLIENT_SUBNET, Bytes{0, 2, 0, 0}).ok());
  EXPECT_FALSE(validate_edns_option(edns_option::CLIENT_SUBNET, Bytes{0, 1, 24, 0, 192, 0}).ok());
  EXPECT_FALSE(validate_edns_option(edns_option::CLIENT_SUBNET, Bytes{0, 1, 33, 0, 1, 2, 3, 4, 5}).ok());
  EXPECT_FALSE(validate_edns_option(edns_option::CLIENT_SUBNET, Bytes{0, 1, 0}).ok());
}

TEST(Ede, EncodeIsInfoCodeThenText) {
  auto o = encode_ede({ede::Blocked, "ads"});
  EXPECT_EQ(o.code, edns_option::EDE);
  EXPECT_EQ(o.data, (Bytes{0, 15, 'a', 'd', 's'}));
  auto empty = encode_ede({ede::NotAuthoritative, ""});
  EXPECT_EQ(empty.data, (Bytes{0, 20}));
}

TEST(Ede, DecodeRoundTripsEveryRegisteredCode) {
  for (uint16_t code = 0; code <= 24; ++code) {
    ExtendedError e{code, "text \xC3\xA9 \xF0\x9F\x98\x80"};  // é and an emoji: UTF-8
    auto back = decode_ede(encode_ede(e));
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(*back, e);
    EXPECT_FALSE(ede_name(code).empty()) << code;
  }
  EXPECT_EQ(ede_name(ede::Blocked), "Blocked");
  EXPECT_EQ(ede_name(ede::Filtered), "Filtered");
  EXPECT_EQ(ede_name(ede::NotSupported), "Not Supported");
  EXPECT_TRUE(ede_name(25).empty());
  auto unknown = decode_ede(EdnsOption{edns_option::EDE, {0x12, 0x34}});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->info_code, 0x1234);
}

TEST(Ede, DecodeAcceptsTrailingNulAndRejectsBadInput) {
  auto nul = decode_ede(EdnsOption{edns_option::EDE, {0, 17, 'x', 0}});
  ASSERT_TRUE(nul.ok());
  EXPECT_EQ(nul->info_code, ede::Filtered);
  EXPECT_EQ(nul->extra_text, "x");

  EXPECT_FALSE(decode_ede(EdnsOption{edns_option::EDE, {0}}).ok());
  EXPECT_FALSE(decode_ede(EdnsOption{edns_option::NSID, {0, 1}}).ok());
  for (const Bytes& bad : {Bytes{0, 1, 0xFF}, Bytes{0, 1, 0xC3}, Bytes{0, 1, 0xC0, 0xAF} /* overlong */,
                           Bytes{0, 1, 0xED, 0xA0, 0x80} /* surrogate */, Bytes{0, 1, 0xF4, 0x90, 0x80, 0x80}}) {
    auto r = decode_ede(EdnsOption{edns_option::EDE, bad});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos);
  }
}

TEST(Edns, OptionText) {
  EXPECT_EQ(edns_option_to_text(encode_ede({ede::Blocked, "ads \"x\""})), "EDE: 15 (Blocked): \"ads \\034x\\034\"");
  EXPECT_EQ(edns_option_to_text(EdnsOption{edns_option::COOKIE, {1, 0xAB}}), "COOKIE: 01AB");
  EXPECT_EQ(edns_option_to_text(EdnsOption{65001, {0xFF}}), "OPT=65001: FF");
}

}  // namespace
}  // namespace gitns::wire
