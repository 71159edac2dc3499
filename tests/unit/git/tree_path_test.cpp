#include "controller/git/tree_path.h"

#include <gtest/gtest.h>

namespace gitns::git {
namespace {

TEST(TreePath, NormalizesDotsAndSlashes) {
  EXPECT_EQ(*normalize_tree_path(""), "");
  EXPECT_EQ(*normalize_tree_path("."), "");
  EXPECT_EQ(*normalize_tree_path("./"), "");
  EXPECT_EQ(*normalize_tree_path("zones"), "zones");
  EXPECT_EQ(*normalize_tree_path("zones/"), "zones");
  EXPECT_EQ(*normalize_tree_path("./zones//a/./b.zone"), "zones/a/b.zone");
  EXPECT_EQ(*normalize_tree_path("zones/../other/x"), "other/x");
  EXPECT_EQ(*normalize_tree_path("a/b/../../c"), "c");
  EXPECT_EQ(*normalize_tree_path("a/.."), "");
}

TEST(TreePath, RejectsEscapes) {
  for (const char* bad : {"..", "../x", "a/../../x", "./../x", "a/b/../../../c"}) {
    auto r = normalize_tree_path(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, base::Errc::malformed);
    EXPECT_NE(r.error().message.find("escapes the source folder"), std::string::npos)
        << r.error().message;
  }
}

TEST(TreePath, RejectsAbsoluteBackslashAndNul) {
  auto abs = normalize_tree_path("/etc/passwd");
  ASSERT_FALSE(abs.ok());
  EXPECT_NE(abs.error().message.find("not an absolute path"), std::string::npos);
  EXPECT_FALSE(normalize_tree_path("a\\..\\..\\b").ok());
  EXPECT_FALSE(normalize_tree_path(std::string_view("a\0b", 3)).ok());
}

TEST(TreePath, Join) {
  EXPECT_EQ(join_tree_path("", "a/b"), "a/b");
  EXPECT_EQ(join_tree_path("dns", ""), "dns");
  EXPECT_EQ(join_tree_path("dns", "zones/x.yaml"), "dns/zones/x.yaml");
}

TEST(TreePath, ManifestNames) {
  EXPECT_TRUE(is_manifest_name("zone.yaml"));
  EXPECT_TRUE(is_manifest_name("zone.yml"));
  EXPECT_TRUE(is_manifest_name("ZONE.YAML"));
  EXPECT_TRUE(is_manifest_name("a.b.Yml"));
  EXPECT_FALSE(is_manifest_name("zone.yaml.bak"));
  EXPECT_FALSE(is_manifest_name("example.com.zone"));
  EXPECT_FALSE(is_manifest_name("yaml"));
  EXPECT_FALSE(is_manifest_name(".gitlab-ci.yml"));
  EXPECT_FALSE(is_manifest_name(".yaml"));
  EXPECT_TRUE(is_hidden_name(".github"));
  EXPECT_FALSE(is_hidden_name("github"));
}

}  // namespace
}  // namespace gitns::git
