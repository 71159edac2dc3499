// Helpers for the zone tests: rdata bytes built by hand (independent of the rdata
// codecs under test elsewhere) and a tiny zone description language.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"
#include "resolver/zone/zone.h"
#include "resolver/zone/zone_builder.h"

namespace gitns::zone::test {

using wire::Bytes;
using wire::Name;
namespace rrtype = wire::rrtype;

inline Bytes name_rd(std::string_view text) {
  Name n = Name::must(text);
  return Bytes(n.wire().begin(), n.wire().end());
}
inline void put32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}
inline Bytes a_rd(std::string_view dotted) {
  unsigned x[4];
  std::sscanf(std::string(dotted).c_str(), "%u.%u.%u.%u", &x[0], &x[1], &x[2], &x[3]);
  return {uint8_t(x[0]), uint8_t(x[1]), uint8_t(x[2]), uint8_t(x[3])};
}
inline Bytes aaaa_rd(uint8_t last) {
  Bytes b{0x20, 0x01, 0x0d, 0xb8};
  b.resize(15, 0);
  b.push_back(last);
  return b;
}
inline Bytes soa_rd(std::string_view mname, std::string_view rname, uint32_t serial,
                    uint32_t minimum) {
  Bytes b = name_rd(mname);
  Bytes r = name_rd(rname);
  b.insert(b.end(), r.begin(), r.end());
  for (uint32_t v : {serial, 3600u, 600u, 86400u, minimum}) put32(b, v);
  return b;
}
inline Bytes mx_rd(uint16_t pref, std::string_view target) {
  Bytes b{uint8_t(pref >> 8), uint8_t(pref)};
  Bytes t = name_rd(target);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}
inline Bytes txt_rd(std::string_view s) {
  Bytes b{uint8_t(s.size())};
  b.insert(b.end(), s.begin(), s.end());
  return b;
}
inline Bytes srv_rd(std::string_view target) {
  Bytes b{0, 1, 0, 1, 0, 22};
  Bytes t = name_rd(target);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}

inline wire::RR rr(std::string_view owner, uint16_t type, uint32_t ttl, Bytes rdata,
                   uint16_t rclass = wire::rrclass::IN) {
  return {Name::must(owner), type, rclass, ttl, {std::move(rdata)}};
}

// The usual apex: SOA (minimum 300) and one NS.
inline void add_apex(ZoneBuilder& b, std::string_view origin, uint32_t serial = 1) {
  std::string o(origin);
  std::string below = o == "." ? "" : o;  // "ns1." + below is a child of the origin
  b.add(rr(o, rrtype::SOA, 3600, soa_rd("ns1." + below, "hostmaster." + below, serial, 300)));
  b.add(rr(o, rrtype::NS, 3600, name_rd("ns1." + below)));
  b.add(rr("ns1." + below, rrtype::A, 3600, a_rd("192.0.2.1")));
}

inline std::string wire_text(std::span<const uint8_t> w) {
  auto n = Name::from_wire(w);
  return n ? n->to_text() : std::string("<bad name>");
}

// "owner TYPE" plus, for names in rdata, " -> target"; for A, " a.b.c.d".
inline std::string describe(const RRsetView& s) {
  std::string out = wire_text(s.owner_wire()) + " ";
  switch (s.type()) {
    case rrtype::A: out += "A"; break;
    case rrtype::AAAA: out += "AAAA"; break;
    case rrtype::NS: out += "NS"; break;
    case rrtype::CNAME: out += "CNAME"; break;
    case rrtype::DNAME: out += "DNAME"; break;
    case rrtype::SOA: out += "SOA"; break;
    case rrtype::MX: out += "MX"; break;
    case rrtype::TXT: out += "TXT"; break;
    case rrtype::SRV: out += "SRV"; break;
    case rrtype::DS: out += "DS"; break;
    default: out += "TYPE" + std::to_string(s.type());
  }
  if (s.type() == rrtype::CNAME || s.type() == rrtype::DNAME) out += " -> " + wire_text(s.front());
  if (s.type() == rrtype::A) {
    for (auto rd : s) {
      out += " " + std::to_string(rd[0]) + "." + std::to_string(rd[1]) + "." +
             std::to_string(rd[2]) + "." + std::to_string(rd[3]);
    }
  }
  return out;
}

}  // namespace gitns::zone::test
