// Zone documents -> ZoneManifest: names completed with the zone origin, record values
// parsed by the wire codecs, each error at the YAML node it is about.
#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "controller/manifest/decode.h"

namespace gitns::manifest::detail {
namespace {

using nlohmann::json;
using wire::Name;

const std::string kSpec = "/spec";

std::string str(const json& v) { return v.get<std::string>(); }

bool check_ttl(DocReader& r, const std::string& ptr, const json& v, uint32_t& out) {
  uint64_t ttl = v.get<uint64_t>();  // the schema says integer >= 0
  if (ttl > kMaxTtl) {
    r.error(ptr, "TTL " + std::to_string(ttl) + " is over the maximum " + std::to_string(kMaxTtl) +
                     " (RFC 2181 section 8)");
    return false;
  }
  out = static_cast<uint32_t>(ttl);
  return true;
}

// A name inside the zone's spec: relative to the apex unless it ends with a dot.
bool zone_name(DocReader& r, const std::string& ptr, const std::string& text, const Name& apex,
               Name& out, const char* what) {
  auto n = Name::from_text(text, &apex);
  if (!n) {
    r.error(ptr, std::string("expected ") + what + ", got \"" + text + "\": " + n.error().message);
    return false;
  }
  out = *n;
  return true;
}

std::optional<std::string> normalise_repo_path(DocReader& r, const std::string& ptr, const std::string& text) {
  if (text.front() == '/') {
    r.error(ptr, "expected a path relative to the source root, got the absolute path \"" + text + "\"");
    return std::nullopt;
  }
  std::string out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find('/', i);
    if (j == std::string::npos) j = text.size();
    std::string part = text.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      r.error(ptr, "expected a path inside the source tree, got \"" + text + "\" (no '..')");
      return std::nullopt;
    }
    if (!out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) {
    r.error(ptr, "expected a file path, got \"" + text + "\"");
    return std::nullopt;
  }
  return out;
}

void decode_soa(DocReader& r, const json& spec, ZoneManifest& z) {
  SoaFields soa;
  soa.position = r.position("/metadata/name");
  const std::string ptr = kSpec + "/soa";
  auto it = spec.find("soa");
  json given = it != spec.end() ? *it : json::object();
  if (it != spec.end()) soa.position = r.position(ptr);
  if (given.contains("mname")) {
    zone_name(r, ptr + "/mname", str(given["mname"]), z.apex, soa.mname, "a domain name");
  } else if (!z.nameservers.empty()) {
    soa.mname = z.nameservers.front();
  } else if (!z.nameserver_positions.empty() || !spec.contains("zoneFile")) {
    return;  // the nameservers had errors, or their absence was reported
  } else {
    r.key_error(ptr, "missing required field \"mname\" (spec.nameservers is empty, so there is no default)");
  }
  if (given.contains("rname")) {
    std::string rname = str(given["rname"]);
    if (rname.find('@') != std::string::npos) {
      r.error(ptr + "/rname", "expected a domain name such as hostmaster.example.com. (the '@' of an "
                              "email address is written as a dot), got \"" + rname + "\"");
    } else {
      zone_name(r, ptr + "/rname", rname, z.apex, soa.rname, "a domain name");
    }
  } else {
    auto rname = z.apex.prepend("hostmaster");
    if (rname) soa.rname = *rname;
    else r.error("/metadata/name", "zone name too long for the default SOA rname hostmaster.<zone>");
  }
  struct Timer { const char* key; uint32_t* field; bool* written; };
  for (Timer t : {Timer{"refresh", &soa.refresh, &z.written.refresh}, Timer{"retry", &soa.retry, &z.written.retry},
                  Timer{"expire", &soa.expire, &z.written.expire}, Timer{"minimum", &soa.minimum, &z.written.minimum}}) {
    if (!given.contains(t.key)) continue;
    *t.field = given[t.key].get<uint32_t>();  // the schema bounds it to 0..2^32-1
    *t.written = true;
  }
  z.soa = soa;
}

void decode_nameservers(DocReader& r, const json& spec, ZoneManifest& z) {
  auto it = spec.find("nameservers");
  if (it == spec.end()) return;
  for (size_t i = 0; i < it->size(); ++i) {
    std::string ptr = pointer_append(kSpec + "/nameservers", i);
    z.nameserver_positions.push_back(r.position(ptr));
    Name ns;
    if (!zone_name(r, ptr, str((*it)[i]), z.apex, ns, "a name server's domain name")) continue;
    auto dup = std::find(z.nameservers.begin(), z.nameservers.end(), ns);
    if (dup != z.nameservers.end()) {
      r.error(ptr, "name server " + ns.to_text() + " is listed twice");
      continue;
    }
    z.nameservers.push_back(ns);
  }
}

// TXT/SPF values are literal text: cut into character-strings of at most 255 bytes.
wire::Rdata literal_text_rdata(const std::string& text) {
  wire::Rdata rd;
  size_t i = 0;
  do {
    size_t n = std::min<size_t>(255, text.size() - i);
    rd.bytes.push_back(static_cast<uint8_t>(n));
    rd.bytes.insert(rd.bytes.end(), text.begin() + i, text.begin() + i + n);
    i += n;
  } while (i < text.size());
  return rd;
}

bool is_text_type(uint16_t t) { return t == wire::rrtype::TXT || t == wire::rrtype::SPF; }

// Types a manifest may not list in records, with the reason.
const char* forbidden_type(uint16_t type, const Name& owner, const Name& apex) {
  using namespace wire::rrtype;
  if (wire::is_meta_type(type)) return "is a meta type, not data";
  if (type == SOA) return "records are not written here: the SOA comes from spec.soa";
  if (type == NS && owner == apex) return "records at the apex are not written here: they come from spec.nameservers";
  if (type == RRSIG || type == NSEC || type == NSEC3 || type == NSEC3PARAM) {
    return "records are generated by DNSSEC signing, not written in manifests";
  }
  return nullptr;
}

struct EntryContext {
  DocReader& r;
  ZoneManifest& z;
  Name owner;
  std::string ptr;   // JSON pointer of the entry
  std::string path;  // its field path, built directly (no walk of a 100k-key map)
};

void add_record(EntryContext& c, uint16_t type, uint32_t ttl, bool ttl_set, const std::string& ptr,
                std::string path, wire::Rdata rdata) {
  ManifestRecord rec;
  rec.rr.owner = c.owner;
  rec.rr.type = type;
  rec.rr.ttl = ttl;
  rec.rr.rdata = std::move(rdata);
  rec.ttl_set = ttl_set;
  rec.position = c.r.position(ptr);
  rec.path = std::move(path);
  c.z.records.push_back(std::move(rec));
}

void decode_value(EntryContext& c, uint16_t type, uint32_t ttl, bool ttl_set, const std::string& ptr,
                  std::string path, const std::string& text) {
  if (is_text_type(type)) {
    if (text.size() > 65535 - 256) {
      c.r.error(ptr, "text of " + std::to_string(text.size()) + " bytes does not fit one record (64 KiB)");
      return;
    }
    add_record(c, type, ttl, ttl_set, ptr, std::move(path), literal_text_rdata(text));
    return;
  }
  auto rd = wire::rdata_from_text(type, text, c.z.apex);
  if (!rd) {
    c.r.error(ptr, "invalid " + wire::type_to_text(type) + " value \"" + text + "\": " + rd.error().message);
    return;
  }
  add_record(c, type, ttl, ttl_set, ptr, std::move(path), std::move(*rd));
}

void decode_strings(EntryContext& c, uint16_t type, uint32_t ttl, bool ttl_set, const json& list) {
  std::string ptr = c.ptr + "/strings";
  wire::Rdata rd;
  bool ok = true;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& s = list[i].get_ref<const std::string&>();
    if (s.size() > 255) {
      c.r.error(pointer_append(ptr, i), "expected a character-string of at most 255 bytes, got " +
                                            std::to_string(s.size()) + " bytes");
      ok = false;
      continue;
    }
    rd.bytes.push_back(static_cast<uint8_t>(s.size()));
    rd.bytes.insert(rd.bytes.end(), s.begin(), s.end());
  }
  if (ok && rd.bytes.size() > 65535) {
    c.r.error(ptr, "strings total " + std::to_string(rd.bytes.size()) + " bytes; a record holds at most 65535");
    ok = false;
  }
  if (ok) add_record(c, type, ttl, ttl_set, ptr, path_append(c.path, "strings"), std::move(rd));
}

