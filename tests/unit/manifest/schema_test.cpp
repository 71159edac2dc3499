#include "controller/manifest/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/manifest/embedded_schemas.h"
#include "test_util.h"

namespace gitns::manifest {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::error_lines;
using testing::load_one;
using testing::repo_root;
using testing::zone_doc;

// A schema error leaves the document undecoded, so each test sees only schema messages.
std::vector<std::string> zone_errors(const std::string& spec_body) {
  return error_lines(load_one("zones/example.yaml", zone_doc("example.com", spec_body)));
}

TEST(SchemaErrors, TheIssueExample) {
  // Line 14, column 14 is the value "abc" (the key ttl is at column 9).
  std::string spec =
      "  nameservers: [ns.example.net.]\n"       // 6
      "  ttl: 3600\n"                            // 7
      "  soa:\n"                                 // 8
      "    refresh: 3600\n"                      // 9
      "  records:\n"                             // 10
      "    mail:\n"                              // 11
      "      - {type: A, value: 192.0.2.25}\n"   // 12
      "    www:\n"                               // 13
      "      - ttl: abc\n"                       // 14
      "        type: A\n"
      "        value: 192.0.2.1\n";
  EXPECT_THAT(zone_errors(spec),
              ElementsAre("zones/example.yaml:14:14: spec.records.www[0].ttl: expected integer >= 0, got \"abc\""));
}

TEST(SchemaErrors, QuotedNumberWhereIntegerExpected) {
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  ttl: \"300\"\n"),
              ElementsAre("zones/example.yaml:7:8: spec.ttl: expected integer >= 0, got \"300\""));
}

TEST(SchemaErrors, NumberWhereStringExpectedSuggestsQuoting) {
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  records:\n    x: [{type: TXT, value: 300}]\n"),
              ElementsAre("zones/example.yaml:8:28: spec.records.x[0].value: expected string, got 300 "
                          "(quote it to make it a string)"));
}

TEST(SchemaErrors, MapWhereStringExpected) {
  // `value: {a: 1}`, or a colon-space inside an unquoted value, makes a map.
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  records:\n    x:\n      - type: TXT\n"
                          "        value:\n          v: spf1\n"),
              ElementsAre("zones/example.yaml:11:11: spec.records.x[0].value: expected string, got a map"));
}

TEST(SchemaErrors, ListWhereMapExpectedAndMapWhereListExpected) {
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  records:\n    a: {type: A, value: 192.0.2.1}\n"
                          "    b: [\"192.0.2.1\"]\n"),
              ElementsAre("zones/example.yaml:8:8: spec.records.a: expected list of maps, got a map",
                          "zones/example.yaml:9:9: spec.records.b[0]: expected map, got \"192.0.2.1\""));
}

TEST(SchemaErrors, EnumConstAndChoice) {
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  type: master\n  serial: sometimes\n"),
              ElementsAre("zones/example.yaml:7:9: spec.type: expected one of \"primary\", \"secondary\", "
                          "\"stub\", \"forwarder\", got \"master\"",
                          "zones/example.yaml:8:11: spec.serial: expected \"auto\" or integer from 0 to "
                          "4294967295, got \"sometimes\""));
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  serial: 4294967296\n"),
              ElementsAre("zones/example.yaml:7:11: spec.serial: expected \"auto\" or integer from 0 to "
                          "4294967295, got 4294967296"));
}

TEST(SchemaErrors, BoundsAndLengths) {
  EXPECT_THAT(zone_errors("  nameservers: []\n  soa: {refresh: -1, mname: \"\"}\n"),
              ElementsAre("zones/example.yaml:6:16: spec.nameservers: expected non-empty list of non-empty "
                          "strings, got an empty list",
                          "zones/example.yaml:7:18: spec.soa.refresh: expected integer from 0 to 4294967295, got -1",
                          "zones/example.yaml:7:29: spec.soa.mname: expected non-empty string, got \"\""));
}

TEST(SchemaErrors, FloatIsNotAnInteger) {
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  ttl: 3.5\n"),
              ElementsAre("zones/example.yaml:7:8: spec.ttl: expected integer >= 0, got 3.5"));
}

TEST(SchemaErrors, BooleanFromYaml11IsAString) {
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  dnssec: {enabled: yes}\n"),
              ElementsAre("zones/example.yaml:7:21: spec.dnssec.enabled: expected boolean, got \"yes\""));
}

