#include "controller/cli/workspace.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace gitns::cli {
namespace {

namespace fs = std::filesystem;

class Folder : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string t = (fs::temp_directory_path() / "gitnsctl-ws-XXXXXX").string();
    root_ = ::mkdtemp(t.data());
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((fs::path(root_) / rel).parent_path());
    std::ofstream(fs::path(root_) / rel) << text;
  }
  std::string root_;
};

const char* kZone =
    "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: example.com\nspec:\n  soa: {}\n  nameservers: [ns.example.net.]\n"
    "  zoneFile: zones/extra.zone\n";

TEST_F(Folder, ReadsManifestsLikeGitSourceDoes) {
  write("b.yml", "x: 1\n");
  write("zones/a.yaml", kZone);
  write("zones/extra.zone", "www A 192.0.2.1\n");
  write("notes.txt", "not yaml\n");
  write(".github/workflows/ci.yaml", "on: push\n");
  write(".hidden.yaml", "x: 1\n");
  fs::create_symlink(fs::path(root_) / "b.yml", fs::path(root_) / "link.yaml");
  auto f = read_folder(root_);
  ASSERT_TRUE(f.ok()) << f.error().message;
  std::vector<std::string> paths;
  for (const auto& s : f->files) paths.push_back(s.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"b.yml", "zones/a.yaml"}));
  EXPECT_EQ(f->show("zones/a.yaml"), root_ + "/zones/a.yaml");
  // zoneFile is read below the root, and nowhere else.
  auto reader = f->reader();
  EXPECT_EQ(*reader("zones/extra.zone"), "www A 192.0.2.1\n");
  reconcile::RevisionState s = load_folder(*f);
  EXPECT_TRUE(s.ok()) << (s.errors.empty() ? "" : s.errors[0].to_string());
  ASSERT_EQ(s.zones.size(), 1u);
  EXPECT_EQ(s.zones[0].desired.zone->record_count(), 3u);  // SOA, NS, www A
  EXPECT_FALSE(s.warnings.empty());                        // b.yml is not a gitns document
}

TEST_F(Folder, OneFileAndMissingPaths) {
  write("zones/a.yaml", "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: example.com\nspec:\n  nameservers: [ns1]\n");
  auto f = read_folder(root_ + "/zones/a.yaml");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->files.size(), 1u);
  EXPECT_EQ(f->show(f->files[0].path), root_ + "/zones/a.yaml");
  reconcile::RevisionState s = load_folder(*f);
  ASSERT_FALSE(s.ok());  // ns1 has no address: the error names the file as given
  EXPECT_EQ(s.errors[0].file, root_ + "/zones/a.yaml");
  EXPECT_FALSE(read_folder(root_ + "/nope").ok());
}

TEST(Workspace, RemoteUrls) {
  EXPECT_TRUE(is_remote_url("https://github.com/x/y.git"));
  EXPECT_TRUE(is_remote_url("file:///srv/repo"));
  EXPECT_TRUE(is_remote_url("git@github.com:x/y.git"));
  EXPECT_FALSE(is_remote_url("/srv/repo"));
  EXPECT_FALSE(is_remote_url("."));
  EXPECT_FALSE(is_remote_url("repos/a:b"));
}

}  // namespace
}  // namespace gitns::cli
