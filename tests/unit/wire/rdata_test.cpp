#include "resolver/wire/rdata.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "resolver/wire/encoding.h"

namespace gitns::wire {
namespace {

using base::Errc;

const Name kOrigin = Name::must("example.com.");

Bytes hex(std::string_view h) {
  std::string clean;
  for (char c : h) {
    if (c != ' ') clean += c;
  }
  auto b = hex_decode(clean);
  EXPECT_TRUE(b.ok()) << h;
  return b.ok() ? *b : Bytes{};
}

Rdata parse(uint16_t type, std::string_view text) {
  auto r = rdata_from_text(type, text, kOrigin);
  EXPECT_TRUE(r.ok()) << type_to_text(type) << " " << text << ": " << r.error().to_string();
  return r.ok() ? *r : Rdata{};
}

std::string parse_error(uint16_t type, std::string_view text) {
  auto r = rdata_from_text(type, text, kOrigin);
  EXPECT_FALSE(r.ok()) << type_to_text(type) << " " << text << " parsed as "
                       << rdata_to_text(type, *r);
  return r.ok() ? "" : r.error().message;
}

base::Result<Rdata> from_wire(uint16_t type, const Bytes& rd) {
  WireReader r(rd);
  return rdata_from_wire(type, r, rd.size());
}

// ---------------------------------------------------------------------------------
// Golden round trips: tests/golden/rdata/cases.tsv, wire bytes from dnspython.

struct GoldenCase {
  std::string type, in, out;
  Bytes wire;
  int line;
};

std::vector<GoldenCase> load_cases() {
  auto path = std::filesystem::path(__FILE__).parent_path() / "../../golden/rdata/cases.tsv";
  std::ifstream f(path);
  EXPECT_TRUE(f.good()) << "cannot open " << path;
  std::vector<GoldenCase> cases;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() == 3) cols.emplace_back();  // empty wire (\# 0)
    EXPECT_EQ(cols.size(), 4u) << "cases.tsv line " << n;
    if (cols.size() != 4) continue;
    cases.push_back({cols[0], cols[1], cols[2] == "=" ? cols[1] : cols[2], hex(cols[3]), n});
  }
  return cases;
}

TEST(RdataGolden, PresentationWirePresentation) {
  auto cases = load_cases();
  ASSERT_GT(cases.size(), 50u);
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE("cases.tsv line " + std::to_string(c.line) + ": " + c.type + " " + c.in);
    auto type = type_from_text(c.type);
    ASSERT_TRUE(type.ok());
    Rdata rd = parse(*type, c.in);
    EXPECT_EQ(hex_encode(rd.bytes), hex_encode(c.wire));
    EXPECT_TRUE(rdata_check(*type, rd.bytes).ok());
    EXPECT_EQ(rdata_to_text(*type, rd), c.out);
    // The printed form parses back to the same wire.
    EXPECT_EQ(parse(*type, c.out), rd);
    // Wire -> Rdata gives the same bytes.
    auto w = from_wire(*type, c.wire);
    ASSERT_TRUE(w.ok()) << w.error().to_string();
    EXPECT_EQ(*w, rd);
    // RFC 3597 generic syntax is accepted for every type.
    std::string generic = "\\# " + std::to_string(c.wire.size()) + " " + hex_encode(c.wire);
    EXPECT_EQ(parse(*type, generic), rd);
  }
}

