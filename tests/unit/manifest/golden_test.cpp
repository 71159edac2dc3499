// Runs tests/golden/manifests (see its README.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "controller/manifest/loader.h"
#include "test_util.h"

namespace gitns::manifest {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::repo_root;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string::npos) j = text.size();
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::vector<std::string> cases(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(repo_root() + "/tests/golden/manifests/" + dir)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Manifests load_case(const std::string& dir, const std::string& name) {
  std::string base = repo_root() + "/tests/golden/manifests/" + dir + "/" + name;
  std::vector<SourceFile> files{{name + ".yaml", read_file(base + ".yaml"), ""}};
  return load_manifests(files);
}

std::string rr_line(const wire::RR& rr) {
  return rr.owner.to_text() + " " + std::to_string(rr.ttl) + " IN " + wire::type_to_text(rr.type) + " " +
         wire::rdata_to_text(rr.type, rr.rdata);
}

TEST(GoldenManifests, ValidCasesProduceTheExpectedRecords) {
  std::vector<std::string> names = cases("valid");
  ASSERT_GE(names.size(), 2u);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    Manifests m = load_case("valid", name);
    EXPECT_THAT(testing::error_lines(m), ::testing::IsEmpty());
    std::vector<std::string> got;
    for (const auto& z : m.zones) {
      for (const wire::RR& rr : z->apex_records(1)) got.push_back(rr_line(rr));
      for (const ManifestRecord& rec : z->records) got.push_back(rr_line(rec.rr));
    }
    std::string base = repo_root() + "/tests/golden/manifests/valid/" + name;
    EXPECT_THAT(got, ::testing::UnorderedElementsAreArray(lines_of(read_file(base + ".rrs"))));
  }
}

TEST(GoldenManifests, InvalidCasesReportExactlyTheExpectedErrors) {
  std::vector<std::string> names = cases("invalid");
  ASSERT_GE(names.size(), 4u);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    Manifests m = load_case("invalid", name);
    EXPECT_FALSE(m.ok());
    std::string base = repo_root() + "/tests/golden/manifests/invalid/" + name;
    EXPECT_THAT(testing::error_lines(m), ::testing::ElementsAreArray(lines_of(read_file(base + ".errors"))));
  }
}

}  // namespace
}  // namespace gitns::manifest
