// Hand-built packets for message tests: each test states the exact bytes it feeds in.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "resolver/wire/message.h"

namespace gitns::wire::testing {

struct Pkt {
  Bytes b;

  Pkt& u8(uint8_t v) { b.push_back(v); return *this; }
  Pkt& u16(uint16_t v) { return u8(uint8_t(v >> 8)).u8(uint8_t(v)); }
  Pkt& u32(uint32_t v) { return u16(uint16_t(v >> 16)).u16(uint16_t(v)); }
  Pkt& raw(std::initializer_list<uint8_t> bytes) {
    b.insert(b.end(), bytes);
    return *this;
  }
  Pkt& raw(const Bytes& bytes) {
    b.insert(b.end(), bytes.begin(), bytes.end());
    return *this;
  }
  // Uncompressed wire form of an absolute name.
  Pkt& name(std::string_view text) {
    Name n = Name::must(text);
    auto w = n.wire();
    b.insert(b.end(), w.begin(), w.end());
    return *this;
  }
  Pkt& header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  Pkt& question(std::string_view qname, uint16_t qtype, uint16_t qclass = rrclass::IN) {
    return name(qname).u16(qtype).u16(qclass);
  }
  // Fixed fields and rdata after an owner already written.
  Pkt& rr_tail(uint16_t type, uint16_t rclass, uint32_t ttl, const Bytes& rdata) {
    return u16(type).u16(rclass).u32(ttl).u16(uint16_t(rdata.size())).raw(rdata);
  }
  Pkt& rr(std::string_view owner, uint16_t type, uint16_t rclass, uint32_t ttl, const Bytes& rdata) {
    return name(owner).rr_tail(type, rclass, ttl, rdata);
  }
  Pkt& opt(uint16_t udp, uint32_t ttl = 0, const Bytes& rdata = {}) {
    return u8(0).rr_tail(rrtype::OPT, udp, ttl, rdata);
  }
  std::span<const uint8_t> span() const { return b; }
};

inline Bytes name_wire(std::string_view text) {
  Name n = Name::must(text);
  auto w = n.wire();
  return Bytes(w.begin(), w.end());
}

// A structurally valid TSIG rdata (RFC 8945 4.2) with a 32-byte MAC.
inline Bytes tsig_rdata() {
  Pkt p;
  p.name("hmac-sha256.").raw({0, 0, 0x65, 0x5f, 0x12, 0x34}).u16(300).u16(32);
  for (int i = 0; i < 32; ++i) p.u8(uint8_t(i));
  p.u16(0x1234).u16(0).u16(0);
  return p.b;
}

inline constexpr uint16_t kQueryFlags = 0x0100;     // RD
inline constexpr uint16_t kResponseFlags = 0x8400;  // QR AA

}  // namespace gitns::wire::testing
