// YAML text -> nlohmann::json with YAML 1.2 core-schema typing, keeping where every node
// was written. The JSON is what the schemas validate (valijson's nlohmann adapter is
// strictly typed, unlike its yaml-cpp one), the positions are what errors cite.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/manifest/diagnostic.h"

namespace gitns::manifest {

// Where a node was written. `key` is the position of its key when the node is a map
// member (errors about the key itself, such as an unknown field, point there).
struct NodePosition {
  Position value;
  Position key;
};

// JSON pointer (RFC 6901) -> position. Nodes copied by an alias are not recorded one by
// one: a lookup falls back to the nearest recorded ancestor, the alias itself.
class PositionMap {
 public:
  void set(const std::string& pointer, NodePosition position) { map_[pointer] = position; }
  NodePosition find(std::string_view pointer) const;
  size_t size() const { return map_.size(); }

 private:
  std::unordered_map<std::string, NodePosition> map_;
};

struct YamlDocument {
  nlohmann::json value;   // null for an empty document
  PositionMap positions;
  Position start;         // where the document's content begins
};

struct YamlLimits {
  size_t max_bytes = 64u << 20;        // input size
  size_t max_depth = 64;               // nesting of maps and lists
  size_t max_alias_nodes = 100'000;    // nodes copied by aliases, per file (billion laughs)
};

struct YamlParse {
  std::vector<YamlDocument> documents;  // those read before any fatal error
  std::vector<Diagnostic> errors;       // `file` left empty: the caller knows it
};

// Parses every document of a multi-document stream. Plain scalars are typed by the
// YAML 1.2 core schema (300 int, 3.5 float, true/false, null/~); quoted and block
// scalars are strings; !!str/!!int/!!float/!!bool/!!null tags are honoured, other tags
// are errors. Duplicate keys are errors naming both places (the first value is kept);
// non-scalar keys are errors. A syntax error ends the file with its position.
YamlParse parse_yaml(std::string_view text, const YamlLimits& limits = {});

// JSON pointer helpers: "/spec/records/www" + "0".
std::string pointer_append(const std::string& pointer, std::string_view key);
std::string pointer_append(const std::string& pointer, size_t index);
// Human field path for a pointer into `root`: spec.records.www[0].ttl, with keys that
// are not plain identifiers quoted: spec.records["*.dev"][0].
std::string display_path(const nlohmann::json& root, std::string_view pointer);
// A short rendering of a value for messages: "abc" (quoted, cut at 60 bytes), 300, true,
// null, a map, a list.
std::string describe_value(const nlohmann::json& value);

}  // namespace gitns::manifest
