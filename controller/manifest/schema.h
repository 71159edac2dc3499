// The JSON Schemas (draft 7) of the manifest kinds, compiled for valijson, and the
// translation of valijson's results into located, readable diagnostics.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/manifest/diagnostic.h"
#include "controller/manifest/yaml.h"
#include "resolver/base/result.h"

namespace gitns::manifest {

class SchemaSet {
 public:
  // The copy of schemas/*.json built into the binary; parsed once, on first use.
  static const SchemaSet& embedded();
  // Every *.json in `dir` (e.g. a schemas/ folder next to the binary, or --schemas DIR).
  static base::Result<SchemaSet> from_directory(const std::string& dir);
  // {file name, JSON text} pairs. Each schema names its kind in properties.kind.const.
  static base::Result<SchemaSet> from_texts(
      const std::vector<std::pair<std::string, std::string>>& files);

  bool has_kind(std::string_view kind) const;
  std::vector<std::string> kinds() const;  // sorted
  // The schema document of `kind` (for `gitnsctl explain`), or nullptr.
  const nlohmann::json* schema(std::string_view kind) const;

  // Validates one document against its kind's schema. Diagnostics carry the field path
  // and position; `file` is left empty. An unknown kind is one diagnostic.
  std::vector<Diagnostic> validate(std::string_view kind, const YamlDocument& doc) const;

 private:
  struct Impl;
  explicit SchemaSet(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace gitns::manifest
