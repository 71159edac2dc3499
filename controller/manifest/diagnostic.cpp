#include "controller/manifest/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace gitns::manifest {

std::string format_location(const std::string& file, Position position) {
  if (!position.known()) return file;
  return file + ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
}

std::string Diagnostic::to_string() const {
  std::string out = format_location(file, position);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.file, a.position.line, a.position.column) <
                            std::tie(b.file, b.position.line, b.position.column);
                   });
}

}  // namespace gitns::manifest
