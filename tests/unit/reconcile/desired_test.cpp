#include "controller/reconcile/desired.h"

#include <gtest/gtest.h>

#include <map>

#include "controller/manifest/loader.h"
#include "resolver/wire/rdata.h"
#include "tests/unit/reconcile/test_util.h"

namespace gitns::reconcile {
namespace {

using test::zone_yaml;

struct Fixture {
  std::map<std::string, std::string> files;
  manifest::Manifests manifests;
  FileReader reader() {
    return [this](const std::string& path) -> base::Result<std::string> {
      auto it = files.find(path);
      if (it == files.end())
        return base::fail(base::Errc::not_found, path + " is not in the commit");
      return it->second;
    };
  }
  const manifest::ZoneManifest& load(const std::string& path, const std::string& yaml) {
    std::vector<manifest::SourceFile> f{{path, yaml, ""}};
    manifests = manifest::load_manifests(f);
    for (const auto& e : manifests.errors) ADD_FAILURE() << e.to_string();
    return *manifests.zones.at(0);
  }
};

std::vector<std::string> lines(const std::vector<manifest::Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.to_string());
  return out;
}

constexpr const char* kFile =
    "$TTL 600\n"
    "@ SOA ns1 hostmaster 2024010101 3600 600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 203.0.113.53\n"
    "www A 203.0.113.80\n"
    "$INCLUDE more.zone\n";

TEST(Desired, ManifestOnlyZone) {
  Fixture f;
  const auto& m = f.load("z.yaml", zone_yaml("example.com",
                                             "  nameservers: [ns1]\n  records:\n"
                                             "    ns1: [{type: A, value: 192.0.2.53}]\n"
                                             "    www: [{type: A, value: 192.0.2.80}]\n"));
  DesiredZone d = build_desired_zone(m, f.reader(), std::nullopt);
  ASSERT_TRUE(d.ok()) << ::testing::PrintToString(lines(d.errors));
  EXPECT_EQ(d.zone->serial(), 1u);
  EXPECT_EQ(d.zone->record_count(), 4u);
  EXPECT_TRUE(d.files.empty());
}

TEST(Desired, AutoSerialFollowsTheAppliedOne) {
  Fixture f;
  const auto& m = f.load("z.yaml", zone_yaml("example.com", "  nameservers: [ns.example.net.]\n"));
  DesiredZone d = build_desired_zone(m, f.reader(), 41u);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.candidate_serial, 42u);
  EXPECT_EQ(d.zone->serial(), 42u);
}

TEST(Desired, ZoneFileMergesWithManifestRecordsAndIncludes) {
  Fixture f;
  f.files["zones/example.net.zone"] = kFile;
  f.files["zones/more.zone"] = "mail A 203.0.113.25\n";
  const auto& m =
      f.load("zones/n.yaml", zone_yaml("example.net",
                                       "  zoneFile: zones/example.net.zone\n  records:\n"
                                       "    api: [{type: AAAA, value: \"2001:db8::1\"}]\n"));
  DesiredZone d = build_desired_zone(m, f.reader(), std::nullopt);
  ASSERT_TRUE(d.ok()) << ::testing::PrintToString(lines(d.errors));
  EXPECT_EQ(d.file_serial, 2024010101u);
  EXPECT_EQ(d.zone->serial(), 2024010101u);  // auto starts from the file's serial
  EXPECT_FALSE(d.zone->find(wire::Name::must("api.example.net."), wire::rrtype::AAAA).empty());
  EXPECT_FALSE(d.zone->find(wire::Name::must("mail.example.net."), wire::rrtype::A).empty());
  EXPECT_EQ(d.zone->find(wire::Name::must("www.example.net."), wire::rrtype::A).ttl(), 600u);
  ASSERT_EQ(d.files.size(), 2u);  // the file and its include, for the fingerprint
  EXPECT_EQ(d.files[0].path, "zones/example.net.zone");
  EXPECT_EQ(d.files[1].path, "zones/more.zone");
  EXPECT_EQ(d.files[1].hash, content_hash("mail A 203.0.113.25\n"));
}

TEST(Desired, AutoSerialOnAServedZoneFileZone) {
  Fixture f;
  f.files["z.zone"] =
      "@ 600 SOA ns1 hostmaster 5 3600 600 1209600 300\n@ 600 NS ns1\nns1 600 A 203.0.113.53\n";
  const auto& m = f.load("n.yaml", zone_yaml("example.net", "  zoneFile: z.zone\n"));
  DesiredZone d = build_desired_zone(m, f.reader(), 9u);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.zone->serial(), 10u);  // the file's 5 is below the served 9
}

