#include <algorithm>
#include <cstring>

#include "resolver/zone/zonefile.h"

namespace gitns::zone {

namespace {

// Exact identity of a record (owner case included: a zone keeps the case it was given).
std::string record_key(const wire::RR& rr) {
  auto owner = rr.owner.wire();
  std::string k(owner.begin(), owner.end());
  k.push_back(char(rr.type >> 8));
  k.push_back(char(rr.type));
  for (int s = 24; s >= 0; s -= 8) k.push_back(char(rr.ttl >> s));
  k.append(rr.rdata.bytes.begin(), rr.rdata.bytes.end());
  return k;
}

// Records of `a` not matched by an equal record of `b` (multiset difference), moved out.
void difference(std::vector<ZoneFileRecord>& a, const std::vector<ZoneFileRecord>& b,
                std::vector<ZoneFileRecord>& out) {
  std::vector<std::string> bk;
  bk.reserve(b.size());
  for (const ZoneFileRecord& r : b) bk.push_back(record_key(r.rr));
  std::sort(bk.begin(), bk.end());
  std::vector<bool> used(bk.size(), false);
  for (ZoneFileRecord& r : a) {
    std::string k = record_key(r.rr);
    auto it = std::lower_bound(bk.begin(), bk.end(), k);
    while (it != bk.end() && *it == k && used[size_t(it - bk.begin())]) ++it;
    if (it != bk.end() && *it == k) {
      used[size_t(it - bk.begin())] = true;
    } else {
      out.push_back(std::move(r));
    }
  }
}

// The first line start after the changed bytes: just after the first newline at or
// after `change_end` (that newline is in the common suffix), or the end of the text.
size_t line_after(std::string_view text, size_t change_end) {
  size_t nl = text.find('\n', change_end);
  return nl == std::string_view::npos ? text.size() : nl + 1;
}

// Parses one more entry after `slice` and appends what it found.
void extend(std::string_view text, ZoneFileRange& slice, const ZoneFileOptions& options) {
  ZoneFileRange more = parse_zone_file_range(text, slice.end, slice.end.offset + 1, options);
  for (ZoneFileRecord& r : more.result.records) slice.result.records.push_back(std::move(r));
  for (ZoneFileError& e : more.result.errors) slice.result.errors.push_back(std::move(e));
  slice.included = slice.included || more.included;
  slice.end = std::move(more.end);
}

}  // namespace

std::optional<ZoneFileDelta> zone_file_delta(std::string_view old_text,
                                             const std::vector<ZoneFileCheckpoint>& old_checkpoints,
                                             std::string_view new_text,
                                             const ZoneFileOptions& options,
                                             std::vector<ZoneFileCheckpoint>* new_checkpoints) {
  if (old_checkpoints.empty() || old_checkpoints.front().offset != 0) return std::nullopt;
  const size_t lo = old_text.size(), ln = new_text.size();
  size_t prefix = 0;
  const size_t shorter = std::min(lo, ln);
  // Compare in blocks first: memcmp is far faster than a byte loop over megabytes.
  constexpr size_t kBlock = 4096;
  while (prefix + kBlock <= shorter &&
         std::memcmp(old_text.data() + prefix, new_text.data() + prefix, kBlock) == 0)
    prefix += kBlock;
  while (prefix < shorter && old_text[prefix] == new_text[prefix]) ++prefix;
  if (prefix == lo && lo == ln) {
    if (new_checkpoints) *new_checkpoints = old_checkpoints;
    return ZoneFileDelta{};
  }
  size_t suffix = 0;
  const size_t max_suffix = shorter - prefix;
  while (suffix + kBlock <= max_suffix &&
         std::memcmp(old_text.data() + lo - suffix - kBlock, new_text.data() + ln - suffix - kBlock,
                     kBlock) == 0)
    suffix += kBlock;
  while (suffix < max_suffix && old_text[lo - suffix - 1] == new_text[ln - suffix - 1]) ++suffix;

  // The last checkpoint at or before the first changed byte: the bytes before it are the
  // same in both texts, so the parser is in the same state there.
  auto cp =
      std::upper_bound(old_checkpoints.begin(), old_checkpoints.end(), prefix,
                       [](size_t off, const ZoneFileCheckpoint& c) { return off < c.offset; });
  const ZoneFileCheckpoint& from = *std::prev(cp);

  ZoneFileRange old_slice =
      parse_zone_file_range(old_text, from, line_after(old_text, lo - suffix), options);
  ZoneFileRange new_slice =
      parse_zone_file_range(new_text, from, line_after(new_text, ln - suffix), options);
  // Both slices must end at the same place of the common suffix, in the same state, so
  // everything after them reads the same; and parse cleanly. The state usually differs
  // only in the previous owner (an edited owner name on the slice's last line): one more
  // entry with an owner of its own makes them equal again, so the slices grow by entries
  // for a while before giving up.
  auto aligned = [&] {
    return lo - old_slice.end.offset == ln - new_slice.end.offset &&
           lo - old_slice.end.offset <= suffix;
  };
  auto clean = [&] {
    return old_slice.result.ok() && new_slice.result.ok() && !old_slice.included &&
           !new_slice.included;
  };
  constexpr int kMaxExtraEntries = 64;
  for (int extra = 0; clean() && aligned() && old_slice.end.offset < lo &&
                      !(old_slice.end.state == new_slice.end.state);
       ++extra) {
    if (extra == kMaxExtraEntries) return std::nullopt;
    extend(old_text, old_slice, options);
    extend(new_text, new_slice, options);
  }
  // At the end of both texts nothing follows, so the states need not agree.
  if (!clean() || !aligned() ||
      (old_slice.end.offset < lo && !(old_slice.end.state == new_slice.end.state)))
    return std::nullopt;

  ZoneFileDelta delta;
  delta.parsed_bytes = (old_slice.end.offset - from.offset) + (new_slice.end.offset - from.offset);
  difference(old_slice.result.records, new_slice.result.records, delta.removed);
  difference(new_slice.result.records, old_slice.result.records, delta.added);

  if (new_checkpoints) {
    new_checkpoints->clear();
    for (auto it = old_checkpoints.begin(); it != cp; ++it) new_checkpoints->push_back(*it);
    if (new_slice.end.offset > from.offset) new_checkpoints->push_back(new_slice.end);
    const int64_t shift = int64_t(ln) - int64_t(lo);
    const int64_t lines = int64_t(new_slice.end.line) - int64_t(old_slice.end.line);
    for (auto it = cp; it != old_checkpoints.end(); ++it) {
      if (it->offset <= old_slice.end.offset) continue;
      ZoneFileCheckpoint moved = *it;
      moved.offset = size_t(int64_t(moved.offset) + shift);
      moved.line = uint32_t(int64_t(moved.line) + lines);
      new_checkpoints->push_back(std::move(moved));
    }
  }
  return delta;
}

}  // namespace gitns::zone
