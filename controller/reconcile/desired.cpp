#include "controller/reconcile/desired.h"

#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "controller/reconcile/plan.h"
#include "resolver/wire/rdata.h"
#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zonefile.h"

namespace gitns::reconcile {
namespace {

using manifest::Diagnostic;
using manifest::Position;

std::string rrset_key(const wire::Name& owner, uint16_t type) {
  std::string k = owner.lookup_key();
  k.push_back(char(type >> 8));
  k.push_back(char(type & 0xff));
  return k;
}

Position pos(uint32_t line, uint32_t column) { return {int(line), int(column)}; }

void set_serial(wire::RR& soa, uint32_t serial) {
  auto& b = soa.rdata.bytes;
  auto old = soa_serial(b);
  if (!old) return;  // malformed: the builder reports it
  size_t off = b.size() - 20;
  b[off] = uint8_t(serial >> 24), b[off + 1] = uint8_t(serial >> 16);
  b[off + 2] = uint8_t(serial >> 8), b[off + 3] = uint8_t(serial);
}

// Where each manifest RRset was written: for conflict messages and to give zone-check
// errors the field path of the record they are about.
struct ManifestPlaces {
  std::unordered_map<std::string, std::pair<Position, std::string>> rrsets;  // key -> first place
  std::set<uint16_t> types;
  std::map<std::pair<int, int>, std::string> paths;  // position -> field path

  void add(const wire::Name& owner, uint16_t type, Position p, std::string path) {
    rrsets.emplace(rrset_key(owner, type), std::make_pair(p, path));
    types.insert(type);
    paths.emplace(std::make_pair(p.line, p.column), std::move(path));
  }
};

class Build {
 public:
  Build(const manifest::ZoneManifest& m, const FileReader& read, const DesiredOptions& o,
        ZoneFileMemo* memo)
      : m_(m), read_(read), opt_(o), memo_(memo), mfile_(display(m.object.file)) {}

  DesiredZone run(std::optional<uint32_t> applied_serial) {
    applied_serial_ = applied_serial;
    index_manifest();
    // zoneFile records stream from the parser into the builder (no copy of a large zone
    // in between); conflicts and the file's SOA are handled as they pass.
    if (m_.zone_file && !parse_zone_file()) return std::move(out_);
    if (!out_.errors.empty()) return std::move(out_);
    out_.candidate_serial = serial_for(out_.file_serial);
    add_manifest_records();
    build();
    return std::move(out_);
  }

 private:
  std::string display(const std::string& p) const {
    return opt_.display_path ? opt_.display_path(p) : p;
  }

  void error(std::string file, Position p, std::string path, std::string message) {
    out_.errors.push_back({std::move(file), p, std::move(path), std::move(message)});
  }

  uint32_t serial_for(std::optional<uint32_t> file_serial) const {
    return candidate_serial({m_.serial_auto, m_.serial, file_serial, applied_serial_});
  }

  bool parse_zone_file() {
    const std::string& path = *m_.zone_file;
    auto text = read_(path);
    if (!text) {
      error(mfile_, m_.zone_file_position, "spec.zoneFile",
            "cannot read zoneFile " + path + ": " + text.error().message);
      return false;
    }
    out_.files.push_back({path, content_hash(*text)});
    zone::ZoneFileOptions zo;
    zo.origin = m_.apex;
    zo.default_ttl = m_.ttl;
    zo.file_name = path;
    zo.max_errors = opt_.max_errors;
    zo.include = [this](const std::string& p) -> base::Result<std::string> {
      auto r = read_(p);
      if (r) out_.files.push_back({p, content_hash(*r)});
      return r;
    };
    zo.on_record = [this](zone::ZoneFileRecord&& r) { file_record(std::move(r)); };
    if (memo_) zo.checkpoints = &memo_->checkpoints;
    zone::ZoneFileResult parsed = zone::parse_zone_file(*text, zo);
    if (memo_) {
      memo_->path = path;
      memo_->text = std::move(text).value();
    }
    for (const zone::ZoneFileError& e : parsed.errors)
      error(display(e.where.file.empty() ? path : e.where.file), pos(e.where.line, e.where.column),
            "", e.message);
    return parsed.ok();
  }

  void file_record(zone::ZoneFileRecord&& r) {
    if (r.rr.type == wire::rrtype::SOA && r.rr.owner == m_.apex) {
      // The serial policy decides the served serial; the file's only seeds it.
      if (!out_.file_serial) out_.file_serial = soa_serial(r.rr.rdata.bytes);
      set_serial(r.rr, serial_for(out_.file_serial));
    }
    if (places_.types.count(r.rr.type)) check_conflict(r);
    std::string file = r.where.file == last_file_ ? last_display_ : display(r.where.file);
    if (r.where.file != last_file_) last_file_ = r.where.file, last_display_ = file;
    builder_.add(r.rr, file, r.where.line, r.where.column);
  }

  void index_manifest() {
    if (m_.soa) places_.add(m_.apex, wire::rrtype::SOA, m_.soa->position, "spec.soa");
    if (!m_.nameservers.empty())
      places_.add(m_.apex, wire::rrtype::NS, ns_position(0), "spec.nameservers");
    for (const manifest::ManifestRecord& r : m_.records)
      places_.add(r.rr.owner, r.rr.type, r.position, r.path);
  }

