#include "controller/cli/explain.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "controller/manifest/manifest.h"
#include "controller/manifest/schema.h"

namespace gitns::cli {
namespace {

using nlohmann::json;

const json& resolve(const json& root, const json& node) {
  const json* n = &node;
  for (int guard = 0; guard < 16 && n->is_object() && n->contains("$ref"); ++guard) {
    std::string ref = (*n)["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) break;
    json::json_pointer ptr(ref.substr(1));
    if (!root.contains(ptr)) break;
    n = &root.at(ptr);
  }
  return *n;
}

std::string type_name(const json& root, const json& raw) {
  const json& n = resolve(root, raw);
  if (n.contains("const")) return n["const"].dump();
  if (n.contains("enum")) {
    std::string out;
    for (const auto& v : n["enum"]) out += (out.empty() ? "" : "|") + (v.is_string() ? v.get<std::string>() : v.dump());
    return out;
  }
  if (n.contains("oneOf")) {
    std::string out;
    for (const auto& alt : n["oneOf"]) {
      std::string t = type_name(root, alt);
      if (!t.empty()) out += (out.empty() ? "" : "|") + t;
    }
    if (!out.empty()) return out;
  }
  if (!n.contains("type")) return n.contains("properties") ? "object" : "";
  std::string t = n["type"].is_string() ? n["type"].get<std::string>() : n["type"].dump();
  if (t == "array" && n.contains("items")) return "[]" + type_name(root, n["items"]);
  if (t == "object" && n.contains("additionalProperties") && n["additionalProperties"].is_object())
    return "map[string]" + type_name(root, n["additionalProperties"]);
  return t;
}

std::string wrap(const std::string& text, size_t indent, size_t width = 80) {
  std::istringstream words(text);
  std::string word, line, out;
  while (words >> word) {
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += std::string(indent, ' ') + line + "\n";
  return out;
}

std::string description(const json& root, const json& raw) {
  const json& n = resolve(root, raw);
  std::string d;
  if (raw.is_object() && raw.contains("description")) d = raw["description"].get<std::string>();
  else if (n.contains("description")) d = n["description"].get<std::string>();
  if (n.contains("default")) d += (d.empty() ? "" : " ") + std::string("Default: ") + n["default"].dump() + ".";
  return d;
}

// The node whose fields are listed: through arrays to their items.
const json& container(const json& root, const json& raw) {
  const json* n = &resolve(root, raw);
  for (int guard = 0; guard < 4 && n->contains("items"); ++guard) n = &resolve(root, (*n)["items"]);
  return *n;
}

std::string field_names(const json& n) {
  std::string out;
  if (n.contains("properties"))
    for (const auto& [k, _] : n["properties"].items()) out += (out.empty() ? "" : ", ") + k;
  return out.empty() ? "(none)" : out;
}

}  // namespace

base::Status explain(const std::string& what, std::ostream& out) {
  const manifest::SchemaSet& set = manifest::SchemaSet::embedded();
  std::string kind_text = what.substr(0, what.find('.'));
  std::string kind;
  std::string known;
  for (const std::string& k : set.kinds()) {
    known += (known.empty() ? "" : ", ") + k;
    if (k.size() == kind_text.size() &&
        std::equal(k.begin(), k.end(), kind_text.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      kind = k;
  }
  if (kind.empty())
    return base::fail(base::Errc::not_found, "unknown kind '" + kind_text + "'; kinds: " + known);
  const json& root = *set.schema(kind);
  const json* node = &root;
  std::string path;
  size_t at = what.find('.');
  while (at != std::string::npos) {
    size_t next = what.find('.', at + 1);
    std::string field = what.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    at = next;
    const json& c = container(root, *node);
    if (c.contains("properties") && c["properties"].contains(field)) {
      node = &c["properties"][field];
    } else if (c.contains("additionalProperties") && c["additionalProperties"].is_object()) {
      node = &c["additionalProperties"];  // a map: any key (e.g. a record owner)
    } else {
      return base::fail(base::Errc::not_found,
                        "field '" + field + "' does not exist in " + kind + (path.empty() ? "" : "." + path) +
                            "; fields: " + field_names(c));
    }
    path += (path.empty() ? "" : ".") + field;
  }

  out << "KIND:     " << kind << "\nVERSION:  " << manifest::kApiVersion << "\n\n";
  if (!path.empty()) out << "FIELD:    " << path << " <" << type_name(root, *node) << ">\n\n";
  out << "DESCRIPTION:\n" << wrap(description(root, *node).empty() ? "(no description)" : description(root, *node), 4);
  const json& c = container(root, *node);
  if (c.contains("properties")) {
    out << "\nFIELDS:\n";
    std::vector<std::string> required;
    if (c.contains("required")) required = c["required"].get<std::vector<std::string>>();
    for (const auto& [name, sub] : c["properties"].items()) {
      bool req = std::find(required.begin(), required.end(), name) != required.end();
      out << "   " << name << "\t<" << type_name(root, sub) << ">" << (req ? " -required-" : "") << "\n";
      std::string d = description(root, sub);
      if (!d.empty()) out << wrap(d, 5);
      out << "\n";
    }
  } else if (c.contains("additionalProperties") && c["additionalProperties"].is_object()) {
    out << "\nEach value: <" << type_name(root, c["additionalProperties"]) << "> (see " << kind << "."
        << path << ".KEY)\n";
  }
  return {};
}

}  // namespace gitns::cli
