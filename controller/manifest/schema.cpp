// valijson validates; this file turns its results into messages a person can act on.
// valijson's own descriptions ("Value type not permitted by 'type' constraint.") say
// neither what was expected nor what was found, so each failing node's subschema is
// looked up in the schema document and described from its keywords.
#include "controller/manifest/schema.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "controller/manifest/embedded_schemas.h"

namespace gitns::manifest {

using nlohmann::json;
using base::Errc;
using base::fail;

struct SchemaSet::Impl {
  struct Entry {
    std::string file;
    json raw;
    std::unique_ptr<valijson::Schema> compiled;
  };
  std::map<std::string, Entry, std::less<>> kinds;
};

namespace {

// ---- schema lookup ---------------------------------------------------------------

const json* resolve_ref(const json& root, const json* s) {
  for (int hops = 0; s && s->is_object() && hops < 16; ++hops) {
    auto ref = s->find("$ref");
    if (ref == s->end() || !ref->is_string()) return s;
    const std::string& r = ref->get_ref<const std::string&>();
    if (r.rfind("#", 0) != 0) return nullptr;
    try {
      s = &root.at(json::json_pointer(r.substr(1)));
    } catch (const json::exception&) {
      return nullptr;
    }
  }
  return s;
}

const json* member(const json* s, const char* key) {
  if (!s || !s->is_object()) return nullptr;
  auto it = s->find(key);
  return it == s->end() ? nullptr : &*it;
}

// The subschema that applies to member `key` of an object (properties, then
// patternProperties, then additionalProperties), or nullptr when none does.
const json* property_schema(const json& root, const json* s, const std::string& key) {
  s = resolve_ref(root, s);
  if (const json* props = member(s, "properties"); props && props->is_object()) {
    auto it = props->find(key);
    if (it != props->end()) return resolve_ref(root, &*it);
  }
  if (const json* pats = member(s, "patternProperties"); pats && pats->is_object()) {
    for (auto it = pats->begin(); it != pats->end(); ++it) {
      try {
        if (std::regex_search(key, std::regex(it.key()))) return resolve_ref(root, &it.value());
      } catch (const std::regex_error&) {
      }
    }
  }
  if (const json* add = member(s, "additionalProperties"); add && add->is_object()) {
    return resolve_ref(root, add);
  }
  return nullptr;
}

const json* items_schema(const json& root, const json* s) {
  const json* items = member(resolve_ref(root, s), "items");
  return items && items->is_object() ? resolve_ref(root, items) : nullptr;
}

std::vector<std::string> known_properties(const json& root, const json* s) {
  std::vector<std::string> out;
  if (const json* props = member(resolve_ref(root, s), "properties"); props && props->is_object()) {
    for (auto it = props->begin(); it != props->end(); ++it) out.push_back(it.key());
  }
  return out;
}

bool property_allowed(const json& root, const json* s, const std::string& key) {
  if (const json* add = member(resolve_ref(root, s), "additionalProperties");
      !add || !add->is_boolean() || add->get<bool>()) {
    return true;
  }
  return property_schema(root, s, key) != nullptr;
}

// ---- describing what a subschema expects -----------------------------------------

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string number_text(const json& n) { return describe_value(n); }

// Branches of a oneOf/anyOf that are only {"required": [...]}: a choice of fields.
std::vector<std::string> required_only_fields(const json* choice) {
  std::vector<std::string> fields;
  if (!choice || !choice->is_array()) return fields;
  for (const json& b : *choice) {
    if (!b.is_object() || b.size() != 1 || !b.contains("required")) return {};
    for (const json& f : b["required"]) {
      if (f.is_string()) fields.push_back(f.get<std::string>());
    }
  }
  return fields;
}

std::string describe(const json& root, const json* s);

std::string plural(const std::string& one) {
  static const char* simple[] = {"string", "integer", "number", "boolean", "map", "list"};
  for (const char* w : simple) {
    if (one == w) return one + "s";
    if (one == std::string("non-empty ") + w) return one + "s";
  }
  return "(" + one + ")";
}

std::string describe_type(const json& root, const json* s, const std::string& type) {
  if (type == "string") {
    std::string out = "string";
    if (const json* ml = member(s, "minLength"); ml && ml->is_number() && ml->get<double>() >= 1) {
      out = "non-empty string";
    }
    if (const json* p = member(s, "pattern"); p && p->is_string()) {
      out += " matching " + p->get<std::string>();
    }
    return out;
  }
  if (type == "integer" || type == "number") {
    const json* lo = member(s, "minimum");
    const json* hi = member(s, "maximum");
    if (lo && hi) return type + " from " + number_text(*lo) + " to " + number_text(*hi);
    if (lo) return type + " >= " + number_text(*lo);
    if (hi) return type + " <= " + number_text(*hi);
    return type;
  }
  if (type == "array") {
    std::string out = "list";
    if (const json* mi = member(s, "minItems"); mi && mi->is_number()) {
      double n = mi->get<double>();
      if (n == 1) out = "non-empty list";
      if (n > 1) out = "list of at least " + number_text(*mi) + " items";
    }
    if (const json* items = items_schema(root, s)) {
      std::string one = describe(root, items);
      if (out == "list" || out == "non-empty list") out += " of " + plural(one);
    }
    return out;
  }
  if (type == "object") return "map";
  return type;  // boolean, null
}

// What a value must look like under `s`, e.g. "integer >= 0", "one of \"a\", \"b\"".
std::string describe(const json& root, const json* s) {
  s = resolve_ref(root, s);
  if (!s || !s->is_object()) return "a valid value";
  if (const json* c = member(s, "const")) return describe_value(*c);
  if (const json* e = member(s, "enum"); e && e->is_array()) {
    std::vector<std::string> vals;
    for (const json& v : *e) vals.push_back(describe_value(v));
    return vals.size() == 1 ? vals[0] : "one of " + join(vals, ", ");
  }
  if (const json* t = member(s, "type")) {
    std::vector<std::string> parts;
    if (t->is_string()) parts.push_back(describe_type(root, s, t->get<std::string>()));
    if (t->is_array()) {
      for (const json& one : *t) {
        if (one.is_string()) parts.push_back(describe_type(root, s, one.get<std::string>()));
      }
    }
    return join(parts, " or ");
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    const json* choice = member(s, key);
    if (!choice || !choice->is_array() || !required_only_fields(choice).empty()) continue;
    std::vector<std::string> parts;
    for (const json& b : *choice) parts.push_back(describe(root, &b));
    return join(parts, " or ");
  }
  return "a valid value";
}

// For an object that fails a oneOf/anyOf of required-only branches.
std::string describe_field_choice(const json* s, const json* node) {
  for (const char* key : {"oneOf", "anyOf"}) {
    std::vector<std::string> fields = required_only_fields(member(s, key));
    if (fields.empty()) continue;
    std::vector<std::string> present;
    for (const std::string& f : fields) {
      if (node && node->is_object() && node->contains(f)) present.push_back(f);
    }
    std::string want = std::string(key) == "oneOf" ? "exactly one of " : "at least one of ";
    return "expected " + want + "the fields " + join(fields, ", ") + "; found " +
           (present.empty() ? "none" : join(present, " and "));
  }
  return {};
}

// ---- grouping valijson's results per failing node --------------------------------

enum class Kind { wrapper, type, value, missing, unknown, choice };

Kind classify(const std::string& d, std::string* field) {
  auto starts = [&](std::string_view p) { return d.rfind(p, 0) == 0; };
  if (starts("Failed to validate against schema associated with") || starts("Failed to validate item #") ||
      starts("Failed to validate against additional properties schema") ||
      starts("Failed to validate against dependent schema") ||
      starts("Failed to validate against child schema #") ||
      starts("Failed to validate against a conditional schema")) {
    return Kind::wrapper;
  }
  if (starts("Value type not permitted")) return Kind::type;
  if (starts("Missing required property '")) {
    size_t b = d.find('\'') + 1;
    *field = d.substr(b, d.rfind('\'') - b);
    return Kind::missing;
  }
  if (starts("Object contains a property that could not be validated")) return Kind::unknown;
  if (starts("Failed to validate against any child schemas allowed by oneOf") ||
      starts("Failed to validate against exactly one child schema") ||
      starts("Failed to validate against any schemas allowed by anyOf")) {
    return Kind::choice;
  }
  return Kind::value;
}

struct Group {
  std::vector<std::string> context;
  bool type = false, value = false, choice = false, unknown = false;
  std::vector<std::string> missing;
};

// Follows a valijson context (["<root>", "[spec]", "[0]"]) through the instance and the
// schema at once. `node` and `schema` become nullptr when the path leaves either.
struct Located {
  std::string pointer;
  const json* node;
  const json* schema;
};

Located locate(const json& root_schema, const json& instance, const std::vector<std::string>& context) {
  Located at{"", &instance, resolve_ref(root_schema, &root_schema)};
  for (size_t i = 1; i < context.size(); ++i) {
    const std::string& seg = context[i];
    std::string key = seg.size() >= 2 ? seg.substr(1, seg.size() - 2) : seg;
    if (at.node && at.node->is_array()) {
      size_t idx = std::strtoul(key.c_str(), nullptr, 10);
      at.pointer = pointer_append(at.pointer, idx);
      at.node = idx < at.node->size() ? &(*at.node)[idx] : nullptr;
      at.schema = items_schema(root_schema, at.schema);
    } else {
      at.pointer = pointer_append(at.pointer, key);
      const json* next = nullptr;
      if (at.node && at.node->is_object()) {
        auto it = at.node->find(key);
        if (it != at.node->end()) next = &*it;
      }
      at.node = next;
      at.schema = property_schema(root_schema, at.schema, key);
    }
  }
  return at;
}

bool is_scalar(const json* node) { return node && !node->is_object() && !node->is_array(); }

void render_group(const json& root_schema, const YamlDocument& doc, const Group& g,
                  std::vector<Diagnostic>& out) {
  Located at = locate(root_schema, doc.value, g.context);
  std::string path = display_path(doc.value, at.pointer);
  Position pos = doc.positions.find(at.pointer).value;
  auto got = [&] { return at.node ? ", got " + describe_value(*at.node) : std::string(); };
  auto hint = [&] {
    // The YAML trap: 300 is an integer, "300" a string.
    if (at.node && (at.node->is_number() || at.node->is_boolean()) &&
        describe(root_schema, at.schema).find("string") != std::string::npos) {
      return std::string(" (quote it to make it a string)");
    }
    return std::string();
  };
  if (g.type) {
    const json* s = resolve_ref(root_schema, at.schema);
    std::string want = describe(root_schema, s);
    out.push_back({{}, pos, path, "expected " + want + got() + hint()});
    return;  // a value of the wrong type has no other meaningful errors
  }
  if (g.choice) {
    std::string fields = describe_field_choice(resolve_ref(root_schema, at.schema), at.node);
    if (!fields.empty()) {
      out.push_back({{}, pos, path, fields});
    } else {
      out.push_back({{}, pos, path, "expected " + describe(root_schema, at.schema) +
                                         (is_scalar(at.node) ? got() : "") + hint()});
    }
  } else if (g.value) {
    out.push_back({{}, pos, path, "expected " + describe(root_schema, at.schema) + got() + hint()});
  }
  const json* required = member(resolve_ref(root_schema, at.schema), "required");
  for (const std::string& f : g.missing) {
    // Required-only oneOf branches report "missing" too; the choice message covers them.
    bool real = required && required->is_array() &&
                std::find(required->begin(), required->end(), json(f)) != required->end();
    // At the member's key ("spec:"), not at its first child, when it has one.
    NodePosition np = doc.positions.find(at.pointer);
    Position where = np.key.known() ? np.key : np.value;
    if (real) out.push_back({{}, where, path, "missing required field \"" + f + "\""});
  }
  if (g.unknown && at.node && at.node->is_object()) {
    std::vector<std::string> known = known_properties(root_schema, at.schema);
    for (auto it = at.node->begin(); it != at.node->end(); ++it) {
      if (property_allowed(root_schema, at.schema, it.key())) continue;
      std::string member_ptr = pointer_append(at.pointer, it.key());
      std::string msg = "unknown field \"" + it.key() + "\"";
      if (it.key() == "<<") msg += " (YAML merge keys are not supported; repeat the fields)";
      else if (!known.empty()) msg += " (expected one of: " + join(known, ", ") + ")";
      out.push_back({{}, doc.positions.find(member_ptr).key, display_path(doc.value, member_ptr), msg});
    }
  }
}

std::vector<Diagnostic> render(const json& root_schema, const YamlDocument& doc,
                               const valijson::ValidationResults& results) {
  std::vector<Group> groups;
  std::map<std::vector<std::string>, size_t> index;
  for (const auto& e : results) {
    std::string field;
    Kind k = classify(e.description, &field);
    if (k == Kind::wrapper) continue;
    auto [it, fresh] = index.emplace(e.context, groups.size());
    if (fresh) groups.push_back(Group{e.context});
    Group& g = groups[it->second];
    switch (k) {
      case Kind::type: g.type = true; break;
      case Kind::value: g.value = true; break;
      case Kind::choice: g.choice = true; break;
      case Kind::unknown: g.unknown = true; break;
      case Kind::missing:
        if (std::find(g.missing.begin(), g.missing.end(), field) == g.missing.end()) g.missing.push_back(field);
        break;
      case Kind::wrapper: break;
    }
  }
  // A node whose own type is wrong makes errors about its members noise.
  std::vector<Diagnostic> out;
  for (const Group& g : groups) {
    bool under_type_error = false;
    for (const Group& other : groups) {
      if (&other == &g || !other.type || other.context.size() >= g.context.size()) continue;
      if (std::equal(other.context.begin(), other.context.end(), g.context.begin())) under_type_error = true;
    }
    if (!under_type_error) render_group(root_schema, doc, g, out);
  }
  return out;
}

base::Result<std::string> kind_of(const json& raw, const std::string& file) {
  const json* props = member(&raw, "properties");
  const json* kind = member(props, "kind");
  const json* c = member(kind, "const");
  if (!c || !c->is_string()) {
    return fail(Errc::syntax, file + ": a manifest schema must fix its kind in properties.kind.const");
  }
  return c->get<std::string>();
}

}  // namespace

base::Result<SchemaSet> SchemaSet::from_texts(
    const std::vector<std::pair<std::string, std::string>>& files) {
  auto impl = std::make_shared<Impl>();
  for (const auto& [file, text] : files) {
    Impl::Entry entry;
    entry.file = file;
    try {
      entry.raw = json::parse(text);
    } catch (const json::exception& e) {
      return fail(Errc::syntax, file + ": not valid JSON: " + e.what());
    }
    GITNS_TRY(std::string kind, kind_of(entry.raw, file));
    entry.compiled = std::make_unique<valijson::Schema>();
    try {
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      valijson::adapters::NlohmannJsonAdapter adapter(entry.raw);
      parser.populateSchema(adapter, *entry.compiled);
    } catch (const std::exception& e) {
      return fail(Errc::syntax, file + ": not a usable JSON Schema: " + e.what());
    }
    if (impl->kinds.count(kind)) {
      return fail(Errc::semantic, file + ": kind " + kind + " also has the schema " + impl->kinds[kind].file);
    }
    impl->kinds.emplace(kind, std::move(entry));
  }
  if (impl->kinds.empty()) return fail(Errc::not_found, "no schemas given");
  return SchemaSet(std::move(impl));
}

base::Result<SchemaSet> SchemaSet::from_directory(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") paths.push_back(e.path());
  }
  if (ec) return fail(Errc::io, "cannot list schema folder " + dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return fail(Errc::io, "cannot read " + p.string());
    files.emplace_back(p.string(), text.str());
  }
  if (files.empty()) return fail(Errc::not_found, "no *.json schemas in " + dir);
  return from_texts(files);
}

