#include "controller/cli/import_zone.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "controller/cli/yaml_text.h"
#include "controller/reconcile/plan.h"
#include "controller/reconcile/revision_plan.h"
#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zonefile.h"

namespace gitns::cli {
namespace {

using wire::RR;

uint32_t be32(std::span<const uint8_t> b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}

struct Soa {
  wire::Name mname, rname;
  uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};

std::optional<Soa> parse_soa(const wire::Rdata& rd) {
  Soa s;
  size_t used = 0, used2 = 0;
  auto m = wire::Name::from_wire(rd.bytes, &used);
  if (!m) return std::nullopt;
  auto r = wire::Name::from_wire(std::span<const uint8_t>(rd.bytes).subspan(used), &used2);
  if (!r || used + used2 + 20 != rd.bytes.size()) return std::nullopt;
  s.mname = *m;
  s.rname = *r;
  size_t at = used + used2;
  s.serial = be32(rd.bytes, at);
  s.refresh = be32(rd.bytes, at + 4);
  s.retry = be32(rd.bytes, at + 8);
  s.expire = be32(rd.bytes, at + 12);
  s.minimum = be32(rd.bytes, at + 16);
  return s;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
    if (n == 4 || i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

// The character-strings of TXT rdata.
std::vector<std::string> txt_strings(const wire::Rdata& rd) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < rd.bytes.size()) {
    size_t n = rd.bytes[i];
    size_t end = std::min(rd.bytes.size(), i + 1 + n);
    out.emplace_back(rd.bytes.begin() + long(i) + 1, rd.bytes.begin() + long(end));
    i = end;
  }
  return out;
}

// The literal-text form splits at 255 bytes; strings that were cut elsewhere need the
// explicit `strings` form.
bool literal_roundtrips(const std::vector<std::string>& strings) {
  if (strings.empty()) return false;
  for (size_t i = 0; i + 1 < strings.size(); ++i)
    if (strings[i].size() != 255) return false;
  return strings.size() == 1 || !strings.back().empty();
}

std::string flow_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + yaml_scalar(items[i]);
  return out + "]";
}

bool dnssec_generated(uint16_t t) {
  using namespace wire::rrtype;
  return t == RRSIG || t == NSEC || t == NSEC3 || t == NSEC3PARAM;
}

// One entry, as a flow map on one line, or as a block when that line would be long.
std::string entry_line(const std::string& type, std::optional<uint32_t> ttl, const std::string& key,
                       const std::vector<std::string>& items, bool list) {
  std::string head = "type: " + yaml_scalar(type);
  if (ttl) head += ", ttl: " + std::to_string(*ttl);
  std::string body = list ? flow_list(items) : yaml_scalar(items.front());
  std::string line = "      - {" + head + ", " + key + ": " + body + "}\n";
  if (line.size() <= 100) return line;
  std::string out = "      - type: " + yaml_scalar(type) + "\n";
  if (ttl) out += "        ttl: " + std::to_string(*ttl) + "\n";
  if (!list) return out + "        " + key + ": " + body + "\n";
  out += "        " + key + ":\n";
  for (const std::string& i : items) out += "          - " + yaml_scalar(i) + "\n";
  return out;
}

// The records of one RRset as manifest entries.
void write_rrset(std::ostringstream& y, const wire::Name& origin, uint16_t type, uint32_t ttl,
                 uint32_t default_ttl, const std::vector<const RR*>& rrs, ImportResult& r) {
  std::optional<uint32_t> own_ttl;
  if (ttl != default_ttl) own_ttl = ttl;
  std::string tname = wire::type_to_text(type);
  std::vector<std::string> values;
  if (type == wire::rrtype::TXT || type == wire::rrtype::SPF) {
    for (const RR* rr : rrs) {
      std::vector<std::string> strings = txt_strings(rr->rdata);
      std::string joined;
      for (const auto& s : strings) joined += s;
      if (!valid_utf8(joined)) {
        r.errors.push_back(rr->owner.to_text() + " " + tname +
                           ": text that is not UTF-8 cannot be written in YAML");
        continue;
      }
      if (literal_roundtrips(strings))
        values.push_back(joined);
      else
        y << entry_line(tname, own_ttl, "strings", strings, true);
    }
  } else {
    for (const RR* rr : rrs) values.push_back(wire::rdata_to_text(type, rr->rdata, &origin));
  }
  if (values.size() == 1)
    y << entry_line(tname, own_ttl, "value", values, false);
  else if (!values.empty())
    y << entry_line(tname, own_ttl, "values", values, true);
}

std::string owner_key(const wire::Name& owner, const wire::Name& origin) {
  return owner == origin ? "\"@\"" : yaml_scalar(owner.to_text_relative(origin));
}

// Builds `yaml` as gitnsd would and compares it with `records`.
void self_check(const wire::Name& origin, std::span<const RR> records, ImportResult& r) {
  // What the manifest is meant to serve: the file's data without DNSSEC records, the
  // apex NS with the SOA's TTL (both reported as warnings already).
  uint32_t soa_ttl = 0;
  for (const RR& rr : records)
    if (rr.type == wire::rrtype::SOA && rr.owner == origin) soa_ttl = rr.ttl;
  zone::ZoneBuilder fb(origin);
  for (const RR& rr : records) {
    if (dnssec_generated(rr.type)) continue;
    RR copy = rr;
    if (rr.type == wire::rrtype::NS && rr.owner == origin) copy.ttl = soa_ttl;
    fb.add(copy);
  }
  zone::BuildResult file_zone = fb.build();
  manifest::SourceFile f{"imported.yaml", r.yaml, {}};
  reconcile::RevisionState s = reconcile::build_revision(
      std::span<const manifest::SourceFile>(&f, 1),
      [](const std::string& p) -> base::Result<std::string> {
        return base::fail(base::Errc::not_found, p + ": no files in an import");
      });
  for (const auto& e : s.errors) r.errors.push_back("the manifest does not validate: " + e.to_string());
  if (!s.ok() || s.zones.empty() || !file_zone.ok()) return;
  zone::ZoneDiff d = zone::diff(*file_zone.zone, *s.zones.front().desired.zone);
  for (const RR& rr : d.removed)
    r.errors.push_back("the manifest would not serve: " + rr.owner.to_text() + " " +
                       std::to_string(rr.ttl) + " " + wire::type_to_text(rr.type) + " " +
                       wire::rdata_to_text(rr.type, rr.rdata));
  for (const RR& rr : d.added)
    r.errors.push_back("the manifest would serve instead: " + rr.owner.to_text() + " " +
                       std::to_string(rr.ttl) + " " + wire::type_to_text(rr.type) + " " +
                       wire::rdata_to_text(rr.type, rr.rdata));
}

}  // namespace

