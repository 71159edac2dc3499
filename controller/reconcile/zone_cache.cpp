#include "controller/reconcile/zone_cache.h"

#include <algorithm>
#include <set>
#include <utility>

#include "controller/reconcile/plan.h"
#include "controller/reconcile/serial.h"
#include "resolver/zone/zone_check.h"
#include "resolver/zone/zone_patch.h"

namespace gitns::reconcile {
namespace {

// RRsets the manifest writes itself (spec.soa, spec.nameservers, records): a zoneFile
// edit touching one of them is a conflict the full build reports.
std::set<std::pair<std::string, uint16_t>> manifest_rrsets(const manifest::ZoneManifest& m) {
  std::set<std::pair<std::string, uint16_t>> out;
  const std::string apex = m.apex.lookup_key();
  if (m.soa) out.emplace(apex, wire::rrtype::SOA);
  if (!m.nameservers.empty()) out.emplace(apex, wire::rrtype::NS);
  for (const manifest::ManifestRecord& r : m.records)
    out.emplace(r.rr.owner.lookup_key(), r.rr.type);
  return out;
}

// The served SOA record, and the same with another serial (the last 20 bytes of SOA
// rdata are serial, refresh, retry, expire, minimum).
std::optional<wire::RR> served_soa(const zone::Zone& z) {
  zone::RRsetView soa = z.soa();
  if (soa.size() != 1 || soa.front().size() < 20) return std::nullopt;
  auto rd = soa.front();
  return wire::RR{
      z.origin(), wire::rrtype::SOA, z.rclass(), soa.ttl(), {wire::Bytes(rd.begin(), rd.end())}};
}

wire::RR with_serial(wire::RR soa, uint32_t serial) {
  auto& b = soa.rdata.bytes;
  const size_t off = b.size() - 20;
  for (int i = 0; i < 4; ++i) b[off + size_t(i)] = uint8_t(serial >> (24 - 8 * i));
  return soa;
}

}  // namespace

DesiredZone ZoneBuildCache::build(const manifest::ZoneManifest& m, const FileReader& read,
                                  const AppliedInputs& applied, const Fingerprint& fingerprint,
                                  std::optional<uint32_t> applied_serial,
                                  const DesiredOptions& options) {
  if (auto d = incremental(m, read, applied, fingerprint, applied_serial)) {
    ++incremental_;
    return std::move(*d);
  }
  ++full_;
  ZoneFileMemo memo;
  DesiredZone d =
      build_desired_zone(m, read, applied_serial, options, m.zone_file ? &memo : nullptr);
  // Only a clean build is a base to patch: a warning (a duplicate record, TTLs differing
  // inside an RRset) means the file holds something a diff cannot express.
  if (d.ok() && d.warnings.empty() && m.zone_file && d.files.size() == 1 && !memo.text.empty()) {
    Text t;
    t.manifest = fingerprint.manifest;
    t.settings = fingerprint.settings;
    t.path = memo.path;
    t.hash = d.files.front().hash;
    t.text = std::make_shared<const std::string>(std::move(memo.text));
    t.checkpoints = std::move(memo.checkpoints);
    t.file_serial = d.file_serial;
    remember(m.apex.lookup_key(), std::move(t));
  }
  return d;
}

std::optional<DesiredZone> ZoneBuildCache::incremental(const manifest::ZoneManifest& m,
                                                       const FileReader& read,
                                                       const AppliedInputs& applied,
                                                       const Fingerprint& fingerprint,
                                                       std::optional<uint32_t> applied_serial) {
  if (!m.zone_file || !applied.zone || !applied.fingerprint || !applied_serial) return std::nullopt;
  const Fingerprint& served = *applied.fingerprint;
  const std::string& path = *m.zone_file;
  if (served.manifest != fingerprint.manifest || served.settings != fingerprint.settings ||
      served.files.size() != 1 || served.files.front().path != path)
    return std::nullopt;
  const std::string key = m.apex.lookup_key();
  auto zone_it = zones_.find(key);
  if (zone_it == zones_.end()) return std::nullopt;
  const auto& texts = zone_it->second;
  auto base = std::find_if(texts.begin(), texts.end(), [&](const Text& t) {
    return t.hash == served.files.front().hash && t.path == path &&
           t.manifest == fingerprint.manifest && t.settings == fingerprint.settings;
  });
  if (base == texts.end()) return std::nullopt;
  std::shared_ptr<const std::string> old_text = base->text;
  const std::optional<uint32_t> file_serial = base->file_serial;

  auto text = read(path);
  if (!text) return std::nullopt;  // the full build reports it
  zone::ZoneFileOptions zo;
  zo.origin = m.apex;
  zo.default_ttl = m.ttl;
  zo.file_name = path;
  std::vector<zone::ZoneFileCheckpoint> checkpoints;
  auto delta = zone::zone_file_delta(*old_text, base->checkpoints, *text, zo, &checkpoints);
  if (!delta) return std::nullopt;

  const auto written = manifest_rrsets(m);
  zone::ZoneDiff diff;
  for (auto* list : {&delta->removed, &delta->added}) {
    for (zone::ZoneFileRecord& r : *list) {
      if (r.rr.type == wire::rrtype::SOA) return std::nullopt;  // the serial policy's business
      if (written.count({r.rr.owner.lookup_key(), r.rr.type})) return std::nullopt;
      (list == &delta->removed ? diff.removed : diff.added).push_back(std::move(r.rr));
    }
  }
  const uint32_t candidate =
      candidate_serial({m.serial_auto, m.serial, file_serial, applied_serial});
  auto soa = served_soa(*applied.zone);
  if (!soa) return std::nullopt;
  if (candidate != *applied_serial) {
    diff.removed.push_back(*soa);
    diff.added.push_back(with_serial(*soa, candidate));
  }
  auto patched = zone::apply_diff(*applied.zone, diff);
  if (!patched || (*patched)->record_count() > zo.max_records) return std::nullopt;
  if (!zone::check_zone(**patched).empty()) return std::nullopt;

  DesiredZone out;
  out.zone = std::move(patched).value();
  out.candidate_serial = candidate;
  out.file_serial = file_serial;
  Text t;
  t.manifest = fingerprint.manifest;
  t.settings = fingerprint.settings;
  t.path = path;
  t.hash = content_hash(*text);
  t.text = std::make_shared<const std::string>(std::move(text).value());
  t.checkpoints = std::move(checkpoints);
  t.file_serial = file_serial;
  out.files.push_back({path, t.hash});
  out.diff = std::move(diff);
  remember(key, std::move(t));
  return out;
}

void ZoneBuildCache::remember(const std::string& zone_key, Text text) {
  auto& texts = zones_[zone_key];
  std::erase_if(texts, [&](const Text& t) { return t.hash == text.hash && t.path == text.path; });
  texts.push_back(std::move(text));
  while (texts.size() > kTextsPerZone) texts.erase(texts.begin());
}

}  // namespace gitns::reconcile
