#include "controller/manifest/loader.h"

#include <algorithm>
#include <map>

#include "controller/manifest/decode.h"

namespace gitns::manifest {

using nlohmann::json;

struct FileManifests {
  std::vector<Diagnostic> errors;
  std::vector<IgnoredDocument> ignored;
  std::vector<std::shared_ptr<const ZoneManifest>> zones;
  std::vector<std::shared_ptr<const TsigKeyManifest>> tsig_keys;
  std::vector<std::shared_ptr<const SettingsManifest>> settings;
};

bool is_manifest_path(std::string_view path) {
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part[0] == '.' && part != ".") return false;
    start = end + 1;
  }
  auto ends = [&](std::string_view s) {
    return path.size() > s.size() && path.substr(path.size() - s.size()) == s;
  };
  return ends(".yaml") || ends(".yml");
}

const ZoneManifest* Manifests::find_zone(const wire::Name& apex) const {
  for (const auto& z : zones) {
    if (z->apex == apex) return z.get();
  }
  return nullptr;
}

const TsigKeyManifest* Manifests::find_tsig_key(const wire::Name& name) const {
  for (const auto& k : tsig_keys) {
    if (k->name == name) return k.get();
  }
  return nullptr;
}

bool ParseCache::contains(std::string_view path, std::string_view blob_id) const {
  if (blob_id.empty()) return false;
  std::string key = std::string(blob_id) + '\0' + std::string(path);
  return entries_.count(key) != 0;
}

namespace {

// The kinds this release decodes; other kinds with a schema are "not supported yet".
enum class Decoder { zone, tsig_key, settings, none };
Decoder decoder_for(const std::string& kind) {
  if (kind == "Zone") return Decoder::zone;
  if (kind == "TsigKey") return Decoder::tsig_key;
  if (kind == "Settings") return Decoder::settings;
  return Decoder::none;
}

std::string kind_list(const SchemaSet& schemas) {
  std::string out;
  for (const std::string& k : schemas.kinds()) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// Decides whether a document is ours; false when it was ignored or rejected.
bool admit(const YamlDocument& doc, const std::string& file, const SchemaSet& schemas, FileManifests& out,
           std::string& kind) {
  const json& v = doc.value;
  if (v.is_null()) return false;  // an empty document, e.g. after a trailing ---
  auto api = v.is_object() ? v.find("apiVersion") : v.end();
  if (!v.is_object() || api == v.end() || !api->is_string()) {
    out.ignored.push_back({file, doc.start, "no apiVersion: not a gitns manifest"});
    return false;
  }
  const std::string& version = api->get_ref<const std::string&>();
  if (version.rfind("gitns.io/", 0) != 0) {
    out.ignored.push_back({file, doc.start, "apiVersion \"" + version + "\" is not gitns.io/..."});
    return false;
  }
  if (version != kApiVersion) {
    out.errors.push_back({file, doc.positions.find("/apiVersion").value, "apiVersion",
                          "unsupported apiVersion \"" + version + "\" (expected " + std::string(kApiVersion) + ")"});
    return false;
  }
  auto k = v.find("kind");
  if (k == v.end() || !k->is_string()) {
    std::string what = k == v.end() ? "missing required field \"kind\"" : "expected a kind name, got " + describe_value(*k);
    Position at = k == v.end() ? doc.start : doc.positions.find("/kind").value;
    out.errors.push_back({file, at, k == v.end() ? "" : "kind", what + " (one of: " + kind_list(schemas) + ")"});
    return false;
  }
  kind = k->get<std::string>();
  return true;
}

void decode_kind(detail::DocReader& r, const std::string& kind, FileManifests& out) {
  switch (decoder_for(kind)) {
    case Decoder::zone:
      if (auto z = detail::decode_zone(r)) {
        detail::check_zone(*z, out.errors);
        out.zones.push_back(std::move(z));
      }
      break;
    case Decoder::tsig_key:
      if (auto k = detail::decode_tsig_key(r)) out.tsig_keys.push_back(std::move(k));
      break;
    case Decoder::settings:
      if (auto s = detail::decode_settings(r)) out.settings.push_back(std::move(s));
      break;
    case Decoder::none:
      r.error("/kind", "kind " + kind + " is not supported yet by this gitns release");
      break;
  }
}

void decode_document(const YamlDocument& doc, const std::string& file, size_t index, const std::string& kind,
                     FileManifests& out) {
  detail::DocReader r(doc, file, index, out.errors);
  try {
    decode_kind(r, kind, out);
  } catch (const nlohmann::json::exception& e) {
    // The decoders trust the schema's shapes; a schema folder from another release
    // may not guarantee them. Report it instead of taking the daemon down.
    out.errors.push_back({file, doc.start, "", "could not decode this " + kind + " (" + e.what() +
                                                   "); do the schemas match this gitns release?"});
  }
}

std::shared_ptr<const FileManifests> process_file(const SourceFile& f, const SchemaSet& schemas,
                                                  const YamlLimits& limits) {
  auto out = std::make_shared<FileManifests>();
  YamlParse parsed = parse_yaml(f.content, limits);
  for (Diagnostic& d : parsed.errors) {
    d.file = f.path;
    out->errors.push_back(std::move(d));
  }
  for (size_t i = 0; i < parsed.documents.size(); ++i) {
    const YamlDocument& doc = parsed.documents[i];
    std::string kind;
    if (!admit(doc, f.path, schemas, *out, kind)) continue;
    if (!schemas.has_kind(kind)) {
      out->errors.push_back({f.path, doc.positions.find("/kind").value, "kind",
                             "unknown kind \"" + kind + "\" (expected one of: " + kind_list(schemas) + ")"});
      continue;
    }
    std::vector<Diagnostic> invalid = schemas.validate(kind, doc);
    if (!invalid.empty()) {
      for (Diagnostic& d : invalid) {
        d.file = f.path;
        out->errors.push_back(std::move(d));
      }
      continue;  // decoding a document of the wrong shape would only add noise
    }
    decode_document(doc, f.path, i, kind, *out);
  }
  return out;
}

}  // namespace

// Reaches into ParseCache, whose entries are opaque to everyone else.
class Loader {
 public:
  static std::shared_ptr<const FileManifests> get(const SourceFile& f, const LoadOptions& opt,
                                                  const SchemaSet& schemas, ParseCache* cache,
                                                  std::unordered_map<std::string, std::shared_ptr<const FileManifests>>& used) {
    std::string key = f.blob_id.empty() ? std::string() : f.blob_id + '\0' + f.path;
    if (cache && !key.empty()) {
      auto it = cache->entries_.find(key);
      if (it != cache->entries_.end()) {
        ++cache->hits_;
        used[key] = it->second;
        return it->second;
      }
      ++cache->misses_;
    }
    auto result = process_file(f, schemas, opt.limits);
    if (!key.empty()) used[key] = result;
    return result;
  }

