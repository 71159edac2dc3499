#include "controller/manifest/decode.h"

namespace gitns::manifest::detail {

using nlohmann::json;

Position DocReader::key_position(const std::string& pointer) const {
  NodePosition p = doc_.positions.find(pointer);
  return p.key.known() ? p.key : p.value;
}

void DocReader::error(const std::string& pointer, std::string message) {
  errors_.push_back({file_, position(pointer), path(pointer), std::move(message)});
}

void DocReader::key_error(const std::string& pointer, std::string message) {
  errors_.push_back({file_, key_position(pointer), path(pointer), std::move(message)});
}

ObjectInfo DocReader::object_info() const {
  ObjectInfo info;
  const json& v = doc_.value;
  info.kind = v.value("kind", "");
  info.file = file_;
  info.document = index_;
  info.position = doc_.start;
  const json& meta = v.at("metadata");
  info.name = meta.value("name", "");
  info.name_position = position("/metadata/name");
  for (const char* field : {"labels", "annotations"}) {
    auto it = meta.find(field);
    if (it == meta.end()) continue;
    auto& dst = std::string_view(field) == "labels" ? info.labels : info.annotations;
    for (auto m = it->begin(); m != it->end(); ++m) dst[m.key()] = m.value().get<std::string>();
  }
  return info;
}

void reject_unsupported(DocReader& r, const json& spec, const std::string& spec_ptr,
                        std::initializer_list<const char*> fields) {
  for (const char* f : fields) {
    if (!spec.contains(f)) continue;
    r.key_error(pointer_append(spec_ptr, f),
                std::string(f) + " is not supported yet by this gitns release (remove it; it would not take effect)");
  }
}

bool decode_object_name(DocReader& r, wire::Name& out) {
  const std::string& text = r.root()["metadata"]["name"].get_ref<const std::string&>();
  wire::Name root;
  auto name = wire::Name::from_text(text, &root);
  if (!name || text == "@") {
    r.error("/metadata/name", "expected a domain name, got \"" + text + "\"" +
                                  (name ? std::string() : ": " + name.error().message));
    return false;
  }
  out = *name;
  return true;
}

}  // namespace gitns::manifest::detail
