// Writing YAML scalars by hand (the CLI does not link yaml-cpp: only controller/manifest
// does). A scalar is written plain when the manifest parser (YAML 1.2 core schema) reads
// it back as the same string, else double-quoted with JSON escapes, which YAML accepts.
#pragma once

#include <string>
#include <string_view>

namespace gitns::cli {

// For flow context too (inside [...] and {...}).
std::string yaml_scalar(std::string_view s);
// True when `s` written plain would be read as a string equal to `s`.
bool plain_safe(std::string_view s);

}  // namespace gitns::cli