// Mutated golden rdata: never a crash, and whatever passes the type check prints to
// text that parses back to the same bytes (escaping, bitmaps, SvcParams, ...).
TEST(RdataGolden, MutationsRoundTripOrFailCleanly) {
  uint32_t seed = 12345;
  auto rnd = [&seed] {
    seed = seed * 1103515245 + 12345;
    return (seed >> 16) & 0x7fff;
  };
  size_t accepted = 0, rejected = 0;
  for (const GoldenCase& c : load_cases()) {
    auto type = type_from_text(c.type);
    ASSERT_TRUE(type.ok());
    for (int i = 0; i < 500; ++i) {
      Bytes m = c.wire;
      switch (rnd() % 4) {
        case 0: if (!m.empty()) m[rnd() % m.size()] = static_cast<uint8_t>(rnd()); break;
        case 1: if (!m.empty()) m.resize(rnd() % m.size()); break;
        case 2: m.push_back(static_cast<uint8_t>(rnd())); break;
        default:
          if (!m.empty()) m[rnd() % m.size()] ^= static_cast<uint8_t>(1u << (rnd() % 8));
      }
      auto w = from_wire(*type, m);
      EXPECT_EQ(w.ok(), rdata_check(*type, m).ok()) << c.type << " " << hex_encode(m);
      if (!w.ok()) {
        ++rejected;
        EXPECT_FALSE(w.error().message.empty());
        continue;
      }
      ++accepted;
      std::string text = rdata_to_text(*type, *w);
      auto back = rdata_from_text(*type, text, kOrigin);
      ASSERT_TRUE(back.ok()) << c.type << " " << hex_encode(m) << " -> " << text << ": "
                             << back.error().to_string();
      EXPECT_EQ(hex_encode(back->bytes), hex_encode(m)) << c.type << " " << text;
    }
  }
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(rejected, 1000u);
}

TEST(RdataGolden, EveryTableTypeHasACase) {
  std::set<std::string> covered;
  for (const GoldenCase& c : load_cases()) covered.insert(c.type);
  for (uint16_t t = 0; t < 300; ++t) {
    if (type_info(t)) {
      EXPECT_TRUE(covered.count(type_to_text(t))) << type_to_text(t);
    }
  }
}

// ---------------------------------------------------------------------------------
// Known wire bytes typed in from the RFCs.

TEST(RdataRfc, Rfc9460AppendixD) {
  struct Case { const char* text; const char* wire; };
  for (Case c : std::initializer_list<Case>{
           {"0 foo.example.com.", "0000 03666f6f076578616d706c6503636f6d00"},
           {"1 .", "0001 00"},
           {"16 foo.example.com. port=53", "0010 03666f6f076578616d706c6503636f6d00 0003 0002 0035"},
           {"1 foo.example.com. key667=hello", "0001 03666f6f076578616d706c6503636f6d00 029b 0005 68656c6c6f"},
           {"1 foo.example.com. key667=\"hello\\210qoo\"",
            "0001 03666f6f076578616d706c6503636f6d00 029b 0009 68656c6c6fd2716f6f"},
           {"1 foo.example.com. ipv6hint=\"2001:db8::1,2001:db8::53:1\"",
            "0001 03666f6f076578616d706c6503636f6d00 0006 0020 20010db8000000000000000000000001 "
            "20010db8000000000000000000530001"},
           {"1 example.com. ipv6hint=\"2001:db8:ffff:ffff:ffff:ffff:198.51.100.100\"",
            "0001 076578616d706c6503636f6d00 0006 0010 20010db8ffffffffffffffffc6336464"},
           {"16 foo.example.org. (alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1)",
            "0010 03666f6f076578616d706c65036f726700 0000 0004 00010004 0001 0009 02683205 68332d3139 "
            "0004 0004 c0000201"},
           {"16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
            "0010 03666f6f076578616d706c65036f726700 0001 000c 08665c6f6f2c626172026832"},
       }) {
    std::string text = c.text;
    // The RFC writes D.2's mixed example in parentheses; the zone parser strips those.
    for (char& ch : text) {
      if (ch == '(' || ch == ')') ch = ' ';
    }
    EXPECT_EQ(hex_encode(parse(rrtype::SVCB, text).bytes), hex_encode(hex(c.wire))) << c.text;
    EXPECT_TRUE(rdata_check(rrtype::SVCB, hex(c.wire)).ok()) << c.text;
  }
}

TEST(RdataRfc, Rfc9460FailureCases) {
  for (const char* text : {"1 foo.example.com. key123=abc key123=def",
                           "1 foo.example.com. mandatory", "1 foo.example.com. alpn",
                           "1 foo.example.com. port", "1 foo.example.com. ipv4hint",
                           "1 foo.example.com. ipv6hint", "1 foo.example.com. no-default-alpn=abc",
                           "1 foo.example.com. mandatory=key123",
                           "1 foo.example.com. mandatory=mandatory",
                           "1 foo.example.com. mandatory=key123,key123 key123=abc",
                           "1 foo.example.com. key65535=x", "1 foo.example.com. bogus=1",
                           "1 foo.example.com. port=65536", "1 foo.example.com. ipv4hint=1.2.3",
                           "1 foo.example.com. alpn=h2,,h3", "1 foo.example.com. ech=%%%"}) {
    std::string msg = parse_error(rrtype::SVCB, text);
    EXPECT_NE(msg.find("SVCB params"), std::string::npos) << text << ": " << msg;
  }
}