void decode_entry(EntryContext& c, const json& e) {
  const std::string type_text = str(e["type"]);
  auto type = wire::type_from_text(type_text);
  if (!type) {
    c.r.error(c.ptr + "/type", type.error().message);
    return;
  }
  if (const char* why = forbidden_type(*type, c.owner, c.z.apex)) {
    c.r.error(c.ptr + "/type", wire::type_to_text(*type) + " " + why);
    return;
  }
  uint32_t ttl = c.z.ttl;
  bool ttl_set = e.contains("ttl");
  if (ttl_set && !check_ttl(c.r, c.ptr + "/ttl", e["ttl"], ttl)) return;
  if (e.contains("strings")) {
    if (!is_text_type(*type)) {
      c.r.key_error(c.ptr + "/strings", "only TXT and SPF records take strings; use value or values");
      return;
    }
    decode_strings(c, *type, ttl, ttl_set, e["strings"]);
    return;
  }
  if (e.contains("value")) {
    decode_value(c, *type, ttl, ttl_set, c.ptr + "/value", path_append(c.path, "value"), str(e["value"]));
    return;
  }
  const json& values = e["values"];
  std::string values_path = path_append(c.path, "values");
  for (size_t i = 0; i < values.size(); ++i) {
    decode_value(c, *type, ttl, ttl_set, pointer_append(c.ptr + "/values", i), path_append(values_path, i),
                 str(values[i]));
  }
}

