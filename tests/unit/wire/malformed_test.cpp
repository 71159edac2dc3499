// The malformed-message table: each case is the exact bytes, what parse_message says
// (error code and a reason substring, or success) and what parse_query says.
#include <gtest/gtest.h>

#include "resolver/wire/message.h"
#include "tests/unit/wire/message_test_util.h"

namespace gitns::wire {
namespace {

using base::Errc;
using testing::Pkt;
using Q = QueryParseOutcome;

struct Case {
  std::string name;
  Bytes wire;
  Errc msg_code;  // Errc::ok: parse_message succeeds
  std::string msg_reason;
  Q query;
  Errc query_code;  // only checked when query != ok
  std::string query_reason;
};

Pkt hdr(uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar, uint16_t flags = 0) {
  Pkt p;
  p.header(0x4242, flags, qd, an, ns, ar);
  return p;
}

// Header with one question for example.com./A (question name at offset 12).
Pkt with_question(uint16_t an, uint16_t ns, uint16_t ar) {
  return hdr(1, an, ns, ar).question("example.com.", rrtype::A);
}

Bytes a_rr() { return Pkt().raw({0xC0, 0x0C}).rr_tail(rrtype::A, rrclass::IN, 60, {192, 0, 2, 1}).b; }
Bytes opt_rr(const Bytes& rdata = {}) { return Pkt().opt(1232, 0, rdata).b; }
Bytes tsig_rr() { return Pkt().name("key.").rr_tail(rrtype::TSIG, rrclass::ANY, 0, testing::tsig_rdata()).b; }

std::vector<Case> cases() {
  std::vector<Case> c;
  auto add = [&](std::string name, Bytes wire, Errc mc, std::string mr, Q q, Errc qc, std::string qr) {
    c.push_back({std::move(name), std::move(wire), mc, std::move(mr), q, qc, std::move(qr)});
  };
  const std::string hdr_reason = "12-byte header";
  add("empty", {}, Errc::truncated, hdr_reason, Q::drop, Errc::truncated, hdr_reason);
  add("11 bytes", Bytes(11, 0), Errc::truncated, hdr_reason, Q::drop, Errc::truncated, hdr_reason);
  add("response given to parse_query", hdr(1, 0, 0, 0, 0x8000).question("example.", rrtype::A).b,
      Errc::ok, "", Q::drop, Errc::malformed, "QR is set");
  add("QDCOUNT without a question", hdr(1, 0, 0, 0).b, Errc::truncated, "QDCOUNT is 1", Q::formerr,
      Errc::truncated, "QDCOUNT promises");
  add("question cut inside QTYPE", hdr(1, 0, 0, 0).name("example.").u8(0).b, Errc::truncated, "QTYPE",
      Q::formerr, Errc::truncated, "QTYPE");
  add("ANCOUNT promises a record", with_question(1, 0, 0).b, Errc::truncated,
      "ANCOUNT is 1 but the message ends after 0", Q::formerr, Errc::truncated, "ANCOUNT promises");
  add("NSCOUNT promises two, one present",
      with_question(0, 2, 0).raw({0xC0, 0x0C}).rr_tail(rrtype::NS, rrclass::IN, 60, {0xC0, 0x0C}).b,
      Errc::truncated, "NSCOUNT is 2 but the message ends after 1", Q::formerr, Errc::truncated,
      "NSCOUNT promises");
  add("ARCOUNT 65535 with one record", with_question(0, 0, 65535).raw(opt_rr()).b, Errc::truncated,
      "ARCOUNT is 65535", Q::formerr, Errc::truncated, "ARCOUNT promises");
  add("trailing garbage after the question", with_question(0, 0, 0).raw({1, 2, 3}).b,
      Errc::trailing_data, "3 bytes after the last record", Q::formerr, Errc::trailing_data,
      "bytes after the last record");
  add("trailing byte after the answer", with_question(1, 0, 0).raw(a_rr()).u8(0).b, Errc::trailing_data,
      "1 bytes after", Q::formerr, Errc::trailing_data, "bytes after");
  add("pointer to itself (loop)", hdr(1, 0, 0, 0).raw({0xC0, 0x0C}).u16(1).u16(1).b, Errc::bad_pointer,
      "does not point backwards", Q::formerr, Errc::bad_pointer, "does not point backwards");
  add("two-step pointer loop", hdr(1, 0, 0, 0).raw({1, 'a', 0xC0, 0x0C}).u16(1).u16(1).b,
      Errc::bad_pointer, "backwards", Q::formerr, Errc::bad_pointer, "backwards");
  add("forward pointer", hdr(1, 0, 0, 0).raw({0xC0, 0x12}).u16(1).u16(1).raw({1, 'a', 0}).b,
      Errc::bad_pointer, "backwards", Q::formerr, Errc::bad_pointer, "backwards");
  add("pointer past the end", hdr(1, 0, 0, 0).raw({0xFF, 0xFF}).u16(1).u16(1).b, Errc::bad_pointer,
      "backwards", Q::formerr, Errc::bad_pointer, "backwards");
  add("pointer in the answer owner pointing forward", with_question(1, 0, 0).raw({0xC0, 0x30}).rr_tail(rrtype::A, rrclass::IN, 0, {1, 2, 3, 4}).b,
      Errc::bad_pointer, "answer record 1", Q::formerr, Errc::bad_pointer, "backwards");
  add("pointer cut short", hdr(1, 0, 0, 0).u8(0xC0).b, Errc::truncated, "pointer cut short", Q::formerr,
      Errc::truncated, "pointer cut short");
  add("label past the end", hdr(1, 0, 0, 0).raw({5, 'a', 'b'}).b, Errc::truncated, "label runs past",
      Q::formerr, Errc::truncated, "label runs past");
  {
    Pkt p = hdr(1, 0, 0, 0);
    for (int l = 0; l < 5; ++l) {
      p.u8(63);
      for (int i = 0; i < 63; ++i) p.u8('x');
    }
    p.u8(0).u16(1).u16(1);
    add("name over 255 octets", p.b, Errc::name_too_long, "255", Q::formerr, Errc::name_too_long, "255");
  }
  {
    // Each name adds a 63-octet label before a pointer to the previous one, until the
    // expanded name is over 255 octets though every single step is legal.
    Pkt p = hdr(1, 4, 0, 0).question("a.", rrtype::A);
    size_t prev = 12;
    for (int i = 0; i < 4; ++i) {
      size_t here = p.b.size();
      p.u8(63);
      for (int k = 0; k < 63; ++k) p.u8('y');
      p.raw({uint8_t(0xC0 | prev >> 8), uint8_t(prev)}).rr_tail(rrtype::A, rrclass::IN, 0, {1, 2, 3, 4});
      prev = here;
    }
    add("compression chain expanding past 255", p.b, Errc::name_too_long, "answer record 4", Q::formerr,
        Errc::name_too_long, "255");
  }
  add("extended label type 0x40", hdr(1, 0, 0, 0).raw({0x41, 'a', 0}).u16(1).u16(1).b, Errc::malformed,
      "unsupported label type", Q::formerr, Errc::malformed, "unsupported label type");
  add("record header cut short", with_question(1, 0, 0).raw({0xC0, 0x0C, 0, 1, 0}).b, Errc::truncated,
      "TYPE/CLASS/TTL/RDLENGTH", Q::formerr, Errc::truncated, "TYPE/CLASS/TTL/RDLENGTH");
  add("RDLENGTH past the end",
      with_question(1, 0, 0).raw({0xC0, 0x0C}).u16(rrtype::A).u16(1).u32(0).u16(4).raw({1, 2}).b,
      Errc::truncated, "RDLENGTH 4 runs past the end", Q::formerr, Errc::truncated, "RDLENGTH 4");
  // parse_query skips rdata it does not need, so rdata layout errors are parse_message's.
  add("A rdata of 5 bytes", with_question(1, 0, 0).raw({0xC0, 0x0C}).rr_tail(rrtype::A, 1, 0, {1, 2, 3, 4, 5}).b,
      Errc::bad_rdata, "answer record 1", Q::ok, Errc::ok, "");
  {
    Bytes rd = testing::name_wire("ns.example.");
    rd.push_back(0xAB);
    rd.push_back(0xCD);
    add("NS rdata longer than its name", with_question(0, 1, 0).raw({0xC0, 0x0C}).rr_tail(rrtype::NS, 1, 0, rd).b,
        Errc::bad_rdata, "authority record 1", Q::ok, Errc::ok, "");
  }
  {
    // MX whose RDLENGTH (6) ends inside the exchange name (2 + 12 bytes).
    Pkt p = with_question(1, 0, 0).raw({0xC0, 0x0C}).u16(rrtype::MX).u16(1).u32(0).u16(6).u16(10).name("mx.example.");
    add("MX RDLENGTH shorter than its name", p.b, Errc::bad_rdata, "answer record 1", Q::formerr,
        Errc::trailing_data, "bytes after");
  }
  add("two OPT records", with_question(0, 0, 2).raw(opt_rr()).raw(opt_rr()).b, Errc::malformed,
      "more than one OPT", Q::formerr, Errc::malformed, "more than one OPT");
  add("OPT owner not the root", with_question(0, 0, 1).name("x.").rr_tail(rrtype::OPT, 1232, 0, {}).b,
      Errc::malformed, "owner must be the root", Q::formerr, Errc::malformed, "owner must be the root");
  add("OPT in the answer section", with_question(1, 0, 0).raw(opt_rr()).b, Errc::malformed,
      "outside the additional section", Q::formerr, Errc::malformed, "outside the additional section");
  add("OPT in the authority section", with_question(0, 1, 0).raw(opt_rr()).b, Errc::malformed,
      "outside the additional section", Q::formerr, Errc::malformed, "outside the additional section");
  add("TSIG before OPT", with_question(0, 0, 2).raw(tsig_rr()).raw(opt_rr()).b, Errc::malformed,
      "TSIG record must be the last", Q::formerr, Errc::malformed, "TSIG record must be the last");
  add("TSIG in the answer section", with_question(1, 0, 0).raw(tsig_rr()).b, Errc::malformed,
      "TSIG record must be the last", Q::formerr, Errc::malformed, "TSIG record must be the last");
  add("EDNS option length past the OPT rdata",
      with_question(0, 0, 1).raw(opt_rr(Pkt().u16(3).u16(9).raw({1, 2}).b)).b, Errc::malformed,
      "runs past the end of the OPT rdata", Q::formerr, Errc::malformed, "runs past the end of the OPT rdata");
  add("EDNS option header cut short", with_question(0, 0, 1).raw(opt_rr({0, 3, 0})).b, Errc::malformed,
      "header cut short", Q::formerr, Errc::malformed, "header cut short");
  add("COOKIE of 12 bytes", with_question(0, 0, 1).raw(opt_rr(Pkt().u16(10).u16(12).raw(Bytes(12, 1)).b)).b,
      Errc::malformed, "COOKIE option length", Q::formerr, Errc::malformed, "COOKIE option length");
  add("CLIENT_SUBNET address longer than its prefix",
      with_question(0, 0, 1).raw(opt_rr(Pkt().u16(8).u16(8).raw({0, 1, 8, 0, 10, 0, 0, 1}).b)).b,
      Errc::malformed, "CLIENT_SUBNET", Q::formerr, Errc::malformed, "CLIENT_SUBNET");
  add("QDCOUNT 2", hdr(2, 0, 0, 0).question("a.", rrtype::A).question("b.", rrtype::A).b, Errc::ok, "",
      Q::formerr, Errc::malformed, "exactly one question");
  add("QDCOUNT 0 with OPT (cookie-only query)", hdr(0, 0, 0, 1).raw(opt_rr()).b, Errc::ok, "", Q::formerr,
      Errc::malformed, "exactly one question");
  add("valid query with OPT and TSIG", with_question(0, 0, 2).raw(opt_rr()).raw(tsig_rr()).b, Errc::ok, "",
      Q::ok, Errc::ok, "");
  return c;
}

TEST(Malformed, TableHasEnoughCases) { EXPECT_GE(cases().size(), 20u); }

TEST(Malformed, ParseMessage) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    auto m = parse_message(c.wire);
    if (c.msg_code == Errc::ok) {
      EXPECT_TRUE(m.ok()) << m.error().to_string();
      continue;
    }
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, c.msg_code) << m.error().to_string();
    EXPECT_NE(m.error().message.find(c.msg_reason), std::string::npos)
        << "reason '" << m.error().message << "' lacks '" << c.msg_reason << "'";
  }
}

