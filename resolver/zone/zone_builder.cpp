#include "resolver/zone/zone_builder.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string_view>

namespace gitns::zone {

using detail::kNone;
using detail::NameSplit;
namespace rrtype = wire::rrtype;

namespace {

std::string rr_text(const wire::Name& owner, uint16_t type) {
  return owner.to_text() + " " + wire::type_to_text(type);
}

bool is_one_name(std::span<const uint8_t> rdata) {
  return wire::Name::from_wire(rdata).ok();
}

// SOA rdata: two names then serial, refresh, retry, expire, minimum (RFC 1035 3.3.13).
bool soa_layout(std::span<const uint8_t> rdata, size_t& numbers_at) {
  size_t a = 0, b = 0;
  if (!wire::Name::from_wire(rdata, &a).ok()) return false;
  if (!wire::Name::from_wire(rdata.subspan(a), &b).ok()) return false;
  numbers_at = a + b;
  return rdata.size() == numbers_at + 20;
}

uint32_t read_u32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

}  // namespace

// Names inside NS, CNAME, DNAME and SOA rdata drive lookups, so they must parse.
const char* detail::rdata_problem(uint16_t type, std::span<const uint8_t> rdata) {
  size_t at = 0;
  switch (type) {
    case rrtype::NS:
    case rrtype::CNAME:
    case rrtype::DNAME:
      return is_one_name(rdata) ? nullptr : "rdata must be exactly one uncompressed domain name";
    case rrtype::SOA:
      return soa_layout(rdata, at) ? nullptr
                                   : "rdata must be two domain names followed by five 32-bit numbers";
    default:
      return nullptr;
  }
}

std::string Location::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string ZoneIssue::to_string() const {
  std::string out;
  if (location) out = location->to_string() + ": ";
  out += severity == Severity::error ? "error: " : "warning: ";
  out += message;
  return out;
}

bool has_errors(std::span<const ZoneIssue> issues) {
  return std::any_of(issues.begin(), issues.end(),
                     [](const ZoneIssue& i) { return i.severity == Severity::error; });
}

base::Error BuildResult::error() const {
  base::Error e{base::Errc::ok, {}};
  for (const ZoneIssue& i : issues) {
    if (i.severity != Severity::error) continue;
    if (e.code == base::Errc::ok) e.code = base::Errc::semantic;
    if (!e.message.empty()) e.message += '\n';
    e.message += i.to_string();
  }
  return e;
}

void Zone::read_soa() {
  serial_ = negative_ttl_ = 0;
  if (RRsetView soa = this->soa(); !soa.empty()) {
    size_t at = 0;
    auto rd = soa.front();
    if (soa_layout(rd, at)) {
      serial_ = read_u32(rd.data() + at);
      negative_ttl_ = std::min(soa.ttl(), read_u32(rd.data() + at + 16));
    }
  }
}

ZoneBuilder::ZoneBuilder(wire::Name origin) : origin_(origin) {
  auto w = origin_.wire();
  // The apex is name 0 and always a node, whatever the records say.
  intern(w, detail::hash_wire(w), static_cast<uint8_t>(origin_.label_count()));
}

uint32_t ZoneBuilder::find_name(std::span<const uint8_t> wire, uint64_t raw_hash) const {
  return table_.find(detail::hash_finish(raw_hash),
                     [&](uint32_t id) { return detail::wire_equal_ci(name_bytes(id), wire); });
}

uint32_t ZoneBuilder::intern(std::span<const uint8_t> wire, uint64_t raw_hash, uint8_t labels) {
  uint32_t id = static_cast<uint32_t>(name_recs_.size());
  uint32_t h = detail::hash_finish(raw_hash);
  name_recs_.push_back({static_cast<uint32_t>(names_.size()), h,
                        static_cast<uint8_t>(wire.size()), labels});
  names_.insert(names_.end(), wire.begin(), wire.end());
  table_.insert(h, id);
  return id;
}

void ZoneBuilder::add(const wire::RR& rr) { add_impl(rr, nullptr); }
void ZoneBuilder::add(const wire::RR& rr, const Location& where) {
  add_impl(rr, &where);
}
void ZoneBuilder::add(const wire::RR& rr, std::string_view file, uint32_t line, uint32_t column) {
  Location where{std::string(file), line, column};
  add_impl(rr, &where);
}

void ZoneBuilder::add_impl(const wire::RR& rr, const Location* where) {
  auto reject = [&](std::string message) {
    issues_.push_back({Severity::error, where ? std::optional<Location>(*where) : std::nullopt,
                       std::move(message)});
  };
  if (!rr.owner.is_subdomain_of(origin_)) {
    return reject(rr_text(rr.owner, rr.type) + " is outside the zone " + origin_.to_text() +
                  " and is ignored");
  }
  if (rr.type == 0 || wire::is_meta_type(rr.type)) {
    return reject(rr_text(rr.owner, rr.type) +
                  ": this type is a query or meta type and cannot be zone data");
  }
  // Records normally come from the zone-file parser or a transfer, both of which
  // check rdata already; checking again keeps a bad caller from corrupting a zone.
  if (auto st = wire::rdata_check(rr.type, rr.rdata.bytes); !st) {
    return reject(rr_text(rr.owner, rr.type) + ": " + st.error().message);
  }
  if (const char* p = detail::rdata_problem(rr.type, rr.rdata.bytes)) {
    return reject(rr_text(rr.owner, rr.type) + ": " + p);
  }
  auto w = rr.owner.wire();
  // Zone files group a name's records: the previous record's owner is checked first.
  uint32_t name = kNone;
  if (last_name_ != kNone) {
    auto last = name_bytes(last_name_);
    if (last.size() == w.size() && std::memcmp(last.data(), w.data(), w.size()) == 0)
      name = last_name_;
  }
  if (name == kNone) {
    uint64_t h = detail::hash_wire(w);
    name = find_name(w, h);
    if (name == kNone) name = intern(w, h, static_cast<uint8_t>(rr.owner.label_count()));
  }
  last_name_ = name;
  recs_.push_back({name, rr.ttl, static_cast<uint32_t>(rdata_.size()),
                   static_cast<uint16_t>(rr.rdata.bytes.size()), rr.type, rr.rclass});
  rdata_.insert(rdata_.end(), rr.rdata.bytes.begin(), rr.rdata.bytes.end());
  if (where) {
    if (locs_.size() + 1 < recs_.size()) locs_.resize(recs_.size() - 1, Loc{kNone, 0, 0});
    uint32_t file = kNone;
    for (size_t i = files_.size(); i-- > 0;) {
      if (files_[i] == where->file) {
        file = static_cast<uint32_t>(i);
        break;
      }
    }
    if (file == kNone) {
      file = static_cast<uint32_t>(files_.size());
      files_.push_back(where->file);
    }
    locs_.push_back({file, where->line, where->column});
  } else if (!locs_.empty()) {
    locs_.push_back({kNone, 0, 0});
  }
}

std::optional<Location> ZoneBuilder::location_of(uint32_t rec) const {
  if (rec >= locs_.size() || locs_[rec].file == kNone) return std::nullopt;
  const Loc& l = locs_[rec];
  return Location{files_[l.file], l.line, l.column};
}

void ZoneBuilder::issue(Severity s, uint32_t rec, std::string message) {
  issues_.push_back({s, location_of(rec), std::move(message)});
}

// Every ancestor of an owner down to the apex becomes a node, so that an empty
// non-terminal answers NODATA rather than NXDOMAIN (RFC 8020) and blocks wildcards
// (RFC 4592 2.2.2).
void ZoneBuilder::add_empty_nonterminals() {
  const size_t apex = origin_.label_count();
  const size_t original = name_recs_.size();
  std::array<uint8_t, wire::Name::kMaxWire> buf;
  for (size_t i = 0; i < original; ++i) {
    // The apex always exists: names right below it (most of a large zone) need no lookup.
    if (name_recs_[i].labels <= apex + 1) continue;
    auto w = name_bytes(static_cast<uint32_t>(i));
    std::memcpy(buf.data(), w.data(), w.size());  // interning may move names_
    NameSplit s;
    s.init({buf.data(), w.size()});
    for (size_t k = s.labels; k-- > apex;) {
      auto suffix = s.suffix(k);
      if (find_name(suffix, s.hash[k]) != kNone) break;
      intern(suffix, s.hash[k], static_cast<uint8_t>(k));
    }
  }
}

// Name ids in DNSSEC canonical order, by sorting lookup keys (labels reversed and
// lowered, each ended by 0; bytes 0 and 1 escaped), whose byte order is that order.
//
// Every name is at or below the origin, so the origin's labels (a common prefix of every
// key) are left out, and each key's first eight bytes are packed into an integer that
// decides most comparisons without touching the key bytes.
std::vector<uint32_t> ZoneBuilder::canonical_order() const {
  const size_t n = name_recs_.size();
  const size_t apex_labels = origin_.label_count();
  std::vector<char> keys;
  keys.reserve(names_.size() + n * 2);
  std::vector<uint32_t> key_off(n + 1);
  for (size_t id = 0; id < n; ++id) {
    key_off[id] = static_cast<uint32_t>(keys.size());
    auto w = name_bytes(static_cast<uint32_t>(id));
    NameSplit s;
    s.init(w);
    for (size_t i = s.labels - apex_labels; i-- > 0;) {
      const uint8_t* l = w.data() + s.off[i];
      for (uint8_t k = 1; k <= l[0]; ++k) {
        uint8_t c = wire::ascii_lower(l[k]);
        if (c <= 1) {
          keys.push_back('\x01');
          keys.push_back(static_cast<char>(c + 1));
        } else {
          keys.push_back(static_cast<char>(c));
        }
      }
      keys.push_back('\0');
    }
  }
  key_off[n] = static_cast<uint32_t>(keys.size());
  auto key = [&](uint32_t id) {
    return std::string_view(keys.data() + key_off[id], key_off[id + 1] - key_off[id]);
  };
  // Zero padding keeps the integer order consistent with byte order: a shorter key that
  // is a prefix of another is smaller either way, and ties fall back to the bytes.
  struct Ref {
    uint64_t prefix;
    uint32_t id;
  };
  std::vector<Ref> refs(n);
  for (uint32_t id = 0; id < n; ++id) {
    std::string_view k = key(id);
    uint64_t p = 0;
    for (size_t i = 0; i < 8; ++i) p = (p << 8) | (i < k.size() ? static_cast<uint8_t>(k[i]) : 0u);
    refs[id] = {p, id};
  }
  std::sort(refs.begin(), refs.end(), [&](const Ref& a, const Ref& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return key(a.id) < key(b.id);
  });
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = refs[i].id;
  return order;
}

// One RRset being assembled: records [begin, end) of the sorted index, after duplicates
// were dropped.
struct ZoneBuilder::Group {
  uint16_t type;
  uint32_t first_rec;  // the earliest record: its TTL wins and its location is reported
  uint32_t begin;
  uint32_t end;
};

BuildResult ZoneBuilder::build() {
  BuildResult out;
  add_empty_nonterminals();
  const size_t n = name_recs_.size();
  std::vector<uint32_t> order = canonical_order();
  std::vector<uint32_t> rank(n);
  for (uint32_t r = 0; r < n; ++r) rank[order[r]] = r;

  // The zone's class is the SOA's (IN when there is none).
  auto zone = std::make_shared<Zone>();
  zone->origin_ = origin_;
  for (const Rec& r : recs_) {
    if (r.name == 0 && r.type == rrtype::SOA) {
      zone->rclass_ = r.rclass;
      break;
    }
  }

  auto rdata_of = [&](uint32_t rec) {
    return std::span<const uint8_t>(rdata_.data() + recs_[rec].rdata_off, recs_[rec].rdata_len);
  };
  // Records by (name rank, type, rdata, input order): a counting sort by rank (a name
  // has a handful of records, so one comparison sort of a million indices was mostly
  // cache misses), then each name's few records sorted in place.
  std::vector<uint32_t> idx(recs_.size());
  {
    std::vector<uint32_t> start(n + 1, 0);
    for (const Rec& r : recs_) ++start[rank[r.name] + 1];
    for (size_t r = 0; r < n; ++r) start[r + 1] += start[r];
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (uint32_t i = 0; i < recs_.size(); ++i) idx[fill[rank[recs_[i].name]]++] = i;
    auto less = [&](uint32_t a, uint32_t b) {
      const Rec &x = recs_[a], &y = recs_[b];
      if (x.type != y.type) return x.type < y.type;
      auto da = rdata_of(a), db = rdata_of(b);
      int c = std::memcmp(da.data(), db.data(), std::min(da.size(), db.size()));
      if (c != 0) return c < 0;
      if (da.size() != db.size()) return da.size() < db.size();
      return a < b;
    };
    for (size_t r = 0; r < n; ++r) {
      if (start[r + 1] - start[r] > 1)
        std::sort(idx.begin() + start[r], idx.begin() + start[r + 1], less);
    }
  }

  // Drop exact duplicates (keeping the earliest) in place.
  std::vector<uint32_t> kept;
  kept.reserve(idx.size());
  for (size_t i = 0; i < idx.size(); ++i) {
    uint32_t r = idx[i];
    if (!kept.empty()) {
      uint32_t p = kept.back();
      if (recs_[p].name == recs_[r].name && recs_[p].type == recs_[r].type) {
        auto a = rdata_of(p), b = rdata_of(r);
        if (a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin())) {
          auto owner = wire::Name::from_wire(name_bytes(recs_[r].name));
          issue(Severity::warning, r,
                "duplicate record " + rr_text(*owner, recs_[r].type) + " " +
                    wire::rdata_to_text(recs_[r].type, wire::Rdata{wire::Bytes(b.begin(), b.end())}) +
                    " is ignored");
          continue;
        }
      }
    }
    kept.push_back(r);
  }
  idx.clear();
  idx.shrink_to_fit();

