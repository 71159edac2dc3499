// Zone decoding and the per-zone semantic rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/manifest/loader.h"
#include "test_util.h"

namespace gitns::manifest {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::error_lines;
using testing::load_one;
using testing::zone_doc;

Manifests zone(const std::string& spec_body, const std::string& name = "example.com") {
  return load_one("z.yaml", zone_doc(name, spec_body));
}

const std::string kNs = "  nameservers: [ns.example.net.]\n";

std::vector<std::string> record_lines(const ZoneManifest& z) {
  std::vector<std::string> out;
  for (const ManifestRecord& r : z.records) {
    out.push_back(r.rr.owner.to_text() + " " + std::to_string(r.rr.ttl) + " " + wire::type_to_text(r.rr.type) + " " +
                  wire::rdata_to_text(r.rr.type, r.rr.rdata));
  }
  return out;
}

const ZoneManifest& only_zone(const Manifests& m) {
  EXPECT_EQ(m.zones.size(), 1u);
  static ZoneManifest empty;
  return m.zones.empty() ? empty : *m.zones[0];
}

TEST(ZoneDecode, NamesInValuesAreRelativeToTheZone) {
  Manifests m = zone(kNs +
                     "  records:\n"
                     "    \"@\": [{type: MX, values: [\"10 mail\", \"20 mx.example.net.\"]}]\n"
                     "    www: [{type: CNAME, value: \"@\"}]\n"
                     "    _sip._udp: [{type: SRV, value: \"0 5 5060 sip\"}]\n"
                     "    \"*.dev\": [{type: A, value: 192.0.2.7}]\n"
                     "    abs.example.com.: [{type: AAAA, value: \"2001:db8::7\"}]\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  EXPECT_THAT(record_lines(only_zone(m)),
              ElementsAre("example.com. 3600 MX 10 mail.example.com.", "example.com. 3600 MX 20 mx.example.net.",
                          "www.example.com. 3600 CNAME example.com.",
                          "_sip._udp.example.com. 3600 SRV 0 5 5060 sip.example.com.",
                          "*.dev.example.com. 3600 A 192.0.2.7", "abs.example.com. 3600 AAAA 2001:db8::7"));
  EXPECT_TRUE(only_zone(m).records[4].rr.owner.is_wildcard());
}

TEST(ZoneDecode, RecordsKeepTheirPositionAndPath) {
  Manifests m = zone(kNs + "  records:\n    www:\n      - type: A\n        values:\n          - 192.0.2.1\n"
                           "          - 192.0.2.2\n");
  const ZoneManifest& z = only_zone(m);
  ASSERT_EQ(z.records.size(), 2u);
  EXPECT_EQ(z.records[1].position, (Position{12, 13}));
  EXPECT_EQ(z.records[1].path, "spec.records.www[0].values[1]");
  EXPECT_EQ(z.object.file, "z.yaml");
  EXPECT_EQ(z.object.name_position, (Position{4, 9}));
}

TEST(ZoneDecode, TxtValuesAreLiteralTextSplitInto255ByteStrings) {
  std::string long_text(300, 'a');
  Manifests m = zone(kNs + "  records:\n    t:\n      - {type: TXT, value: " + long_text +
                     "}\n      - {type: TXT, value: 'say \"hi\" \\065; x'}\n      - {type: TXT, value: \"\"}\n"
                     "      - {type: SPF, value: \"v=spf1 -all\"}\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  const ZoneManifest& z = only_zone(m);
  ASSERT_EQ(z.records.size(), 4u);
  auto bytes = [](const std::string& s) { return wire::Bytes(s.begin(), s.end()); };
  EXPECT_EQ(z.records[0].rr.rdata.bytes,
            bytes(std::string(1, char(255)) + std::string(255, 'a') + char(45) + std::string(45, 'a')));
  // No quoting or escaping: the backslash and quotes are part of the text.
  std::string literal = "say \"hi\" \\065; x";
  EXPECT_EQ(z.records[1].rr.rdata.bytes, bytes(char(literal.size()) + literal));
  EXPECT_EQ(z.records[2].rr.rdata.bytes, wire::Bytes{0});
  EXPECT_EQ(z.records[3].rr.type, wire::rrtype::SPF);
}

TEST(ZoneDecode, ExplicitStringsMakeOneRecord) {
  Manifests m = zone(kNs + "  records:\n    t: [{type: TXT, strings: [\"a b\", \"\", c]}]\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  ASSERT_EQ(only_zone(m).records.size(), 1u);
  EXPECT_EQ(only_zone(m).records[0].rr.rdata.bytes, (wire::Bytes{3, 'a', ' ', 'b', 0, 1, 'c'}));
  Manifests too_long = zone(kNs + "  records:\n    t: [{type: TXT, strings: [ok, " + std::string(256, 'x') + "]}]\n");
  EXPECT_THAT(error_lines(too_long),
              ElementsAre("z.yaml:8:35: spec.records.t[0].strings[1]: expected a character-string of at most 255 "
                          "bytes, got 256 bytes"));
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    t: [{type: A, strings: [x]}]\n")),
              ElementsAre("z.yaml:8:19: spec.records.t[0].strings: only TXT and SPF records take strings; use value "
                          "or values"));
}

TEST(ZoneDecode, SoaDefaultsAndApexRecords) {
  Manifests m = zone("  nameservers: [ns1, ns2.example.net.]\n  records:\n    ns1: [{type: A, value: 192.0.2.53}]\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  const ZoneManifest& z = only_zone(m);
  ASSERT_TRUE(z.soa.has_value());
  EXPECT_EQ(z.soa->mname.to_text(), "ns1.example.com.");
  EXPECT_EQ(z.soa->rname.to_text(), "hostmaster.example.com.");
  EXPECT_EQ(z.soa->refresh, 3600u);
  EXPECT_EQ(z.soa->minimum, 300u);
  EXPECT_TRUE(z.serial_auto);
  EXPECT_FALSE(z.written.ttl);
  std::vector<std::string> apex;
  for (const wire::RR& rr : z.apex_records(2024010101)) {
    apex.push_back(rr.owner.to_text() + " " + std::to_string(rr.ttl) + " " + wire::type_to_text(rr.type) + " " +
                   wire::rdata_to_text(rr.type, rr.rdata));
  }
  EXPECT_THAT(apex, ElementsAre("example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 2024010101 3600 600 "
                                "1209600 300",
                                "example.com. 3600 NS ns1.example.com.", "example.com. 3600 NS ns2.example.net."));
}

TEST(ZoneDecode, ExplicitSoaSerialAndTtl) {
  Manifests m = zone(kNs + "  ttl: 86400\n  serial: 2024010101\n  soa: {mname: ns.example.net., rname: dns, "
                           "refresh: 7200, retry: 900, expire: 604800, minimum: 60}\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  const ZoneManifest& z = only_zone(m);
  EXPECT_FALSE(z.serial_auto);
  EXPECT_EQ(z.serial, 2024010101u);
  EXPECT_EQ(z.ttl, 86400u);
  EXPECT_EQ(z.soa->rname.to_text(), "dns.example.com.");
  EXPECT_EQ(z.soa->retry, 900u);
  EXPECT_TRUE(z.written.ttl && z.written.refresh && z.written.minimum);
}

TEST(ZoneDecode, RnameWrittenAsAnEmailAddress) {
  EXPECT_THAT(error_lines(zone(kNs + "  soa: {rname: hostmaster@example.com}\n")),
              ElementsAre("z.yaml:7:16: spec.soa.rname: expected a domain name such as hostmaster.example.com. (the "
                          "'@' of an email address is written as a dot), got \"hostmaster@example.com\""));
}

TEST(ZoneDecode, NameserversRequiredUnlessZoneFile) {
  EXPECT_THAT(error_lines(zone("  ttl: 60\n")),
              ElementsAre("z.yaml:5:1: spec: missing required field \"nameservers\" (required unless spec.zoneFile is "
                          "given)"));
  Manifests m = zone("  zoneFile: ./zones//example.com.zone\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  const ZoneManifest& z = only_zone(m);
  EXPECT_EQ(z.zone_file, "zones/example.com.zone");
  EXPECT_EQ(z.zone_file_position, (Position{6, 13}));
  EXPECT_FALSE(z.soa.has_value());  // the file's SOA is used
  EXPECT_TRUE(z.nameservers.empty());
  EXPECT_TRUE(z.apex_records(1).empty());
}

TEST(ZoneDecode, ZoneFilePathMustStayInTheTree) {
  EXPECT_THAT(error_lines(zone("  zoneFile: /etc/passwd\n")),
              ElementsAre("z.yaml:6:13: spec.zoneFile: expected a path relative to the source root, got the absolute "
                          "path \"/etc/passwd\""));
  EXPECT_THAT(error_lines(zone("  zoneFile: zones/../../x.zone\n")),
              ElementsAre("z.yaml:6:13: spec.zoneFile: expected a path inside the source tree, got "
                          "\"zones/../../x.zone\" (no '..')"));
}

TEST(ZoneDecode, ZoneNameMustBeADomainName) {
  EXPECT_THAT(error_lines(zone(kNs, "a..b")),
              ElementsAre("z.yaml:4:9: metadata.name: expected a domain name, got \"a..b\": empty label in 'a..b'"));
  Manifests dot = zone(kNs, "Example.COM.");
  ASSERT_THAT(error_lines(dot), IsEmpty());
  EXPECT_EQ(only_zone(dot).apex.to_text(), "Example.COM.");
  EXPECT_EQ(only_zone(dot).apex, wire::Name::must("example.com."));
}

TEST(ZoneDecode, UnsupportedFieldsAndTypesAreRejectedWhereWritten) {
  EXPECT_THAT(error_lines(zone("  type: secondary\n  primaries: [192.0.2.1]\n  forwarders: [192.0.2.2]\n"
                               "  catalog: cat.internal\n" + kNs)),
              ElementsAre("z.yaml:6:9: spec.type: zone type \"secondary\" is not supported yet by this gitns release "
                          "(only primary)",
                          "z.yaml:7:3: spec.primaries: primaries is not supported yet by this gitns release (remove "
                          "it; it would not take effect)",
                          "z.yaml:8:3: spec.forwarders: forwarders is not supported yet by this gitns release (remove "
                          "it; it would not take effect)",
                          "z.yaml:9:3: spec.catalog: catalog is not supported yet by this gitns release (remove it; "
                          "it would not take effect)"));
  // Even a disabled feature block is not silently accepted.
  EXPECT_THAT(error_lines(zone(kNs + "  dnssec: {enabled: false}\n")),
              ElementsAre("z.yaml:7:3: spec.dnssec: dnssec is not supported yet by this gitns release (remove it; it "
                          "would not take effect)"));
}

TEST(ZoneRecords, ValuesMustParseForTheirType) {
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    a:\n      - type: A\n        values: [192.0.2.1, 192.0.2]\n"
                                     "      - {type: MX, value: \"mail\"}\n      - {type: AAAA, value: 192.0.2.1}\n")),
              ElementsAre("z.yaml:10:29: spec.records.a[0].values[1]: invalid A value \"192.0.2\": A address: "
                          "expected an IPv4 address, got '192.0.2'",
                          "z.yaml:11:27: spec.records.a[1].value: invalid MX value \"mail\": MX preference: expected "
                          "a number 0-65535, got 'mail'",
                          "z.yaml:12:29: spec.records.a[2].value: invalid AAAA value \"192.0.2.1\": AAAA address: "
                          "expected an IPv6 address, got '192.0.2.1'"));
}

TEST(ZoneRecords, TypesByMnemonicOrNumber) {
  Manifests m = zone(kNs + "  records:\n    x: [{type: aaaa, value: \"::1\"}, {type: TYPE65280, value: \"\\\\# 2 abcd\"}]\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  EXPECT_THAT(record_lines(only_zone(m)), ElementsAre("x.example.com. 3600 AAAA ::1", "x.example.com. 3600 TYPE65280 "
                                                                                       "\\# 2 ABCD"));
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    x: [{type: AX, value: x}]\n")),
              ElementsAre("z.yaml:8:16: spec.records.x[0].type: expected an RR type (a mnemonic such as AAAA, or "
                          "TYPEnnn), got 'AX'"));
}