const SchemaSet& SchemaSet::embedded() {
  static const SchemaSet set = [] {
    std::vector<std::pair<std::string, std::string>> files;
    for (const EmbeddedSchema& s : embedded_schema_texts()) files.emplace_back(s.file, s.text);
    auto r = from_texts(files);
    if (!r) {
      // The build embeds the repository's schemas; a broken one is a build defect.
      std::fprintf(stderr, "gitns: embedded schemas are broken: %s\n", r.error().message.c_str());
      std::abort();
    }
    return std::move(r).value();
  }();
  return set;
}

bool SchemaSet::has_kind(std::string_view kind) const { return impl_->kinds.find(kind) != impl_->kinds.end(); }

std::vector<std::string> SchemaSet::kinds() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : impl_->kinds) out.push_back(k);
  return out;
}

const nlohmann::json* SchemaSet::schema(std::string_view kind) const {
  auto it = impl_->kinds.find(kind);
  return it == impl_->kinds.end() ? nullptr : &it->second.raw;
}

std::vector<Diagnostic> SchemaSet::validate(std::string_view kind, const YamlDocument& doc) const {
  auto it = impl_->kinds.find(kind);
  if (it == impl_->kinds.end()) {
    return {{{}, doc.positions.find("/kind").value, "kind",
             "unknown kind \"" + std::string(kind) + "\" (expected one of: " + join(kinds(), ", ") + ")"}};
  }
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc.value);
  try {
    if (validator.validate(*it->second.compiled, target, &results)) return {};
  } catch (const std::exception& e) {
    return {{{}, doc.start, {}, std::string("schema validation failed: ") + e.what()}};
  }
  std::vector<Diagnostic> out = render(it->second.raw, doc, results);
  if (out.empty()) out.push_back({{}, doc.start, {}, "does not match the " + std::string(kind) + " schema"});
  return out;
}

}  // namespace gitns::manifest