TEST(RdataRfc, Rfc4034NsecWire) {
  // RFC 4034 section 4.3.
  Bytes wire = hex(
      "04686f7374076578616d706c6503636f6d00"
      "0006400100000003 041b" + std::string(52, '0') + "20");
  EXPECT_EQ(parse(rrtype::NSEC, "host.example.com. A MX RRSIG NSEC TYPE1234").bytes, wire);
  EXPECT_EQ(rdata_to_text(rrtype::NSEC, Rdata{wire}), "host.example.com. A MX RRSIG NSEC TYPE1234");
}

TEST(RdataRfc, Rfc4034RrsigTimes) {
  // RFC 4034 section 3.3: 20030322173103 is 1048354263.
  Rdata rd = parse(rrtype::RRSIG, "A 5 3 86400 20030322173103 1048354263 2642 example.com. AAAA");
  EXPECT_EQ(hex_encode(std::span(rd.bytes).subspan(8, 8)), "3E7C9DD73E7C9DD7");
  EXPECT_EQ(rdata_to_text(rrtype::RRSIG, rd),
            "A 5 3 86400 20030322173103 20030322173103 2642 example.com. AAAA");
  // Times past 2106 wrap modulo 2^32 (serial arithmetic).
  Rdata wrap = parse(rrtype::RRSIG, "A 5 3 0 21060207062816 0 1 . AAAA");
  EXPECT_EQ(hex_encode(std::span(wrap.bytes).subspan(8, 4)), "00000000");
}

// ---------------------------------------------------------------------------------
// RFC 3597.

TEST(Rdata3597, UnknownTypes) {
  EXPECT_EQ(type_to_text(65280), "TYPE65280");
  EXPECT_EQ(*type_from_text("type65280"), 65280);
  EXPECT_EQ(*type_from_text("TYPE1"), rrtype::A);
  EXPECT_EQ(*type_from_text("aaaa"), rrtype::AAAA);
  EXPECT_FALSE(type_from_text("TYPE65536").ok());
  EXPECT_FALSE(type_from_text("TYPE").ok());
  EXPECT_FALSE(type_from_text("BOGUS").ok());
  EXPECT_EQ(type_info(65280), nullptr);
  Rdata rd = parse(65280, "\\# 3 abcdef");
  EXPECT_EQ(rd.bytes, hex("abcdef"));
  EXPECT_EQ(rdata_to_text(65280, rd), "\\# 3 ABCDEF");
  EXPECT_EQ(parse(65280, "\\# 3 ab cd ef"), rd);
  EXPECT_EQ(rdata_to_text(65280, parse(65280, "\\# 0")), "\\# 0");
  EXPECT_TRUE(from_wire(65280, hex("0001")).ok());
  std::string msg = parse_error(65280, "abcdef");
  EXPECT_NE(msg.find("\\#"), std::string::npos) << msg;
}

TEST(Rdata3597, GenericFormForKnownTypes) {
  EXPECT_EQ(rdata_to_text(rrtype::A, parse(rrtype::A, "\\# 4 c0000201")), "192.0.2.1");
  EXPECT_NE(parse_error(rrtype::A, "\\# 3 c00002").find("does not fit"), std::string::npos);
  EXPECT_NE(parse_error(rrtype::A, "\\# 4 c00002").find("length says 4"), std::string::npos);
  EXPECT_NE(parse_error(rrtype::A, "\\# x").find("expected a length"), std::string::npos);
  parse_error(rrtype::MX, "\\# 0");
  parse_error(rrtype::TXT, "\\# 0");  // TXT needs at least one string
}