TEST(ZoneRecords, TypesThatAManifestMayNotWrite) {
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    \"@\":\n      - {type: SOA, value: \"a b 1 2 3 4 5\"}\n"
                                     "      - {type: NS, value: ns.example.net.}\n"
                                     "    x: [{type: ANY, value: x}, {type: RRSIG, value: x}, {type: OPT, value: x}]\n")),
              ElementsAre("z.yaml:9:16: spec.records[\"@\"][0].type: SOA records are not written here: the SOA comes "
                          "from spec.soa",
                          "z.yaml:10:16: spec.records[\"@\"][1].type: NS records at the apex are not written here: "
                          "they come from spec.nameservers",
                          "z.yaml:11:16: spec.records.x[0].type: ANY is a meta type, not data",
                          "z.yaml:11:39: spec.records.x[1].type: RRSIG records are generated by DNSSEC signing, not "
                          "written in manifests",
                          "z.yaml:11:64: spec.records.x[2].type: OPT is a meta type, not data"));
}

TEST(ZoneRecords, TtlBounds) {
  Manifests ok = zone(kNs + "  ttl: 0\n  records:\n    x: [{type: A, ttl: 2147483647, value: 192.0.2.1}]\n");
  ASSERT_THAT(error_lines(ok), IsEmpty());
  EXPECT_EQ(only_zone(ok).records[0].rr.ttl, 2147483647u);
  EXPECT_THAT(error_lines(zone(kNs + "  ttl: 2147483648\n  records:\n    x: [{type: A, ttl: 4294967296, value: "
                                     "192.0.2.1}]\n")),
              ElementsAre("z.yaml:7:8: spec.ttl: TTL 2147483648 is over the maximum 2147483647 (RFC 2181 section 8)",
                          "z.yaml:9:24: spec.records.x[0].ttl: TTL 4294967296 is over the maximum 2147483647 (RFC "
                          "2181 section 8)"));
}

