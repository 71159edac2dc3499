#include "resolver/wire/edns.h"

#include <cstdio>
#include <cstring>

namespace gitns::wire {

using base::Errc;
using base::fail;
using base::Result;
using base::Status;

const EdnsOption* Edns::find(uint16_t code) const {
  for (const auto& o : options) {
    if (o.code == code) return &o;
  }
  return nullptr;
}

uint32_t edns_ttl(const Edns& e) {
  return uint32_t(e.ext_rcode) << 24 | uint32_t(e.version) << 16 | (e.do_bit ? 0x8000u : 0u) |
         (e.z & 0x7FFFu);
}

size_t opt_rdata_size(const Edns& e) {
  size_t n = 0;
  for (const auto& o : e.options) n += 4 + o.data.size();
  return n;
}

size_t opt_rr_size(const Edns& e) { return 11 + opt_rdata_size(e); }

void write_opt_rdata(const Edns& e, uint8_t* out) {
  for (const auto& o : e.options) {
    out[0] = uint8_t(o.code >> 8);
    out[1] = uint8_t(o.code);
    out[2] = uint8_t(o.data.size() >> 8);
    out[3] = uint8_t(o.data.size());
    if (!o.data.empty()) std::memcpy(out + 4, o.data.data(), o.data.size());
    out += 4 + o.data.size();
  }
}

static Status check_client_subnet(std::span<const uint8_t> d) {
  if (d.size() < 4) return fail(Errc::malformed, "CLIENT_SUBNET option needs at least 4 bytes");
  uint16_t family = uint16_t(d[0] << 8 | d[1]);
  uint8_t source = d[2];
  size_t max_bits = family == 1 ? 32 : family == 2 ? 128 : 0;
  if (max_bits == 0) return fail(Errc::malformed, "CLIENT_SUBNET family must be 1 (IPv4) or 2 (IPv6)");
  if (source > max_bits || d[3] > max_bits) {
    return fail(Errc::malformed, "CLIENT_SUBNET prefix length longer than the address");
  }
  if (d.size() - 4 != (size_t(source) + 7) / 8) {
    return fail(Errc::malformed, "CLIENT_SUBNET address must be exactly ceil(source prefix / 8) bytes");
  }
  return {};
}

Status validate_edns_option(uint16_t code, std::span<const uint8_t> d) {
  switch (code) {
    case edns_option::COOKIE:
      // RFC 7873 4: client cookie 8 bytes, plus an optional server cookie of 8 to 32.
      if (d.size() != 8 && (d.size() < 16 || d.size() > 40)) {
        return fail(Errc::malformed, "COOKIE option length must be 8 or 16 to 40");
      }
      return {};
    case edns_option::CLIENT_SUBNET:
      return check_client_subnet(d);
    case edns_option::TCP_KEEPALIVE:
      if (d.size() != 0 && d.size() != 2) {
        return fail(Errc::malformed, "TCP_KEEPALIVE option length must be 0 or 2");
      }
      return {};
    case edns_option::EXPIRE:
      if (d.size() != 0 && d.size() != 4) return fail(Errc::malformed, "EXPIRE option length must be 0 or 4");
      return {};
    case edns_option::EDE:
      if (d.size() < 2) return fail(Errc::malformed, "EDE option needs a 2-byte INFO-CODE");
      return {};
    default:
      return {};
  }
}

Result<Edns> edns_from_opt(uint16_t rclass, uint32_t ttl, std::span<const uint8_t> rdata) {
  Edns e;
  e.udp_size = rclass;
  e.ext_rcode = uint8_t(ttl >> 24);
  e.version = uint8_t(ttl >> 16);
  e.do_bit = (ttl & 0x8000u) != 0;
  e.z = uint16_t(ttl & 0x7FFFu);
  WireReader r(rdata);
  while (r.remaining() > 0) {
    if (r.remaining() < 4) return fail(Errc::malformed, "EDNS option header cut short in the OPT rdata");
    EdnsOption o;
    o.code = r.u16();
    uint16_t len = r.u16();
    if (len > r.remaining()) {
      return fail(Errc::malformed, "EDNS option " + std::to_string(o.code) +
                                       " length runs past the end of the OPT rdata");
    }
    auto data = r.bytes(len);
    GITNS_CHECK(validate_edns_option(o.code, data));
    o.data.assign(data.begin(), data.end());
    e.options.push_back(std::move(o));
  }
  return e;
}

std::string_view ede_name(uint16_t code) {
  static constexpr std::string_view names[] = {
      "Other Error", "Unsupported DNSKEY Algorithm", "Unsupported DS Digest Type",
      "Stale Answer", "Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus",
      "Signature Expired", "Signature Not Yet Valid", "DNSKEY Missing", "RRSIGs Missing",
      "No Zone Key Bit Set", "NSEC Missing", "Cached Error", "Not Ready", "Blocked", "Censored",
      "Filtered", "Prohibited", "Stale NXDomain Answer", "Not Authoritative", "Not Supported",
      "No Reachable Authority", "Network Error", "Invalid Data"};
  return code < std::size(names) ? names[code] : std::string_view{};
}

EdnsOption encode_ede(const ExtendedError& e) {
  EdnsOption o;
  o.code = edns_option::EDE;
  o.data.reserve(2 + e.extra_text.size());
  o.data.push_back(uint8_t(e.info_code >> 8));
  o.data.push_back(uint8_t(e.info_code));
  o.data.insert(o.data.end(), e.extra_text.begin(), e.extra_text.end());
  return o;
}

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
static bool valid_utf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    uint8_t c = s[i];
    size_t n;
    uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    static constexpr uint32_t min_cp[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

Result<ExtendedError> decode_ede(const EdnsOption& o) {
  if (o.code != edns_option::EDE) {
    return fail(Errc::malformed, "expected an EDE option (code 15), got code " + std::to_string(o.code));
  }
  if (o.data.size() < 2) return fail(Errc::malformed, "EDE option needs a 2-byte INFO-CODE");
  std::span<const uint8_t> text(o.data.data() + 2, o.data.size() - 2);
  if (!text.empty() && text.back() == 0) text = text.first(text.size() - 1);
  if (!valid_utf8(text)) return fail(Errc::malformed, "EDE EXTRA-TEXT must be UTF-8");
  ExtendedError e;
  e.info_code = uint16_t(o.data[0] << 8 | o.data[1]);
  e.extra_text.assign(text.begin(), text.end());
  return e;
}

static std::string hex(std::span<const uint8_t> d) {
  std::string s;
  char buf[3];
  for (uint8_t b : d) {
    std::snprintf(buf, sizeof buf, "%02X", b);
    s += buf;
  }
  return s;
}

// Printable ASCII as is, everything else as \DDD, so logs stay one line.
static std::string escaped(std::string_view t) {
  std::string s;
  for (unsigned char c : t) {
    if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"') {
      s += char(c);
    } else {
      char buf[6];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      s += buf;
    }
  }
  return s;
}

std::string edns_option_to_text(const EdnsOption& o) {
  switch (o.code) {
    case edns_option::NSID:
      return "NSID: " + hex(o.data) + " (\"" +
             escaped(std::string_view(reinterpret_cast<const char*>(o.data.data()), o.data.size())) + "\")";
    case edns_option::COOKIE: return "COOKIE: " + hex(o.data);
    case edns_option::CLIENT_SUBNET: return "CLIENT-SUBNET: " + hex(o.data);
    case edns_option::TCP_KEEPALIVE: return "TCP-KEEPALIVE: " + hex(o.data);
    case edns_option::PADDING: return "PADDING: " + std::to_string(o.data.size()) + " bytes";
    case edns_option::EDE: {
      auto e = decode_ede(o);
      if (!e) return "EDE: malformed " + hex(o.data);
      std::string s = "EDE: " + std::to_string(e->info_code);
      auto name = ede_name(e->info_code);
      if (!name.empty()) s += " (" + std::string(name) + ")";
      if (!e->extra_text.empty()) s += ": \"" + escaped(e->extra_text) + "\"";
      return s;
    }
    default: return "OPT=" + std::to_string(o.code) + ": " + hex(o.data);
  }
}

}  // namespace gitns::wire
