#include "resolver/zone/zonefile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <tuple>

#include <unistd.h>

#include "resolver/zone/zonefile_lexer.h"

namespace gitns::zone {
namespace {

using ::testing::HasSubstr;
using wire::Name;

// ---------------------------------------------------------------- lexer

std::vector<LexEntry> lex_all(std::string_view text) {
  ZoneLexer lexer(text);
  std::vector<LexEntry> out;
  LexEntry e;
  while (lexer.next(e)) out.push_back(e);
  return out;
}

std::vector<std::string> texts(const LexEntry& e) {
  std::vector<std::string> out;
  for (const auto& t : e.tokens) out.push_back(t.quoted ? "\"" + t.text + "\"" : t.text);
  return out;
}

TEST(ZoneLexer, TokensWithPositions) {
  auto entries = lex_all("www  300 IN A 192.0.2.1\n");
  ASSERT_EQ(entries.size(), 1u);
  const auto& e = entries[0];
  EXPECT_FALSE(e.error);
  EXPECT_FALSE(e.owner_omitted);
  EXPECT_THAT(texts(e), ::testing::ElementsAre("www", "300", "IN", "A", "192.0.2.1"));
  std::vector<uint32_t> cols;
  for (auto p : e.positions) {
    EXPECT_EQ(p.line, 1u);
    cols.push_back(p.column);
  }
  EXPECT_THAT(cols, ::testing::ElementsAre(1, 6, 10, 13, 15));
}

TEST(ZoneLexer, LeadingBlankMeansOwnerOmitted) {
  auto entries = lex_all("a A 1\n  A 2\n\tA 3\nb A 4\n");
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_FALSE(entries[0].owner_omitted);
  EXPECT_TRUE(entries[1].owner_omitted);
  EXPECT_TRUE(entries[2].owner_omitted);
  EXPECT_FALSE(entries[3].owner_omitted);
  EXPECT_EQ(entries[2].positions[0].line, 3u);
  EXPECT_EQ(entries[2].positions[0].column, 2u);
}

TEST(ZoneLexer, SkipsBlankAndCommentLines) {
  auto entries = lex_all("; header\n\n   \n   ; indented comment\na A 1 ; trailing\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(texts(entries[0]), ::testing::ElementsAre("a", "A", "1"));
  EXPECT_EQ(entries[0].positions[0].line, 5u);
}

TEST(ZoneLexer, ParenthesesJoinLines) {
  auto entries = lex_all(
      "@ SOA ns host ( ; comment inside\n"
      "   1 ; serial\n"
      "   2 3 4 5 )\n"
      "next A 1\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_FALSE(entries[0].error);
  EXPECT_THAT(texts(entries[0]), ::testing::ElementsAre("@", "SOA", "ns", "host", "1", "2", "3", "4", "5"));
  EXPECT_EQ(entries[0].positions[4].line, 2u);
  EXPECT_EQ(entries[0].positions[4].column, 4u);
  EXPECT_EQ(entries[1].positions[0].line, 4u);
}

TEST(ZoneLexer, ParenthesesDelimitTokens) {
  auto entries = lex_all("a TXT(x)y\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(texts(entries[0]), ::testing::ElementsAre("a", "TXT", "x", "y"));
}

TEST(ZoneLexer, QuotedStringsKeepEscapesRaw) {
  auto entries = lex_all(R"(a TXT "say \"hi\"" "semi;colon" "back\\slash" "\065" "")" "\n");
  ASSERT_EQ(entries.size(), 1u);
  const auto& t = entries[0].tokens;
  ASSERT_EQ(t.size(), 7u);
  EXPECT_TRUE(t[2].quoted);
  EXPECT_EQ(t[2].text, R"(say \"hi\")");
  EXPECT_EQ(t[3].text, "semi;colon");
  EXPECT_EQ(t[4].text, R"(back\\slash)");
  EXPECT_EQ(t[5].text, R"(\065)");
  EXPECT_TRUE(t[6].quoted);
  EXPECT_EQ(t[6].text, "");
  EXPECT_FALSE(t[0].quoted);
}

TEST(ZoneLexer, EscapesInWordsStayRaw) {
  auto entries = lex_all(R"(a\ b\;c TYPE9 \# 2 abcd)" "\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(texts(entries[0]), ::testing::ElementsAre(R"(a\ b\;c)", "TYPE9", R"(\#)", "2", "abcd"));
}

TEST(ZoneLexer, CrLfAndMissingFinalNewline) {
  auto entries = lex_all("a A 1\r\nb A 2\r\n  A 3");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_THAT(texts(entries[0]), ::testing::ElementsAre("a", "A", "1"));
  EXPECT_THAT(texts(entries[1]), ::testing::ElementsAre("b", "A", "2"));
  EXPECT_THAT(texts(entries[2]), ::testing::ElementsAre("A", "3"));
  EXPECT_TRUE(entries[2].owner_omitted);
  EXPECT_EQ(entries[2].positions[1].line, 3u);
}

TEST(ZoneLexer, CommentDoesNotStartInsideQuotes) {
  auto entries = lex_all("a TXT \"x ; y\" ; \"not a string\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_FALSE(entries[0].error);
  EXPECT_THAT(texts(entries[0]), ::testing::ElementsAre("a", "TXT", "\"x ; y\""));
}

struct LexErrorCase {
  std::string text;
  uint32_t line, column;
  std::string message;
};

TEST(ZoneLexer, Errors) {
  const LexErrorCase cases[] = {
      {"a A 1 )\n", 1, 7, "unbalanced ')'"},
      {"a TXT \"abc\nb A 1\n", 1, 7, "unterminated quoted string"},
      {"a TXT \"abc\\\n", 1, 7, "unterminated quoted string"},
      {"a SOA ( 1 2\n 3\n", 1, 7, "unbalanced '('"},
      {"a SOA ( 1 ( 2 )\n", 1, 11, "nested '('"},
      {"a TXT x\\\n", 1, 9, "backslash at the end of a line"},
      {"a TXT x\\\r\n", 1, 9, "backslash at the end of a line"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto entries = lex_all(c.text);
    ASSERT_FALSE(entries.empty());
    ASSERT_TRUE(entries[0].error);
    EXPECT_EQ(entries[0].error->where.line, c.line);
    EXPECT_EQ(entries[0].error->where.column, c.column);
    EXPECT_THAT(entries[0].error->message, HasSubstr(c.message));
  }
}

TEST(ZoneLexer, GoesOnAfterAnError) {
  auto entries = lex_all("a TXT \"abc\nb A 1\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].error);
  EXPECT_FALSE(entries[1].error);
  EXPECT_THAT(texts(entries[1]), ::testing::ElementsAre("b", "A", "1"));
}

// ---------------------------------------------------------------- TTL

TEST(ParseTtl, NumbersAndUnits) {
  const std::pair<const char*, uint32_t> good[] = {
      {"0", 0},          {"300", 300},       {"1h", 3600},          {"1h30m", 5400},
      {"1H30M", 5400},   {"1w2d3h4m5s", 788645}, {"2d", 172800},    {"1h30", 3630},
      {"2147483647", 2147483647u}, {"007", 7},
  };
  for (const auto& [text, want] : good) {
    auto r = parse_ttl(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
    EXPECT_EQ(*r, want) << text;
  }
  for (const char* bad : {"", "h", "1x", "1h-", "-1", "1.5", "1hh"}) {
    auto r = parse_ttl(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("expected seconds or a duration")) << bad;
  }
  for (const char* big : {"2147483648", "4294967296", "99999999999999999999", "3551w"}) {
    auto r = parse_ttl(big);
    ASSERT_FALSE(r.ok()) << big;
    EXPECT_THAT(r.error().message, HasSubstr("over 2147483647")) << big;
  }
}

// ---------------------------------------------------------------- parser

const Name kOrigin = Name::must("example.com.");

ZoneFileResult parse(std::string_view text, uint32_t default_ttl = 3600) {
  ZoneFileOptions o;
  o.origin = kOrigin;
  o.default_ttl = default_ttl;
  o.file_name = "example.zone";
  return parse_zone_file(text, o);
}

// "owner ttl TYPE rdata" with absolute names; owner in its original case.
std::string describe(const wire::RR& rr) {
  return rr.owner.to_text() + " " + std::to_string(rr.ttl) + " " + wire::type_to_text(rr.type) + " " +
         wire::rdata_to_text(rr.type, rr.rdata);
}

std::vector<std::string> describe(const ZoneFileResult& r) {
  std::vector<std::string> out;
  for (const auto& rec : r.records) out.push_back(describe(rec.rr));
  return out;
}

std::string errors_of(const ZoneFileResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

struct GoodCase {
  const char* what;
  std::string text;
  std::vector<std::string> want;
};

TEST(ZoneFileParser, GoodInputs) {
  const GoodCase cases[] = {
      {"absolute owner", "www.example.com. 300 IN A 192.0.2.1\n",
       {"www.example.com. 300 A 192.0.2.1"}},
      {"relative owner", "www 300 IN A 192.0.2.1\n", {"www.example.com. 300 A 192.0.2.1"}},
      {"@ is the origin", "@ 300 IN A 192.0.2.1\n", {"example.com. 300 A 192.0.2.1"}},
      {"class before TTL", "www IN 300 A 192.0.2.1\n", {"www.example.com. 300 A 192.0.2.1"}},
      {"no class", "www 300 A 192.0.2.1\n", {"www.example.com. 300 A 192.0.2.1"}},
      {"lower case class and type", "www 300 in a 192.0.2.1\n", {"www.example.com. 300 A 192.0.2.1"}},
      {"no TTL: default", "www IN A 192.0.2.1\n", {"www.example.com. 1234 A 192.0.2.1"}},
      {"no TTL, no class", "www A 192.0.2.1\n", {"www.example.com. 1234 A 192.0.2.1"}},
      {"no TTL: $TTL", "$TTL 1h\nwww IN A 192.0.2.1\n", {"www.example.com. 3600 A 192.0.2.1"}},
      {"$TTL with units", "$TTL 1h30m\nwww A 192.0.2.1\n", {"www.example.com. 5400 A 192.0.2.1"}},
      {"directive names are case-insensitive", "$ttl 60\nwww A 192.0.2.1\n",
       {"www.example.com. 60 A 192.0.2.1"}},
      {"TTL units in a record", "www 2h A 192.0.2.1\n", {"www.example.com. 7200 A 192.0.2.1"}},
      {"no $TTL: last explicit TTL (RFC 1035)", "a 100 A 192.0.2.1\nb A 192.0.2.2\n",
       {"a.example.com. 100 A 192.0.2.1", "b.example.com. 100 A 192.0.2.2"}},
      {"$TTL wins over the last explicit TTL (RFC 2308)",
       "a 100 A 192.0.2.1\n$TTL 200\nb A 192.0.2.2\nc 50 A 192.0.2.3\nd A 192.0.2.4\n",
       {"a.example.com. 100 A 192.0.2.1", "b.example.com. 200 A 192.0.2.2",
        "c.example.com. 50 A 192.0.2.3", "d.example.com. 200 A 192.0.2.4"}},
      {"SOA minimum is not a default TTL",
       "@ SOA ns hostmaster 1 7200 3600 1209600 60\nwww A 192.0.2.1\n",
       {"example.com. 1234 SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 60",
        "www.example.com. 1234 A 192.0.2.1"}},
      {"owner omitted: previous owner", "www 300 A 192.0.2.1\n  300 A 192.0.2.2\n\tA 192.0.2.3\n",
       {"www.example.com. 300 A 192.0.2.1", "www.example.com. 300 A 192.0.2.2",
        "www.example.com. 300 A 192.0.2.3"}},
      {"blank and comment lines keep the previous owner",
       "www 300 A 192.0.2.1\n\n; note\n   ; indented\n  A 192.0.2.2\n",
       {"www.example.com. 300 A 192.0.2.1", "www.example.com. 300 A 192.0.2.2"}},
      {"$ORIGIN absolute", "$ORIGIN sub.example.com.\nwww 1 A 192.0.2.1\n@ 1 A 192.0.2.2\n",
       {"www.sub.example.com. 1 A 192.0.2.1", "sub.example.com. 1 A 192.0.2.2"}},
      {"$ORIGIN relative to the current origin",
       "$ORIGIN sub\nwww 1 A 192.0.2.1\n$ORIGIN deeper\nx 1 A 192.0.2.2\n",
       {"www.sub.example.com. 1 A 192.0.2.1", "x.deeper.sub.example.com. 1 A 192.0.2.2"}},
      {"relative rdata names use the current origin",
       "$ORIGIN sub\nwww 1 CNAME target\nmx 1 MX 10 mail.example.com.\n",
       {"www.sub.example.com. 1 CNAME target.sub.example.com.",
        "mx.sub.example.com. 1 MX 10 mail.example.com."}},
      {"owner omitted after $ORIGIN keeps the owner",
       "www 1 A 192.0.2.1\n$ORIGIN sub.example.com.\n  1 A 192.0.2.2\n",
       {"www.example.com. 1 A 192.0.2.1", "www.example.com. 1 A 192.0.2.2"}},
      {"parentheses spanning lines with comments",
       "@ 1 IN SOA ns.example.com. hostmaster.example.com. ( ; start\n"
       "      2024010101 ; serial\n"
       "      7200       ; refresh\n"
       "      3600 1209600\n"
       "      300 )      ; end\n"
       "www 1 A 192.0.2.1\n",
       {"example.com. 1 SOA ns.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300",
        "www.example.com. 1 A 192.0.2.1"}},
      {"parentheses around the head", "www ( 300 IN\n A 192.0.2.1 )\n", {"www.example.com. 300 A 192.0.2.1"}},
      {"comment after a record", "www 1 A 192.0.2.1 ; web server\n", {"www.example.com. 1 A 192.0.2.1"}},
      {"CRLF line ends", "www 1 A 192.0.2.1\r\nmail 1 A 192.0.2.2\r\n",
       {"www.example.com. 1 A 192.0.2.1", "mail.example.com. 1 A 192.0.2.2"}},
      {"final line without newline", "www 1 A 192.0.2.1\nmail 1 A 192.0.2.2",
       {"www.example.com. 1 A 192.0.2.1", "mail.example.com. 1 A 192.0.2.2"}},
      {"RFC 3597 rdata for a known type", "www 1 A \\# 4 C0000201\n", {"www.example.com. 1 A 192.0.2.1"}},
      {"RFC 3597 type and rdata", "www 1 TYPE65280 \\# 3 abcdef\n",
       {"www.example.com. 1 TYPE65280 \\# 3 ABCDEF"}},
      {"TYPEnn of a known type", "www 1 TYPE1 192.0.2.1\n", {"www.example.com. 1 A 192.0.2.1"}},
      {"wildcard owner", "* 1 A 192.0.2.1\n*.sub 1 A 192.0.2.2\n",
       {"*.example.com. 1 A 192.0.2.1", "*.sub.example.com. 1 A 192.0.2.2"}},
      {"escaped dot in an owner label", "a\\.b 1 A 192.0.2.1\n", {"a\\.b.example.com. 1 A 192.0.2.1"}},
      {"AAAA and NS", "@ 1 NS ns1\nns1 1 AAAA 2001:db8::1\n",
       {"example.com. 1 NS ns1.example.com.", "ns1.example.com. 1 AAAA 2001:db8::1"}},
      {"CLASS1 is IN", "www 1 CLASS1 A 192.0.2.1\n", {"www.example.com. 1 A 192.0.2.1"}},
      {"UTF-8 byte order mark", "\xEF\xBB\xBF$TTL 5\nwww A 192.0.2.1\n", {"www.example.com. 5 A 192.0.2.1"}},
      {"owner named like a class or type", "in 1 A 192.0.2.1\na 1 A 192.0.2.2\n",
       {"in.example.com. 1 A 192.0.2.1", "a.example.com. 1 A 192.0.2.2"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = parse(c.text, 1234);
    EXPECT_EQ(errors_of(r), "");
    EXPECT_EQ(describe(r), c.want);
  }
}

TEST(ZoneFileParser, QuotedStringsInTxt) {
  auto r = parse(R"(www 1 TXT "hello world" "a;b" "say \"hi\"" plain "\065\\")" "\n");
  ASSERT_EQ(errors_of(r), "");
  ASSERT_EQ(r.records.size(), 1u);
  std::string want;
  for (std::string s : {"hello world", "a;b", "say \"hi\"", "plain", "A\\"}) {
    want.push_back(static_cast<char>(s.size()));
    want += s;
  }
  const auto& b = r.records[0].rr.rdata.bytes;
  EXPECT_EQ(std::string(b.begin(), b.end()), want);
}

TEST(ZoneFileParser, KeepsOwnerCase) {
  auto r = parse("WwW.Example.COM. 1 A 192.0.2.1\nMiXeD 1 A 192.0.2.2\n");
  ASSERT_EQ(errors_of(r), "");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.records[0].rr.owner.equals_exact(Name::must("WwW.Example.COM.")));
  EXPECT_TRUE(r.records[1].rr.owner.equals_exact(Name::must("MiXeD.example.com.")));
}

TEST(ZoneFileParser, RecordsCarryTheirLocation) {
  auto r = parse("; c\nwww 1 A 192.0.2.1\n  1 A 192.0.2.2\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].where.file, "example.zone");
  EXPECT_EQ(r.records[0].where.line, 2u);
  EXPECT_EQ(r.records[0].where.column, 1u);
  EXPECT_EQ(r.records[1].where.line, 3u);
  EXPECT_EQ(r.records[1].where.column, 3u);
  EXPECT_EQ(r.records[0].rr.rclass, wire::rrclass::IN);
}

struct BadCase {
  std::string text;
  uint32_t line, column;
  std::string message;
};

TEST(ZoneFileParser, BadInputs) {
  const BadCase cases[] = {
      {"www IM A 192.0.2.1\n", 1, 5, "expected a TTL or class or type, got 'IM'"},
      {"www 300 IM A 192.0.2.1\n", 1, 9, "expected a class or type, got 'IM'"},
      {"www 300 300 A 192.0.2.1\n", 1, 9, "expected a class or type, got '300'"},
      {"www IN IN A 192.0.2.1\n", 1, 8, "expected a TTL or type, got 'IN'"},
      {"www AAA ::1\n", 1, 5, "unknown type 'AAA'"},
      {"www 300 IN AAA ::1\n", 1, 12, "unknown type 'AAA'"},
      {"www 1 A 192.0.2.1 )\n", 1, 19, "unbalanced ')'"},
      {"www 1 TXT \"abc\n", 1, 11, "unterminated quoted string"},
      {"www 1 SOA ( ns host 1 2 3\n", 1, 11, "unbalanced '('"},
      {"www CH A 192.0.2.1\n", 1, 5, "class 'CH' is not supported: only IN"},
      {"www 1 HS A 192.0.2.1\n", 1, 7, "class 'HS' is not supported"},
      {"www CLASS3 A 192.0.2.1\n", 1, 5, "class 'CLASS3' is not supported"},
      {"foo.other. 1 A 192.0.2.1\n", 1, 1, "record owner 'foo.other.' is outside the zone 'example.com.'"},
      {"$ORIGIN other.\nfoo 1 A 192.0.2.1\n", 2, 1, "record owner 'foo.other.' is outside the zone"},
      {"$GENERATE 1-10 host$ A 10.0.0.$\n", 1, 1, "$GENERATE is unsupported"},
      {"$FOO bar\n", 1, 1, "unknown directive '$FOO': expected $ORIGIN, $TTL or $INCLUDE"},
      {"$TTL\n", 1, 5, "$TTL expects a TTL, got the end of the line"},
      {"$TTL 1x\n", 1, 6, "bad TTL '1x'"},
      {"$TTL 2147483648\n", 1, 6, "over 2147483647"},
      {"$TTL 60 extra\n", 1, 9, "unexpected 'extra': $TTL takes a TTL"},
      {"$ORIGIN\n", 1, 8, "$ORIGIN expects a domain name"},
      {"$ORIGIN a..b.\n", 1, 9, "bad $ORIGIN name 'a..b.'"},
      {"$INCLUDE\n", 1, 9, "$INCLUDE expects a file name"},
      {"$INCLUDE other.zone\n", 1, 1, "$INCLUDE is unsupported here"},
      {"www 300 IN\n", 1, 11, "expected a type after 'IN', got the end of the line"},
      {"www\n", 1, 4, "expected a TTL or class or type after 'www'"},
      {"  1 A 192.0.2.1\n", 1, 3, "expected an owner name"},
      {"a..b 1 A 192.0.2.1\n", 1, 1, "bad owner name 'a..b'"},
      {"\"www\" 1 A 192.0.2.1\n", 1, 1, "expected an owner name, got a quoted string"},
      {"www 1 \"A\" 192.0.2.1\n", 1, 7, "expected a class or type, got a quoted string"},
      {"www 1 IN ANY 192.0.2.1\n", 1, 10, "type 'ANY' is a meta type"},
      {"www 1 AXFR 192.0.2.1\n", 1, 7, "type 'AXFR' is a meta type"},
      {"www 1 A 999.0.2.1\n", 1, 9, "A address: expected an IPv4 address, got '999.0.2.1'"},
      {"www 1 A\n", 1, 8, "A address: expected an IPv4 address"},
      {"www 1 A 192.0.2.1 extra\n", 1, 19, "unexpected 'extra'"},
      {"www 1 MX 10\n", 1, 12, "MX exchange: expected a domain name"},
      {"www 1 MX 10 a..b\n", 1, 13, "empty label"},
      {"www 1 SOA ns host 1 2 3 4 x\n", 1, 27, "SOA minimum"},
      {"www 1 SOA ns host ( 1 2 3\n 4 x )\n", 2, 4, "SOA minimum"},
      {"www 1 A \\# 3 abcdef\n", 1, 9, "A generic rdata"},
      {"a 1 A 192.0.2.1\nb 1 SOA ( ns host\n 1 2 3 4 5 )\nc IM A 192.0.2.1\n", 4, 3, "got 'IM'"},
      {"a 1 A 192.0.2.1\r\nb IM A 192.0.2.1\r\n", 2, 3, "got 'IM'"},
      {"\xEF\xBB\xBF" "a IM A 192.0.2.1\n", 1, 3, "got 'IM'"},
      {"a 1 A 192.0.2.1\n  $TTL 60\n", 2, 3, "directive '$TTL' must start in the first column"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = parse(c.text);
    ASSERT_FALSE(r.errors.empty());
    const auto& e = r.errors[0];
    EXPECT_EQ(e.where.file, "example.zone");
    EXPECT_EQ(e.where.line, c.line) << e.to_string();
    EXPECT_EQ(e.where.column, c.column) << e.to_string();
    EXPECT_THAT(e.message, HasSubstr(c.message));
    EXPECT_EQ(r.errors.size(), 1u) << errors_of(r);
  }
}

TEST(ZoneFileParser, ErrorToString) {
  ZoneFileError e{{"example.zone", 12, 17}, "expected a TTL or class or type, got 'IM'"};
  EXPECT_EQ(e.to_string(), "example.zone:12:17: expected a TTL or class or type, got 'IM'");
  ZoneFileError no_file{{"", 3, 1}, "x"};
  EXPECT_EQ(no_file.to_string(), "3:1: x");
}

TEST(ZoneFileParser, ReportsEveryErrorAndKeepsGoodLines) {
  auto r = parse(
      "a 1 A 192.0.2.1\n"
      "b IM A 192.0.2.2\n"
      "c 1 A 192.0.2.3\n"
      "d 1 AAA ::1\n"
      "e 1 TXT \"open\n"
      "f 1 A 192.0.2.6\n");
  ASSERT_EQ(r.errors.size(), 3u) << errors_of(r);
  EXPECT_EQ(r.errors[0].where.line, 2u);
  EXPECT_EQ(r.errors[1].where.line, 4u);
  EXPECT_EQ(r.errors[2].where.line, 5u);
  EXPECT_EQ(describe(r), (std::vector<std::string>{"a.example.com. 1 A 192.0.2.1",
                                                   "c.example.com. 1 A 192.0.2.3",
                                                   "f.example.com. 1 A 192.0.2.6"}));
}

TEST(ZoneFileParser, BadOwnerIsReportedOnce) {
  // The blank-owner lines belong to the broken owner: no records, no extra errors.
  auto r = parse("a..b 1 A 192.0.2.1\n  1 A 192.0.2.2\n  1 A 192.0.2.3\nok 1 A 192.0.2.4\n");
  ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
  EXPECT_EQ(describe(r), std::vector<std::string>{"ok.example.com. 1 A 192.0.2.4"});
}

TEST(ZoneFileParser, StopsAfterMaxErrors) {
  std::string text;
  for (int i = 0; i < 150; ++i) text += "h" + std::to_string(i) + " IM A 192.0.2.1\n";
  auto r = parse(text);
  ASSERT_EQ(r.errors.size(), 100u);
  EXPECT_EQ(r.errors[99].where.line, 100u);
  EXPECT_THAT(r.errors[99].message, HasSubstr("stopping after 100 errors"));
}

TEST(ZoneFileParser, MaxRecords) {
  ZoneFileOptions o;
  o.origin = kOrigin;
  o.max_records = 2;
  auto r = parse_zone_file("a 1 A 192.0.2.1\nb 1 A 192.0.2.2\nc 1 A 192.0.2.3\nd 1 A 192.0.2.4\n", o);
  EXPECT_EQ(r.records.size(), 2u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where.line, 3u);
  EXPECT_THAT(r.errors[0].message, HasSubstr("more than 2 records"));
}

TEST(ZoneFileParser, EmptyInput) {
  for (const char* text : {"", "\n", "; only a comment", "  \r\n\t\n"}) {
    auto r = parse(text);
    EXPECT_TRUE(r.ok()) << text;
    EXPECT_TRUE(r.records.empty()) << text;
  }
}

// ---------------------------------------------------------------- $INCLUDE

class ZoneFileInclude : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = std::filesystem::temp_directory_path() /
            ("gitns_zonefile_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(base_);
    root_ = base_ / "zones";
    std::filesystem::create_directories(root_ / "sub");
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  void write(const std::filesystem::path& rel, const std::string& text) {
    std::ofstream(base_ / rel, std::ios::binary) << text;
  }

  ZoneFileResult parse_main() {
    ZoneFileOptions o;
    o.origin = kOrigin;
    o.file_name = "main.zone";
    o.include = filesystem_reader(root_.string());
    std::ifstream in(root_ / "main.zone");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_zone_file(text, o);
  }

  std::filesystem::path base_, root_;
};

TEST_F(ZoneFileInclude, NestedIncludesAndOriginScopes) {
  write("zones/main.zone",
        "$TTL 60\n"
        "top A 192.0.2.1\n"
        "$INCLUDE sub/a.zone sub\n"
        "  A 192.0.2.9\n"        // previous owner comes back: top
        "after A 192.0.2.10\n");  // origin comes back: example.com.
  write("zones/sub/a.zone",
        "www A 192.0.2.2\n"
        "$INCLUDE b.zone\n"        // relative to sub/, origin still sub.example.com.
        "$INCLUDE \"../c.zone\" @\n");
  write("zones/sub/b.zone", "$ORIGIN inner\nx A 192.0.2.3\n");
  write("zones/c.zone", "y A 192.0.2.4\n");
  auto r = parse_main();
  ASSERT_EQ(errors_of(r), "");
  EXPECT_EQ(describe(r), (std::vector<std::string>{
                             "top.example.com. 60 A 192.0.2.1",
                             "www.sub.example.com. 60 A 192.0.2.2",
                             "x.inner.sub.example.com. 60 A 192.0.2.3",
                             "y.sub.example.com. 60 A 192.0.2.4",
                             "top.example.com. 60 A 192.0.2.9",
                             "after.example.com. 60 A 192.0.2.10",
                         }));
  std::vector<std::string> files;
  for (const auto& rec : r.records) files.push_back(rec.where.file + ":" + std::to_string(rec.where.line));
  EXPECT_EQ(files, (std::vector<std::string>{"main.zone:2", "sub/a.zone:1", "sub/b.zone:2", "c.zone:1",
                                             "main.zone:4", "main.zone:5"}));
}

TEST_F(ZoneFileInclude, ErrorsNameTheIncludedFile) {
  write("zones/main.zone", "a 1 A 192.0.2.1\n$INCLUDE sub/bad.zone\n");
  write("zones/sub/bad.zone", "; comment\nb IM A 192.0.2.2\n");
  auto r = parse_main();
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "sub/bad.zone:2:3: expected a TTL or class or type, got 'IM'");
}

TEST_F(ZoneFileInclude, EscapeAttemptsAreRejected) {
  write("outside.zone", "evil 1 A 192.0.2.66\n");
  std::filesystem::create_symlink("../../outside.zone", root_ / "sub" / "link.zone");
  write("zones/main.zone",
        "$INCLUDE ../outside.zone\n"
        "$INCLUDE sub/../../outside.zone\n"
        "$INCLUDE " + (base_ / "outside.zone").string() + "\n"
        "$INCLUDE sub/link.zone\n");
  auto r = parse_main();
  EXPECT_TRUE(r.records.empty());
  ASSERT_EQ(r.errors.size(), 4u) << errors_of(r);
  EXPECT_EQ(r.errors[0].to_string(), "main.zone:1:10: $INCLUDE '../outside.zone' escapes the zone folder");
  EXPECT_THAT(r.errors[1].message, HasSubstr("escapes the zone folder"));
  EXPECT_THAT(r.errors[2].message, HasSubstr("escapes the zone folder"));
  EXPECT_EQ(r.errors[3].where.line, 4u);
  EXPECT_THAT(r.errors[3].message, HasSubstr("outside the zone folder"));
}

TEST_F(ZoneFileInclude, DotDotInsideTheFolderIsFine) {
  write("zones/main.zone", "$INCLUDE sub/a.zone\n");
  write("zones/sub/a.zone", "$INCLUDE ../c.zone\n");
  write("zones/c.zone", "c 1 A 192.0.2.3\n");
  auto r = parse_main();
  ASSERT_EQ(errors_of(r), "");
  EXPECT_EQ(describe(r), std::vector<std::string>{"c.example.com. 1 A 192.0.2.3"});
}

TEST_F(ZoneFileInclude, DepthLimit) {
  write("zones/main.zone", "a 1 A 192.0.2.1\n$INCLUDE main.zone\n");
  auto r = parse_main();
  ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
  EXPECT_THAT(r.errors[0].message, HasSubstr("nested more than 8 files deep"));
  // The top file and eight nested copies each read their first record.
  EXPECT_EQ(r.records.size(), 9u);
}

TEST_F(ZoneFileInclude, MissingFile) {
  write("zones/main.zone", "$INCLUDE nope.zone\n");
  auto r = parse_main();
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where.column, 10u);
  EXPECT_THAT(r.errors[0].message, HasSubstr("cannot read $INCLUDE 'nope.zone'"));
}

TEST_F(ZoneFileInclude, IncludeArguments) {
  write("zones/main.zone", "$INCLUDE a.zone sub extra\n$INCLUDE sub/\n$INCLUDE a.zone a..b\n");
  auto r = parse_main();
  ASSERT_EQ(r.errors.size(), 3u) << errors_of(r);
  EXPECT_THAT(r.errors[0].message, HasSubstr("unexpected 'extra'"));
  EXPECT_THAT(r.errors[1].message, HasSubstr("names a folder"));
  EXPECT_THAT(r.errors[2].message, HasSubstr("bad $INCLUDE origin"));
}

TEST_F(ZoneFileInclude, LoadZoneFile) {
  write("zones/main.zone", "$TTL 5m\n@ SOA ns hostmaster 1 2 3 4 5\n$INCLUDE sub/a.zone\n");
  write("zones/sub/a.zone", "www A 192.0.2.1\n");
  auto good = load_zone_file((root_ / "main.zone").string(), kOrigin);
  ASSERT_TRUE(good.ok()) << good.error().message;
  ASSERT_EQ(good->size(), 2u);
  EXPECT_EQ((*good)[1].where.file, "sub/a.zone");
  EXPECT_EQ((*good)[1].rr.ttl, 300u);

  write("zones/bad.zone", "a IM A 192.0.2.1\nb 1 AAA ::1\n");
  auto bad = load_zone_file((root_ / "bad.zone").string(), kOrigin);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, base::Errc::syntax);
  EXPECT_EQ(bad.error().message,
            "bad.zone:1:3: expected a TTL or class or type, got 'IM'\nbad.zone:2:5: unknown type 'AAA'");

  auto missing = load_zone_file((root_ / "missing.zone").string(), kOrigin);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("missing.zone"));

  write("zones/escape.zone", "$INCLUDE ../outside.zone\n");
  auto escape = load_zone_file((root_ / "escape.zone").string(), kOrigin);
  ASSERT_FALSE(escape.ok());
  EXPECT_THAT(escape.error().message, HasSubstr("escapes the zone folder"));
}

// ---------------------------------------------------------------- printer

const char* const kEveryType = R"(
$TTL 3600
@       IN SOA   ns1 hostmaster ( 2024010101 7200 3600 1209600 300 )
@          NS    ns1
@          NS    ns2.example.net.
@          A     192.0.2.1
@          AAAA  2001:db8::1
@          MX    10 mail
@          MX    20 mail.example.net.
@          TXT   "v=spf1 -all"
@          TXT   "two" "strings with \"quotes\" and \\ and \010 and ;"
@          SPF   "v=spf1 -all"
@          CAA   0 issue "ca.example.net"
@          HINFO "PC" "Linux"
@          DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
@          CDNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
@          NSEC3PARAM 1 0 0 -
@          HTTPS 1 . alpn=h2,h3 port=8443
ns1        A     192.0.2.53
www   300  CNAME @
Mixed.Case A     192.0.2.7
mail       A     192.0.2.25
_sip._tcp  SRV   10 60 5060 sip
sip        NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp
1.2        PTR   www
_443._tcp.www TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
mail       SSHFP 4 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
sub        NS    ns.sub
ns.sub     A     192.0.2.99
sub        DS    60485 13 2 d4b7d520e7bb5f0f67674a0cceb1e3e0614b93c4f9e99b8383f6a1e4469da50a
sub        CDS   60485 13 2 d4b7d520e7bb5f0f67674a0cceb1e3e0614b93c4f9e99b8383f6a1e4469da50a
old        DNAME new.example.net.
svc        SVCB  1 svc.example.net. alpn=h2 ipv4hint=192.0.2.1
www        RRSIG A 13 3 300 20240201000000 20240101000000 12345 example.com. mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
www        NSEC  mail.example.com. A RRSIG NSEC
2vptu5timamqttgl4luu9kg21e0aor3s NSEC3 1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3t A RRSIG
odd        TYPE65280 \# 3 abcdef
empty      TYPE65281 \# 0
)";

std::vector<std::tuple<std::string, uint16_t, uint32_t, wire::Bytes>> record_set(const ZoneFileResult& r) {
  std::vector<std::tuple<std::string, uint16_t, uint32_t, wire::Bytes>> out;
  for (const auto& rec : r.records) {
    // to_text keeps case, so an owner whose case changed does not compare equal.
    out.emplace_back(rec.rr.owner.to_text(), rec.rr.type, rec.rr.ttl, rec.rr.rdata.bytes);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<wire::RR> rrs_of(const ZoneFileResult& r) {
  std::vector<wire::RR> out;
  for (const auto& rec : r.records) out.push_back(rec.rr);
  return out;
}

TEST(ZoneFilePrinter, RoundTripEveryCommonType) {
  auto first = parse(kEveryType);
  ASSERT_EQ(errors_of(first), "");
  ASSERT_EQ(first.records.size(), 36u);
  std::string printed = print_zone_file(kOrigin, rrs_of(first));
  auto second = parse(printed);
  ASSERT_EQ(errors_of(second), "") << printed;
  EXPECT_EQ(record_set(first), record_set(second)) << printed;
  // Printing what was read back gives the same text.
  EXPECT_EQ(print_zone_file(kOrigin, rrs_of(second)), printed);
}

TEST(ZoneFilePrinter, RoundTripUnderAnotherOrigin) {
  // The printer's names are relative to its own $ORIGIN line, whatever the reader's
  // default origin is.
  auto first = parse(kEveryType);
  ASSERT_EQ(errors_of(first), "");
  std::string printed = print_zone_file(kOrigin, rrs_of(first));
  ZoneFileOptions o;
  o.origin = kOrigin;
  auto second = parse_zone_file("$ORIGIN elsewhere.example.org.\n" + printed, o);
  ASSERT_EQ(errors_of(second), "");
  EXPECT_EQ(record_set(first), record_set(second));
}

TEST(ZoneFilePrinter, SoaFirstThenCanonicalOrder) {
  auto r = parse(
      "z 1 A 192.0.2.3\n"
      "a.b 1 A 192.0.2.2\n"
      "b 1 A 192.0.2.9\n"
      "b 1 A 192.0.2.1\n"
      "@ 1 NS ns\n"
      "@ 1 SOA ns host 1 2 3 4 5\n"
      "b 1 AAAA ::1\n");
  ASSERT_EQ(errors_of(r), "");
  EXPECT_EQ(print_zone_file(kOrigin, rrs_of(r)),
            "$ORIGIN example.com.\n"
            "@\t1\tIN\tSOA\tns host 1 2 3 4 5\n"
            "@\t1\tIN\tNS\tns\n"
            "b\t1\tIN\tA\t192.0.2.1\n"
            "b\t1\tIN\tA\t192.0.2.9\n"
            "b\t1\tIN\tAAAA\t::1\n"
            "a.b\t1\tIN\tA\t192.0.2.2\n"
            "z\t1\tIN\tA\t192.0.2.3\n");
}

TEST(ZoneFilePrinter, EscapedOwnersSurvive) {
  // Owners that look like directives, comments or '@' must be escaped by the printer.
  std::vector<wire::RR> rrs;
  for (const char* owner : {"\\$ttl.example.com.", "\\@.example.com.", "a\\;b.example.com.",
                            "sp\\032ace.example.com.", "q\\\"t.example.com.", "\\(p\\).example.com."}) {
    wire::RR rr;
    rr.owner = Name::must(owner);
    rr.type = wire::rrtype::A;
    rr.ttl = 1;
    rr.rdata.bytes = {192, 0, 2, 1};
    rrs.push_back(rr);
  }
  std::string printed = print_zone_file(kOrigin, rrs);
  auto back = parse(printed);
  ASSERT_EQ(errors_of(back), "") << printed;
  ASSERT_EQ(back.records.size(), rrs.size());
  auto got = rrs_of(back);
  for (const auto& rr : rrs) {
    EXPECT_TRUE(std::any_of(got.begin(), got.end(), [&](const wire::RR& g) { return g.owner.equals_exact(rr.owner); }))
        << rr.owner.to_text();
  }
}

TEST(ZoneFilePrinter, KeepsTheCaseOfTheOriginPart) {
  // Found by the fuzzer: relative names lose the case of their origin part, so such
  // names are printed absolute.
  auto r = parse("www.EXAMPLE.com. 1 A 192.0.2.1\nwww 1 NSEC mail.exaMple.com. A RRSIG NSEC\n"
                 "www 1 MX 10 mail\n");
  ASSERT_EQ(errors_of(r), "");
  std::string printed = print_zone_file(kOrigin, rrs_of(r));
  EXPECT_THAT(printed, HasSubstr("www.EXAMPLE.com.\t1\tIN\tA\t192.0.2.1\n"));
  EXPECT_THAT(printed, HasSubstr("\tNSEC\tmail.exaMple.com. A RRSIG NSEC\n"));
  EXPECT_THAT(printed, HasSubstr("www\t1\tIN\tMX\t10 mail\n"));
  auto back = parse(printed);
  ASSERT_EQ(errors_of(back), "");
  EXPECT_EQ(record_set(r), record_set(back));
}

// ---------------------------------------------------------------- scale

TEST(ZoneFileParser, LargeZone) {
  constexpr int kCount = 100'000;
  std::string text = "$TTL 300\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\n";
  std::mt19937 rng(42);
  for (int i = 0; i < kCount - 2; ++i) {
    std::string host = "h" + std::to_string(i);
    switch (rng() % 4) {
      case 0: text += host + " A 10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." +
                      std::to_string(i & 255) + "\n"; break;
      case 1: text += host + " 60 IN AAAA 2001:db8::" + std::to_string(i % 9999) + "\n"; break;
      case 2: text += host + " IN MX 10 mail." + host + "\n"; break;
      default: text += host + " TXT \"record " + std::to_string(i) + "\"\n"; break;
    }
  }
  auto r = parse(text);
  ASSERT_EQ(errors_of(r).substr(0, 500), "");
  ASSERT_EQ(r.records.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(r.records.back().where.line, static_cast<uint32_t>(kCount + 1));
  std::vector<wire::RR> rrs = rrs_of(r);
  auto again = parse(print_zone_file(kOrigin, rrs));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.records.size(), static_cast<size_t>(kCount));
}

}  // namespace
}  // namespace gitns::zone

namespace gitns::zone {
namespace {

TEST(ZoneFileStreaming, OnRecordSeesTheSameRecordsInOrder) {
  ZoneFileOptions opts;
  opts.origin = wire::Name::must("example.");
  const char* text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.2\n";
  ZoneFileResult stored = parse_zone_file(text, opts);
  ASSERT_TRUE(stored.ok());
  std::vector<ZoneFileRecord> seen;
  opts.on_record = [&](ZoneFileRecord&& r) { seen.push_back(std::move(r)); };
  ZoneFileResult streamed = parse_zone_file(text, opts);
  ASSERT_TRUE(streamed.ok());
  EXPECT_TRUE(streamed.records.empty());
  ASSERT_EQ(seen.size(), stored.records.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].rr.owner, stored.records[i].rr.owner);
    EXPECT_EQ(seen[i].rr.type, stored.records[i].rr.type);
    EXPECT_EQ(seen[i].rr.rdata, stored.records[i].rr.rdata);
    EXPECT_EQ(seen[i].where.line, stored.records[i].where.line);
  }
}

TEST(ZoneFileStreaming, MaxRecordsCountsStreamedRecords) {
  ZoneFileOptions opts;
  opts.origin = wire::Name::must("example.");
  opts.max_records = 2;
  size_t n = 0;
  opts.on_record = [&](ZoneFileRecord&&) { ++n; };
  ZoneFileResult r = parse_zone_file("$TTL 60\na A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2.3\n", opts);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(n, 2u);
}

}  // namespace
}  // namespace gitns::zone