TEST(ZoneRules, CnameBesideOtherData) {
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    www:\n      - {type: A, value: 192.0.2.1}\n"
                                     "      - {type: CNAME, value: web}\n")),
              ElementsAre("z.yaml:10:30: spec.records.www[1].value: CNAME beside other data: A record at z.yaml:9:26 "
                          "(RFC 1034 section 3.6.2)"));
}

TEST(ZoneRules, OneCnameOneDname) {
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    www: [{type: CNAME, values: [a, b]}]\n"
                                     "    old: [{type: DNAME, values: [new.example., newer.example.]}]\n")),
              ElementsAre("z.yaml:8:37: spec.records.www[0].values[1]: a name has at most one CNAME record; another "
                          "is at z.yaml:8:34 (RFC 2181 section 10.1)",
                          "z.yaml:9:48: spec.records.old[0].values[1]: a name has at most one DNAME record; another "
                          "is at z.yaml:9:34 (RFC 6672)"));
}

TEST(ZoneRules, CnameAtTheApex) {
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    \"@\": [{type: CNAME, value: other.example.}]\n")),
              ElementsAre("z.yaml:8:32: spec.records[\"@\"][0].value: CNAME at the zone apex, which has SOA and NS "
                          "records (RFC 1034 section 3.6.2)"));
}

