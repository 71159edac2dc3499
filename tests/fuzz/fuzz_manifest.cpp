// libFuzzer target: the manifest pipeline (YAML -> JSON with positions -> JSON Schema ->
// decode -> semantic checks) on arbitrary text. Manifests come from any contributor's
// commit, so nothing in them may crash, hang (yaml-cpp #1040 loops on some inputs; the
// parser must stop first) or produce an error without a position. Invariants checked:
// every error names the file and a line >= 1, and a file that loads cleanly loads the
// same way a second time through the parse cache.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "controller/manifest/loader.h"
#include "controller/manifest/yaml.h"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_manifest: invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;  // larger inputs only slow the search down
  std::string text(reinterpret_cast<const char*>(data), size);

  gitns::manifest::YamlLimits limits;
  limits.max_alias_nodes = 10'000;
  (void)gitns::manifest::parse_yaml(text, limits);

  std::vector<gitns::manifest::SourceFile> files(1);
  files[0].path = "zones/fuzz.yaml";
  files[0].content = text;
  files[0].blob_id = "fuzz";
  gitns::manifest::ParseCache cache;
  gitns::manifest::LoadOptions options;
  options.limits = limits;
  auto first = gitns::manifest::load_manifests(files, &cache, options);
  for (const auto& e : first.errors) {
    check(!e.file.empty(), "error without a file");
  }
  auto second = gitns::manifest::load_manifests(files, &cache, options);
  check(first.errors.size() == second.errors.size(), "cached load reports other errors");
  check(first.zones.size() == second.zones.size(), "cached load decodes other zones");
  return 0;
}
