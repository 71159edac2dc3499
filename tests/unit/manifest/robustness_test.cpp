// Malformed input never crashes, hangs or exhausts memory: the golden manifests,
// mutated deterministically, go through the whole loader. (A stray ',' once made
// yaml-cpp loop until the machine ran out of memory; see yaml.cpp.)
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <random>

#include "controller/manifest/loader.h"
#include "test_util.h"

namespace gitns::manifest {
namespace {

namespace fs = std::filesystem;

// Outside sanitizer builds (which reserve huge address ranges), a runaway allocation
// fails this process instead of the machine.
void cap_address_space() {
#if !defined(__SANITIZE_ADDRESS__)
  rlimit lim{4ull << 30, 4ull << 30};
  setrlimit(RLIMIT_AS, &lim);
#endif
}

std::vector<std::string> seeds() {
  std::vector<std::string> out;
  for (const char* dir : {"valid", "invalid"}) {
    for (const auto& e : fs::directory_iterator(testing::repo_root() + "/tests/golden/manifests/" + dir)) {
      if (e.path().extension() == ".yaml") out.push_back(testing::read_file(e.path().string()));
    }
  }
  return out;
}

std::string mutate(std::string s, std::mt19937& rng) {
  static const char* tokens[] = {":", "-", "[", "]", "{", "}", ",", "\"", "'", "&a", "*a", "!!int", "~", "\n",
                                 "  ", "---\n", "300", "-1", "@", "*", "<<", "|", ">", "#", "\t", "\\", ".", "? "};
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < edits; ++k) {
    size_t pos = rng() % (s.size() + 1);
    switch (rng() % 3) {
      case 0: s.insert(pos, tokens[rng() % std::size(tokens)]); break;
      case 1: if (pos < s.size()) s.erase(pos, 1 + rng() % 8); break;
      default: if (pos < s.size()) s[pos] = static_cast<char>(rng() % 256); break;
    }
  }
  return s;
}

TEST(Robustness, MutatedManifestsGiveErrorsNotCrashes) {
  cap_address_space();
  std::vector<std::string> base = seeds();
  ASSERT_FALSE(base.empty());
  std::mt19937 rng(20240601);
  size_t with_errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = mutate(base[rng() % base.size()], rng);
    std::vector<SourceFile> files{{"m.yaml", text, ""}};
    Manifests m = load_manifests(files);
    for (const Diagnostic& d : m.errors) {
      ASSERT_FALSE(d.message.empty()) << text;
      ASSERT_EQ(d.file, "m.yaml");
    }
    if (!m.ok()) ++with_errors;
  }
  // Most mutations break something; the loop must have exercised error paths.
  EXPECT_GT(with_errors, 1000u);
}

}  // namespace
}  // namespace gitns::manifest