  zone->nodes_.resize(n);
  zone->names_.reserve(names_.size());
  zone->rdata_.reserve(rdata_.size() + 2 * kept.size());
  std::vector<uint32_t> rrset_first_rec;  // per zone RRset: its earliest record
  std::vector<Group> groups;
  size_t pos = 0;
  for (uint32_t r = 0; r < n; ++r) {
    uint32_t id = order[r];
    detail::Node& node = zone->nodes_[r];
    node.owner_off = static_cast<uint32_t>(zone->names_.size());
    node.owner_size = name_recs_[id].size;
    node.labels = name_recs_[id].labels;
    node.parent = kNone;
    node.flags = 0;
    auto owner_bytes = name_bytes(id);
    zone->names_.insert(zone->names_.end(), owner_bytes.begin(), owner_bytes.end());

    groups.clear();
    while (pos < kept.size() && recs_[kept[pos]].name == id) {
      Group g{recs_[kept[pos]].type, kept[pos], static_cast<uint32_t>(pos), 0};
      while (pos < kept.size() && recs_[kept[pos]].name == id && recs_[kept[pos]].type == g.type) {
        g.first_rec = std::min(g.first_rec, kept[pos]);
        ++pos;
      }
      g.end = static_cast<uint32_t>(pos);
      groups.push_back(g);
    }
    // RRsets in the order their types first appeared (Knot's order; decides ANY).
    std::sort(groups.begin(), groups.end(),
              [](const Group& a, const Group& b) { return a.first_rec < b.first_rec; });
    node.rrset_begin = static_cast<uint32_t>(zone->rrsets_.size());
    for (const Group& g : groups) {
      const uint32_t ttl = recs_[g.first_rec].ttl;
      if (g.end - g.begin > 0xFFFF) {
        auto owner = wire::Name::from_wire(owner_bytes);
        issue(Severity::error, g.first_rec,
              rr_text(*owner, g.type) + " has " + std::to_string(g.end - g.begin) +
                  " records; an RRset can hold at most 65535");
        continue;
      }
      bool ttl_warned = false;
      detail::RRsetEntry e{static_cast<uint32_t>(zone->rdata_.size()), ttl, g.type,
                           static_cast<uint16_t>(g.end - g.begin)};
      for (uint32_t k = g.begin; k < g.end; ++k) {
        const Rec& rec = recs_[kept[k]];
        if (rec.ttl != ttl && !ttl_warned && g.type != rrtype::RRSIG) {
          ttl_warned = true;
          auto owner = wire::Name::from_wire(owner_bytes);
          issue(Severity::warning, kept[k],
                "TTL " + std::to_string(rec.ttl) + " of " + rr_text(*owner, g.type) +
                    " differs from the TTL " + std::to_string(ttl) +
                    " of the first record of the RRset; using " + std::to_string(ttl) +
                    " for all (RFC 2181 5.2)");
        }
        if (rec.rclass != zone->rclass_) {
          auto owner = wire::Name::from_wire(owner_bytes);
          issue(Severity::error, kept[k],
                rr_text(*owner, g.type) + " has class " + wire::class_to_text(rec.rclass) +
                    " but the zone's class is " + wire::class_to_text(zone->rclass_));
        }
        auto rd = rdata_of(kept[k]);
        zone->rdata_.push_back(static_cast<uint8_t>(rd.size() >> 8));
        zone->rdata_.push_back(static_cast<uint8_t>(rd.size()));
        zone->rdata_.insert(zone->rdata_.end(), rd.begin(), rd.end());
      }
      zone->rrsets_.push_back(e);
      rrset_first_rec.push_back(g.first_rec);
      zone->record_count_ += e.count;
      if (g.type == rrtype::NS && r != 0) node.flags |= detail::kDelegation;
      if (g.type == rrtype::CNAME) node.flags |= detail::kHasCname;
      if (g.type == rrtype::DNAME) node.flags |= detail::kHasDname;
    }
    node.rrset_count = static_cast<uint16_t>(zone->rrsets_.size() - node.rrset_begin);
  }
  kept.clear();
  kept.shrink_to_fit();