void decode_records(DocReader& r, const json& spec, ZoneManifest& z) {
  auto it = spec.find("records");
  if (it == spec.end()) return;
  const std::string base = kSpec + "/records";
  // Keys that name one owner (WWW and www, www and www.example.com.) would split one
  // name's data over two places; which of them wins would be a guess.
  std::unordered_map<std::string, std::string> owner_keys;  // lookup key -> records key
  // File order, not the map's sorted order: "the first" key is the one written first.
  std::vector<std::pair<Position, json::const_iterator>> keys;
  for (auto m = it->cbegin(); m != it->cend(); ++m) {
    keys.emplace_back(r.key_position(pointer_append(base, m.key())), m);
  }
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.line, a.first.column) < std::tie(b.first.line, b.first.column);
  });
  for (const auto& [_, m] : keys) {
    const std::string& key = m.key();
    std::string key_ptr = pointer_append(base, key);
    auto owner = key == "@" ? base::Result<Name>(z.apex) : Name::from_text(key, &z.apex);
    if (!owner) {
      r.key_error(key_ptr, "expected an owner name, got \"" + key + "\": " + owner.error().message);
      continue;
    }
    if (!owner->is_subdomain_of(z.apex)) {
      r.key_error(key_ptr, "owner name " + owner->to_text() + " is outside the zone " + z.apex.to_text());
      continue;
    }
    auto [prev, fresh] = owner_keys.emplace(owner->lookup_key(), key);
    if (!fresh) {
      Position first = r.key_position(pointer_append(base, prev->second));
      r.key_error(key_ptr, "key \"" + key + "\" names the same owner as key \"" + prev->second + "\" at " +
                               format_location(r.file(), first) + " (owner names are case-insensitive)");
      continue;
    }
    EntryContext c{r, z, *owner, {}, {}};
    std::string key_path = path_append("spec.records", key);
    for (size_t i = 0; i < m.value().size(); ++i) {
      c.ptr = pointer_append(key_ptr, i);
      c.path = path_append(key_path, i);
      decode_entry(c, m.value()[i]);
    }
  }
}

}  // namespace

