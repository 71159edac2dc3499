// Errors found in manifests, each at a place a person can open in an editor.
#pragma once

#include <string>
#include <vector>

namespace gitns::manifest {

// 1-based line and column; 0 when unknown (e.g. a file-level error).
struct Position {
  int line = 0;
  int column = 0;
  bool known() const { return line > 0; }
  bool operator==(const Position&) const = default;
};

struct Diagnostic {
  std::string file;     // path inside the source tree, as given to the loader
  Position position;    // of the offending node (a key's position for key errors)
  std::string path;     // field path such as spec.records.www[0].ttl; may be empty
  std::string message;  // what is wrong and what was expected

  // "zones/example.yaml:14:9: spec.records.www[0].ttl: expected integer >= 0, got \"abc\""
  std::string to_string() const;
};

// "file:line:col" (or "file" when the position is unknown).
std::string format_location(const std::string& file, Position position);

// Orders by file, line, column; keeps the relative order of equal positions.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

}  // namespace gitns::manifest