TEST(ZoneRules, OwnerOutsideTheZone) {
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    www.example.org.: [{type: A, value: 192.0.2.1}]\n"
                                     "    example.com.evil.: [{type: A, value: 192.0.2.1}]\n")),
              ElementsAre("z.yaml:8:5: spec.records[\"www.example.org.\"]: owner name www.example.org. is outside the "
                          "zone example.com.",
                          "z.yaml:9:5: spec.records[\"example.com.evil.\"]: owner name example.com.evil. is outside the "
                          "zone example.com."));
}

TEST(ZoneRules, KeysNamingTheSameOwner) {
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    Mail: [{type: A, value: 192.0.2.1}]\n"
                                     "    mail: [{type: A, value: 192.0.2.2}]\n"
                                     "    MAIL.example.com.: [{type: A, value: 192.0.2.3}]\n")),
              ElementsAre("z.yaml:9:5: spec.records.mail: key \"mail\" names the same owner as key \"Mail\" at "
                          "z.yaml:8:5 (owner names are case-insensitive)",
                          "z.yaml:10:5: spec.records[\"MAIL.example.com.\"]: key \"MAIL.example.com.\" names the same "
                          "owner as key \"Mail\" at z.yaml:8:5 (owner names are case-insensitive)"));
}

TEST(ZoneRules, DuplicateRecordsCompareCanonically) {
  // Names in MX rdata compare case-insensitively (RFC 4034 6.2); the second entry
  // repeats the first under another spelling.
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    x:\n      - {type: MX, value: \"10 mail\"}\n"
                                     "      - {type: MX, value: \"10 MAIL.example.com.\"}\n"
                                     "      - {type: A, values: [192.0.2.1, 192.0.2.1]}\n")),
              ElementsAre("z.yaml:10:27: spec.records.x[1].value: duplicate MX record for x.example.com. (the same "
                          "record is at z.yaml:9:27)",
                          "z.yaml:11:39: spec.records.x[2].values[1]: duplicate A record for x.example.com. (the "
                          "same record is at z.yaml:11:28)"));
  // Different rdata is not a duplicate.
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    x: [{type: A, values: [192.0.2.1, 192.0.2.2]}]\n")), IsEmpty());
}

