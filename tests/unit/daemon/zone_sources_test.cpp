#include "controller/daemon/zone_sources.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace gitns::daemon {
namespace {

namespace fs = std::filesystem;

TEST(ZoneSources, OriginFromFileName) {
  EXPECT_EQ(*origin_from_file_name("example.test.zone"), "example.test.");
  EXPECT_EQ(*origin_from_file_name("/a/b/example.com.zone"), "example.com.");
  EXPECT_EQ(*origin_from_file_name("example.com..zone"), "example.com.");
  EXPECT_EQ(*origin_from_file_name("localhost.zone"), "localhost.");
  for (const char* bad : {"example.test", "example.zone.txt", ".zone", "/z/.zone", "..zone"}) {
    auto r = origin_from_file_name(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("ORIGIN"), std::string::npos) << r.error().message;
  }
}

class ZoneDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gitns-zone-sources-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sub.zone");  // a folder named like a zone is skipped
    for (const char* f : {"b.test.zone", "a.test.zone", "notes.txt", "c.test.zone.bak"})
      std::ofstream(dir_ / f) << "; zone\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ZoneDir, ExpandsDirSortedAfterExplicitZones) {
  Options o;
  o.zones = {{"", "/elsewhere/x.test.zone"}, {"renamed.test", "/elsewhere/y"}};
  o.zone_dirs = {dir_.string()};
  auto s = expand_zone_sources(o);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_EQ(s->size(), 4u);
  EXPECT_EQ((*s)[0].origin, "x.test.");
  EXPECT_EQ((*s)[1].origin, "renamed.test.");  // made absolute
  EXPECT_EQ((*s)[1].path, "/elsewhere/y");
  EXPECT_EQ((*s)[2].origin, "a.test.");
  EXPECT_EQ((*s)[2].path, (dir_ / "a.test.zone").string());
  EXPECT_EQ((*s)[3].origin, "b.test.");
}

TEST_F(ZoneDir, SameOriginTwiceIsAnError) {
  Options o;
  o.zones = {{"A.TEST.", "/other/file"}};
  o.zone_dirs = {dir_.string()};
  auto s = expand_zone_sources(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, base::Errc::semantic);
  EXPECT_NE(s.error().message.find("/other/file"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("a.test.zone"), std::string::npos) << s.error().message;
}

TEST_F(ZoneDir, MissingDirIsAnError) {
  Options o;
  o.zone_dirs = {(dir_ / "missing").string()};
  auto s = expand_zone_sources(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, base::Errc::io);
  EXPECT_NE(s.error().message.find("missing"), std::string::npos);
}

TEST(ZoneSources, FileWithoutZoneSuffixNeedsAnOrigin) {
  Options o;
  o.zones = {{"", "/z/example.txt"}};
  auto s = expand_zone_sources(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("--zone ORIGIN=FILE"), std::string::npos);
}

}  // namespace
}  // namespace gitns::daemon