TEST(Rdata3597, MetaAndClassMnemonics) {
  EXPECT_EQ(type_to_text(rrtype::OPT), "OPT");
  EXPECT_EQ(type_to_text(rrtype::TSIG), "TSIG");
  EXPECT_EQ(*type_from_text("tsig"), rrtype::TSIG);
  EXPECT_EQ(*type_from_text("AXFR"), rrtype::AXFR);
  EXPECT_TRUE(is_meta_type(rrtype::OPT));
  EXPECT_TRUE(is_meta_type(rrtype::TSIG));
  EXPECT_TRUE(is_meta_type(rrtype::ANY));
  EXPECT_FALSE(is_meta_type(rrtype::A));
  EXPECT_FALSE(is_meta_type(rrtype::CAA));
  EXPECT_EQ(class_to_text(rrclass::IN), "IN");
  EXPECT_EQ(class_to_text(7), "CLASS7");
  EXPECT_EQ(*class_from_text("ch"), rrclass::CH);
  EXPECT_EQ(*class_from_text("CLASS7"), 7);
  EXPECT_FALSE(class_from_text("CLASS70000").ok());
  EXPECT_FALSE(class_from_text("XX").ok());
  // OPT and TSIG rdata are carried generically.
  Bytes opt = hex("000a000401020304");
  EXPECT_EQ(from_wire(rrtype::OPT, opt)->bytes, opt);
  EXPECT_EQ(rdata_to_text(rrtype::OPT, Rdata{opt}), "\\# 8 000A000401020304");
}

// ---------------------------------------------------------------------------------
// Compression inside rdata.

// A message whose rdata points back at "example.com." at offset 12 and at
// "mail.example.com." at offset 25.
Bytes crafted_message(const Bytes& rdata) {
  Bytes m = hex("000000000000000000000000");           // header
  Bytes names = hex("076578616d706c6503636f6d00"      // 12: example.com.
                    "046d61696cc00c");                 // 25: mail.example.com.
  m.insert(m.end(), names.begin(), names.end());
  m.insert(m.end(), rdata.begin(), rdata.end());
  return m;
}

base::Result<Rdata> read_rdata_in_message(uint16_t type, const Bytes& rdata, size_t* end = nullptr) {
  Bytes m = crafted_message(rdata);
  WireReader r(m);
  r.seek(m.size() - rdata.size());
  auto rd = rdata_from_wire(type, r, rdata.size());
  if (end) *end = r.position() == m.size() ? 1 : 0;
  return rd;
}

TEST(RdataCompression, DecompressesRfc1035Types) {
  size_t at_end = 0;
  auto mx = read_rdata_in_message(rrtype::MX, hex("000a c019"), &at_end);
  ASSERT_TRUE(mx.ok()) << mx.error().to_string();
  EXPECT_EQ(rdata_to_text(rrtype::MX, *mx), "10 mail.example.com.");
  EXPECT_EQ(at_end, 1u);  // the reader continues after the rdata
  auto ns = read_rdata_in_message(rrtype::NS, hex("036e7331c00c"));
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(rdata_to_text(rrtype::NS, *ns), "ns1.example.com.");
  auto soa = read_rdata_in_message(rrtype::SOA, hex("c019 04686f7374c00c 00000001 00000002 00000003 00000004 00000005"));
  ASSERT_TRUE(soa.ok()) << soa.error().to_string();
  EXPECT_EQ(rdata_to_text(rrtype::SOA, *soa), "mail.example.com. host.example.com. 1 2 3 4 5");
  // RFC 3597 section 4: SRV and NAPTR SHOULD be decompressed too.
  auto srv = read_rdata_in_message(rrtype::SRV, hex("0001 0002 0003 c00c"));
  ASSERT_TRUE(srv.ok());
  EXPECT_EQ(rdata_to_text(rrtype::SRV, *srv), "1 2 3 example.com.");
}

TEST(RdataCompression, RejectedWhereNotAllowed) {
  EXPECT_FALSE(read_rdata_in_message(rrtype::DNAME, hex("c00c")).ok());
  EXPECT_FALSE(read_rdata_in_message(rrtype::SVCB, hex("0001 c00c")).ok());
  EXPECT_FALSE(read_rdata_in_message(rrtype::NSEC, hex("c00c 000140")).ok());
  EXPECT_FALSE(read_rdata_in_message(rrtype::RRSIG,
                                     hex("0001 05 02 00000e10 00000001 00000000 0001 c00c 00")).ok());
  // A pointer forward or into the rdata itself is refused by the name reader.
  EXPECT_FALSE(read_rdata_in_message(rrtype::MX, hex("000a c028")).ok());
  // A compressed name that leaves bytes after it inside the rdata.
  EXPECT_FALSE(read_rdata_in_message(rrtype::NS, hex("c00c 00")).ok());
  // rdata_check never accepts pointers.
  EXPECT_FALSE(rdata_check(rrtype::MX, hex("000a c00c")).ok());
}

