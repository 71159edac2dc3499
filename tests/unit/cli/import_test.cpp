#include "controller/cli/import_zone.h"

#include <gtest/gtest.h>

#include "controller/cli/yaml_text.h"
#include "controller/manifest/yaml.h"
#include "resolver/zone/zonefile.h"

namespace gitns::cli {
namespace {

TEST(YamlScalar, PlainOnlyWhenItReadsBackAsTheSameString) {
  for (const char* s : {"www", "192.0.2.1", "10 mail", "ns1.example.com.", "v=spf1 mx -all", "_sip._tcp"})
    EXPECT_EQ(yaml_scalar(s), s);
  for (const char* s : {"@", "*.wild", "123", "1.5", "true", "null", "~", "2001:db8::1", "a: b", "x # y",
                        "", " lead", "-dash", "a,b", "[x]", "{x}", "'q'", "\"q\"", "0x1F", ".inf", "1e5"}) {
    std::string y = yaml_scalar(s);
    auto parsed = manifest::parse_yaml("k: " + y + "\n");
    ASSERT_TRUE(parsed.errors.empty()) << s << " -> " << y;
    EXPECT_EQ(parsed.documents.at(0).value["k"], nlohmann::json(s)) << s << " -> " << y;
    // In a flow list too.
    parsed = manifest::parse_yaml("k: [" + y + ", x]\n");
    ASSERT_TRUE(parsed.errors.empty()) << s << " -> " << y;
    EXPECT_EQ(parsed.documents.at(0).value["k"][0], nlohmann::json(s)) << s << " -> " << y;
  }
}

std::vector<wire::RR> parse(const std::string& origin, const std::string& text) {
  zone::ZoneFileOptions o;
  o.origin = wire::Name::must(origin);
  auto r = zone::parse_zone_file(text, o);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].to_string());
  std::vector<wire::RR> out;
  for (auto& rec : r.records) out.push_back(rec.rr);
  return out;
}

TEST(Import, WritesTheManifestFormat) {
  auto rrs = parse("example.com.",
                   "$TTL 300\n@ SOA ns1 hostmaster 7 3600 600 86400 60\n@ NS ns1\n@ NS ns.other.\n"
                   "ns1 A 192.0.2.53\nwww 60 A 192.0.2.1\nwww 60 A 192.0.2.2\n* TXT \"a\" \"b\"\n");
  ImportResult r = zone_manifest_from_records(wire::Name::must("example.com."), rrs, "x.zone");
  ASSERT_TRUE(r.ok()) << r.errors.at(0);
  EXPECT_NE(r.yaml.find("metadata:\n  name: example.com\nspec:\n  ttl: 300\n  serial: 7\n"), std::string::npos)
      << r.yaml;
  EXPECT_NE(r.yaml.find("  nameservers: [ns1, ns.other.]\n"), std::string::npos) << r.yaml;
  EXPECT_NE(r.yaml.find("    www:\n      - {type: A, ttl: 60, values: [192.0.2.1, 192.0.2.2]}\n"),
            std::string::npos) << r.yaml;
  EXPECT_NE(r.yaml.find("    \"*\":\n      - {type: TXT, strings: [a, b]}\n"), std::string::npos) << r.yaml;
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Import, ApexNsTtlTheFormatCannotSayIsAWarning) {
  auto rrs = parse("example.com.", "@ 300 SOA ns1 hostmaster 7 3600 600 86400 60\n@ 900 NS ns1\nns1 300 A 192.0.2.53\n");
  ImportResult r = zone_manifest_from_records(wire::Name::must("example.com."), rrs, "x.zone");
  EXPECT_TRUE(r.ok()) << r.errors.at(0);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("apex NS TTL 900 becomes 300"), std::string::npos);
}

TEST(Import, MissingSoaAndDnssecRecords) {
  auto rrs = parse("example.com.", "@ 300 NS ns1\nns1 300 A 192.0.2.53\n");
  ImportResult r = zone_manifest_from_records(wire::Name::must("example.com."), rrs, "x.zone");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errors[0].find("no valid SOA"), std::string::npos);
  rrs = parse("example.com.",
              "@ 300 SOA ns1 hostmaster 7 3600 600 86400 60\n@ 300 NS ns1\nns1 300 A 192.0.2.53\n"
              "ns1 300 NSEC example.com. A RRSIG NSEC\n");
  r = zone_manifest_from_records(wire::Name::must("example.com."), rrs, "x.zone");
  EXPECT_TRUE(r.ok()) << r.errors.at(0);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("1 DNSSEC record(s)"), std::string::npos);
}

}  // namespace
}  // namespace gitns::cli