  Position ns_position(size_t i) const {
    return i < m_.nameserver_positions.size() ? m_.nameserver_positions[i]
                                              : m_.object.name_position;
  }

  void check_conflict(const zone::ZoneFileRecord& r) {
    std::string key = rrset_key(r.rr.owner, r.rr.type);
    auto it = places_.rrsets.find(key);
    if (it == places_.rrsets.end() || !reported_.insert(key).second) return;
    const auto& [where, path] = it->second;
    error(display(r.where.file), pos(r.where.line, r.where.column), "",
          r.rr.owner.to_text() + " " + wire::type_to_text(r.rr.type) +
              " is defined both here and in " + manifest::format_location(mfile_, where) + " (" +
              path + "); each RRset must come from either the zoneFile or the manifest");
  }

  void add_manifest_records() {
    std::vector<wire::RR> apex = m_.apex_records(out_.candidate_serial);
    size_t ns_index = 0;
    for (const wire::RR& rr : apex) {
      Position p = rr.type == wire::rrtype::SOA ? m_.soa->position : ns_position(ns_index++);
      builder_.add(rr, mfile_, uint32_t(p.line), uint32_t(p.column));
    }
    for (const manifest::ManifestRecord& r : m_.records)
      builder_.add(r.rr, mfile_, uint32_t(r.position.line), uint32_t(r.position.column));
  }

  void build() {
    zone::BuildResult built = builder_.build();
    for (const zone::ZoneIssue& issue : built.issues) {
      if (issue.severity == zone::Severity::error)
        add_issue(issue);
      else
        out_.warnings.push_back(issue.to_string());
    }
    if (built.ok() && out_.errors.empty()) out_.zone = std::move(built.zone);
  }

  void add_issue(const zone::ZoneIssue& issue) {
    if (!issue.location) {
      // Zone-wide findings (no SOA, no apex NS) belong to the object.
      error(mfile_, m_.object.name_position, "",
            "zone " + m_.apex.to_text() + ": " + issue.message);
      return;
    }
    const zone::Location& l = *issue.location;
    std::string path;
    if (l.file == mfile_) {
      auto it = places_.paths.find({int(l.line), int(l.column)});
      if (it != places_.paths.end()) path = it->second;
    }
    error(l.file, pos(l.line, l.column), path, issue.message);
  }

  const manifest::ZoneManifest& m_;
  const FileReader& read_;
  const DesiredOptions& opt_;
  ZoneFileMemo* memo_;
  std::string mfile_;
  DesiredZone out_;
  ManifestPlaces places_;
  zone::ZoneBuilder builder_{m_.apex};
  std::optional<uint32_t> applied_serial_;
  std::set<std::string> reported_;  // conflicting RRsets already reported
  std::string last_file_, last_display_;
};

}  // namespace

std::string content_hash(std::string_view data) {
  // Eight bytes per step (one multiply chain), so a 3 MiB zoneFile hashes in well under
  // a millisecond; a byte-wise FNV-1a took ~5 ms and ran twice per reconcile.
  constexpr uint64_t k1 = 0x9E3779B185EBCA87ull, k2 = 0xC2B2AE3D27D4EB4Full;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  uint64_t h = 0x27D4EB2F165667C5ull ^ (uint64_t(data.size()) * k1);
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    h = rotl(h ^ (w * k2), 31) * k1;
  }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < data.size(); ++k) tail |= uint64_t(uint8_t(data[i + k])) << (8 * k);
  h = rotl(h ^ (tail * k2), 31) * k1;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  static const char* hex = "0123456789abcdef";
  std::string out(16, '0');
  for (int j = 15; j >= 0; --j, h >>= 4) out[size_t(j)] = hex[h & 0xf];
  return out;
}

std::string Fingerprint::to_json() const {
  nlohmann::json files_json = nlohmann::json::array();
  for (const File& f : files) files_json.push_back({{"path", f.path}, {"hash", f.hash}});
  return nlohmann::json{{"manifest", manifest}, {"settings", settings}, {"files", files_json}}
      .dump();
}

std::optional<Fingerprint> Fingerprint::from_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    Fingerprint fp;
    fp.manifest = j.at("manifest").get<std::string>();
    fp.settings = j.at("settings").get<std::string>();
    for (const auto& f : j.at("files"))
      fp.files.push_back({f.at("path").get<std::string>(), f.at("hash").get<std::string>()});
    return fp;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // written by another version: rebuild the zone
  }
}

bool files_unchanged(const Fingerprint& fp, const FileReader& read) {
  for (const Fingerprint::File& f : fp.files) {
    auto text = read(f.path);
    if (!text || content_hash(*text) != f.hash) return false;
  }
  return true;
}

DesiredZone build_desired_zone(const manifest::ZoneManifest& m, const FileReader& read,
                               std::optional<uint32_t> applied_serial,
                               const DesiredOptions& options, ZoneFileMemo* memo) {
  return Build(m, read, options, memo).run(applied_serial);
}

}  // namespace gitns::reconcile