  static void replace(ParseCache* cache, const SchemaSet& schemas,
                      std::unordered_map<std::string, std::shared_ptr<const FileManifests>> used) {
    if (!cache) return;
    cache->entries_ = std::move(used);
    cache->schemas_ = &schemas;
  }

  static void check_schemas(ParseCache* cache, const SchemaSet& schemas) {
    if (cache && cache->schemas_ != &schemas) cache->entries_.clear();
  }
};

namespace {

void check_cross_object(Manifests& m, const std::vector<std::shared_ptr<const SettingsManifest>>& settings) {
  std::map<std::string, const ZoneManifest*> zones;
  for (const auto& z : m.zones) {
    auto [it, fresh] = zones.emplace(z->apex.lookup_key(), z.get());
    if (!fresh) {
      m.errors.push_back({z->object.file, z->object.name_position, "metadata.name",
                          "zone " + z->apex.to_text() + " is defined twice: here and at " +
                              it->second->object.location()});
    }
  }
  std::map<std::string, const TsigKeyManifest*> keys;
  for (const auto& k : m.tsig_keys) {
    auto [it, fresh] = keys.emplace(k->name.lookup_key(), k.get());
    if (!fresh) {
      m.errors.push_back({k->object.file, k->object.name_position, "metadata.name",
                          "TsigKey " + k->name.to_text() + " is defined twice: here and at " +
                              it->second->object.location()});
    }
  }
  for (size_t i = 1; i < settings.size(); ++i) {
    m.errors.push_back({settings[i]->object.file, settings[i]->object.position, "",
                        "a second Settings object; the first is at " +
                            format_location(settings[0]->object.file, settings[0]->object.position) +
                            " (a repository has at most one)"});
  }
  wire::Name root;
  for (const auto& z : m.zones) {
    for (const Reference& ref : z->tsig_key_refs) {
      auto name = wire::Name::from_text(ref.text, &root);
      if (name && keys.count(name->lookup_key())) continue;
      m.errors.push_back({z->object.file, ref.position, ref.path,
                          "unknown TsigKey \"" + ref.text + "\" (no TsigKey object has that name)"});
    }
  }
}

void apply_settings_defaults(Manifests& m) {
  if (!m.settings || m.settings->defaults.empty()) return;
  for (auto& z : m.zones) {
    ZoneManifest copy = *z;  // cached objects are shared: change a copy
    if (!apply_defaults(copy, m.settings->defaults)) continue;
    detail::check_rrset_ttls(copy, m.errors);
    z = std::make_shared<const ZoneManifest>(std::move(copy));
  }
}

}  // namespace

Manifests load_manifests(std::span<const SourceFile> files, ParseCache* cache, const LoadOptions& options) {
  const SchemaSet& schemas = options.schemas ? *options.schemas : SchemaSet::embedded();
  Loader::check_schemas(cache, schemas);
  std::vector<const SourceFile*> order;
  for (const SourceFile& f : files) {
    if (is_manifest_path(f.path)) order.push_back(&f);
  }
  std::sort(order.begin(), order.end(), [](const SourceFile* a, const SourceFile* b) { return a->path < b->path; });

  Manifests m;
  std::vector<std::shared_ptr<const SettingsManifest>> settings;
  std::unordered_map<std::string, std::shared_ptr<const FileManifests>> used;
  for (const SourceFile* f : order) {
    auto fm = Loader::get(*f, options, schemas, cache, used);
    m.errors.insert(m.errors.end(), fm->errors.begin(), fm->errors.end());
    m.ignored.insert(m.ignored.end(), fm->ignored.begin(), fm->ignored.end());
    m.zones.insert(m.zones.end(), fm->zones.begin(), fm->zones.end());
    m.tsig_keys.insert(m.tsig_keys.end(), fm->tsig_keys.begin(), fm->tsig_keys.end());
    settings.insert(settings.end(), fm->settings.begin(), fm->settings.end());
  }
  Loader::replace(cache, schemas, std::move(used));
  if (!settings.empty()) m.settings = settings.front();
  check_cross_object(m, settings);
  apply_settings_defaults(m);
  std::stable_sort(m.zones.begin(), m.zones.end(), [](const auto& a, const auto& b) { return a->apex < b->apex; });
  sort_diagnostics(m.errors);
  return m;
}

}  // namespace gitns::manifest
