// Shared helpers for the manifest unit tests.
#pragma once

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "controller/manifest/loader.h"

namespace gitns::manifest {
// gtest prints Position as line:col.
inline void PrintTo(const Position& p, std::ostream* os) { *os << p.line << ":" << p.column; }
}  // namespace gitns::manifest

namespace gitns::manifest::testing {

// The repository root, from this header's own path (tests/unit/manifest/test_util.h).
inline std::string repo_root() {
  std::string here = __FILE__;
  return here.substr(0, here.rfind("/tests/unit/manifest/"));
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline Manifests load_one(const std::string& path, const std::string& yaml) {
  std::vector<SourceFile> files{{path, yaml, ""}};
  return load_manifests(files);
}

inline std::vector<std::string> error_lines(const Manifests& m) {
  std::vector<std::string> out;
  for (const Diagnostic& d : m.errors) out.push_back(d.to_string());
  return out;
}

inline std::vector<std::string> error_lines(const std::vector<Diagnostic>& diags) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diags) out.push_back(d.to_string());
  return out;
}

// A minimal valid zone around `spec_body` (indented by 2 under spec:).
inline std::string zone_doc(const std::string& name, const std::string& spec_body) {
  return "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: " + name + "\nspec:\n" + spec_body;
}

}  // namespace gitns::manifest::testing
