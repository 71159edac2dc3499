#include "controller/cli/plan_render.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/unit/reconcile/test_util.h"

namespace gitns::cli {
namespace {

using reconcile::test::MemorySource;
using reconcile::test::zone_yaml;

std::string org(const std::string& extra) {
  return zone_yaml("example.org", "  ttl: 300\n  nameservers: [ns.example.com.]\n  records:\n" + extra);
}

TEST(PlanRender, TextShowsRecordsAndVerdict) {
  MemorySource src;
  std::string c1 = src.commit({{"org.yaml", org("    www: [{type: A, value: 192.0.2.1}]\n")}});
  std::string c2 = src.commit({{"org.yaml", org("    www: [{type: A, value: 192.0.2.2}]\n")}});
  auto plan = reconcile::plan_revisions(src, c1, c2);
  ASSERT_TRUE(plan.ok());
  std::ostringstream out;
  render_plan_text(*plan, out);
  std::string s = out.str();
  EXPECT_NE(s.find("Plan " + c1.substr(0, 12) + " -> " + c2.substr(0, 12)), std::string::npos) << s;
  EXPECT_NE(s.find("Zones: 0 to create, 1 to update, 0 to delete, 0 unchanged"), std::string::npos);
  EXPECT_NE(s.find("~ zone example.org. (org.yaml): update, serial 1 -> 2, 0 added, 0 removed, 1 changed"),
            std::string::npos) << s;
  EXPECT_NE(s.find("    - www.example.org. 300 IN A 192.0.2.1\n    + www.example.org. 300 IN A 192.0.2.2"),
            std::string::npos) << s;
  EXPECT_EQ(s.find("SOA"), std::string::npos) << "serial-only SOA change listed: " << s;
  EXPECT_NE(s.find("Verdict: safe"), std::string::npos);
}

TEST(PlanRender, RecordLinesAreCapped) {
  MemorySource src;
  std::string recs;
  for (int i = 1; i <= 10; ++i) recs += "    h" + std::to_string(i) + ": [{type: A, value: 192.0.2." + std::to_string(i) + "}]\n";
  std::string c1 = src.commit({{"org.yaml", org(recs)}});
  auto plan = reconcile::plan_revisions(src, "", c1);
  ASSERT_TRUE(plan.ok());
  std::ostringstream out;
  render_plan_text(*plan, out, {3});
  EXPECT_NE(out.str().find("... 9 more record change(s)"), std::string::npos) << out.str();
}

TEST(PlanRender, MarkdownHeldPlanSaysHowToAllow) {
  MemorySource src;
  std::string c1 = src.commit({{"org.yaml", org("    www: [{type: A, value: 192.0.2.1}]\n")},
                               {"net.yaml", zone_yaml("example.net", "  nameservers: [ns.example.com.]\n")}});
  std::string c2 = src.commit({{"net.yaml", zone_yaml("example.net", "  nameservers: [ns.example.com.]\n")}});
  auto plan = reconcile::plan_revisions(src, c1, c2);
  ASSERT_TRUE(plan.ok());
  std::ostringstream out;
  render_plan_markdown(*plan, out);
  std::string s = out.str();
  EXPECT_NE(s.find(":warning: **Held**"), std::string::npos) << s;
  EXPECT_NE(s.find("`Gitns-Allow-Unsafe: example.org.`"), std::string::npos) << s;
  EXPECT_NE(s.find("| `example.org.` | delete | 1 | 0 | 3 | 0 | **held**: deletes the zone (3 records)"),
            std::string::npos) << s;
  EXPECT_NE(s.find("```diff\n- example.org. 300 IN SOA"), std::string::npos) << s;
  EXPECT_EQ(plan_verdict(*plan).rfind("held:", 0), 0u);
}

TEST(PlanRender, InvalidPlanListsErrors) {
  MemorySource src;
  std::string c1 = src.commit({{"org.yaml", org("    www: [{type: A, value: 192.0.2.1}]\n")}});
  std::string c2 = src.commit({{"org.yaml", org("    www: [{type: A, value: nope}]\n")}});
  auto plan = reconcile::plan_revisions(src, c1, c2);
  ASSERT_TRUE(plan.ok());
  std::ostringstream text, md;
  render_plan_text(*plan, text);
  render_plan_markdown(*plan, md);
  EXPECT_NE(text.str().find("org.yaml:9:28: spec.records.www[0].value: invalid A value"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("Verdict: invalid: 1 error(s)"), std::string::npos);
  EXPECT_NE(md.str().find(":x: **Invalid**"), std::string::npos);
}

}  // namespace
}  // namespace gitns::cli
