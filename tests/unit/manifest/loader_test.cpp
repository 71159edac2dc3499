// Whole-commit loading: file selection, many documents, ignored documents, the parse
// cache, TsigKey and Settings objects, and the rules that span objects.
#include "controller/manifest/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "test_util.h"

namespace gitns::manifest {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::error_lines;
using testing::load_one;
using testing::zone_doc;

std::string zone_yaml(const std::string& name) { return zone_doc(name, "  nameservers: [ns.example.net.]\n"); }

std::string tsig_yaml(const std::string& name, const std::string& spec = "{secretRef: {env: XFR_SECRET}}") {
  return "apiVersion: gitns.io/v1\nkind: TsigKey\nmetadata: {name: " + name + "}\nspec: " + spec + "\n";
}

TEST(ManifestPaths, YamlFilesOutsideDotFolders) {
  EXPECT_TRUE(is_manifest_path("zones/example.yaml"));
  EXPECT_TRUE(is_manifest_path("example.yml"));
  EXPECT_TRUE(is_manifest_path("./zones/a.yaml"));
  EXPECT_FALSE(is_manifest_path(".github/workflows/ci.yaml"));
  EXPECT_FALSE(is_manifest_path("zones/.hidden/a.yaml"));
  EXPECT_FALSE(is_manifest_path(".gitns.yaml"));
  EXPECT_FALSE(is_manifest_path("zones/example.com.zone"));
  EXPECT_FALSE(is_manifest_path("README.md"));
  EXPECT_FALSE(is_manifest_path("yaml"));
  EXPECT_FALSE(is_manifest_path(".yaml"));
  EXPECT_FALSE(is_manifest_path("a.yaml.orig"));
}

TEST(Loader, SkipsFilesThatAreNotManifests) {
  std::vector<SourceFile> files{{".github/ci.yaml", "not: [valid", ""},
                                {"zones/example.com.zone", "@ SOA broken", ""},
                                {"zones/a.yaml", zone_yaml("a.example"), ""}};
  Manifests m = load_manifests(files);
  EXPECT_TRUE(m.ok()) << ::testing::PrintToString(error_lines(m));
  EXPECT_EQ(m.zones.size(), 1u);
}

TEST(Loader, ManyDocumentsPerFileAndIgnoredOnes) {
  std::string yaml = zone_yaml("a.example") + "---\n" + zone_yaml("b.example") +
                     "---\napiVersion: apps/v1\nkind: Deployment\n---\n# empty\n---\n- just a list\n---\n" +
                     tsig_yaml("xfr");
  Manifests m = load_one("all.yaml", yaml);
  ASSERT_TRUE(m.ok()) << ::testing::PrintToString(error_lines(m));
  ASSERT_EQ(m.zones.size(), 2u);
  EXPECT_EQ(m.zones[0]->object.document, 0u);
  EXPECT_EQ(m.zones[1]->object.document, 1u);
  EXPECT_EQ(m.zones[1]->object.name_position, (Position{11, 9}));
  ASSERT_EQ(m.tsig_keys.size(), 1u);
  ASSERT_EQ(m.ignored.size(), 2u);  // the empty document is not worth listing
  EXPECT_EQ(m.ignored[0].position, (Position{15, 1}));
  EXPECT_EQ(m.ignored[0].reason, "apiVersion \"apps/v1\" is not gitns.io/...");
  EXPECT_EQ(m.ignored[1].reason, "no apiVersion: not a gitns manifest");
  EXPECT_EQ(m.ignored[1].file, "all.yaml");
}

TEST(Loader, ZonesComeOutInCanonicalOrder) {
  std::vector<SourceFile> files{{"b.yaml", zone_yaml("b.example") + "---\n" + zone_yaml("a.b.example"), ""},
                                {"a.yaml", zone_yaml("z.example"), ""}};
  Manifests m = load_manifests(files);
  ASSERT_EQ(m.zones.size(), 3u);
  EXPECT_EQ(m.zones[0]->apex.to_text(), "b.example.");
  EXPECT_EQ(m.zones[1]->apex.to_text(), "a.b.example.");
  EXPECT_EQ(m.zones[2]->apex.to_text(), "z.example.");
  EXPECT_NE(m.find_zone(wire::Name::must("A.B.example.")), nullptr);
  EXPECT_EQ(m.find_zone(wire::Name::must("c.example.")), nullptr);
}

TEST(Loader, AllErrorsOfAllFilesSortedByFileAndPosition) {
  std::vector<SourceFile> files{
      {"z2.yaml", zone_doc("b.example", "  nameservers: [ns.example.net.]\n  ttl: x\n"), ""},
      {"z1.yaml", zone_doc("a.example", "  nameservers: [ns.example.net.]\n  records: {w: [{type: A, value: 1}]}\n")
                      + "---\nkind: [\n", ""}};
  EXPECT_THAT(error_lines(load_manifests(files)),
              ElementsAre("z1.yaml:7:34: spec.records.w[0].value: expected string, got 1 (quote it to make it a "
                          "string)",
                          "z1.yaml:10:1: YAML syntax error: end of sequence flow not found",  // at the end of input
                          "z2.yaml:7:8: spec.ttl: expected integer >= 0, got \"x\""));
}

TEST(Loader, ZoneDefinedTwiceNamesBothPlaces) {
  std::vector<SourceFile> files{{"a.yaml", zone_yaml("example.com"), ""},
                                {"b.yaml", "# another copy\n" + zone_yaml("Example.COM."), ""}};
  EXPECT_THAT(error_lines(load_manifests(files)),
              ElementsAre("b.yaml:5:9: metadata.name: zone Example.COM. is defined twice: here and at a.yaml:4:9"));
}

TEST(Loader, TsigKeyDefinedTwiceAndUnknownReferences) {
  std::string zone = zone_doc("example.com", "  nameservers: [ns.example.net.]\n  transfer:\n    tsigKeys: [xfr., other]\n");
  std::vector<SourceFile> files{{"keys.yaml", tsig_yaml("xfr") + "---\n" + tsig_yaml("XFR."), ""},
                                {"zone.yaml", zone, ""}};
  Manifests m = load_manifests(files);
  EXPECT_THAT(error_lines(m),
              ElementsAre("keys.yaml:8:18: metadata.name: TsigKey XFR. is defined twice: here and at keys.yaml:3:18",
                          "zone.yaml:7:3: spec.transfer: transfer is not supported yet by this gitns release (remove "
                          "it; it would not take effect)",
                          "zone.yaml:8:22: spec.transfer.tsigKeys[1]: unknown TsigKey \"other\" (no TsigKey object has "
                          "that name)"));
}

TEST(Loader, TsigKeyObjects) {
  Manifests m = load_one("k.yaml", tsig_yaml("xfr.example.") + "---\n" +
                                       tsig_yaml("notify", "{algorithm: hmac-sha1, secretRef: {file: /etc/gitns/n.key}}"));
  ASSERT_TRUE(m.ok()) << ::testing::PrintToString(error_lines(m));
  ASSERT_EQ(m.tsig_keys.size(), 2u);
  const TsigKeyManifest& a = *m.tsig_keys[0];
  EXPECT_EQ(a.name.to_text(), "xfr.example.");
  EXPECT_EQ(a.algorithm, TsigAlgorithm::hmac_sha256);  // the default
  EXPECT_EQ(a.secret.source, SecretRef::Source::env);
  EXPECT_EQ(a.secret.value, "XFR_SECRET");
  const TsigKeyManifest& b = *m.tsig_keys[1];
  EXPECT_EQ(b.name.to_text(), "notify.");
  EXPECT_EQ(to_string(b.algorithm), "hmac-sha1");
  EXPECT_EQ(b.secret.source, SecretRef::Source::file);
  EXPECT_EQ(b.secret.value, "/etc/gitns/n.key");
  EXPECT_EQ(b.secret.position, (Position{9, 48}));
  EXPECT_NE(m.find_tsig_key(wire::Name::must("NOTIFY.")), nullptr);
}

TEST(Loader, TsigSecretFileMustBeAbsolute) {
  EXPECT_THAT(error_lines(load_one("k.yaml", tsig_yaml("k", "{secretRef: {file: keys/k.secret}}"))),
              ElementsAre("k.yaml:4:26: spec.secretRef.file: expected an absolute path on the server, got "
                          "\"keys/k.secret\" (secrets are never read from the repository)"));
}

TEST(ReadSecret, FromEnvironmentAndFile) {
  ::setenv("GITNS_TEST_SECRET", "  c2VjcmV0\n", 1);
  auto env = read_secret({SecretRef::Source::env, "GITNS_TEST_SECRET", {}});
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(std::string(env->begin(), env->end()), "secret");
  ::unsetenv("GITNS_TEST_SECRET");
  auto missing = read_secret({SecretRef::Source::env, "GITNS_TEST_SECRET", {}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "environment variable GITNS_TEST_SECRET is not set");

  std::string path = ::testing::TempDir() + "gitns_secret_test.key";
  {
    std::ofstream(path) << "bm90LWJhc2U2NA==\n";
  }
  auto file = read_secret({SecretRef::Source::file, path, {}});
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(std::string(file->begin(), file->end()), "not-base64");
  {
    std::ofstream(path) << "not base64!";
  }
  auto bad = read_secret({SecretRef::Source::file, path, {}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("expected a base64 secret"), std::string::npos);
  std::remove(path.c_str());
  EXPECT_FALSE(read_secret({SecretRef::Source::file, path, {}}).ok());
}

std::string settings_yaml(const std::string& spec) {
  return "apiVersion: gitns.io/v1\nkind: Settings\nmetadata: {name: node}\nspec:\n" + spec;
}

TEST(Loader, SettingsListeners) {
  Manifests m = load_one("s.yaml", settings_yaml("  listeners: [\"127.0.0.1:1053\", \"[::1]:1053\", 192.0.2.1, "
                                                 "\"2001:db8::1\"]\n"));
  ASSERT_TRUE(m.ok()) << ::testing::PrintToString(error_lines(m));
  ASSERT_NE(m.settings, nullptr);
  ASSERT_EQ(m.settings->listeners.size(), 4u);
  EXPECT_EQ(m.settings->listeners[0].address, "127.0.0.1");
  EXPECT_EQ(m.settings->listeners[0].port, 1053);
  EXPECT_EQ(m.settings->listeners[1].address, "::1");
  EXPECT_EQ(m.settings->listeners[2].port, 53);
  EXPECT_EQ(m.settings->listeners[3].address, "2001:db8::1");
  EXPECT_THAT(error_lines(load_one("s.yaml", settings_yaml("  listeners: [\"localhost:53\", \"127.0.0.1:99999\", "
                                                           "\"[::1\"]\n"))),
              ElementsAre("s.yaml:5:15: spec.listeners[0]: expected ADDRESS:PORT, [IPv6]:PORT or an address, got "
                          "\"localhost:53\": \"localhost\" is not a numeric IPv4 or IPv6 address",
                          "s.yaml:5:31: spec.listeners[1]: expected ADDRESS:PORT, [IPv6]:PORT or an address, got "
                          "\"127.0.0.1:99999\": port \"99999\" is not a number from 1 to 65535",
                          "s.yaml:5:50: spec.listeners[2]: expected ADDRESS:PORT, [IPv6]:PORT or an address, got "
                          "\"[::1\": unclosed '['"));
}

TEST(Loader, SettingsUnsupportedPartsAndOnlyOneSettings) {
  std::vector<SourceFile> files{{"a.yaml", settings_yaml("  recursion: {enabled: false}\n"), ""},
                                {"b.yaml", settings_yaml("  listeners: []\n"), ""}};
  EXPECT_THAT(error_lines(load_manifests(files)),
              ElementsAre("a.yaml:5:3: spec.recursion: recursion is not supported yet by this gitns release (remove "
                          "it; it would not take effect)",
                          "b.yaml:1:1: a second Settings object; the first is at a.yaml:1:1 (a repository has at most "
                          "one)"));
}

TEST(Loader, SettingsDefaultsFillWhatZonesDidNotWrite) {
  std::string zones = zone_doc("a.example", "  nameservers: [ns.example.net.]\n  records:\n"
                                            "    x: [{type: A, value: 192.0.2.1}, {type: AAAA, ttl: 30, value: \"::1\"}]\n") +
                      "---\n" + zone_doc("b.example", "  nameservers: [ns.example.net.]\n  ttl: 900\n  soa: {retry: 5}\n"
                                                      "  records: {y: [{type: A, value: 192.0.2.2}]}\n");
  std::vector<SourceFile> files{
      {"zones.yaml", zones, ""},
      {"settings.yaml", settings_yaml("  defaults: {ttl: 120, soa: {retry: 77, minimum: 30}}\n"), ""}};
  Manifests m = load_manifests(files);
  ASSERT_TRUE(m.ok()) << ::testing::PrintToString(error_lines(m));
  const ZoneManifest* a = m.find_zone(wire::Name::must("a.example."));
  const ZoneManifest* b = m.find_zone(wire::Name::must("b.example."));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->ttl, 120u);
  EXPECT_EQ(a->records[0].rr.ttl, 120u);  // followed the new default
  EXPECT_EQ(a->records[1].rr.ttl, 30u);   // had its own
  EXPECT_EQ(a->soa->retry, 77u);
  EXPECT_EQ(a->soa->minimum, 30u);
  EXPECT_EQ(b->ttl, 900u);  // written by the zone
  EXPECT_EQ(b->records[0].rr.ttl, 900u);
  EXPECT_EQ(b->soa->retry, 5u);
  EXPECT_EQ(b->soa->minimum, 30u);
}

TEST(Loader, SettingsDefaultsCanMakeAnRrsetTtlConflict) {
  // 3600 written explicitly matched the built-in default; the new default splits the RRset.
  std::string z = zone_doc("a.example", "  nameservers: [ns.example.net.]\n  records:\n"
                                        "    x: [{type: A, ttl: 3600, value: 192.0.2.1}, {type: A, value: 192.0.2.2}]\n");
  std::vector<SourceFile> files{{"z.yaml", z, ""}, {"s.yaml", settings_yaml("  defaults: {ttl: 60}\n"), ""}};
  EXPECT_THAT(error_lines(load_manifests(files)),
              ElementsAre("z.yaml:8:66: spec.records.x[1].value: TTL 60 differs from TTL 3600 of the A record at "
                          "z.yaml:8:37; the records of one RRset share one TTL (RFC 2181 section 5.2)"));
}

TEST(ParseCacheTest, ReparsesOnlyChangedFiles) {
  ParseCache cache;
  std::vector<SourceFile> v1{{"a.yaml", zone_yaml("a.example"), "blob-a1"},
                             {"b.yaml", zone_yaml("b.example"), "blob-b1"}};
  Manifests m1 = load_manifests(v1, &cache);
  ASSERT_TRUE(m1.ok());
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_TRUE(cache.contains("a.yaml", "blob-a1"));
  EXPECT_FALSE(cache.contains("other.yaml", "blob-a1"));  // a path is part of the key

  // b changes; a is served from the cache, and may even arrive without content.
  std::vector<SourceFile> v2{{"a.yaml", "", "blob-a1"}, {"b.yaml", zone_yaml("c.example"), "blob-b2"}};
  Manifests m2 = load_manifests(v2, &cache);
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 3u);
  ASSERT_EQ(m2.zones.size(), 2u);
  EXPECT_EQ(m2.zones[0]->apex.to_text(), "a.example.");
  EXPECT_EQ(m2.zones[0].get(), m1.zones[0].get());  // shared, not re-decoded
  EXPECT_EQ(m2.zones[1]->apex.to_text(), "c.example.");
  // Only the files of the last load are kept.
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.contains("b.yaml", "blob-b1"));
}

