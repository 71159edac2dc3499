// Rules over a zone's whole record set that YAML positions can still be given for.
// The zone layer checks the merged zone again (zoneFile data included); these run first
// so that a mistake points at the manifest line that made it.
#include <map>
#include <string>

#include "controller/manifest/decode.h"

namespace gitns::manifest::detail {
namespace {

using wire::Name;
namespace rt = wire::rrtype;

struct OwnerData {
  Name owner;
  std::vector<const ManifestRecord*> records;  // in decoding order
};

// Keyed by lookup_key so the map walks names in canonical order, case-insensitively.
std::map<std::string, OwnerData> by_owner(const ZoneManifest& z) {
  std::map<std::string, OwnerData> out;
  for (const ManifestRecord& rec : z.records) {
    OwnerData& d = out[rec.rr.owner.lookup_key()];
    d.owner = rec.rr.owner;
    d.records.push_back(&rec);
  }
  return out;
}

struct Reporter {
  const ZoneManifest& z;
  std::vector<Diagnostic>& errors;
  void at(const ManifestRecord& rec, std::string message) {
    errors.push_back({z.object.file, rec.position, rec.path, std::move(message)});
  }
  std::string where(const ManifestRecord& rec) const { return format_location(z.object.file, rec.position); }
};

void check_cname(Reporter& rep, const OwnerData& d) {
  const ManifestRecord* cname = nullptr;
  for (const ManifestRecord* rec : d.records) {
    if (rec->rr.type != rt::CNAME) continue;
    if (cname) {
      rep.at(*rec, "a name has at most one CNAME record; another is at " + rep.where(*cname) +
                       " (RFC 2181 section 10.1)");
      continue;
    }
    cname = rec;
  }
  if (!cname) return;
  if (d.owner == rep.z.apex) {
    rep.at(*cname, "CNAME at the zone apex, which has SOA and NS records (RFC 1034 section 3.6.2)");
    return;
  }
  for (const ManifestRecord* rec : d.records) {
    if (rec->rr.type == rt::CNAME) continue;
    rep.at(*cname, "CNAME beside other data: " + wire::type_to_text(rec->rr.type) + " record at " +
                       rep.where(*rec) + " (RFC 1034 section 3.6.2)");
    return;
  }
}

void check_singletons(Reporter& rep, const OwnerData& d) {
  const ManifestRecord* dname = nullptr;
  for (const ManifestRecord* rec : d.records) {
    if (rec->rr.type != rt::DNAME) continue;
    if (dname) rep.at(*rec, "a name has at most one DNAME record; another is at " + rep.where(*dname) + " (RFC 6672)");
    else dname = rec;
  }
}

void check_duplicates(Reporter& rep, const OwnerData& d) {
  std::map<std::pair<uint16_t, wire::Bytes>, const ManifestRecord*> seen;
  for (const ManifestRecord* rec : d.records) {
    wire::Rdata canon = wire::rdata_canonical(rec->rr.type, rec->rr.rdata);
    auto [it, fresh] = seen.emplace(std::make_pair(rec->rr.type, std::move(canon.bytes)), rec);
    if (!fresh) {
      rep.at(*rec, "duplicate " + wire::type_to_text(rec->rr.type) + " record for " + d.owner.to_text() +
                       " (the same record is at " + rep.where(*it->second) + ")");
    }
  }
}

bool has_address(const std::map<std::string, OwnerData>& owners, const Name& name) {
  auto it = owners.find(name.lookup_key());
  if (it == owners.end()) return false;
  for (const ManifestRecord* rec : it->second.records) {
    if (rec->rr.type == rt::A || rec->rr.type == rt::AAAA) return true;
  }
  return false;
}

// A name server inside the zone can only be reached through an address in the zone.
// With a zoneFile the addresses may be in the file: the zone layer checks it then.
void check_glue(const ZoneManifest& z, const std::map<std::string, OwnerData>& owners,
                std::vector<Diagnostic>& errors) {
  if (z.zone_file) return;
  auto missing = [&](const Name& ns) {
    return "name server " + ns.to_text() + " is inside the zone but has no A or AAAA record (glue)";
  };
  for (size_t i = 0; i < z.nameservers.size() && i < z.nameserver_positions.size(); ++i) {
    const Name& ns = z.nameservers[i];
    if (!ns.is_subdomain_of(z.apex) || has_address(owners, ns)) continue;
    errors.push_back({z.object.file, z.nameserver_positions[i], "spec.nameservers[" + std::to_string(i) + "]",
                      missing(ns)});
  }
  for (const ManifestRecord& rec : z.records) {
    Name target;
    if (rec.rr.type != rt::NS || !wire::rdata_target(rec.rr.type, rec.rr.rdata.bytes, target)) continue;
    if (!target.is_subdomain_of(z.apex) || has_address(owners, target)) continue;
    errors.push_back({z.object.file, rec.position, rec.path, missing(target)});
  }
}

}  // namespace

void check_zone(const ZoneManifest& z, std::vector<Diagnostic>& errors) {
  Reporter rep{z, errors};
  auto owners = by_owner(z);
  for (const auto& [_, d] : owners) {
    check_cname(rep, d);
    check_singletons(rep, d);
    check_duplicates(rep, d);
  }
  check_glue(z, owners, errors);
  check_rrset_ttls(z, errors);
}

void check_rrset_ttls(const ZoneManifest& z, std::vector<Diagnostic>& errors) {
  Reporter rep{z, errors};
  std::map<std::pair<std::string, uint16_t>, const ManifestRecord*> first;
  for (const ManifestRecord& rec : z.records) {
    auto [it, fresh] = first.emplace(std::make_pair(rec.rr.owner.lookup_key(), rec.rr.type), &rec);
    if (fresh || it->second->rr.ttl == rec.rr.ttl) continue;
    rep.at(rec, "TTL " + std::to_string(rec.rr.ttl) + " differs from TTL " + std::to_string(it->second->rr.ttl) +
                    " of the " + wire::type_to_text(rec.rr.type) + " record at " + rep.where(*it->second) +
                    "; the records of one RRset share one TTL (RFC 2181 section 5.2)");
  }
}

}  // namespace gitns::manifest::detail