TEST(ZoneRules, OneRrsetOneTtl) {
  EXPECT_THAT(error_lines(zone(kNs + "  ttl: 300\n  records:\n    x:\n      - {type: A, value: 192.0.2.1}\n"
                                     "      - {type: A, ttl: 300, value: 192.0.2.2}\n"
                                     "      - {type: A, ttl: 60, value: 192.0.2.3}\n"
                                     "      - {type: AAAA, ttl: 60, value: \"::1\"}\n")),
              ElementsAre("z.yaml:12:35: spec.records.x[2].value: TTL 60 differs from TTL 300 of the A record at "
                          "z.yaml:10:26; the records of one RRset share one TTL (RFC 2181 section 5.2)"));
}

TEST(ZoneRules, GlueForNameServersInsideTheZone) {
  // Apex name servers inside the zone need an address; AAAA alone is enough.
  EXPECT_THAT(error_lines(zone("  nameservers: [ns1, ns2, ns.example.net.]\n  records:\n"
                               "    ns2: [{type: AAAA, value: \"2001:db8::2\"}]\n")),
              ElementsAre("z.yaml:6:17: spec.nameservers[0]: name server ns1.example.com. is inside the zone but has "
                          "no A or AAAA record (glue)"));
  // A delegation with glue below the cut, one without, and one to an outside server.
  EXPECT_THAT(error_lines(zone(kNs + "  records:\n    good: [{type: NS, value: ns.good}]\n"
                                     "    ns.good: [{type: A, value: 192.0.2.10}]\n"
                                     "    bad: [{type: NS, values: [ns.bad, ns.example.net.]}]\n")),
              ElementsAre("z.yaml:10:31: spec.records.bad[0].values[0]: name server ns.bad.example.com. is inside the "
                          "zone but has no A or AAAA record (glue)"));
  // With a zoneFile the addresses may be in the file: the zone layer checks the merge.
  EXPECT_THAT(error_lines(zone("  nameservers: [ns1]\n  zoneFile: z.zone\n")), IsEmpty());
}

TEST(ZoneRules, NameserverListedTwice) {
  EXPECT_THAT(error_lines(zone("  nameservers: [ns.example.net., NS.example.NET.]\n")),
              ElementsAre("z.yaml:6:34: spec.nameservers[1]: name server NS.example.NET. is listed twice"));
}

TEST(ZoneRules, AllErrorsOfADocumentAreReported) {
  Manifests m = zone("  nameservers: [ns1]\n  ttl: 2147483648\n  records:\n    a: [{type: A, value: x}]\n"
                     "    b: [{type: CNAME, value: c}, {type: TXT, value: t}]\n");
  EXPECT_EQ(m.errors.size(), 4u) << ::testing::PrintToString(error_lines(m));
}

TEST(ZoneDecode, LabelsAndAnnotations) {
  Manifests m = load_one("z.yaml",
                         "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: example.com\n"
                         "  labels: {team: web, tier: \"1\"}\n  annotations: {gitns.io/allow-unsafe: \"true\"}\n"
                         "spec: {nameservers: [ns.example.net.]}\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  const ObjectInfo& o = only_zone(m).object;
  EXPECT_EQ(o.kind, "Zone");
  EXPECT_EQ(o.labels.at("tier"), "1");
  EXPECT_EQ(o.annotations.at("gitns.io/allow-unsafe"), "true");
  EXPECT_EQ(o.location(), "z.yaml:4:9");
}

}  // namespace
}  // namespace gitns::manifest

namespace gitns::manifest {
namespace {

TEST(ZoneDecode, ZoneFileWithSoaOrNameserversReplacesTheFiles) {
  Manifests m = zone("  zoneFile: z.zone\n  soa: {mname: ns.example.net., minimum: 60}\n");
  ASSERT_THAT(error_lines(m), IsEmpty());
  ASSERT_TRUE(only_zone(m).soa.has_value());
  EXPECT_EQ(only_zone(m).soa->minimum, 60u);
  EXPECT_EQ(only_zone(m).apex_records(7).size(), 1u);  // the SOA; NS come from the file
  EXPECT_THAT(error_lines(zone("  zoneFile: z.zone\n  soa: {minimum: 60}\n")),
              ElementsAre("z.yaml:7:3: spec.soa: missing required field \"mname\" (spec.nameservers is empty, so "
                          "there is no default)"));
}

}  // namespace
}  // namespace gitns::manifest