TEST(RdataCompression, NamesAndCompressFlags) {
  Rdata soa = parse(rrtype::SOA, "ns1 host 1 2 3 4 5");
  RdataName names[4];
  ASSERT_EQ(rdata_names(rrtype::SOA, soa.bytes, names), 2u);
  EXPECT_EQ(names[0].offset, 0);
  EXPECT_EQ(names[0].size, 17);
  EXPECT_TRUE(names[0].compress);
  EXPECT_EQ(names[1].offset, 17);
  EXPECT_EQ(names[1].size, 18);
  EXPECT_EQ(rdata_names(rrtype::SOA, soa.bytes, std::span(names, 1)), 1u);
  Rdata srv = parse(rrtype::SRV, "1 2 3 sip");
  ASSERT_EQ(rdata_names(rrtype::SRV, srv.bytes, names), 1u);
  EXPECT_EQ(names[0].offset, 6);
  EXPECT_FALSE(names[0].compress);
  Rdata rrsig = parse(rrtype::RRSIG, "A 5 3 60 1 0 7 signer AAAA");
  ASSERT_EQ(rdata_names(rrtype::RRSIG, rrsig.bytes, names), 1u);
  EXPECT_EQ(names[0].offset, 18);
  EXPECT_FALSE(names[0].compress);
  EXPECT_EQ(rdata_names(rrtype::A, parse(rrtype::A, "1.2.3.4").bytes, names), 0u);
  EXPECT_EQ(rdata_names(65280, hex("00"), names), 0u);
}

// ---------------------------------------------------------------------------------
// Malformed wire rdata.

TEST(RdataWire, MalformedRejected) {
  struct Case { uint16_t type; const char* wire; const char* why; };
  for (Case c : std::initializer_list<Case>{
           {rrtype::A, "c00002", "short A"},
           {rrtype::A, "c000020101", "long A"},
           {rrtype::AAAA, "20010db8", "short AAAA"},
           {rrtype::A, "", "empty A"},
           {rrtype::MX, "000a", "MX without exchange"},
           {rrtype::MX, "000a 00 00", "bytes after MX"},
           {rrtype::NS, "036e73", "name without its end"},
           {rrtype::TXT, "", "empty TXT"},
           {rrtype::TXT, "05 6162", "TXT string overrun"},
           {rrtype::TXT, "02 6162 03 61", "second TXT string overrun"},
           {rrtype::HINFO, "02 5043", "HINFO missing os"},
           {rrtype::NSEC, "00 0001 40 0000 01 40", "bitmap windows out of order"},
           {rrtype::NSEC, "00 0001 40 0001 40", "bitmap window repeated"},
           {rrtype::NSEC, "00 0000", "bitmap window of length 0"},
           {rrtype::NSEC, "00 0002 4000", "bitmap window with trailing zero"},
           {rrtype::NSEC, "00 0021" "40000000000000000000000000000000000000000000000000000000000000000001", "window over 32"},
           {rrtype::NSEC, "00 0003 40", "window runs past"},
           {rrtype::NSEC3, "01 00 0000 00 00", "empty next hashed owner"},
           {rrtype::NSEC3, "01 00 0000 05 aabb", "salt overrun"},
           {rrtype::SVCB, "0001 00 0003 0002 0035 0001 0003 026832", "SVCB keys out of order"},
           {rrtype::SVCB, "0001 00 0003 0002 0035 0003 0002 0035", "SVCB duplicate key"},
           {rrtype::SVCB, "0001 00 0003 0003 003500", "SVCB port of 3 octets"},
           {rrtype::SVCB, "0001 00 0003 0004 0035", "SVCB value overrun"},
           {rrtype::SVCB, "0001 00 0000 0002 0000", "mandatory lists itself"},
           {rrtype::SVCB, "0001 00 0000 0002 0003", "mandatory key missing"},
           {rrtype::SVCB, "0001 00 0001 0003 03 6832", "alpn id overrun"},
           {rrtype::SVCB, "0001 00 0002 0001 00", "no-default-alpn with a value"},
           {rrtype::SVCB, "0001 00 0004 0003 c00002", "ipv4hint not a multiple of 4"},
           {rrtype::SVCB, "0001 00 ffff 0000", "key 65535"},
           {rrtype::SVCB, "0001 00 0003 00", "SvcParam header cut short"},
           {rrtype::CAA, "00 00", "CAA empty tag"},
           {rrtype::CAA, "00 03 69 2d 73", "CAA tag not alphanumeric"},
           {rrtype::DS, "ec45 05 01", "DS without digest"},
           {rrtype::DNSKEY, "0100 03 05", "DNSKEY without key"},
           {rrtype::SOA, "00 00 00000001 00000002 00000003 00000004", "SOA missing minimum"},
       }) {
    Bytes wire = hex(c.wire);
    auto r = from_wire(c.type, wire);
    EXPECT_FALSE(r.ok()) << c.why;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, Errc::bad_rdata) << c.why << ": " << r.error().to_string();
    }
    EXPECT_FALSE(rdata_check(c.type, wire).ok()) << c.why;
    // It still prints, in the generic form that preserves the bytes.
    EXPECT_EQ(rdata_to_text(c.type, Rdata{wire}).substr(0, 2), "\\#") << c.why;
  }
}

