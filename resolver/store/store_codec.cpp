#include "resolver/store/store_codec.h"

namespace gitns::store::detail {

using base::Errc;
using base::fail;

namespace {

void put_name(ByteWriter& w, std::span<const uint8_t> name) {
  w.u8(static_cast<uint8_t>(name.size()));
  w.bytes(name);
}

base::Result<wire::Name> read_name(wire::WireReader& r) {
  uint8_t size = r.u8();
  auto bytes = r.bytes(size);
  if (!r.ok()) return fail(Errc::truncated, "store: value ends inside a name");
  return wire::Name::from_wire(bytes);
}

void put_rr(ByteWriter& w, const wire::RR& rr) {
  w.bytes(rr.owner.wire());
  w.u16(rr.type);
  w.u16(rr.rclass);
  w.u32(rr.ttl);
  w.u16(static_cast<uint16_t>(rr.rdata.bytes.size()));
  w.bytes(rr.rdata.bytes);
}

base::Result<wire::RR> read_rr(wire::WireReader& r) {
  wire::RR rr;
  size_t consumed = 0;
  std::span<const uint8_t> rest(r.data() + r.position(), r.remaining());
  GITNS_TRY(rr.owner, wire::Name::from_wire(rest, &consumed));
  r.skip(consumed);
  rr.type = r.u16();
  rr.rclass = r.u16();
  rr.ttl = r.u32();
  uint16_t len = r.u16();
  auto rd = r.bytes(len);
  if (!r.ok()) return fail(Errc::truncated, "store: journal entry ends inside a record");
  rr.rdata.bytes.assign(rd.begin(), rd.end());
  return rr;
}

Bytes lowered_wire(const wire::Name& n) {
  wire::Name l = n.lowered();
  return Bytes(l.wire().begin(), l.wire().end());
}

}  // namespace

uint64_t read_u64(wire::WireReader& r) {
  uint64_t hi = r.u32();
  return hi << 32 | r.u32();
}

std::string read_text(wire::WireReader& r) {
  uint32_t n = r.u32();
  auto b = r.bytes(n);
  return std::string(b.begin(), b.end());
}

uint32_t load_u32(std::span<const uint8_t> b) {
  return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | uint32_t(b[3]);
}

uint64_t load_u64(std::span<const uint8_t> b) {
  return uint64_t(load_u32(b)) << 32 | load_u32(b.subspan(4));
}

Bytes zone_key(const wire::Name& origin) { return lowered_wire(origin); }

Bytes rrset_key(uint32_t zone_id, const wire::Name& owner, uint16_t type) {
  return rrset_key(zone_id, owner.wire(), type);
}

// Lowering the wire form byte by byte is lowering the name: length bytes are at most 63,
// below 'A', so only label characters change.
Bytes rrset_key(uint32_t zone_id, std::span<const uint8_t> owner_wire, uint16_t type) {
  ByteWriter w;
  w.u32(zone_id);
  for (uint8_t c : owner_wire) w.u8(wire::ascii_lower(c));
  w.u16(type);
  return w.take();
}

Bytes id_prefix(uint32_t zone_id) {
  ByteWriter w;
  w.u32(zone_id);
  return w.take();
}

Bytes journal_key(uint32_t zone_id, uint64_t seq) {
  ByteWriter w;
  w.u32(zone_id);
  w.u64(seq);
  return w.take();
}

Bytes u64_key(uint64_t v) {
  ByteWriter w;
  w.u64(v);
  return w.take();
}

Bytes encode_zone(const ZoneRecord& z) {
  ByteWriter w;
  w.u32(z.id);
  put_name(w, z.info.origin.wire());
  w.u16(z.info.rclass);
  w.u32(z.info.serial);
  w.u64(z.info.record_count);
  w.u64(z.info.since_generation);
  w.u64(z.info.rebuild_floor);
  w.u64(z.journal_first);
  w.u64(z.journal_next);
  w.u64(z.info.journal_bytes);
  w.text(z.info.metadata);
  return w.take();
}

base::Result<ZoneRecord> decode_zone(std::span<const uint8_t> value) {
  wire::WireReader r(value);
  ZoneRecord z;
  z.id = r.u32();
  GITNS_TRY(z.info.origin, read_name(r));
  z.info.rclass = r.u16();
  z.info.serial = r.u32();
  z.info.record_count = read_u64(r);
  z.info.since_generation = read_u64(r);
  z.info.rebuild_floor = read_u64(r);
  z.journal_first = read_u64(r);
  z.journal_next = read_u64(r);
  z.info.journal_bytes = read_u64(r);
  z.info.metadata = read_text(r);
  if (!r.ok() || r.remaining() != 0 || z.journal_first > z.journal_next) {
    return fail(Errc::malformed, "store: damaged zone record (expected the format " +
                                     std::to_string(kFormatVersion) + " layout)");
  }
  z.info.journal_entries = z.journal_next - z.journal_first;
  return z;
}

Bytes encode_rrset(const zone::RRsetView& set) {
  ByteWriter w;
  put_name(w, set.owner_wire());
  w.u32(set.ttl());
  w.u16(static_cast<uint16_t>(set.size()));
  for (auto rd : set) {
    w.u16(static_cast<uint16_t>(rd.size()));
    w.bytes(rd);
  }
  return w.take();
}

base::Result<Bytes> encode_rrset(const RRsetValue& set) {
  if (set.rdatas.size() > 0xFFFF) {
    return fail(Errc::limit, "store: RRset " + set.owner.to_text() + " has " +
                                 std::to_string(set.rdatas.size()) +
                                 " records; at most 65535 fit one RRset");
  }
  ByteWriter w;
  put_name(w, set.owner.wire());
  w.u32(set.ttl);
  w.u16(static_cast<uint16_t>(set.rdatas.size()));
  for (const Bytes& rd : set.rdatas) {
    w.u16(static_cast<uint16_t>(rd.size()));
    w.bytes(rd);
  }
  return w.take();
}

RRsetReader::RRsetReader(std::span<const uint8_t> value) : r_(value) {
  uint8_t size = r_.u8();
  owner_ = r_.bytes(size);
  ttl_ = r_.u32();
  count_ = r_.u16();
}

bool RRsetReader::next(std::span<const uint8_t>& rdata) {
  if (read_ == count_) {
    if (r_.remaining() != 0) ok_ = false;
    return false;
  }
  uint16_t len = r_.u16();
  rdata = r_.bytes(len);
  if (!r_.ok()) return false;
  ++read_;
  return true;
}

base::Result<RRsetValue> decode_rrset(std::span<const uint8_t> value) {
  RRsetReader rd(value);
  RRsetValue out;
  if (!rd.ok()) return fail(Errc::malformed, "store: damaged RRset value (owner, TTL, count)");
  GITNS_TRY(out.owner, wire::Name::from_wire(rd.owner()));
  out.ttl = rd.ttl();
  out.rdatas.reserve(rd.count());
  std::span<const uint8_t> one;
  while (rd.next(one)) out.rdatas.emplace_back(one.begin(), one.end());
  if (!rd.ok()) return fail(Errc::malformed, "store: damaged RRset value (rdata list)");
  return out;
}

Bytes encode_journal(uint64_t generation, uint32_t serial_from, uint32_t serial_to,
                     const zone::ZoneDiff& diff) {
  ByteWriter w;
  w.u64(generation);
  w.u32(serial_from);
  w.u32(serial_to);
  w.u32(static_cast<uint32_t>(diff.removed.size()));
  w.u32(static_cast<uint32_t>(diff.added.size()));
  for (const wire::RR& rr : diff.removed) put_rr(w, rr);
  for (const wire::RR& rr : diff.added) put_rr(w, rr);
  return w.take();
}

base::Result<JournalEntry> decode_journal(std::span<const uint8_t> value) {
  wire::WireReader r(value);
  JournalEntry e;
  e.generation = read_u64(r);
  e.serial_from = r.u32();
  e.serial_to = r.u32();
  uint32_t removed = r.u32();
  uint32_t added = r.u32();
  // Every RR takes at least 11 bytes: a count beyond that is damage, not a reason to
  // reserve gigabytes.
  if (!r.ok() || (uint64_t{removed} + added) * 11 > r.remaining()) {
    return fail(Errc::malformed, "store: damaged journal entry header");
  }
  e.removed.reserve(removed);
  e.added.reserve(added);
  for (uint32_t i = 0; i < removed; ++i) {
    GITNS_TRY(wire::RR rr, read_rr(r));
    e.removed.push_back(std::move(rr));
  }
  for (uint32_t i = 0; i < added; ++i) {
    GITNS_TRY(wire::RR rr, read_rr(r));
    e.added.push_back(std::move(rr));
  }
  if (r.remaining() != 0) return fail(Errc::trailing_data, "store: bytes after a journal entry");
  return e;
}

base::Result<uint32_t> soa_serial(std::span<const uint8_t> rdata) {
  size_t a = 0, b = 0;
  auto mname = wire::Name::from_wire(rdata, &a);
  auto rname = mname.ok() ? wire::Name::from_wire(rdata.subspan(a), &b) : mname;
  if (!rname.ok() || rdata.size() != a + b + 20) {
    return fail(Errc::bad_rdata, "store: SOA rdata must be two names and five 32-bit numbers");
  }
  return load_u32(rdata.subspan(a + b));
}

bool serial_greater(uint32_t b, uint32_t a) {
  // RFC 1982 section 3.2 with SERIAL_BITS = 32: b > a when 0 < (b - a) mod 2^32 < 2^31.
  uint32_t d = b - a;
  return d != 0 && d < 0x80000000u;
}

}  // namespace gitns::store::detail
