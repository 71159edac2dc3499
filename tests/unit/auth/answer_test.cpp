#include "resolver/auth/answer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "resolver/wire/edns.h"
#include "resolver/wire/message.h"
#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zonefile.h"

namespace gitns::auth {
namespace {

using wire::Message;
using wire::Name;
namespace rrtype = wire::rrtype;
namespace rcode = wire::rcode;

constexpr const char* kZone = R"(
$TTL 3600
@        IN SOA ns1 hostmaster 2024010101 3600 600 1209600 300
@        NS  ns1
@        NS  ns2.other.test.
@        MX  10 mail
ns1      A   192.0.2.53
mail     A   192.0.2.25
mail     AAAA 2001:db8::25
www      A   192.0.2.1
www      A   192.0.2.2
alias    CNAME www
*.wild   TXT "wildcard"
big      TXT "0123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "1123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "2123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "3123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "4123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "5123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "6123456789012345678901234567890123456789012345678901234567890123456789"
big      TXT "7123456789012345678901234567890123456789012345678901234567890123456789"
sub      NS  ns.sub
sub      NS  ns.elsewhere.test.
ns.sub   A   192.0.2.99
)";

class AnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    zone::ZoneFileOptions opts;
    opts.origin = Name::must("example.");
    auto parsed = zone::parse_zone_file(kZone, opts);
    ASSERT_TRUE(parsed.ok()) << parsed.errors.front().to_string();
    zone::ZoneBuilder b(opts.origin);
    for (auto& r : parsed.records) b.add(r.rr);
    auto built = b.build();
    ASSERT_TRUE(built.ok()) << built.error().to_string();
    auto set = zone::ZoneSet::create({built.zone});
    ASSERT_TRUE(set.ok());
    zones_ = *set;
  }

  Message query(const std::string& name, uint16_t qtype, bool edns = false,
                uint16_t udp = 1232) {
    Message m;
    m.header.id = 0x1234;
    m.header.rd = true;
    m.questions.push_back({Name::must(name), qtype, wire::rrclass::IN});
    if (edns) {
      wire::Edns e;
      e.udp_size = udp;
      m.edns = e;
    }
    return m;
  }

  // Answers and parses the response; an empty optional means the query was dropped.
  std::optional<Message> ask(const wire::Bytes& q, bool tcp = false) {
    std::vector<uint8_t> out(65535);
    AnswerInfo info;
    size_t n = answer_query(*zones_, q, out, tcp, {}, &info);
    if (n == 0) return std::nullopt;
    auto m = wire::parse_message({out.data(), n});
    EXPECT_TRUE(m.ok()) << m.error().to_string();
    last_size_ = n;
    return m.ok() ? std::optional<Message>(*m) : std::nullopt;
  }
  std::optional<Message> ask(const Message& q, bool tcp = false) {
    return ask(wire::build_message(q), tcp);
  }

  static size_t count(const std::vector<wire::RR>& s, uint16_t type) {
    return std::count_if(s.begin(), s.end(), [&](const wire::RR& r) { return r.type == type; });
  }

  std::shared_ptr<const zone::ZoneSet> zones_;
  size_t last_size_ = 0;
};

TEST_F(AnswerTest, AuthoritativeAnswerEchoesIdAndQuestion) {
  auto r = ask(query("www.example.", rrtype::A));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header.id, 0x1234);
  EXPECT_TRUE(r->header.qr);
  EXPECT_TRUE(r->header.aa);
  EXPECT_TRUE(r->header.rd);
  EXPECT_FALSE(r->header.ra);
  EXPECT_EQ(r->rcode(), rcode::NOERROR);
  ASSERT_EQ(r->questions.size(), 1u);
  EXPECT_EQ(r->answer.size(), 2u);
  EXPECT_EQ(count(r->answer, rrtype::A), 2u);
  EXPECT_TRUE(r->authority.empty());  // minimal responses
}

TEST_F(AnswerTest, MixedCaseQueryKeepsItsCase) {
  auto r = ask(query("WwW.ExAmPlE.", rrtype::A));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->questions[0].qname.to_text(), "WwW.ExAmPlE.");
  ASSERT_FALSE(r->answer.empty());
  EXPECT_EQ(r->answer[0].owner, Name::must("www.example."));
}

TEST_F(AnswerTest, NxdomainCarriesSoaWithNegativeTtl) {
  auto r = ask(query("nope.example.", rrtype::A));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), rcode::NXDOMAIN);
  EXPECT_TRUE(r->header.aa);
  EXPECT_TRUE(r->answer.empty());
  ASSERT_EQ(r->authority.size(), 1u);
  EXPECT_EQ(r->authority[0].type, rrtype::SOA);
  EXPECT_EQ(r->authority[0].ttl, 300u);  // min(SOA TTL 3600, MINIMUM 300)
}

TEST_F(AnswerTest, NodataCarriesSoa) {
  auto r = ask(query("www.example.", rrtype::MX));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), rcode::NOERROR);
  EXPECT_TRUE(r->answer.empty());
  ASSERT_EQ(r->authority.size(), 1u);
  EXPECT_EQ(r->authority[0].type, rrtype::SOA);
}

TEST_F(AnswerTest, ReferralHasNoAaAndInBailiwickGlue) {
  auto r = ask(query("host.sub.example.", rrtype::A));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->header.aa);
  EXPECT_EQ(r->rcode(), rcode::NOERROR);
  EXPECT_TRUE(r->answer.empty());
  EXPECT_EQ(count(r->authority, rrtype::NS), 2u);
  ASSERT_EQ(r->additional.size(), 1u);
  EXPECT_EQ(r->additional[0].owner, Name::must("ns.sub.example."));
}