std::shared_ptr<ZoneManifest> decode_zone(DocReader& r) {
  auto z = std::make_shared<ZoneManifest>();
  z->object = r.object_info();
  if (!decode_object_name(r, z->apex)) return nullptr;
  const json& spec = r.root()["spec"];
  if (spec.contains("type") && spec["type"] != "primary") {
    r.error(kSpec + "/type", "zone type \"" + str(spec["type"]) +
                                 "\" is not supported yet by this gitns release (only primary)");
    z->type = spec["type"] == "secondary" ? ZoneType::secondary
              : spec["type"] == "stub"    ? ZoneType::stub
                                          : ZoneType::forwarder;
  }
  reject_unsupported(r, spec, kSpec, {"catalog", "dnssec", "transfer", "primaries", "forwarders"});
  if (auto t = spec.find("transfer"); t != spec.end() && t->contains("tsigKeys")) {
    const json& keys = (*t)["tsigKeys"];
    for (size_t i = 0; i < keys.size(); ++i) {
      std::string ptr = pointer_append(kSpec + "/transfer/tsigKeys", i);
      z->tsig_key_refs.push_back({str(keys[i]), r.position(ptr), r.path(ptr)});
    }
  }
  if (spec.contains("ttl")) z->written.ttl = check_ttl(r, kSpec + "/ttl", spec["ttl"], z->ttl);
  if (spec.contains("serial") && spec["serial"].is_number()) {
    z->serial_auto = false;
    z->serial = spec["serial"].get<uint32_t>();
    z->serial_position = r.position(kSpec + "/serial");
  }
  if (spec.contains("zoneFile")) {
    std::string ptr = kSpec + "/zoneFile";
    z->zone_file = normalise_repo_path(r, ptr, str(spec["zoneFile"]));
    z->zone_file_position = r.position(ptr);
  }
  decode_nameservers(r, spec, *z);
  if (!spec.contains("nameservers") && !spec.contains("zoneFile")) {
    r.key_error(kSpec, "missing required field \"nameservers\" (required unless spec.zoneFile is given)");
  }
  if (spec.contains("soa") || !spec.contains("zoneFile")) decode_soa(r, spec, *z);
  decode_records(r, spec, *z);
  return z;
}

}  // namespace gitns::manifest::detail

namespace gitns::manifest {

std::vector<wire::RR> ZoneManifest::apex_records(uint32_t serial_value) const {
  std::vector<wire::RR> out;
  if (soa) {
    wire::RR rr;
    rr.owner = apex;
    rr.type = wire::rrtype::SOA;
    rr.ttl = ttl;
    auto append = [&](std::span<const uint8_t> b) { rr.rdata.bytes.insert(rr.rdata.bytes.end(), b.begin(), b.end()); };
    append(soa->mname.wire());
    append(soa->rname.wire());
    for (uint32_t v : {serial_value, soa->refresh, soa->retry, soa->expire, soa->minimum}) {
      uint8_t be[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                       static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
      append(be);
    }
    out.push_back(std::move(rr));
  }
  for (const wire::Name& ns : nameservers) {
    wire::RR rr;
    rr.owner = apex;
    rr.type = wire::rrtype::NS;
    rr.ttl = ttl;
    auto w = ns.wire();
    rr.rdata.bytes.assign(w.begin(), w.end());
    out.push_back(std::move(rr));
  }
  return out;
}

bool apply_defaults(ZoneManifest& zone, const ZoneDefaults& d) {
  bool changed = false;
  auto set = [&](bool written, const std::optional<uint32_t>& v, uint32_t& field) {
    if (written || !v || *v == field) return;
    field = *v;
    changed = true;
  };
  uint32_t old_ttl = zone.ttl;
  set(zone.written.ttl, d.ttl, zone.ttl);
  if (zone.soa) {
    set(zone.written.refresh, d.refresh, zone.soa->refresh);
    set(zone.written.retry, d.retry, zone.soa->retry);
    set(zone.written.expire, d.expire, zone.soa->expire);
    set(zone.written.minimum, d.minimum, zone.soa->minimum);
  }
  if (zone.ttl != old_ttl) {
    for (ManifestRecord& rec : zone.records) {
      if (!rec.ttl_set) rec.rr.ttl = zone.ttl;
    }
  }
  return changed;
}

}  // namespace gitns::manifest