  // Parents, inherited flags and the hash index. A parent sorts before its children,
  // so one pass in canonical order sees every parent's flags complete; and (every
  // ancestor being a node) a node's parent is the last node seen one label up.
  zone->index_.reset(n);
  zone->nodes_[0].flags |= detail::kApex;
  std::array<uint32_t, 130> last_at_depth;
  last_at_depth.fill(kNone);
  for (uint32_t r = 0; r < n; ++r) {
    uint32_t id = order[r];
    detail::Node& node = zone->nodes_[r];
    zone->index_.insert(name_recs_[id].hash, r);
    last_at_depth[node.labels] = r;
    if (r == 0) continue;
    node.parent = last_at_depth[node.labels - 1];
    const detail::Node& parent = zone->nodes_[node.parent];
    if (parent.flags & (detail::kDelegation | detail::kNonAuth)) node.flags |= detail::kNonAuth;
    if (parent.flags & (detail::kHasDname | detail::kBelowDname)) {
      node.flags |= detail::kBelowDname;
    }
    auto owner = name_bytes(id);
    if (owner[0] == 1 && owner[1] == '*') zone->nodes_[node.parent].flags |= detail::kWildcardChild;
  }

  zone->read_soa();

  const Zone& z = *zone;
  auto locate = [&](const NodeView& node, uint16_t type) -> std::optional<Location> {
    const detail::Node& nd = z.nodes_[node.index()];
    for (uint32_t i = nd.rrset_begin; i < nd.rrset_begin + nd.rrset_count; ++i) {
      if (z.rrsets_[i].type == type) return location_of(rrset_first_rec[i]);
    }
    return std::nullopt;
  };
  for (ZoneIssue& i : check_zone(z, locate)) issues_.push_back(std::move(i));

  std::stable_sort(issues_.begin(), issues_.end(), [](const ZoneIssue& a, const ZoneIssue& b) {
    if (a.location.has_value() != b.location.has_value()) return !a.location.has_value();
    if (!a.location) return false;
    if (a.location->file != b.location->file) return a.location->file < b.location->file;
    if (a.location->line != b.location->line) return a.location->line < b.location->line;
    return a.location->column < b.location->column;
  });
  out.issues = std::move(issues_);
  if (!has_errors(out.issues)) {
    zone->nodes_.shrink_to_fit();
    zone->rrsets_.shrink_to_fit();
    zone->names_.shrink_to_fit();
    zone->rdata_.shrink_to_fit();
    out.zone = std::move(zone);
  }
  *this = ZoneBuilder(origin_);
  return out;
}

}  // namespace gitns::zone
