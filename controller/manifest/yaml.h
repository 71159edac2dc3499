// YAML text -> nlohmann::json with YAML 1.2 core-schema typing, keeping where every node
// was written. The JSON is what the schemas validate (valijson's nlohmann adapter is
// strictly typed, unlike its yaml-cpp one), the positions are what errors cite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
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
// Keys are 64-bit FNV-1a hashes of the pointer text, computed incrementally while
// parsing, so a 100,000-record file does not build and store 400,000 pointer strings.
// (A hash collision could only misplace an error message.)
class PositionMap {
 public:
  using Key = uint64_t;
  static Key root_key();
  static Key key_of(std::string_view pointer);                  // the pointer's text, escaped
  static Key child_key(Key parent, std::string_view member);   // parent + "/" + escaped member
  static Key child_key(Key parent, size_t index);

  void set(Key key, NodePosition position);
  void set(std::string_view pointer, NodePosition position) { set(key_of(pointer), position); }
  const NodePosition* find_exact(Key key) const;
  NodePosition find(std::string_view pointer) const;
  size_t size() const { return used_; }

 private:
  struct Slot {
    Key key = 0;  // 0: empty
    NodePosition position;
  };
  void grow();
  size_t index_of(Key key) const;
  std::vector<Slot> slots_;  // open addressing, linear probing, a power of two long
  unsigned bits_ = 0;
  size_t used_ = 0;
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
  size_t max_documents = 100'000;      // "---" separated documents per file
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
// Field path helpers, the cheap way to extend a path without walking a document:
// path_append("spec.records", "*.dev") is spec.records["*.dev"]; (p, 0) is p[0].
std::string path_append(std::string path, std::string_view key);
std::string path_append(std::string path, size_t index);
// Human field path for a pointer into `root`: spec.records.www[0].ttl, with keys that
// are not plain identifiers quoted: spec.records["*.dev"][0].
std::string display_path(const nlohmann::json& root, std::string_view pointer);
// A short rendering of a value for messages: "abc" (quoted, cut at 60 bytes), 300, true,
// null, a map, a list.
std::string describe_value(const nlohmann::json& value);

}  // namespace gitns::manifest