TEST_F(AnswerTest, CnameChainAndWildcard) {
  auto r = ask(query("alias.example.", rrtype::A));
  ASSERT_TRUE(r);
  EXPECT_EQ(count(r->answer, rrtype::CNAME), 1u);
  EXPECT_EQ(count(r->answer, rrtype::A), 2u);

  auto w = ask(query("anything.wild.example.", rrtype::TXT));
  ASSERT_TRUE(w);
  ASSERT_EQ(w->answer.size(), 1u);
  EXPECT_EQ(w->answer[0].owner, Name::must("anything.wild.example."));
}

TEST_F(AnswerTest, MxAnswerAddsTargetAddresses) {
  auto r = ask(query("example.", rrtype::MX));
  ASSERT_TRUE(r);
  EXPECT_EQ(count(r->additional, rrtype::A), 1u);
  EXPECT_EQ(count(r->additional, rrtype::AAAA), 1u);
}

TEST_F(AnswerTest, NameInNoZoneIsRefusedWithEde) {
  auto r = ask(query("www.other.test.", rrtype::A, true));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), rcode::REFUSED);
  EXPECT_FALSE(r->header.aa);
  ASSERT_TRUE(r->edns);
  const wire::EdnsOption* o = r->edns->find(wire::edns_option::EDE);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(wire::decode_ede(*o)->info_code, wire::ede::NotAuthoritative);
}

TEST_F(AnswerTest, TruncatesOver512WithoutEdnsAndNotOverTcp) {
  auto udp = ask(query("big.example.", rrtype::TXT));
  ASSERT_TRUE(udp);
  EXPECT_TRUE(udp->header.tc);
  EXPECT_LE(last_size_, 512u);

  auto edns = ask(query("big.example.", rrtype::TXT, true, 4096));
  ASSERT_TRUE(edns);
  EXPECT_FALSE(edns->header.tc);
  EXPECT_EQ(edns->answer.size(), 8u);

  auto tcp = ask(query("big.example.", rrtype::TXT), true);
  ASSERT_TRUE(tcp);
  EXPECT_FALSE(tcp->header.tc);
  EXPECT_EQ(tcp->answer.size(), 8u);
}

TEST_F(AnswerTest, EdnsIsAnsweredWithOurSizeAndDoEchoed) {
  auto q = query("www.example.", rrtype::A, true, 4096);
  q.edns->do_bit = true;
  auto r = ask(q);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->edns);
  EXPECT_EQ(r->edns->udp_size, 1232);
  EXPECT_TRUE(r->edns->do_bit);
}

TEST_F(AnswerTest, BadEdnsVersionGetsBadvers) {
  auto q = query("www.example.", rrtype::A, true);
  q.edns->version = 1;
  auto r = ask(q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), rcode::BADVERS);
  EXPECT_TRUE(r->answer.empty());
}

TEST_F(AnswerTest, UnknownOpcodeIsNotimp) {
  auto q = query("www.example.", rrtype::A);
  q.header.opcode = 3;
  auto r = ask(q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), rcode::NOTIMP);
  EXPECT_EQ(r->header.opcode, 3);
}

TEST_F(AnswerTest, TwoQuestionsAreFormerrAndResponsesAreDropped) {
  auto q = query("www.example.", rrtype::A);
  q.questions.push_back(q.questions[0]);
  auto r = ask(q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), rcode::FORMERR);
  EXPECT_EQ(r->header.id, 0x1234);

  auto resp = query("www.example.", rrtype::A);
  resp.header.qr = true;
  EXPECT_FALSE(ask(resp).has_value());

  wire::Bytes junk = {0x12, 0x34, 0x01};
  EXPECT_FALSE(ask(junk).has_value());
}

TEST_F(AnswerTest, TransferIsRefusedUntilXfrExists) {
  auto r = ask(query("example.", rrtype::AXFR), true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), rcode::REFUSED);
}

TEST_F(AnswerTest, DsForAChildApexComesFromTheParentWhenBothAreServed) {
  zone::ZoneFileOptions opts;
  opts.origin = Name::must("sub.example.");
  auto parsed = zone::parse_zone_file(
      "@ 3600 SOA ns.sub.example. h.sub.example. 1 2 3 4 60\n@ 3600 NS ns\nns 3600 A 192.0.2.99\n",
      opts);
  ASSERT_TRUE(parsed.ok());
  zone::ZoneBuilder b(opts.origin);
  for (auto& r : parsed.records) b.add(r.rr);
  auto child = b.build();
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  zones_ = zones_->with(child.zone);
  // Parent has no DS for sub: NODATA with the parent's SOA, AA set.
  auto r = ask(query("sub.example.", rrtype::DS));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->header.aa);
  ASSERT_EQ(r->authority.size(), 1u);
  EXPECT_EQ(r->authority[0].owner, Name::must("example."));
  // Other types at the child apex come from the child.
  auto soa = ask(query("sub.example.", rrtype::SOA));
  ASSERT_TRUE(soa);
  ASSERT_EQ(soa->answer.size(), 1u);
  EXPECT_EQ(soa->answer[0].owner, Name::must("sub.example."));
}

TEST_F(AnswerTest, NeverWritesPastTheBuffer) {
  wire::Bytes q = wire::build_message(query("big.example.", rrtype::TXT, true, 65000));
  for (size_t cap : {0u, 11u, 12u, 40u, 100u, 600u}) {
    std::vector<uint8_t> out(cap + 16, 0xAB);
    size_t n = answer_query(*zones_, q, std::span<uint8_t>(out.data(), cap), true, {});
    EXPECT_LE(n, cap);
    for (size_t i = cap; i < out.size(); ++i) ASSERT_EQ(out[i], 0xAB) << "cap " << cap;
  }
}

}  // namespace
}  // namespace gitns::auth
