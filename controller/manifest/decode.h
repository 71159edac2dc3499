// Internal to controller/manifest: the per-kind decoders behind load_manifests. They run
// on documents that passed their schema, so types are known; they check what a schema
// cannot say (names, record values, references) and build the typed objects.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/manifest/diagnostic.h"
#include "controller/manifest/manifest.h"
#include "controller/manifest/yaml.h"

namespace gitns::manifest::detail {

// One document plus where its errors go. Pointers are RFC 6901 (pointer_append).
class DocReader {
 public:
  DocReader(const YamlDocument& doc, const std::string& file, size_t index,
            std::vector<Diagnostic>& errors)
      : doc_(doc), file_(file), index_(index), errors_(errors) {}

  const nlohmann::json& root() const { return doc_.value; }
  Position position(const std::string& pointer) const { return doc_.positions.find(pointer).value; }
  // The member's key position (its value's when it has no key).
  Position key_position(const std::string& pointer) const;
  std::string path(const std::string& pointer) const { return display_path(doc_.value, pointer); }
  void error(const std::string& pointer, std::string message);      // at the value
  void key_error(const std::string& pointer, std::string message);  // at the member's key
  size_t error_count() const { return errors_.size(); }
  const std::string& file() const { return file_; }
  ObjectInfo object_info() const;

 private:
  const YamlDocument& doc_;
  const std::string& file_;
  size_t index_;
  std::vector<Diagnostic>& errors_;
};

// "not supported yet" errors for each present member of `spec` named in `fields`.
void reject_unsupported(DocReader& r, const nlohmann::json& spec, const std::string& spec_ptr,
                        std::initializer_list<const char*> fields);

// metadata.name as a domain name (trailing dot optional).
bool decode_object_name(DocReader& r, wire::Name& out);

std::shared_ptr<ZoneManifest> decode_zone(DocReader& r);
std::shared_ptr<TsigKeyManifest> decode_tsig_key(DocReader& r);
std::shared_ptr<SettingsManifest> decode_settings(DocReader& r);

// The per-zone rules that need all its records: CNAME beside other data, singletons,
// duplicate records, glue. Errors carry the zone's file.
void check_zone(const ZoneManifest& zone, std::vector<Diagnostic>& errors);
// One RRset, one TTL (RFC 2181 section 5.2). Separate: Settings defaults can change TTLs.
void check_rrset_ttls(const ZoneManifest& zone, std::vector<Diagnostic>& errors);

}  // namespace gitns::manifest::detail