TEST(Desired, ExplicitSerialOverridesTheFile) {
  Fixture f;
  f.files["z.zone"] =
      "@ 600 SOA ns1 hostmaster 5 3600 600 1209600 300\n@ 600 NS ns1\nns1 600 A 203.0.113.53\n";
  const auto& m = f.load("n.yaml", zone_yaml("example.net", "  zoneFile: z.zone\n  serial: 77\n"));
  DesiredZone d = build_desired_zone(m, f.reader(), std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.zone->serial(), 77u);
}

TEST(Desired, AnRRsetInBothPlacesIsAnErrorNamingBoth) {
  Fixture f;
  f.files["zones/example.net.zone"] = kFile;
  f.files["zones/more.zone"] = "";
  const auto& m = f.load("zones/n.yaml", zone_yaml("example.net",
                                                   "  zoneFile: zones/example.net.zone\n"
                                                   "  nameservers: [ns1]\n  records:\n"
                                                   "    www: [{type: A, value: 192.0.2.1}]\n"));
  DesiredOptions opt;
  opt.display_path = [](const std::string& p) { return "dns/" + p; };
  DesiredZone d = build_desired_zone(m, f.reader(), std::nullopt, opt);
  ASSERT_FALSE(d.ok());
  auto e = lines(d.errors);
  ASSERT_EQ(e.size(), 2u) << ::testing::PrintToString(e);
  EXPECT_EQ(e[0],
            "dns/zones/example.net.zone:3:1: example.net. NS is defined both here and in "
            "dns/zones/n.yaml:7:17 "
            "(spec.nameservers); each RRset must come from either the zoneFile or the manifest");
  EXPECT_NE(e[1].find("dns/zones/example.net.zone:5:1: www.example.net. A is defined both here and "
                      "in dns/zones/n.yaml:9:28"),
            std::string::npos)
      << e[1];
}

TEST(Desired, ZoneFileErrorsCarryTheirLocation) {
  Fixture f;
  f.files["z.zone"] =
      "$TTL 600\n@ SOA ns1 hostmaster 1 3600 600 1209600 300\n@ NS ns1\nns1 A 203.0.113.999\n";
  const auto& m = f.load("n.yaml", zone_yaml("example.net", "  zoneFile: z.zone\n"));
  DesiredZone d = build_desired_zone(m, f.reader(), std::nullopt);
  ASSERT_FALSE(d.ok());
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].file, "z.zone");
  EXPECT_EQ(d.errors[0].position.line, 4);
}

TEST(Desired, MissingZoneFileIsAnErrorAtTheField) {
  Fixture f;
  const auto& m = f.load("n.yaml", zone_yaml("example.net", "  zoneFile: nope.zone\n"));
  DesiredZone d = build_desired_zone(m, f.reader(), std::nullopt);
  ASSERT_FALSE(d.ok());
  auto e = lines(d.errors);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(
      e[0],
      "n.yaml:6:13: spec.zoneFile: cannot read zoneFile nope.zone: nope.zone is not in the commit");
}

TEST(Desired, ZoneChecksOnMergedDataPointAtTheManifestRecord) {
  Fixture f;
  // The file has www A; the manifest adds a CNAME at www: CNAME beside other data.
  f.files["z.zone"] =
      "$TTL 600\n@ SOA ns1 hostmaster 1 3600 600 1209600 300\n@ NS ns1\nns1 A 203.0.113.53\nwww A "
      "203.0.113.80\n";
  const auto& m = f.load("n.yaml", zone_yaml("example.net",
                                             "  zoneFile: z.zone\n  records:\n"
                                             "    www: [{type: CNAME, value: ns1}]\n"));
  DesiredZone d = build_desired_zone(m, f.reader(), std::nullopt);
  ASSERT_FALSE(d.ok());
  bool found = false;
  for (const auto& e : d.errors)
    found = found ||
            (e.file == "n.yaml" && e.position.line == 8 && e.path == "spec.records.www[0].value");
  EXPECT_TRUE(found) << ::testing::PrintToString(lines(d.errors));
}

TEST(Desired, FingerprintRoundTripsAndDetectsFileChanges) {
  Fingerprint fp{"abc#0", "def", {{"z.zone", content_hash("x")}}};
  auto back = Fingerprint::from_json(fp.to_json());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, fp);
  EXPECT_FALSE(Fingerprint::from_json("{\"manifest\": 3}"));
  std::map<std::string, std::string> files{{"z.zone", "x"}};
  FileReader read = [&](const std::string& p) -> base::Result<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return base::fail(base::Errc::not_found, "gone");
    return it->second;
  };
  EXPECT_TRUE(files_unchanged(fp, read));
  files["z.zone"] = "y";
  EXPECT_FALSE(files_unchanged(fp, read));
  files.clear();
  EXPECT_FALSE(files_unchanged(fp, read));
}

}  // namespace
}  // namespace gitns::reconcile