ImportResult zone_manifest_from_records(const wire::Name& origin, std::span<const RR> records,
                                        const std::string& source_name) {
  ImportResult r;
  const RR* soa_rr = nullptr;
  std::vector<const RR*> ns;
  // owner lookup key -> type -> records, in canonical order of owners
  std::map<std::string, std::pair<wire::Name, std::map<uint16_t, std::vector<const RR*>>>> owners;
  size_t dnssec = 0;
  for (const RR& rr : records) {
    if (rr.owner == origin && rr.type == wire::rrtype::SOA) {
      if (soa_rr) r.errors.push_back("more than one SOA at the apex");
      soa_rr = &rr;
    } else if (rr.owner == origin && rr.type == wire::rrtype::NS) {
      ns.push_back(&rr);
    } else if (dnssec_generated(rr.type)) {
      ++dnssec;
    } else {
      auto& slot = owners[rr.owner.lookup_key()];
      slot.first = rr.owner;
      slot.second[rr.type].push_back(&rr);
    }
  }
  if (dnssec)
    r.warnings.push_back(std::to_string(dnssec) +
                         " DNSSEC record(s) (RRSIG, NSEC, NSEC3, NSEC3PARAM) left out: gitnsd "
                         "generates them when it signs");
  std::optional<Soa> soa = soa_rr ? parse_soa(soa_rr->rdata) : std::nullopt;
  if (!soa) {
    r.errors.push_back("the file has no valid SOA record at " + origin.to_text());
    return r;
  }
  if (ns.empty()) r.errors.push_back("the file has no NS records at " + origin.to_text());
  uint32_t ttl = soa_rr->ttl;

  std::ostringstream y;
  y << "# Imported from " << source_name << " by gitnsctl import zonefile.\n"
    << "# serial is explicit so the zone keeps the file's serial; `serial: auto` would restart at 1.\n"
    << "apiVersion: gitns.io/v1\nkind: Zone\nmetadata:\n  name: "
    << yaml_scalar(origin.is_root() ? "." : origin.to_text().substr(0, origin.to_text().size() - 1))
    << "\nspec:\n  ttl: " << ttl << "\n  serial: " << soa->serial << "\n  soa:\n"
    << "    mname: " << yaml_scalar(soa->mname.to_text_relative(origin)) << "\n"
    << "    rname: " << yaml_scalar(soa->rname.to_text_relative(origin)) << "\n"
    << "    refresh: " << soa->refresh << "\n    retry: " << soa->retry << "\n"
    << "    expire: " << soa->expire << "\n    minimum: " << soa->minimum << "\n";
  if (!ns.empty()) {
    std::vector<std::string> names;
    for (const RR* rr : ns) {
      auto n = wire::Name::from_wire(rr->rdata.bytes);
      names.push_back(n ? n->to_text_relative(origin) : "?");
      if (rr->ttl != ttl)
        r.warnings.push_back("apex NS TTL " + std::to_string(rr->ttl) + " becomes " +
                             std::to_string(ttl) +
                             " (the SOA's): a manifest gives the SOA and apex NS spec.ttl");
    }
    y << "  nameservers: " << flow_list(names) << "\n";
  }
  if (!owners.empty()) y << "  records:\n";
  for (const auto& [key, slot] : owners) {
    y << "    " << owner_key(slot.first, origin) << ":\n";
    for (const auto& [type, rrs] : slot.second)
      write_rrset(y, origin, type, rrs.front()->ttl, ttl, rrs, r);
  }
  r.yaml = y.str();
  if (r.errors.empty()) self_check(origin, records, r);
  return r;
}

base::Result<ImportResult> import_zone_file(const std::string& path, const wire::Name& origin) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::fail(base::Errc::io, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::filesystem::path p(path);
  zone::ZoneFileOptions o;
  o.origin = origin;
  o.file_name = p.filename().string();
  o.include = zone::filesystem_reader(p.has_parent_path() ? p.parent_path().string() : ".");
  zone::ZoneFileResult parsed = zone::parse_zone_file(text.str(), o);
  if (!parsed.ok()) {
    std::string msg;
    for (const auto& e : parsed.errors) msg += (msg.empty() ? "" : "\n") + e.to_string();
    return base::fail(base::Errc::syntax, msg);
  }
  // Building dedupes and checks the zone the way gitnsd --zone would load it.
  zone::ZoneBuilder b(origin);
  for (const auto& rec : parsed.records) b.add(rec.rr, rec.where.file, rec.where.line, rec.where.column);
  zone::BuildResult built = b.build();
  if (!built.ok()) return base::fail(built.error());
  std::vector<RR> records = built.zone->records();
  return zone_manifest_from_records(origin, records, p.filename().string());
}

}  // namespace gitns::cli