TEST(RdataWire, RdlengthPastTheMessage) {
  Bytes m = hex("c0000201");
  WireReader r(m);
  auto rd = rdata_from_wire(rrtype::A, r, 8);
  ASSERT_FALSE(rd.ok());
  EXPECT_EQ(rd.error().code, Errc::truncated);
}

TEST(RdataWire, ErrorNamesTheField) {
  auto r = from_wire(rrtype::MX, hex("00"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("MX preference"), std::string::npos) << r.error().message;
}

// ---------------------------------------------------------------------------------
// Bad presentation text.

TEST(RdataText, ErrorsNameFieldAndExpectation) {
  EXPECT_EQ(parse_error(rrtype::MX, "x mail"), "MX preference: expected a number 0-65535, got 'x'");
  EXPECT_EQ(parse_error(rrtype::MX, "10"), "MX exchange: expected a domain name, got end of rdata");
  struct Case { uint16_t type; const char* text; const char* needle; };
  for (Case c : std::initializer_list<Case>{
           {rrtype::A, "01.2.3.4", "A address: expected an IPv4 address, got '01.2.3.4'"},
           {rrtype::A, "1.2.3", "A address"},
           {rrtype::A, "256.1.1.1", "A address"},
           {rrtype::A, "", "got end of rdata"},
           {rrtype::A, "1.2.3.4 5.6.7.8", "unexpected '5.6.7.8'"},
           {rrtype::AAAA, "2001:db8::g", "AAAA address"},
           {rrtype::MX, "65536 mail", "0-65535"},
           {rrtype::MX, "-1 mail", "MX preference"},
           {rrtype::MX, "10 a..b", "MX exchange"},
           {rrtype::SOA, "ns host 1 1h30 2 3 4", "SOA refresh: expected a TTL"},
           {rrtype::SOA, "ns host 4294967296 1 2 3 4", "SOA serial"},
           {rrtype::SOA, "ns host 1 2 3 4", "SOA minimum"},
           {rrtype::SRV, "1 2 port target", "SRV port"},
           {rrtype::CAA, "0 is-sue \"x\"", "CAA tag"},
           {rrtype::CAA, "256 issue \"x\"", "CAA flags: expected a number 0-255"},
           {rrtype::DS, "1 2 3 abc", "DS digest: expected hex data"},
           {rrtype::DS, "1 2 3", "DS digest"},
           {rrtype::DNSKEY, "256 3 NOTANALG AAAA", "DNSKEY algorithm"},
           {rrtype::DNSKEY, "256 3 13 AAA", "DNSKEY public key: expected base64"},
           {rrtype::SSHFP, "ED25519 1 abcd", "SSHFP key algorithm"},
           {rrtype::RRSIG, "A 5 3 60 20030230000000 0 1 . AAAA", "RRSIG expiration"},
           {rrtype::RRSIG, "BOGUS 5 3 60 0 0 1 . AAAA", "RRSIG type covered"},
           {rrtype::NSEC, "next. A BOGUS", "NSEC type bitmap: expected RR type mnemonics, got 'BOGUS'"},
           {rrtype::NSEC3, "1 0 0 abc 2T7B4G4V", "NSEC3 salt"},
           {rrtype::NSEC3, "1 0 0 - 2T7B4G4W", "NSEC3 next hashed owner"},
           {rrtype::NSEC3PARAM, "1 0 70000 -", "NSEC3PARAM iterations"},
           {rrtype::TLSA, "3 1 1", "TLSA certificate data"},
           {rrtype::HINFO, "\"PC\"", "HINFO os"},
           {rrtype::TXT, "\"unterminated", "unterminated"},
           {rrtype::TXT, "\"bad\\2\"", "TXT text"},
       }) {
    std::string msg = parse_error(c.type, c.text);
    EXPECT_NE(msg.find(c.needle), std::string::npos) << c.text << " -> " << msg;
  }
}

TEST(RdataText, TxtStringLimit) {
  std::string s255(255, 'a'), s256(256, 'a');
  EXPECT_EQ(parse(rrtype::TXT, "\"" + s255 + "\"").bytes.size(), 256u);
  std::string msg = parse_error(rrtype::TXT, "\"" + s256 + "\"");
  EXPECT_NE(msg.find("256 octets"), std::string::npos) << msg;
  // Escapes count as the octet they stand for.
  std::string escaped;
  for (int i = 0; i < 255; ++i) escaped += "\\255";
  EXPECT_EQ(parse(rrtype::TXT, escaped).bytes.size(), 256u);
}

TEST(RdataText, TokenizerKeepsEscapesAndQuotes) {
  auto t = tokenize_rdata("a\\ b \"c d\\\"\" alpn=\"h2,h3\" \"\"");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 4u);
  EXPECT_EQ((*t)[0].text, "a\\ b");
  EXPECT_FALSE((*t)[0].quoted);
  EXPECT_EQ((*t)[1].text, "c d\\\"");
  EXPECT_TRUE((*t)[1].quoted);
  EXPECT_EQ((*t)[2].text, "alpn=h2,h3");
  EXPECT_EQ((*t)[3].text, "");
  EXPECT_TRUE((*t)[3].quoted);
  // A zone parser may hand over `alpn=` and a quoted token separately.
  std::vector<TextToken> toks = {{"1", false}, {".", false}, {"alpn=", false}, {"h2,h3", true}};
  auto rd = rdata_from_text(rrtype::HTTPS, toks, kOrigin);
  ASSERT_TRUE(rd.ok()) << rd.error().to_string();
  EXPECT_EQ(rdata_to_text(rrtype::HTTPS, *rd), "1 . alpn=\"h2,h3\"");
}

