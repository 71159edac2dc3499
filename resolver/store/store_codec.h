// Byte layouts of the store's keys and values (format version kFormatVersion). Kept apart
// from the LMDB code so they can be tested alone. Stored bytes are read back through
// wire::WireReader like any other input: a damaged file gives an error, not a crash.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/store/store.h"
#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"
#include "resolver/wire/wire_reader.h"
#include "resolver/zone/zone.h"

namespace gitns::store::detail {

using wire::Bytes;

class ByteWriter {
 public:
  void u8(uint8_t v) { buf_.push_back(v); }
  void u16(uint16_t v) {
    buf_.push_back(static_cast<uint8_t>(v >> 8));
    buf_.push_back(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) buf_.push_back(static_cast<uint8_t>(v >> s));
  }
  void u64(uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) buf_.push_back(static_cast<uint8_t>(v >> s));
  }
  void bytes(std::span<const uint8_t> b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
  void text(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    buf_.insert(buf_.end(), s.begin(), s.end());
  }
  Bytes& buf() { return buf_; }
  Bytes take() { return std::move(buf_); }

 private:
  Bytes buf_;
};

uint64_t read_u64(wire::WireReader& r);
std::string read_text(wire::WireReader& r);
uint32_t load_u32(std::span<const uint8_t> b);  // b.size() >= 4
uint64_t load_u64(std::span<const uint8_t> b);  // b.size() >= 8

// --- keys -------------------------------------------------------------------------

Bytes zone_key(const wire::Name& origin);  // lowercased wire form
// zone id | lowercased owner wire | type. At most 4 + 255 + 2 bytes, under LMDB's
// 511-byte key limit (a lookup_key, with its escapes, could exceed it).
Bytes rrset_key(uint32_t zone_id, const wire::Name& owner, uint16_t type);
Bytes rrset_key(uint32_t zone_id, std::span<const uint8_t> owner_wire, uint16_t type);
Bytes id_prefix(uint32_t zone_id);
Bytes journal_key(uint32_t zone_id, uint64_t seq);
Bytes u64_key(uint64_t v);

// --- zone record ------------------------------------------------------------------

struct ZoneRecord {
  uint32_t id = 0;
  ZoneInfo info;
  uint64_t journal_first = 1;  // seq of the oldest retained entry (== next when empty)
  uint64_t journal_next = 1;   // seq the next entry gets
};
Bytes encode_zone(const ZoneRecord& z);
base::Result<ZoneRecord> decode_zone(std::span<const uint8_t> value);

// --- RRset value: owner (case kept), TTL, rdatas ----------------------------------

struct RRsetValue {
  wire::Name owner;
  uint32_t ttl = 0;
  std::vector<Bytes> rdatas;  // sorted by bytes, as the zone builder keeps them
};
Bytes encode_rrset(const zone::RRsetView& set);
base::Result<Bytes> encode_rrset(const RRsetValue& set);
base::Result<RRsetValue> decode_rrset(std::span<const uint8_t> value);

// Reads an RRset value without allocating per rdata (bulk loads).
class RRsetReader {
 public:
  explicit RRsetReader(std::span<const uint8_t> value);
  bool ok() const { return r_.ok() && ok_; }
  std::span<const uint8_t> owner() const { return owner_; }
  uint32_t ttl() const { return ttl_; }
  size_t count() const { return count_; }
  // The next rdata; false at the end or on damage (then ok() is false).
  bool next(std::span<const uint8_t>& rdata);

 private:
  wire::WireReader r_;
  std::span<const uint8_t> owner_;
  uint32_t ttl_ = 0;
  size_t count_ = 0;
  size_t read_ = 0;
  bool ok_ = true;
};

// --- journal entry ----------------------------------------------------------------

// generation u64, serial_from u32, serial_to u32, removed count u32, added count u32,
// then the RRs in uncompressed wire form (owner, type, class, TTL, rdlength, rdata).
Bytes encode_journal(uint64_t generation, uint32_t serial_from, uint32_t serial_to,
                     const zone::ZoneDiff& diff);
base::Result<JournalEntry> decode_journal(std::span<const uint8_t> value);

// --- helpers ----------------------------------------------------------------------

// The serial field of SOA rdata (two names, then serial); Errc::bad_rdata when malformed.
base::Result<uint32_t> soa_serial(std::span<const uint8_t> rdata);
// RFC 1982: true when b is greater than a.
bool serial_greater(uint32_t b, uint32_t a);

}  // namespace gitns::store::detail
