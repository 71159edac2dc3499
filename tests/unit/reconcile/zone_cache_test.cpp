// ZoneBuildCache: an edit of a zoneFile becomes a diff of the served zone. Every
// incremental result must equal the full build of the same inputs, and everything the
// incremental path does not model must fall back to the full build (with its errors).
#include "controller/reconcile/zone_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "controller/manifest/loader.h"
#include "controller/reconcile/plan.h"
#include "tests/unit/reconcile/test_util.h"

namespace gitns::reconcile {
namespace {

using test::zone_yaml;

constexpr const char* kPath = "zones/example.net.zone";

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
  const manifest::ZoneManifest& load(const std::string& spec) {
    std::vector<manifest::SourceFile> f{{"zones/n.yaml", zone_yaml("example.net", spec), ""}};
    manifests = manifest::load_manifests(f);
    for (const auto& e : manifests.errors) ADD_FAILURE() << e.to_string();
    return *manifests.zones.at(0);
  }
};

std::vector<std::tuple<std::string, uint16_t, uint32_t, wire::Bytes>> sorted(const zone::Zone& z) {
  std::vector<std::tuple<std::string, uint16_t, uint32_t, wire::Bytes>> out;
  for (const wire::RR& rr : z.records())
    out.emplace_back(rr.owner.lookup_key(), rr.type, rr.ttl, rr.rdata.bytes);
  std::sort(out.begin(), out.end());
  return out;
}

std::string file_text(const std::vector<std::string>& lines) {
  std::string t =
      "$TTL 300\n@ SOA ns1 hostmaster 7 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.53\n";
  for (const auto& l : lines) t += l + "\n";
  return t;
}

// One reconcile's worth: the cache builds against the "applied" zone and fingerprint,
// and the result becomes applied when the plan changes something (as the reconciler does).
struct Served {
  std::shared_ptr<const zone::Zone> zone;
  Fingerprint fingerprint;
};

DesiredZone build_and_apply(ZoneBuildCache& cache, Fixture& f, const manifest::ZoneManifest& m,
                            Served& served) {
  Fingerprint fp{"blob#0", "", {}};
  std::optional<uint32_t> applied_serial;
  if (served.zone) applied_serial = served.zone->serial();
  DesiredZone d =
      cache.build(m, f.reader(), {served.zone, served.zone ? &served.fingerprint : nullptr}, fp,
                  applied_serial);
  if (!d.ok()) return d;
  // The reference: a full build of the same inputs.
  DesiredZone full = build_desired_zone(m, f.reader(), applied_serial);
  EXPECT_TRUE(full.ok());
  EXPECT_EQ(d.candidate_serial, full.candidate_serial);
  EXPECT_EQ(d.file_serial, full.file_serial);
  EXPECT_EQ(d.files, full.files);
  EXPECT_EQ(sorted(*d.zone), sorted(*full.zone));
  EXPECT_EQ(d.zone->node_count(), full.zone->node_count());
  EXPECT_EQ(d.zone->serial(), full.zone->serial());
  auto plan =
      plan_zone(served.zone, d.zone, {m.serial_auto, m.serial, d.file_serial, applied_serial},
                d.diff ? &*d.diff : nullptr);
  auto ref = plan_zone(served.zone, full.zone,
                       {m.serial_auto, m.serial, full.file_serial, applied_serial});
  EXPECT_TRUE(plan.ok() && ref.ok());
  if (plan.ok() && ref.ok()) {
    EXPECT_EQ(plan->action, ref->action);
    EXPECT_EQ(plan->counts.added, ref->counts.added);
    EXPECT_EQ(plan->counts.removed, ref->counts.removed);
    EXPECT_EQ(plan->counts.changed, ref->counts.changed);
    if (plan->changes()) served.zone = d.zone;
  }
  fp.files = d.files;
  served.fingerprint = fp;
  return d;
}

TEST(ZoneBuildCache, RandomEditsBuildIncrementallyAndEqualFullBuilds) {
  std::mt19937 rng(7);
  std::vector<std::string> lines;
  for (int i = 0; i < 400; ++i)
    lines.push_back("h" + std::to_string(i) + " A 10.0." + std::to_string(i / 250) + "." +
                    std::to_string(i % 250));
  Fixture f;
  f.files[kPath] = file_text(lines);
  const auto& m = f.load(
      "  zoneFile: zones/example.net.zone\n  records:\n"
      "    api: [{type: AAAA, value: \"2001:db8::1\"}]\n");
  ZoneBuildCache cache;
  Served served;
  ASSERT_TRUE(build_and_apply(cache, f, m, served).ok());
  EXPECT_EQ(cache.full_builds(), 1u);
  EXPECT_EQ(served.zone->serial(), 7u);
  for (int step = 0; step < 60; ++step) {
    size_t at = rng() % lines.size();
    switch (rng() % 4) {
      case 0:
        lines[at] = "h" + std::to_string(at) + " A 198.51.100." + std::to_string(rng() % 250);
        break;
      case 1:
        lines.insert(lines.begin() + long(at), "new" + std::to_string(step) + ".sub TXT \"x\"");
        break;
      case 2:
        lines.erase(lines.begin() + long(at));
        break;
      default:
        lines[at] += "\n  AAAA 2001:db8::" + std::to_string(step + 1);
        break;  // blank owner
    }
    f.files[kPath] = file_text(lines);
    SCOPED_TRACE("step " + std::to_string(step));
    DesiredZone d = build_and_apply(cache, f, m, served);
    ASSERT_TRUE(d.ok());
    if (HasFatalFailure()) return;
  }
  // After the first build every edit above is confined to a slice of the file.
  EXPECT_EQ(cache.full_builds(), 1u);
  EXPECT_EQ(cache.incremental_builds(), 60u);
  EXPECT_EQ(served.zone->serial(), 7u + 60u);
}

TEST(ZoneBuildCache, FallsBackToTheFullBuildWhereItMust) {
  Fixture f;
  std::vector<std::string> lines = {"www A 192.0.2.80", "mail A 192.0.2.25"};
  f.files[kPath] = file_text(lines);
  const auto& m = f.load(
      "  zoneFile: zones/example.net.zone\n  records:\n"
      "    api: [{type: AAAA, value: \"2001:db8::1\"}]\n");
  ZoneBuildCache cache;
  Served served;
  ASSERT_TRUE(build_and_apply(cache, f, m, served).ok());

  auto expect_full = [&](const std::string& text, bool ok) {
    size_t full = cache.full_builds();
    f.files[kPath] = text;
    DesiredZone d = build_and_apply(cache, f, m, served);
    EXPECT_EQ(d.ok(), ok);
    EXPECT_EQ(cache.full_builds(), full + 1) << text;
    return d;
  };
  // The SOA line (its serial seeds the policy).
  expect_full(
      "$TTL 300\n@ SOA ns1 hostmaster 9 3601 600 86400 300\n@ NS ns1\nns1 A 192.0.2.53\n"
      "www A 192.0.2.80\nmail A 192.0.2.25\n",
      true);
  EXPECT_EQ(served.zone->serial(), 9u);
  // $TTL at the top changes every later record.
  expect_full(
      "$TTL 900\n@ SOA ns1 hostmaster 9 3601 600 86400 300\n@ NS ns1\nns1 A 192.0.2.53\n"
      "www A 192.0.2.80\nmail A 192.0.2.25\n",
      true);
  EXPECT_EQ(served.zone->serial(), 10u);
  // An RRset the manifest writes too: the full build names both places.
  std::string base = f.files[kPath];
  DesiredZone conflict = expect_full(base + "api AAAA 2001:db8::2\n", false);
  ASSERT_FALSE(conflict.errors.empty());
  EXPECT_NE(conflict.errors[0].message.find("defined both here and in"), std::string::npos);
  // A zone-check error: CNAME beside other data, reported with its location.
  DesiredZone cname = expect_full(base + "www CNAME mail\n", false);
  ASSERT_FALSE(cname.errors.empty());
  EXPECT_NE(cname.errors[0].to_string().find(kPath), std::string::npos);
  // A duplicate record is a warning of the full build (and its result is not a base).
  DesiredZone dup = expect_full(base + "mail A 192.0.2.25\n", true);
  EXPECT_FALSE(dup.warnings.empty());
  expect_full(base + "mail2 A 192.0.2.26\n", true);  // the base had a warning
  // Back to normal: the next edit is incremental again.
  f.files[kPath] = base + "mail2 A 192.0.2.26\nmail3 A 192.0.2.27\n";
  size_t inc = cache.incremental_builds();
  ASSERT_TRUE(build_and_apply(cache, f, m, served).ok());
  EXPECT_EQ(cache.incremental_builds(), inc + 1);
}

TEST(ZoneBuildCache, OnlyTheAppliedInputsAreABase) {
  Fixture f;
  f.files[kPath] = file_text({"www A 192.0.2.80"});
  const auto& m = f.load("  zoneFile: zones/example.net.zone\n");
  ZoneBuildCache cache;
  Served served;
  ASSERT_TRUE(build_and_apply(cache, f, m, served).ok());
  // Another manifest blob: the manifest may have changed, so no increment.
  Fingerprint other{"other#0", "", served.fingerprint.files};
  f.files[kPath] = file_text({"www A 192.0.2.81"});
  DesiredZone d =
      cache.build(m, f.reader(), {served.zone, &served.fingerprint}, other, served.zone->serial());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(cache.incremental_builds(), 0u);
  EXPECT_FALSE(d.diff.has_value());
  // Without an applied fingerprint (restart from an old store): a full build.
  d = cache.build(m, f.reader(), {served.zone, nullptr}, {"blob#0", "", {}}, served.zone->serial());
  EXPECT_EQ(cache.incremental_builds(), 0u);
}

}  // namespace
}  // namespace gitns::reconcile
