// A commit's manifest files -> its desired state (zones, TSIG keys, settings) and every
// error found on the way: YAML, schema, per-object and cross-object rules.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "controller/manifest/diagnostic.h"
#include "controller/manifest/manifest.h"
#include "controller/manifest/schema.h"
#include "controller/manifest/yaml.h"

namespace gitns::manifest {

struct SourceFile {
  std::string path;     // relative to the source root: zones/example.yaml
  std::string content;  // may be left empty when ParseCache::contains() said yes
  std::string blob_id;  // git blob id; empty disables caching for this file
};

// Files considered: *.yaml and *.yml, not inside (or being) a dot-entry such as .github/.
bool is_manifest_path(std::string_view path);

struct IgnoredDocument {
  std::string file;
  Position position;
  std::string reason;  // e.g. "apiVersion \"apps/v1\" is not gitns.io/..."
};

struct Manifests {
  // Objects that decoded. When !ok() the set is incomplete and must not be applied.
  std::vector<std::shared_ptr<const ZoneManifest>> zones;  // canonical order of apex
  std::vector<std::shared_ptr<const TsigKeyManifest>> tsig_keys;
  std::shared_ptr<const SettingsManifest> settings;  // null when the commit has none
  std::vector<IgnoredDocument> ignored;
  std::vector<Diagnostic> errors;  // all of them, sorted by file, line, column

  bool ok() const { return errors.empty(); }
  const ZoneManifest* find_zone(const wire::Name& apex) const;
  const TsigKeyManifest* find_tsig_key(const wire::Name& name) const;
};

struct FileManifests;  // one file's decoded objects and errors (loader.cpp)

// Per-file results keyed by (blob id, path): a commit that changes one file re-parses
// one file. After each load it holds exactly that load's files. Not thread-safe.
class ParseCache {
 public:
  bool contains(std::string_view path, std::string_view blob_id) const;
  size_t size() const { return entries_.size(); }
  size_t hits() const { return hits_; }      // over the cache's life, for tests and stats
  size_t misses() const { return misses_; }
  void clear() { entries_.clear(); }

 private:
  friend class Loader;
  std::unordered_map<std::string, std::shared_ptr<const FileManifests>> entries_;
  const void* schemas_ = nullptr;  // results are only valid for one SchemaSet
  size_t hits_ = 0, misses_ = 0;
};

struct LoadOptions {
  const SchemaSet* schemas = nullptr;  // nullptr: SchemaSet::embedded()
  YamlLimits limits;
};

// Parses, validates and decodes every manifest file (files failing is_manifest_path are
// skipped), then checks the rules that span objects: a zone or TsigKey defined twice,
// more than one Settings, references to unknown TsigKeys. Settings defaults are applied.
Manifests load_manifests(std::span<const SourceFile> files, ParseCache* cache = nullptr,
                         const LoadOptions& options = {});

}  // namespace gitns::manifest