TEST(ParseCacheTest, CachedErrorsAreReportedAgain) {
  ParseCache cache;
  std::vector<SourceFile> files{{"bad.yaml", zone_doc("a.example", "  ttl: x\n"), "blob-bad"}};
  auto first = error_lines(load_manifests(files, &cache));
  auto second = error_lines(load_manifests(files, &cache));
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second);
  EXPECT_EQ(cache.hits(), 1u);
}

TEST(ParseCacheTest, SettingsDefaultsDoNotLeakIntoCachedObjects) {
  ParseCache cache;
  std::vector<SourceFile> with{{"z.yaml", zone_yaml("a.example"), "z1"},
                               {"s.yaml", settings_yaml("  defaults: {ttl: 60}\n"), "s1"}};
  EXPECT_EQ(load_manifests(with, &cache).zones.at(0)->ttl, 60u);
  std::vector<SourceFile> without{{"z.yaml", zone_yaml("a.example"), "z1"}};
  EXPECT_EQ(load_manifests(without, &cache).zones.at(0)->ttl, 3600u);
}

TEST(ParseCacheTest, FilesWithoutBlobIdAreNotCached) {
  ParseCache cache;
  std::vector<SourceFile> files{{"a.yaml", zone_yaml("a.example"), ""}};
  (void)load_manifests(files, &cache);
  (void)load_manifests(files, &cache);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.hits(), 0u);
}

}  // namespace
}  // namespace gitns::manifest