TEST(SchemaErrors, UnknownFieldsAreEachReportedAtTheirKey) {
  EXPECT_THAT(
      zone_errors("  nameservers: [ns.example.net.]\n  soa: {bogus: 1, refresh: 1, extra: 2}\n  recrods: {}\n"),
      ElementsAre("zones/example.yaml:7:9: spec.soa.bogus: unknown field \"bogus\" (expected one of: expire, "
                  "minimum, mname, refresh, retry, rname)",
                  "zones/example.yaml:7:31: spec.soa.extra: unknown field \"extra\" (expected one of: expire, "
                  "minimum, mname, refresh, retry, rname)",
                  "zones/example.yaml:8:3: spec.recrods: unknown field \"recrods\" (expected one of: catalog, "
                  "dnssec, forwarders, nameservers, primaries, records, serial, soa, transfer, ttl, type, zoneFile)"));
}

TEST(SchemaErrors, MissingRequiredFields) {
  auto lines = error_lines(load_one("a.yaml", "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  labels: {}\n"));
  EXPECT_THAT(lines, ElementsAre("a.yaml:1:1: missing required field \"spec\"",
                                 "a.yaml:3:1: metadata: missing required field \"name\""));
}

TEST(SchemaErrors, ExactlyOneOfValueValuesStrings) {
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  records:\n    x:\n"
                          "      - {type: A, value: 192.0.2.1, values: [192.0.2.2]}\n"
                          "      - {type: A}\n"),
              ElementsAre("zones/example.yaml:9:9: spec.records.x[0]: expected exactly one of the fields value, "
                          "values, strings; found value and values",
                          "zones/example.yaml:10:9: spec.records.x[1]: expected exactly one of the fields value, "
                          "values, strings; found none"));
}

TEST(SchemaErrors, RecordKeysThatNeedQuotingInThePath) {
  EXPECT_THAT(zone_errors("  nameservers: [ns.example.net.]\n  records:\n    \"*.dev\": [{type: A, ttl: -1, "
                          "value: 192.0.2.1}]\n"),
              ElementsAre("zones/example.yaml:8:30: spec.records[\"*.dev\"][0].ttl: expected integer >= 0, got -1"));
}

TEST(SchemaErrors, LabelsMustBeStrings) {
  auto lines = error_lines(load_one(
      "a.yaml", "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: a.com\n  labels: {team: 1, on: true}\n"
                "spec: {nameservers: [ns.b.com.]}\n"));
  // Sorted by position, not by key.
  EXPECT_THAT(lines, ElementsAre("a.yaml:5:18: metadata.labels.team: expected string, got 1 (quote it to make it "
                                 "a string)",
                                 "a.yaml:5:25: metadata.labels.on: expected string, got true (quote it to make it "
                                 "a string)"));
}

TEST(SchemaErrors, TsigKeySecretRefChoiceAndPattern) {
  std::string doc =
      "apiVersion: gitns.io/v1\nkind: TsigKey\nmetadata: {name: xfr}\n"
      "spec:\n  algorithm: hmac-md5\n  secretRef: {file: /a, env: B}\n  secret: c2VjcmV0\n";
  EXPECT_THAT(error_lines(load_one("k.yaml", doc)),
              ElementsAre("k.yaml:5:14: spec.algorithm: expected one of \"hmac-sha256\", \"hmac-sha384\", "
                          "\"hmac-sha512\", \"hmac-sha1\", got \"hmac-md5\"",
                          "k.yaml:6:14: spec.secretRef: expected exactly one of the fields file, env; found file "
                          "and env",
                          "k.yaml:7:3: spec.secret: unknown field \"secret\" (expected one of: algorithm, secretRef)"));
  std::string env = "apiVersion: gitns.io/v1\nkind: TsigKey\nmetadata: {name: xfr}\nspec: {secretRef: {env: 1ABC}}\n";
  EXPECT_THAT(error_lines(load_one("k.yaml", env)),
              ElementsAre("k.yaml:4:25: spec.secretRef.env: expected string matching ^[A-Za-z_][A-Za-z0-9_]*$, "
                          "got \"1ABC\""));
}

TEST(SchemaErrors, WrongTypeOfANodeHidesErrorsOfItsMembers) {
  // spec is a list: one message, not one per missing or unknown member.
  EXPECT_THAT(error_lines(load_one("a.yaml", "apiVersion: gitns.io/v1\nkind: Zone\nmetadata: {name: a}\nspec: [1]\n")),
              ElementsAre("a.yaml:4:7: spec: expected map, got a list"));
}

