#include "resolver/wire/message_writer.h"

#include <algorithm>
#include <cstring>

namespace gitns::wire {

namespace {
constexpr size_t kMaxPointerTarget = 0x3FFF;  // 14-bit compression pointers
constexpr size_t kMaxRdataNames = 8;          // no type embeds more names than this

size_t section_index(Section s) { return 1 + static_cast<size_t>(s); }

// True when `name` is a well-formed uncompressed name filling exactly its span; rdata
// from elsewhere is checked before the writer walks it label by label.
bool plain_name(std::span<const uint8_t> name) {
  size_t pos = 0;
  while (pos < name.size()) {
    uint8_t len = name[pos];
    if (len > Name::kMaxLabel) return false;
    if (len == 0) return pos + 1 == name.size();
    pos += 1 + len;
  }
  return false;
}
}  // namespace

MessageWriter::MessageWriter(uint8_t* buf, size_t capacity)
    : buf_(buf), capacity_(capacity), limit_(std::min(capacity, kMaxMessageSize)) {}

void MessageWriter::set_limit(size_t limit) {
  limit_ = std::max(std::min({limit, capacity_, kMaxMessageSize}), pos_);
}

size_t MessageWriter::end() const {
  size_t hard = std::min(limit_, capacity_);
  return reserved_ >= hard ? 0 : hard - reserved_;
}

size_t MessageWriter::remaining() const { return end() > pos_ ? end() - pos_ : 0; }

bool MessageWriter::write_header(const Header& h) {
  pos_ = 0;
  counts_ = {};
  section_ = Section::answer;
  compress_used_ = 0;
  ext_rcode_ = 0;
  rcode_set_ = false;
  opt_pos_ = 0;
  header_ = h;
  header_.rcode &= 0x0F;
  if (capacity_ < kHeaderSize) return false;
  Header zero = header_;
  zero.qdcount = zero.ancount = zero.nscount = zero.arcount = 0;
  wire::write_header(zero, buf_);
  pos_ = kHeaderSize;
  return true;
}

bool MessageWriter::put(const void* p, size_t n) {
  if (pos_ < kHeaderSize || n > end() || pos_ > end() - n) return false;
  if (n) std::memcpy(buf_ + pos_, p, n);
  pos_ += n;
  return true;
}

bool MessageWriter::put_u16(uint16_t v) {
  uint8_t b[2] = {uint8_t(v >> 8), uint8_t(v)};
  return put(b, 2);
}

bool MessageWriter::put_u32(uint32_t v) {
  uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
  return put(b, 4);
}

void MessageWriter::remember(size_t offset) {
  if (offset <= kMaxPointerTarget && compress_used_ < kCompressEntries) {
    compress_[compress_used_++] = static_cast<uint16_t>(offset);
  }
}

// Compares an uncompressed suffix with the name written at `at`, following the
// pointers this writer wrote (always backwards, so the walk ends).
bool MessageWriter::suffix_matches_at(std::span<const uint8_t> suffix, size_t at) const {
  size_t i = 0;
  size_t p = at;
  for (;;) {
    uint8_t len = buf_[p];
    while ((len & 0xC0) == 0xC0) {
      p = size_t(len & 0x3F) << 8 | buf_[p + 1];
      len = buf_[p];
    }
    if (len != suffix[i]) return false;
    if (len == 0) return true;
    for (size_t k = 1; k <= len; ++k) {
      if (ascii_lower(buf_[p + k]) != ascii_lower(suffix[i + k])) return false;
    }
    i += 1 + len;
    p += 1 + len;
  }
}

uint16_t MessageWriter::find_suffix(std::span<const uint8_t> suffix) const {
  for (size_t e = 0; e < compress_used_; ++e) {
    if (suffix_matches_at(suffix, compress_[e])) return compress_[e];
  }
  return 0;
}

bool MessageWriter::put_name(std::span<const uint8_t> name, bool compress) {
  // Label starts written here become compression targets only once the whole name is
  // in the buffer: a half-written name must never be matched against.
  std::array<uint16_t, Name::kMaxWire / 2 + 1> starts;
  size_t nstarts = 0;
  size_t off = 0;
  bool ok = true;
  bool pointed = false;
  while (name[off] != 0) {
    if (compress) {
      if (uint16_t target = find_suffix(name.subspan(off))) {
        ok = put_u16(0xC000 | target);
        pointed = true;
        break;
      }
      starts[nstarts++] = static_cast<uint16_t>(std::min(pos_, size_t(0xFFFF)));
    }
    if (!put(name.data() + off, 1 + name[off])) return false;
    off += 1 + name[off];
  }
  if (!pointed) {
    uint8_t root = 0;
    ok = put(&root, 1);
  }
  if (!ok) return false;
  for (size_t i = 0; i < nstarts; ++i) remember(starts[i]);
  return true;
}

bool MessageWriter::put_rdata(uint16_t type, std::span<const uint8_t> rdata) {
  if (rdata.empty()) return true;  // RFC 2136 deletes: no names to look for
  std::array<RdataName, kMaxRdataNames> names;
  size_t n = rdata_names(type, rdata, names);
  size_t off = 0;
  for (size_t i = 0; i < n && i < names.size(); ++i) {
    const RdataName& rn = names[i];
    if (rn.offset < off || size_t(rn.offset) + rn.size > rdata.size()) break;
    auto name = rdata.subspan(rn.offset, rn.size);
    if (!plain_name(name)) break;
    if (!put(rdata.data() + off, rn.offset - off)) return false;
    if (!put_name(name, rn.compress)) return false;
    off = rn.offset + rn.size;
  }
  return put(rdata.data() + off, rdata.size() - off);
}

bool MessageWriter::put_record(const Name& owner, uint16_t type, uint16_t rclass, uint32_t ttl,
                               std::span<const uint8_t> rdata) {
  size_t idx = section_index(section_);
  if (counts_[idx] == 0xFFFF) return false;
  if (!put_name(owner.wire(), true) || !put_u16(type) || !put_u16(rclass) || !put_u32(ttl)) {
    return false;
  }
  size_t rdlen_pos = pos_;
  if (!put_u16(0) || !put_rdata(type, rdata)) return false;
  size_t rdlen = pos_ - rdlen_pos - 2;
  if (rdlen > 0xFFFF) return false;
  buf_[rdlen_pos] = uint8_t(rdlen >> 8);
  buf_[rdlen_pos + 1] = uint8_t(rdlen);
  ++counts_[idx];
  return true;
}

bool MessageWriter::add_question(const Name& qname, uint16_t qtype, uint16_t qclass) {
  if (counts_[1] || counts_[2] || counts_[3] || counts_[0] == 0xFFFF) return false;
  Mark m = mark();
  if (!put_name(qname.wire(), true) || !put_u16(qtype) || !put_u16(qclass)) {
    rollback(m);
    return false;
  }
  ++counts_[0];
  return true;
}

void MessageWriter::begin_section(Section s) {
  if (s > section_) section_ = s;
}

bool MessageWriter::add_rrset(const Name& owner, uint16_t type, uint16_t rclass, uint32_t ttl,
                              std::span<const Rdata> rdatas) {
  Mark m = mark();
  for (const Rdata& rd : rdatas) {
    if (!put_record(owner, type, rclass, ttl, rd.bytes)) {
      rollback(m);
      return false;
    }
  }
  return true;
}

bool MessageWriter::add_rr(const Name& owner, uint16_t type, uint16_t rclass, uint32_t ttl,
                           std::span<const uint8_t> rdata) {
  Mark m = mark();
  if (!put_record(owner, type, rclass, ttl, rdata)) {
    rollback(m);
    return false;
  }
  return true;
}

bool MessageWriter::add_opt(const Edns& e) {
  release_reservation();
  if (opt_pos_ != 0 || counts_[3] == 0xFFFF) return false;
  size_t rdlen = opt_rdata_size(e);
  size_t need = 11 + rdlen;
  if (rdlen > 0xFFFF || pos_ < kHeaderSize || need > remaining()) return false;
  begin_section(Section::additional);
  Edns fixed = e;
  fixed.options.clear();
  if (rcode_set_) fixed.ext_rcode = ext_rcode_;
  size_t start = pos_;
  uint8_t root = 0;
  (void)(put(&root, 1) && put_u16(rrtype::OPT) && put_u16(e.udp_size) && put_u32(edns_ttl(fixed)) &&
         put_u16(uint16_t(rdlen)));
  write_opt_rdata(e, buf_ + pos_);  // fits: checked against remaining() above
  pos_ += rdlen;
  opt_pos_ = start;
  ++counts_[3];
  return true;
}

void MessageWriter::patch_opt_rcode() {
  if (opt_pos_ != 0) buf_[opt_pos_ + 5] = ext_rcode_;  // owner(1) type(2) class(2), TTL's first byte
}

void MessageWriter::set_rcode(uint16_t full_rcode) {
  header_.rcode = uint8_t(full_rcode & 0x0F);
  ext_rcode_ = uint8_t(full_rcode >> 4);
  rcode_set_ = true;
  patch_opt_rcode();
}

MessageWriter::Mark MessageWriter::mark() const {
  return {pos_, counts_, compress_used_, section_, opt_pos_};
}

void MessageWriter::rollback(const Mark& m) {
  pos_ = m.pos;
  counts_ = m.counts;
  compress_used_ = m.compress_used;
  section_ = m.section;
  opt_pos_ = m.opt_pos;
}

std::span<const uint8_t> MessageWriter::finish() {
  if (pos_ < kHeaderSize) return {};
  Header h = header_;
  h.qdcount = counts_[0];
  h.ancount = counts_[1];
  h.nscount = counts_[2];
  h.arcount = counts_[3];
  wire::write_header(h, buf_);
  return {buf_, pos_};
}

}  // namespace gitns::wire