TEST(Malformed, ParseQuery) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    QueryView v;
    base::Error why;
    Q got = parse_query(c.wire, v, &why);
    EXPECT_EQ(int(got), int(c.query)) << why.to_string();
    if (c.query == Q::ok) continue;
    EXPECT_EQ(why.code, c.query_code) << why.to_string();
    EXPECT_NE(why.message.find(c.query_reason), std::string::npos)
        << "reason '" << why.message << "' lacks '" << c.query_reason << "'";
    if (c.query == Q::formerr) {
      EXPECT_EQ(v.header.id, 0x4242) << "FORMERR must be able to echo the id";
    }
  }
}

// Every prefix of a valid message is rejected cleanly by both parsers.
TEST(Malformed, EveryTruncationIsRejected) {
  Pkt p = with_question(1, 0, 2).raw(a_rr()).raw(opt_rr(Pkt().u16(10).u16(8).raw(Bytes(8, 7)).b)).raw(tsig_rr());
  ASSERT_TRUE(parse_message(p.b).ok());
  for (size_t n = 0; n < p.b.size(); ++n) {
    std::span<const uint8_t> prefix(p.b.data(), n);
    EXPECT_FALSE(parse_message(prefix).ok()) << n;
    QueryView v;
    EXPECT_NE(parse_query(prefix, v), Q::ok) << n;
  }
}

}  // namespace
}  // namespace gitns::wire