TEST(RdataText, TtlUnits) {
  Rdata soa = parse(rrtype::SOA, "ns host 1 1w2d3h4m5s 60S 1H 2D");
  EXPECT_EQ(rdata_to_text(rrtype::SOA, soa),
            "ns.example.com. host.example.com. 1 788645 60 3600 172800");
}

// ---------------------------------------------------------------------------------
// Origin-relative output, targets, canonical form.

TEST(RdataNames, RelativeToOrigin) {
  Rdata mx = parse(rrtype::MX, "10 mail");
  EXPECT_EQ(rdata_to_text(rrtype::MX, mx, &kOrigin), "10 mail");
  EXPECT_EQ(rdata_to_text(rrtype::MX, mx), "10 mail.example.com.");
  EXPECT_EQ(rdata_to_text(rrtype::NS, parse(rrtype::NS, "@"), &kOrigin), "@");
  EXPECT_EQ(rdata_to_text(rrtype::NS, parse(rrtype::NS, "ns.other.net."), &kOrigin), "ns.other.net.");
}

TEST(RdataNames, AdditionalSectionTargets) {
  Name out;
  ASSERT_TRUE(rdata_target(rrtype::NS, parse(rrtype::NS, "ns1").bytes, out));
  EXPECT_EQ(out.to_text(), "ns1.example.com.");
  ASSERT_TRUE(rdata_target(rrtype::MX, parse(rrtype::MX, "10 Mail").bytes, out));
  EXPECT_TRUE(out.equals_exact(Name::must("Mail.example.com.")));
  ASSERT_TRUE(rdata_target(rrtype::SRV, parse(rrtype::SRV, "1 2 3 sip").bytes, out));
  EXPECT_EQ(out.to_text(), "sip.example.com.");
  ASSERT_TRUE(rdata_target(rrtype::HTTPS, parse(rrtype::HTTPS, "1 svc alpn=h2").bytes, out));
  EXPECT_EQ(out.to_text(), "svc.example.com.");
  ASSERT_TRUE(rdata_target(rrtype::SVCB, parse(rrtype::SVCB, "0 alias").bytes, out));
  EXPECT_FALSE(rdata_target(rrtype::SVCB, parse(rrtype::SVCB, "1 .").bytes, out));
  EXPECT_FALSE(rdata_target(rrtype::CNAME, parse(rrtype::CNAME, "x").bytes, out));
  EXPECT_FALSE(rdata_target(rrtype::A, parse(rrtype::A, "1.2.3.4").bytes, out));
  EXPECT_FALSE(rdata_target(65280, hex("00"), out));
  EXPECT_FALSE(rdata_target(rrtype::MX, hex("000a"), out));  // malformed
}