TEST(SchemaSetTest, EmbeddedKindsAreTheSchemaFiles) {
  const SchemaSet& s = SchemaSet::embedded();
  EXPECT_THAT(s.kinds(), ElementsAre("Blocklist", "Catalog", "Cluster", "Settings", "TsigKey", "Zone"));
  ASSERT_NE(s.schema("Zone"), nullptr);
  EXPECT_EQ((*s.schema("Zone"))["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(s.schema("Nope"), nullptr);
}

TEST(SchemaSetTest, DirectoryCopyEqualsTheEmbeddedCopy) {
  auto dir = SchemaSet::from_directory(repo_root() + "/schemas");
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  const SchemaSet& emb = SchemaSet::embedded();
  ASSERT_EQ(dir->kinds(), emb.kinds());
  for (const std::string& kind : emb.kinds()) {
    EXPECT_EQ(*dir->schema(kind), *emb.schema(kind)) << kind << ": rebuild to re-embed schemas/";
  }
}

TEST(SchemaSetTest, RuntimeSchemasAreUsedWhenGiven) {
  // A site-specific copy that caps the default TTL: the loader must validate with it.
  auto base = SchemaSet::from_directory(repo_root() + "/schemas");
  ASSERT_TRUE(base.ok());
  nlohmann::json zone = *base->schema("Zone");
  zone["properties"]["spec"]["properties"]["ttl"]["maximum"] = 86400;
  auto custom = SchemaSet::from_texts({{"zone.json", zone.dump()}});
  ASSERT_TRUE(custom.ok()) << custom.error().message;
  std::vector<SourceFile> files{{"z.yaml", testing::zone_doc("a.com", "  nameservers: [ns.b.com.]\n  ttl: 90000\n"), ""}};
  LoadOptions opt;
  opt.schemas = &*custom;
  EXPECT_THAT(error_lines(load_manifests(files, nullptr, opt)),
              ElementsAre("z.yaml:7:8: spec.ttl: expected integer from 0 to 86400, got 90000"));
  EXPECT_THAT(error_lines(load_manifests(files)), IsEmpty());
}

TEST(SchemaSetTest, BadSchemaTextsAreRejectedWithTheFileName) {
  auto not_json = SchemaSet::from_texts({{"x.json", "{"}});
  ASSERT_FALSE(not_json.ok());
  EXPECT_NE(not_json.error().message.find("x.json: not valid JSON"), std::string::npos);
  auto no_kind = SchemaSet::from_texts({{"y.json", R"({"type": "object"})"}});
  ASSERT_FALSE(no_kind.ok());
  EXPECT_NE(no_kind.error().message.find("y.json: a manifest schema must fix its kind"), std::string::npos);
  std::string k = R"({"properties": {"kind": {"const": "Zone"}}})";
  auto twice = SchemaSet::from_texts({{"a.json", k}, {"b.json", k}});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("b.json: kind Zone also has the schema a.json"), std::string::npos);
  auto missing = SchemaSet::from_directory("/nonexistent/schemas");
  EXPECT_FALSE(missing.ok());
}

TEST(SchemaSetTest, EmbeddedTextsAreValidJson) {
  ASSERT_FALSE(embedded_schema_texts().empty());
  for (const EmbeddedSchema& s : embedded_schema_texts()) {
    EXPECT_TRUE(nlohmann::json::accept(s.text)) << s.file;
  }
}

}  // namespace
}  // namespace gitns::manifest

namespace gitns::manifest {
namespace {

TEST(SchemaErrors, MergeKeysAreNotYaml12) {
  std::string doc = "apiVersion: gitns.io/v1\nkind: TsigKey\nmetadata: {name: k}\n"
                    "base: &b {secretRef: {env: K}}\nspec:\n  <<: *b\n";
  EXPECT_THAT(error_lines(load_one("k.yaml", doc)),
              ElementsAre("k.yaml:4:1: base: unknown field \"base\" (expected one of: apiVersion, kind, metadata, spec)",
                          "k.yaml:5:1: spec: missing required field \"secretRef\"",
                          "k.yaml:6:3: spec[\"<<\"]: unknown field \"<<\" (YAML merge keys are not supported; repeat "
                          "the fields)"));
}

TEST(SchemaSetTest, DecodersSurviveASchemaThatAllowsOtherShapes) {
  // A runtime schema folder from another release might let a string through where this
  // release decodes an integer: an error, never an exception out of load_manifests.
  auto base = SchemaSet::from_directory(repo_root() + "/schemas");
  ASSERT_TRUE(base.ok());
  nlohmann::json zone = *base->schema("Zone");
  zone["properties"]["spec"]["properties"]["ttl"] = nlohmann::json::object();
  auto loose = SchemaSet::from_texts({{"zone.json", zone.dump()}});
  ASSERT_TRUE(loose.ok());
  std::vector<SourceFile> files{{"z.yaml", testing::zone_doc("a.com", "  nameservers: [ns.b.com.]\n  ttl: soon\n"), ""}};
  LoadOptions opt;
  opt.schemas = &*loose;
  Manifests m = load_manifests(files, nullptr, opt);
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_NE(m.errors[0].message.find("could not decode this Zone"), std::string::npos) << m.errors[0].message;
}

}  // namespace
}  // namespace gitns::manifest
