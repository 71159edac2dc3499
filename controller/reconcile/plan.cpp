#include "controller/reconcile/plan.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "resolver/wire/rdata.h"

namespace gitns::reconcile {
namespace {

// Length of the uncompressed name at the start of `b`, or 0 when it runs off the end.
size_t name_length(std::span<const uint8_t> b, size_t at) {
  size_t i = at;
  while (i < b.size()) {
    uint8_t len = b[i];
    if (len == 0) return i + 1 - at;
    if (len > 63) return 0;
    i += 1 + len;
  }
  return 0;
}

// Offset of the serial in SOA rdata (after MNAME and RNAME), or npos.
size_t serial_offset(std::span<const uint8_t> rdata) {
  size_t m = name_length(rdata, 0);
  if (m == 0) return std::string::npos;
  size_t r = name_length(rdata, m);
  if (r == 0 || m + r + 20 != rdata.size()) return std::string::npos;
  return m + r;
}

bool same_but_serial(const wire::RR& a, const wire::RR& b) {
  if (a.type != wire::rrtype::SOA || b.type != wire::rrtype::SOA) return false;
  if (!a.owner.equals_exact(b.owner) || a.ttl != b.ttl || a.rclass != b.rclass) return false;
  const auto& x = a.rdata.bytes;
  const auto& y = b.rdata.bytes;
  size_t off = serial_offset(x);
  if (off == std::string::npos || x.size() != y.size() || serial_offset(y) != off) return false;
  return std::equal(x.begin(), x.begin() + off, y.begin()) &&
         std::equal(x.begin() + off + 4, x.end(), y.begin() + off + 4);
}

std::string rr_key(const wire::RR& rr) {
  std::string k = rr.owner.lookup_key();
  k.push_back(char(rr.type >> 8));
  k.push_back(char(rr.type & 0xff));
  return k;
}

// The apex NS targets, lowercased and sorted.
std::vector<std::string> apex_ns(const zone::Zone& z) {
  std::vector<std::string> out;
  for (auto rdata : z.find(z.origin(), wire::rrtype::NS)) {
    auto name = wire::Name::from_wire(rdata);
    out.push_back(name ? name->lowered().to_text() : "?");
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

std::string percent(double share) {
  return std::to_string(static_cast<int>(std::lround(share * 100))) + "%";
}

}  // namespace

std::optional<uint32_t> soa_serial(std::span<const uint8_t> rdata) {
  size_t off = serial_offset(rdata);
  if (off == std::string::npos) return std::nullopt;
  return uint32_t(rdata[off]) << 24 | uint32_t(rdata[off + 1]) << 16 |
         uint32_t(rdata[off + 2]) << 8 | uint32_t(rdata[off + 3]);
}

bool is_serial_only(const zone::ZoneDiff& diff) {
  return diff.removed.size() == 1 && diff.added.size() == 1 &&
         same_but_serial(diff.removed[0], diff.added[0]);
}

RecordCounts count_changes(const zone::ZoneDiff& diff) {
  std::unordered_map<std::string, std::pair<size_t, size_t>> groups;  // removed, added
  std::unordered_map<std::string, std::pair<const wire::RR*, const wire::RR*>> soa;
  for (const wire::RR& rr : diff.removed) {
    std::string k = rr_key(rr);
    ++groups[k].first;
    if (rr.type == wire::rrtype::SOA) soa[k].first = &rr;
  }
  for (const wire::RR& rr : diff.added) {
    std::string k = rr_key(rr);
    ++groups[k].second;
    if (rr.type == wire::rrtype::SOA) soa[k].second = &rr;
  }
  RecordCounts c;
  for (const auto& [key, n] : groups) {
    auto s = soa.find(key);
    if (n.first == 1 && n.second == 1 && s != soa.end() && s->second.first && s->second.second &&
        same_but_serial(*s->second.first, *s->second.second))
      continue;
    size_t paired = std::min(n.first, n.second);
    c.changed += paired;
    c.removed += n.first - paired;
    c.added += n.second - paired;
  }
  return c;
}

std::string_view to_string(ZoneAction a) {
  switch (a) {
    case ZoneAction::unchanged:
      return "unchanged";
    case ZoneAction::create:
      return "create";
    case ZoneAction::update:
      return "update";
    case ZoneAction::remove:
      return "delete";
  }
  return "?";
}

base::Result<ZonePlan> plan_zone(std::shared_ptr<const zone::Zone> applied,
                                 std::shared_ptr<const zone::Zone> desired,
                                 const SerialInput& serial, const zone::ZoneDiff* known_diff) {
  ZonePlan p;
  p.origin = desired->origin();
  if (!applied) {
    p.action = ZoneAction::create;
    p.serial_to = desired->serial();
    p.counts.added = desired->record_count();
    p.desired = std::move(desired);
    return p;
  }
  p.serial_from = applied->serial();
  zone::ZoneDiff d = known_diff ? *known_diff : zone::diff(*applied, *desired);
  bool content_changed = !d.empty() && !is_serial_only(d);
  GITNS_TRY(SerialDecision decision, decide_serial(serial, desired->serial(), content_changed));
  if (!decision.changed) return plan_unchanged(std::move(applied));
  p.action = ZoneAction::update;
  p.serial_to = decision.serial;
  p.counts = count_changes(d);
  p.diff = std::move(d);
  p.applied = std::move(applied);
  p.desired = std::move(desired);
  return p;
}

ZonePlan plan_removal(std::shared_ptr<const zone::Zone> applied) {
  ZonePlan p;
  p.origin = applied->origin();
  p.action = ZoneAction::remove;
  p.serial_from = applied->serial();
  p.counts.removed = applied->record_count();
  p.applied = std::move(applied);
  return p;
}

ZonePlan plan_unchanged(std::shared_ptr<const zone::Zone> applied) {
  ZonePlan p;
  p.origin = applied->origin();
  p.serial_from = p.serial_to = applied->serial();
  p.desired = applied;
  p.applied = std::move(applied);
  return p;
}

std::vector<std::string> unsafe_reasons(const ZonePlan& plan, const SafetyPolicy& policy) {
  std::vector<std::string> out;
  if (plan.action == ZoneAction::remove) {
    out.push_back("deletes the zone (" + std::to_string(plan.applied->record_count()) +
                  " records) because its manifest is gone");
    return out;
  }
  if (plan.action != ZoneAction::update) return out;
  size_t total = plan.applied->record_count();
  if (total >= policy.min_records && total > 0) {
    double share = double(plan.counts.removed) / double(total);
    if (share > policy.max_delete_share) {
      out.push_back("deletes " + std::to_string(plan.counts.removed) + " of " +
                    std::to_string(total) + " records (" + percent(share) + ", more than " +
                    percent(policy.max_delete_share) + ")");
    }
  }
  auto before = apex_ns(*plan.applied);
  auto after = apex_ns(*plan.desired);
  if (before != after)
    out.push_back("changes the apex NS set from " + join(before) + " to " + join(after));
  return out;
}

TrailerAllowances parse_allow_trailers(const std::vector<std::string>& values) {
  TrailerAllowances out;
  for (const std::string& value : values) {
    size_t i = 0;
    while (i < value.size()) {
      size_t end = value.find_first_of(", \t", i);
      if (end == std::string::npos) end = value.size();
      std::string token = value.substr(i, end - i);
      i = end + 1;
      if (token.empty()) continue;
      wire::Name root;
      auto name = wire::Name::from_text(token, &root);
      if (name)
        out.zones.insert(name->lookup_key());
      else
        out.invalid.push_back(token);
    }
  }
  return out;
}

void check_safety(ZonePlan& p, const SafetyPolicy& policy, bool annotated,
                  const TrailerAllowances& trailers) {
  p.unsafe = unsafe_reasons(p, policy);
  p.allowed_by.clear();
  if (p.unsafe.empty()) return;
  if (p.action != ZoneAction::remove && annotated)
    p.allowed_by = "annotation gitns.io/allow-unsafe: \"true\"";
  else if (trailers.allows(p.origin))
    p.allowed_by = "commit trailer Gitns-Allow-Unsafe: " + p.origin.to_text();
}

}  // namespace gitns::reconcile