TEST(RdataCanonical, LowercasesRfc4034Types) {
  struct Case { uint16_t type; const char* in; const char* canonical; };
  for (Case c : std::initializer_list<Case>{
           {rrtype::NS, "NS1.Example.COM.", "ns1.example.com."},
           {rrtype::CNAME, "WWW.X.", "www.x."},
           {rrtype::DNAME, "Other.NET.", "other.net."},
           {rrtype::PTR, "Host.X.", "host.x."},
           {rrtype::MX, "10 MAIL.X.", "10 mail.x."},
           {rrtype::SOA, "NS.X. Host.X. 1 2 3 4 5", "ns.x. host.x. 1 2 3 4 5"},
           {rrtype::SRV, "1 2 3 SIP.X.", "1 2 3 sip.x."},
           {rrtype::NAPTR, "1 2 \"S\" \"SIP\" \"\" SIP.X.", "1 2 \"S\" \"SIP\" \"\" sip.x."},
           {rrtype::RRSIG, "A 5 3 60 20030322173103 20030322173103 1 Example.COM. AAAA",
            "A 5 3 60 20030322173103 20030322173103 1 example.com. AAAA"},
           // RFC 6840 5.1: NSEC next names keep their case; newer types are never lowered.
           {rrtype::NSEC, "Next.X. A", "Next.X. A"},
           {rrtype::SVCB, "1 Svc.X.", "1 Svc.X."},
           // Only names: text stays as it was.
           {rrtype::TXT, "\"ABC\"", "\"ABC\""},
           {rrtype::HINFO, "\"PC\" \"OS\"", "\"PC\" \"OS\""},
       }) {
    Rdata rd = parse(c.type, c.in);
    EXPECT_EQ(rdata_to_text(c.type, rdata_canonical(c.type, rd)), c.canonical) << c.in;
    EXPECT_EQ(rdata_to_text(c.type, rd), c.in) << "original case kept";
  }
  EXPECT_EQ(rdata_canonical(65280, Rdata{hex("41")}).bytes, hex("41"));
}

TEST(RdataTable, RowsAreConsistent) {
  int rows = 0;
  for (uint32_t t = 0; t <= 65535; ++t) {
    const TypeInfo* info = type_info(static_cast<uint16_t>(t));
    if (!info) continue;
    ++rows;
    EXPECT_EQ(info->type, t);
    EXPECT_FALSE(info->fields.empty());
    EXPECT_EQ(*type_from_text(info->mnemonic), t);
    EXPECT_FALSE(is_meta_type(static_cast<uint16_t>(t)));
  }
  EXPECT_EQ(rows, 26);
}

}  // namespace
}  // namespace gitns::wire
