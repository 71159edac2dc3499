#include "resolver/wire/rdata.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "resolver/wire/encoding.h"
#include "resolver/wire/svcb.h"

namespace gitns::wire {

using base::Errc;
using base::Failure;
using base::fail;
using base::Result;
using base::Status;

namespace {

// ---------------------------------------------------------------------------------
// The descriptor table. Field names appear in error messages; a u8 field named
// "algorithm" is a DNSSEC algorithm and also accepts its mnemonic in text.

struct Row {
  TypeInfo info;
  std::span<const std::string_view> names;  // one per field
  int target;      // field index followed by additional-section processing, or -1
  bool lowercase;  // RFC 4034 6.2 as updated by RFC 6840 5.1: names lowercased
};

using F = Field;
using SV = std::string_view;

constexpr Field kA[] = {F::ipv4};
constexpr SV nA[] = {"address"};
constexpr Field kAAAA[] = {F::ipv6};
constexpr Field kNameC[] = {F::name_compress};
constexpr SV nNS[] = {"nsdname"};
constexpr SV nCNAME[] = {"target"};
constexpr SV nPTR[] = {"ptrdname"};
constexpr Field kName[] = {F::name};
constexpr SV nDNAME[] = {"target"};
constexpr Field kSOA[] = {F::name_compress, F::name_compress, F::u32, F::ttl, F::ttl, F::ttl, F::ttl};
constexpr SV nSOA[] = {"mname", "rname", "serial", "refresh", "retry", "expire", "minimum"};
constexpr Field kMX[] = {F::u16, F::name_compress};
constexpr SV nMX[] = {"preference", "exchange"};
constexpr Field kTXT[] = {F::char_strings};
constexpr SV nTXT[] = {"text"};
constexpr Field kHINFO[] = {F::char_string, F::char_string};
constexpr SV nHINFO[] = {"cpu", "os"};
constexpr Field kSRV[] = {F::u16, F::u16, F::u16, F::name};
constexpr SV nSRV[] = {"priority", "weight", "port", "target"};
constexpr Field kNAPTR[] = {F::u16, F::u16, F::char_string, F::char_string, F::char_string, F::name};
constexpr SV nNAPTR[] = {"order", "preference", "flags", "services", "regexp", "replacement"};
constexpr Field kCAA[] = {F::u8, F::caa_tag, F::caa_value};
constexpr SV nCAA[] = {"flags", "tag", "value"};
constexpr Field kTLSA[] = {F::u8, F::u8, F::u8, F::hex};
constexpr SV nTLSA[] = {"usage", "selector", "matching type", "certificate data"};
constexpr Field kSSHFP[] = {F::u8, F::u8, F::hex};
constexpr SV nSSHFP[] = {"key algorithm", "fingerprint type", "fingerprint"};
constexpr Field kSVCB[] = {F::u16, F::name, F::svc_params};
constexpr SV nSVCB[] = {"priority", "target", "params"};
constexpr Field kDS[] = {F::u16, F::u8, F::u8, F::hex};
constexpr SV nDS[] = {"key tag", "algorithm", "digest type", "digest"};
constexpr Field kDNSKEY[] = {F::u16, F::u8, F::u8, F::base64};
constexpr SV nDNSKEY[] = {"flags", "protocol", "algorithm", "public key"};
constexpr Field kRRSIG[] = {F::rrtype, F::u8, F::u8, F::ttl, F::time, F::time, F::u16, F::name, F::base64};
constexpr SV nRRSIG[] = {"type covered", "algorithm", "labels", "original TTL", "expiration",
                         "inception", "key tag", "signer", "signature"};
constexpr Field kNSEC[] = {F::name, F::type_bitmap};
constexpr SV nNSEC[] = {"next name", "type bitmap"};
constexpr Field kNSEC3[] = {F::u8, F::u8, F::u16, F::hex_u8, F::base32hex_u8, F::type_bitmap};
constexpr SV nNSEC3[] = {"hash algorithm", "flags", "iterations", "salt", "next hashed owner", "type bitmap"};
constexpr Field kNSEC3PARAM[] = {F::u8, F::u8, F::u16, F::hex_u8};
constexpr SV nNSEC3PARAM[] = {"hash algorithm", "flags", "iterations", "salt"};

// decompress: RFC 3597 section 4 (RFC 1035 types MUST, SRV and NAPTR SHOULD).
constexpr Row kRows[] = {
    {{rrtype::A, "A", kA, false}, nA, -1, false},
    {{rrtype::NS, "NS", kNameC, true}, nNS, 0, true},
    {{rrtype::CNAME, "CNAME", kNameC, true}, nCNAME, -1, true},
    {{rrtype::SOA, "SOA", kSOA, true}, nSOA, -1, true},
    {{rrtype::PTR, "PTR", kNameC, true}, nPTR, -1, true},
    {{rrtype::HINFO, "HINFO", kHINFO, false}, nHINFO, -1, false},
    {{rrtype::MX, "MX", kMX, true}, nMX, 1, true},
    {{rrtype::TXT, "TXT", kTXT, false}, nTXT, -1, false},
    {{rrtype::AAAA, "AAAA", kAAAA, false}, nA, -1, false},
    {{rrtype::SRV, "SRV", kSRV, true}, nSRV, 3, true},
    {{rrtype::NAPTR, "NAPTR", kNAPTR, true}, nNAPTR, -1, true},
    {{rrtype::DNAME, "DNAME", kName, false}, nDNAME, -1, true},
    {{rrtype::DS, "DS", kDS, false}, nDS, -1, false},
    {{rrtype::SSHFP, "SSHFP", kSSHFP, false}, nSSHFP, -1, false},
    {{rrtype::RRSIG, "RRSIG", kRRSIG, false}, nRRSIG, -1, true},
    {{rrtype::NSEC, "NSEC", kNSEC, false}, nNSEC, -1, false},
    {{rrtype::DNSKEY, "DNSKEY", kDNSKEY, false}, nDNSKEY, -1, false},
    {{rrtype::NSEC3, "NSEC3", kNSEC3, false}, nNSEC3, -1, false},
    {{rrtype::NSEC3PARAM, "NSEC3PARAM", kNSEC3PARAM, false}, nNSEC3PARAM, -1, false},
    {{rrtype::TLSA, "TLSA", kTLSA, false}, nTLSA, -1, false},
    {{rrtype::CDS, "CDS", kDS, false}, nDS, -1, false},
    {{rrtype::CDNSKEY, "CDNSKEY", kDNSKEY, false}, nDNSKEY, -1, false},
    {{rrtype::SVCB, "SVCB", kSVCB, false}, nSVCB, 1, false},
    {{rrtype::HTTPS, "HTTPS", kSVCB, false}, nSVCB, 1, false},
    {{rrtype::SPF, "SPF", kTXT, false}, nTXT, -1, false},
    {{rrtype::CAA, "CAA", kCAA, false}, nCAA, -1, false},
};

// Types known by name only: their rdata goes through RFC 3597.
struct Mnemonic {
  uint16_t type;
  SV text;
};
constexpr Mnemonic kOtherMnemonics[] = {
    {rrtype::OPT, "OPT"},   {rrtype::TKEY, "TKEY"}, {rrtype::TSIG, "TSIG"}, {rrtype::IXFR, "IXFR"},
    {rrtype::AXFR, "AXFR"}, {253, "MAILB"},         {254, "MAILA"},         {rrtype::ANY, "ANY"},
};

constexpr Mnemonic kClasses[] = {
    {rrclass::IN, "IN"}, {rrclass::CH, "CH"}, {rrclass::HS, "HS"},
    {rrclass::NONE, "NONE"}, {rrclass::ANY, "ANY"},
};

// RFC 8624 / IANA DNSSEC algorithm mnemonics, accepted in text for "algorithm" fields.
constexpr Mnemonic kAlgorithms[] = {
    {1, "RSAMD5"},          {2, "DH"},
    {3, "DSA"},             {5, "RSASHA1"},
    {6, "DSA-NSEC3-SHA1"},  {7, "RSASHA1-NSEC3-SHA1"},
    {8, "RSASHA256"},       {10, "RSASHA512"},
    {12, "ECC-GOST"},       {13, "ECDSAP256SHA256"},
    {14, "ECDSAP384SHA384"}, {15, "ED25519"},
    {16, "ED448"},          {252, "INDIRECT"},
    {253, "PRIVATEDNS"},    {254, "PRIVATEOID"},
};

const Row* find_row(uint16_t type) {
  // Every row's type is below 258, so a direct index keeps lookups O(1).
  static const std::array<int8_t, 258> index = [] {
    std::array<int8_t, 258> a{};
    a.fill(-1);
    for (size_t i = 0; i < std::size(kRows); ++i) a[kRows[i].info.type] = static_cast<int8_t>(i);
    return a;
  }();
  if (type >= index.size() || index[type] < 0) return nullptr;
  return &kRows[static_cast<size_t>(index[type])];
}

bool iequals(SV a, SV b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

// Decimal digits only (no sign, no spaces), at most `max`.
bool parse_number(SV s, uint64_t max, uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t next = v * 10 + uint64_t(c - '0');
    if (next / 10 != v) return false;
    v = next;
  }
  if (v > max) return false;
  out = v;
  return true;
}

// "3600", "1h", "1w30m": units s m h d w as BIND and Knot accept.
bool parse_ttl(SV s, uint32_t& out) {
  uint64_t plain;
  if (parse_number(s, 0xFFFFFFFFu, plain)) {
    out = static_cast<uint32_t>(plain);
    return true;
  }
  if (s.empty()) return false;
  uint64_t total = 0, cur = 0;
  bool have_digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      cur = cur * 10 + uint64_t(c - '0');
      if (cur > 0xFFFFFFFFu) return false;
      have_digit = true;
      continue;
    }
    uint64_t mult;
    switch (std::tolower(static_cast<unsigned char>(c))) {
      case 's': mult = 1; break;
      case 'm': mult = 60; break;
      case 'h': mult = 3600; break;
      case 'd': mult = 86400; break;
      case 'w': mult = 604800; break;
      default: return false;
    }
    if (!have_digit) return false;
    total += cur * mult;
    if (total > 0xFFFFFFFFu) return false;
    cur = 0;
    have_digit = false;
  }
  if (have_digit) return false;  // "1h30" mixes units and a bare number
  out = static_cast<uint32_t>(total);
  return true;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// RFC 4034 3.2: YYYYMMDDHHmmSS (UTC), taken modulo 2^32, or a plain number.
bool parse_time(SV s, uint32_t& out) {
  uint64_t v;
  if (s.size() != 14) {
    if (!parse_number(s, 0xFFFFFFFFu, v)) return false;
    out = static_cast<uint32_t>(v);
    return true;
  }
  if (!parse_number(s, UINT64_MAX, v)) return false;
  auto num = [&](size_t pos, size_t len) {
    unsigned r = 0;
    for (size_t i = pos; i < pos + len; ++i) r = r * 10 + unsigned(s[i] - '0');
    return r;
  };
  unsigned year = num(0, 4), mon = num(4, 2), day = num(6, 2), hh = num(8, 2), mm = num(10, 2),
           ss = num(12, 2);
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > kDays[mon - 1] || hh > 23 ||
      mm > 59 || ss > 59) {
    return false;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (mon == 2 && day == 29 && !leap) return false;
  int64_t secs = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
  out = static_cast<uint32_t>(static_cast<uint64_t>(secs) & 0xFFFFFFFFu);
  return true;
}

std::string time_to_text(uint32_t t) {
  int64_t z = t / 86400 + 719468;
  const int64_t era = z / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  unsigned rem = t % 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04u%02u%02u%02u%02u%02u", unsigned(y), m, d, rem / 3600,
                rem / 60 % 60, rem % 60);
  return buf;
}

uint16_t get16(std::span<const uint8_t> b, size_t pos) {
  return static_cast<uint16_t>(b[pos] << 8 | b[pos + 1]);
}
uint32_t get32(std::span<const uint8_t> b, size_t pos) {
  return uint32_t(b[pos]) << 24 | uint32_t(b[pos + 1]) << 16 | uint32_t(b[pos + 2]) << 8 | b[pos + 3];
}
void put16(Bytes& out, uint16_t v) {
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}
void put32(Bytes& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

bool is_name(Field f) { return f == Field::name || f == Field::name_compress; }

// ---------------------------------------------------------------------------------
// Wire layout: the size of each field in uncompressed rdata, checked.

// Size of the uncompressed name at rd[pos], or 0 when it is not one.
size_t name_size(std::span<const uint8_t> rd, size_t pos, const char** why) {
  size_t p = pos;
  for (;;) {
    if (p >= rd.size()) { *why = "name runs past the end of the rdata"; return 0; }
    uint8_t len = rd[p];
    if (len > Name::kMaxLabel) { *why = "compressed or bad label where an uncompressed name is required"; return 0; }
    if (p + 1 + len - pos > Name::kMaxWire) { *why = "name over 255 octets"; return 0; }
    p += 1 + len;
    if (len == 0) return p - pos;
  }
}

Status check_bitmap(std::span<const uint8_t> b) {
  size_t p = 0;
  int last_window = -1;
  while (p < b.size()) {
    if (b.size() - p < 2) return fail(Errc::bad_rdata, "type bitmap window header cut short");
    int window = b[p];
    size_t len = b[p + 1];
    if (window <= last_window) return fail(Errc::bad_rdata, "type bitmap windows out of order or repeated");
    if (len < 1 || len > 32) return fail(Errc::bad_rdata, "type bitmap window length must be 1-32");
    if (b.size() - p - 2 < len) return fail(Errc::bad_rdata, "type bitmap window runs past the rdata");
    if (b[p + 1 + len] == 0) return fail(Errc::bad_rdata, "type bitmap window has trailing zero octets");
    last_window = window;
    p += 2 + len;
  }
  return {};
}

Result<size_t> field_size(Field f, std::span<const uint8_t> rd, size_t pos) {
  const size_t left = rd.size() - pos;
  auto need = [&](size_t n) -> Result<size_t> {
    if (left < n) {
      return fail(Errc::bad_rdata, "needs " + std::to_string(n) + " octets, " + std::to_string(left) + " left");
    }
    return n;
  };
  switch (f) {
    case F::u8: return need(1);
    case F::u16: case F::rrtype: return need(2);
    case F::u32: case F::ttl: case F::time: case F::ipv4: return need(4);
    case F::ipv6: return need(16);
    case F::name: case F::name_compress: {
      const char* why = "";
      size_t n = name_size(rd, pos, &why);
      if (n == 0) return fail(Errc::bad_rdata, why);
      return n;
    }
    case F::char_string: case F::hex_u8:
      if (left < 1) return need(1);
      return need(1 + size_t(rd[pos]));
    case F::base32hex_u8:
      if (left < 1) return need(1);
      if (rd[pos] == 0) return fail(Errc::bad_rdata, "empty hash");
      return need(1 + size_t(rd[pos]));
    case F::char_strings: {
      if (left == 0) return fail(Errc::bad_rdata, "needs at least one character-string");
      size_t p = pos;
      while (p < rd.size()) {
        size_t len = rd[p];
        if (rd.size() - p - 1 < len) {
          return fail(Errc::bad_rdata, "character-string of " + std::to_string(len) + " octets runs past the rdata");
        }
        p += 1 + len;
      }
      return left;
    }
    case F::base64: case F::hex:
      if (left == 0) return fail(Errc::bad_rdata, "is empty");
      return left;
    case F::type_bitmap: {
      GITNS_CHECK(check_bitmap(rd.subspan(pos)));
      return left;
    }
    case F::svc_params: {
      GITNS_CHECK(svc_params_check(rd.subspan(pos)));
      return left;
    }
    case F::caa_tag: {
      if (left < 1) return need(1);
      size_t len = rd[pos];
      if (len == 0) return fail(Errc::bad_rdata, "empty tag");
      GITNS_TRY(size_t n, need(1 + len));
      for (size_t i = 1; i <= len; ++i) {
        if (!std::isalnum(rd[pos + i])) return fail(Errc::bad_rdata, "tag must be alphanumeric");
      }
      return n;
    }
    case F::caa_value: return left;
  }
  return fail(Errc::unsupported, "unknown field kind");
}

std::string field_label(const Row& row, size_t k) {
  return std::string(row.info.mnemonic) + " " + std::string(row.names[k]);
}

Failure wire_error(const Row& row, size_t k, const base::Error& e) {
  // Inside rdata a field cut short is bad rdata (RDLENGTH was read); pointer and
  // length errors keep their own codes.
  const Errc code = (e.code == Errc::ok || e.code == Errc::truncated) ? Errc::bad_rdata : e.code;
  return fail(code, field_label(row, k) + ": " + e.message);
}

// Walks uncompressed rdata field by field; `visit(k, field, offset, size)`.
template <class Visit>
Status walk(const Row& row, std::span<const uint8_t> rd, Visit&& visit) {
  size_t pos = 0;
  for (size_t k = 0; k < row.info.fields.size(); ++k) {
    auto n = field_size(row.info.fields[k], rd, pos);
    if (!n) return wire_error(row, k, n.error());
    visit(k, row.info.fields[k], pos, *n);
    pos += *n;
  }
  if (pos != rd.size()) {
    return fail(Errc::bad_rdata, std::string(row.info.mnemonic) + ": " +
                                     std::to_string(rd.size() - pos) + " octets after the last field");
  }
  return {};
}

// ---------------------------------------------------------------------------------
// Presentation form: text -> wire.

struct Cursor {
  std::span<const TextToken> tokens;
  size_t i = 0;
  bool done() const { return i >= tokens.size(); }
};

const char* expected_text(Field f) {
  switch (f) {
    case F::u8: return "a number 0-255";
    case F::u16: return "a number 0-65535";
    case F::u32: return "a number 0-4294967295";
    case F::ttl: return "a TTL (seconds, or units like 1h30m)";
    case F::ipv4: return "an IPv4 address";
    case F::ipv6: return "an IPv6 address";
    case F::name: case F::name_compress: return "a domain name";
    case F::char_string: return "a character-string of at most 255 octets";
    case F::char_strings: return "character-strings of at most 255 octets each";
    case F::base64: return "base64 data";
    case F::hex: return "hex data";
    case F::hex_u8: return "hex data of at most 255 octets, or '-' for none";
    case F::base32hex_u8: return "base32hex data of 1-255 octets";
    case F::type_bitmap: return "RR type mnemonics";
    case F::rrtype: return "an RR type mnemonic";
    case F::time: return "a time YYYYMMDDHHmmSS or a number of seconds";
    case F::svc_params: return "SvcParams key=value";
    case F::caa_tag: return "an alphanumeric tag";
    case F::caa_value: return "a string";
  }
  return "a value";
}

Failure text_error(const Row& row, size_t k, std::string_view got, const std::string& detail = {}) {
  std::string msg = field_label(row, k) + ": expected " + expected_text(row.info.fields[k]) +
                    ", got " + (got.data() ? "'" + std::string(got) + "'" : "end of rdata");
  if (!detail.empty()) msg += " (" + detail + ")";
  return fail(Errc::syntax, msg);
}

Result<uint8_t> algorithm_from_text(SV s) {
  for (const Mnemonic& m : kAlgorithms) {
    if (iequals(s, m.text)) return static_cast<uint8_t>(m.type);
  }
  return fail(Errc::syntax, "");
}

Status number_field(const Row& row, size_t k, SV t, Bytes& out) {
  const Field f = row.info.fields[k];
  uint64_t v = 0;
  const uint64_t max = f == F::u8 ? 0xFF : f == F::u16 ? 0xFFFF : 0xFFFFFFFFu;
  if (!parse_number(t, max, v)) {
    if (f == F::u8 && row.names[k] == "algorithm") {
      auto a = algorithm_from_text(t);
      if (a) {
        out.push_back(*a);
        return {};
      }
      return text_error(row, k, t, "or a DNSSEC algorithm mnemonic such as ECDSAP256SHA256");
    }
    return text_error(row, k, t);
  }
  if (f == F::u8) out.push_back(uint8_t(v));
  else if (f == F::u16) put16(out, uint16_t(v));
  else put32(out, uint32_t(v));
  return {};
}

// All remaining tokens joined: base64 and hex may be split by spaces.
std::string join_rest(Cursor& c) {
  std::string all;
  for (; !c.done(); ++c.i) all += c.tokens[c.i].text;
  return all;
}

Status bitmap_from_text(const Row& row, size_t k, Cursor& c, Bytes& out) {
  std::vector<uint16_t> types;
  for (; !c.done(); ++c.i) {
    auto t = type_from_text(c.tokens[c.i].text);
    if (!t) return text_error(row, k, c.tokens[c.i].text);
    types.push_back(*t);
  }
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  size_t i = 0;
  while (i < types.size()) {
    uint8_t window = uint8_t(types[i] >> 8);
    uint8_t bits[32] = {};
    size_t len = 0;
    for (; i < types.size() && (types[i] >> 8) == window; ++i) {
      uint8_t low = uint8_t(types[i]);
      bits[low / 8] |= uint8_t(0x80 >> (low % 8));
      len = low / 8 + 1;
    }
    out.push_back(window);
    out.push_back(uint8_t(len));
    out.insert(out.end(), bits, bits + len);
  }
  return {};
}

Status string_field(const Row& row, size_t k, const TextToken& t, Bytes& out, bool length_prefix) {
  auto b = unescape_text(t.text);
  if (!b) return text_error(row, k, t.text, b.error().message);
  if (length_prefix) {
    if (b->size() > 255) return text_error(row, k, t.text, std::to_string(b->size()) + " octets");
    out.push_back(uint8_t(b->size()));
  }
  out.insert(out.end(), b->begin(), b->end());
  return {};
}

Status encoded_field(const Row& row, size_t k, SV text, Bytes& out) {
  const Field f = row.info.fields[k];
  if (f == F::hex_u8 && text == "-") {
    out.push_back(0);
    return {};
  }
  auto b = f == F::base64 ? base64_decode(text)
           : f == F::base32hex_u8 ? base32hex_decode(text) : hex_decode(text);
  if (!b) return text_error(row, k, text, b.error().message);
  const bool prefixed = f == F::hex_u8 || f == F::base32hex_u8;
  if (b->empty() || (prefixed && b->size() > 255)) return text_error(row, k, text);
  if (prefixed) out.push_back(uint8_t(b->size()));
  out.insert(out.end(), b->begin(), b->end());
  return {};
}

Status field_from_text(const Row& row, size_t k, Cursor& c, const Name& origin, Bytes& out) {
  const Field f = row.info.fields[k];
  // Fields that take every remaining token.
  switch (f) {
    case F::char_strings:
      if (c.done()) return text_error(row, k, {});
      for (; !c.done(); ++c.i) GITNS_CHECK(string_field(row, k, c.tokens[c.i], out, true));
      return {};
    case F::base64: case F::hex: {
      if (c.done()) return text_error(row, k, {});
      return encoded_field(row, k, join_rest(c), out);
    }
    case F::type_bitmap: return bitmap_from_text(row, k, c, out);
    case F::svc_params: {
      auto p = svc_params_from_text(c.tokens.subspan(c.i));
      c.i = c.tokens.size();
      if (!p) return fail(Errc::syntax, field_label(row, k) + ": " + p.error().message);
      out.insert(out.end(), p->begin(), p->end());
      return {};
    }
    default: break;
  }
  if (c.done()) return text_error(row, k, {});
  const TextToken& tok = c.tokens[c.i++];
  const SV t = tok.text;
  switch (f) {
    case F::u8: case F::u16: case F::u32: return number_field(row, k, t, out);
    case F::ttl: case F::time: {
      uint32_t v;
      if (!(f == F::ttl ? parse_ttl(t, v) : parse_time(t, v))) return text_error(row, k, t);
      put32(out, v);
      return {};
    }
    case F::ipv4: case F::ipv6: {
      uint8_t buf[16];
      std::string s(t);
      if (inet_pton(f == F::ipv4 ? AF_INET : AF_INET6, s.c_str(), buf) != 1) return text_error(row, k, t);
      out.insert(out.end(), buf, buf + (f == F::ipv4 ? 4 : 16));
      return {};
    }
    case F::name: case F::name_compress: {
      auto n = Name::from_text(t, &origin);
      if (!n) return text_error(row, k, t, n.error().message);
      out.insert(out.end(), n->wire().begin(), n->wire().end());
      return {};
    }
    case F::rrtype: {
      auto v = type_from_text(t);
      if (!v) return text_error(row, k, t);
      put16(out, *v);
      return {};
    }
    case F::char_string: return string_field(row, k, tok, out, true);
    case F::caa_value: return string_field(row, k, tok, out, false);
    case F::caa_tag: {
      if (t.empty() || t.size() > 255 ||
          !std::all_of(t.begin(), t.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)); })) {
        return text_error(row, k, t);
      }
      out.push_back(uint8_t(t.size()));
      out.insert(out.end(), t.begin(), t.end());
      return {};
    }
    case F::hex_u8: case F::base32hex_u8: return encoded_field(row, k, t, out);
    default: return fail(Errc::unsupported, field_label(row, k) + ": no text form");
  }
}

Result<Rdata> generic_from_text(uint16_t type, std::span<const TextToken> tokens) {
  const std::string what = type_to_text(type) + " generic rdata (\\# length hex)";
  uint64_t len = 0;
  if (tokens.size() < 2 || !parse_number(tokens[1].text, 65535, len)) {
    return fail(Errc::syntax, what + ": expected a length 0-65535 after \\#, got " +
                                  (tokens.size() < 2 ? "end of rdata" : "'" + tokens[1].text + "'"));
  }
  std::string hex;
  for (size_t i = 2; i < tokens.size(); ++i) hex += tokens[i].text;
  auto b = hex_decode(hex);
  if (!b) return fail(Errc::syntax, what + ": " + b.error().message);
  if (b->size() != len) {
    return fail(Errc::syntax, what + ": length says " + std::to_string(len) + " octets, hex has " +
                                  std::to_string(b->size()));
  }
  Rdata rd{std::move(b).value()};
  if (const Row* row = find_row(type)) {
    auto st = walk(*row, rd.bytes, [](size_t, Field, size_t, size_t) {});
    if (!st) return fail(Errc::syntax, what + " does not fit the type: " + st.error().message);
  }
  return rd;
}

// ---------------------------------------------------------------------------------
// Presentation form: wire -> text.

void append_quoted(std::string& out, std::span<const uint8_t> b) {
  out += '"';
  append_escaped_text(out, b);
  out += '"';
}

void append_bitmap(std::string& out, std::span<const uint8_t> b) {
  size_t p = 0;
  bool first = true;
  while (p + 2 <= b.size()) {
    unsigned window = b[p];
    size_t len = b[p + 1];
    for (size_t i = 0; i < len && p + 2 + i < b.size(); ++i) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        if (!(b[p + 2 + i] & (0x80 >> bit))) continue;
        if (!first) out += ' ';
        first = false;
        out += type_to_text(static_cast<uint16_t>(window * 256 + i * 8 + bit));
      }
    }
    p += 2 + len;
  }
}

void field_to_text(std::string& out, Field f, std::span<const uint8_t> v, const Name* origin) {
  char buf[INET6_ADDRSTRLEN];
  switch (f) {
    case F::u8: out += std::to_string(v[0]); return;
    case F::u16: out += std::to_string(get16(v, 0)); return;
    case F::u32: case F::ttl: out += std::to_string(get32(v, 0)); return;
    case F::time: out += time_to_text(get32(v, 0)); return;
    case F::rrtype: out += type_to_text(get16(v, 0)); return;
    case F::ipv4: out += inet_ntop(AF_INET, v.data(), buf, sizeof buf); return;
    case F::ipv6: out += inet_ntop(AF_INET6, v.data(), buf, sizeof buf); return;
    case F::name: case F::name_compress: {
      auto n = Name::from_wire(v);
      out += !n ? "?" : origin ? n->to_text_relative(*origin) : n->to_text();
      return;
    }
    case F::char_string: append_quoted(out, v.subspan(1)); return;
    case F::char_strings:
      for (size_t p = 0; p < v.size(); p += 1 + v[p]) {
        if (p > 0) out += ' ';
        append_quoted(out, v.subspan(p + 1, v[p]));
      }
      return;
    case F::base64: out += base64_encode(v); return;
    case F::hex: out += hex_encode(v); return;
    case F::hex_u8: out += v.size() == 1 ? "-" : hex_encode(v.subspan(1)); return;
    case F::base32hex_u8: out += base32hex_encode(v.subspan(1)); return;
    case F::type_bitmap: append_bitmap(out, v); return;
    case F::svc_params: out += svc_params_to_text(v); return;
    case F::caa_tag: out.append(reinterpret_cast<const char*>(v.data() + 1), v.size() - 1); return;
    case F::caa_value: append_quoted(out, v); return;
  }
}

std::string generic_to_text(std::span<const uint8_t> rd) {
  std::string out = "\\# " + std::to_string(rd.size());
  if (!rd.empty()) out += " " + hex_encode(rd);
  return out;
}

}  // namespace

// -----------------------------------------------------------------------------------
// Public API.

const TypeInfo* type_info(uint16_t type) {
  const Row* row = find_row(type);
  return row ? &row->info : nullptr;
}

std::string type_to_text(uint16_t type) {
  if (const Row* row = find_row(type)) return std::string(row->info.mnemonic);
  for (const Mnemonic& m : kOtherMnemonics) {
    if (m.type == type) return std::string(m.text);
  }
  return "TYPE" + std::to_string(type);
}

Result<uint16_t> type_from_text(std::string_view text) {
  for (const Row& row : kRows) {
    if (iequals(text, row.info.mnemonic)) return row.info.type;
  }
  for (const Mnemonic& m : kOtherMnemonics) {
    if (iequals(text, m.text)) return m.type;
  }
  uint64_t v;
  if (text.size() > 4 && iequals(text.substr(0, 4), "TYPE") && parse_number(text.substr(4), 65535, v)) {
    return static_cast<uint16_t>(v);
  }
  return fail(Errc::syntax, "expected an RR type (a mnemonic such as AAAA, or TYPEnnn), got '" +
                                std::string(text) + "'");
}

std::string class_to_text(uint16_t rclass) {
  for (const Mnemonic& m : kClasses) {
    if (m.type == rclass) return std::string(m.text);
  }
  return "CLASS" + std::to_string(rclass);
}

Result<uint16_t> class_from_text(std::string_view text) {
  for (const Mnemonic& m : kClasses) {
    if (iequals(text, m.text)) return m.type;
  }
  uint64_t v;
  if (text.size() > 5 && iequals(text.substr(0, 5), "CLASS") && parse_number(text.substr(5), 65535, v)) {
    return static_cast<uint16_t>(v);
  }
  return fail(Errc::syntax, "expected a class (IN, CH, HS or CLASSnnn), got '" + std::string(text) + "'");
}

bool is_meta_type(uint16_t type) {
  // RFC 6895 3.1: 128-255 are QTYPEs and meta types; OPT (41) is a meta type too.
  return type == rrtype::OPT || (type >= 128 && type <= 255);
}

Result<Rdata> rdata_from_wire(uint16_t type, WireReader& r, size_t rdlength) {
  const size_t start = r.position();
  if (r.remaining() < rdlength) {
    return fail(Errc::truncated, type_to_text(type) + " rdata: RDLENGTH " + std::to_string(rdlength) +
                                     " runs past the end of the message");
  }
  std::span<const uint8_t> rd(r.data() + start, rdlength);
  const Row* row = find_row(type);
  if (!row) {
    r.skip(rdlength);
    return Rdata{Bytes(rd.begin(), rd.end())};
  }
  Rdata out;
  out.bytes.reserve(rdlength);
  size_t pos = 0;
  for (size_t k = 0; k < row->info.fields.size(); ++k) {
    const Field f = row->info.fields[k];
    if (is_name(f) && row->info.decompress) {
      r.seek(start + pos);
      auto n = Name::read(r);
      if (!n) return wire_error(*row, k, n.error());
      if (r.position() > start + rdlength) {
        return fail(Errc::bad_rdata, field_label(*row, k) + ": name runs past the end of the rdata");
      }
      out.bytes.insert(out.bytes.end(), n->wire().begin(), n->wire().end());
      pos = r.position() - start;
      continue;
    }
    auto size = field_size(f, rd, pos);
    if (!size) return wire_error(*row, k, size.error());
    out.bytes.insert(out.bytes.end(), rd.begin() + pos, rd.begin() + pos + *size);
    pos += *size;
  }
  if (pos != rdlength) {
    return fail(Errc::bad_rdata, std::string(row->info.mnemonic) + ": " + std::to_string(rdlength - pos) +
                                     " octets after the last field");
  }
  r.seek(start + rdlength);
  if (out.bytes.size() > 65535) return fail(Errc::bad_rdata, "decompressed rdata over 65535 octets");
  return out;
}

Status rdata_check(uint16_t type, std::span<const uint8_t> rdata) {
  if (rdata.size() > 65535) return fail(Errc::bad_rdata, "rdata over 65535 octets");
  const Row* row = find_row(type);
  if (!row) return {};
  return walk(*row, rdata, [](size_t, Field, size_t, size_t) {});
}

Result<Rdata> rdata_from_text(uint16_t type, std::span<const TextToken> tokens, const Name& origin) {
  if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "\\#") {
    return generic_from_text(type, tokens);
  }
  const Row* row = find_row(type);
  if (!row) {
    return fail(Errc::syntax, type_to_text(type) +
                                  ": rdata of this type must use RFC 3597 syntax '\\# <length> <hex>'");
  }
  Rdata out;
  Cursor c{tokens};
  for (size_t k = 0; k < row->info.fields.size(); ++k) {
    GITNS_CHECK(field_from_text(*row, k, c, origin, out.bytes));
  }
  if (!c.done()) {
    return fail(Errc::syntax, std::string(row->info.mnemonic) + ": unexpected '" + c.tokens[c.i].text +
                                  "' after the last field");
  }
  if (out.bytes.size() > 65535) return fail(Errc::syntax, std::string(row->info.mnemonic) + ": rdata over 65535 octets");
  // Text builds each field separately; the joint layout is checked once more here.
  auto st = walk(*row, out.bytes, [](size_t, Field, size_t, size_t) {});
  if (!st) return fail(Errc::syntax, st.error().message);
  return out;
}

Result<Rdata> rdata_from_text(uint16_t type, std::string_view text, const Name& origin) {
  GITNS_TRY(std::vector<TextToken> tokens, tokenize_rdata(text));
  return rdata_from_text(type, std::span<const TextToken>(tokens), origin);
}

Result<std::vector<TextToken>> tokenize_rdata(std::string_view text) {
  std::vector<TextToken> out;
  size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  // Copies a quoted section's contents (escapes kept) up to its closing quote.
  auto quoted = [&](std::string& dst) -> bool {
    for (++i; i < text.size(); ++i) {
      if (text[i] == '"') { ++i; return true; }
      if (text[i] == '\\' && i + 1 < text.size()) dst += text[i++];
      dst += text[i];
    }
    return false;
  };
  while (i < text.size()) {
    if (space(text[i])) { ++i; continue; }
    TextToken tok;
    if (text[i] == '"') {
      tok.quoted = true;
      if (!quoted(tok.text)) return fail(Errc::syntax, "unterminated quoted string");
      out.push_back(std::move(tok));
      continue;
    }
    while (i < text.size() && !space(text[i])) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        tok.text += text[i++];
        tok.text += text[i++];
      } else if (text[i] == '"') {  // key="value" inside one token (SVCB)
        if (!quoted(tok.text)) return fail(Errc::syntax, "unterminated quoted string");
      } else {
        tok.text += text[i++];
      }
    }
    out.push_back(std::move(tok));
  }
  return out;
}

std::string rdata_to_text(uint16_t type, const Rdata& rdata, const Name* origin) {
  const Row* row = find_row(type);
  if (!row) return generic_to_text(rdata.bytes);
  std::string out;
  std::span<const uint8_t> rd = rdata.bytes;
  auto st = walk(*row, rd, [&](size_t k, Field f, size_t pos, size_t size) {
    if (k > 0 && !(f == F::svc_params && size == 0)) out += ' ';
    field_to_text(out, f, rd.subspan(pos, size), origin);
  });
  // Rdata that does not fit its type still prints, in the form that preserves it.
  if (!st) return generic_to_text(rd);
  // An empty type bitmap (NSEC3 of an empty non-terminal) leaves a trailing space.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

size_t rdata_names(uint16_t type, std::span<const uint8_t> rdata, std::span<RdataName> out) {
  const Row* row = find_row(type);
  if (!row) return 0;
  size_t count = 0;
  size_t pos = 0;
  const auto fields = row->info.fields;
  for (size_t k = 0; k < fields.size() && count < out.size(); ++k) {
    // Stop after the last name: later fields (SvcParams, bitmaps) cost a full check.
    if (std::none_of(fields.begin() + k, fields.end(), is_name)) break;
    const Field f = fields[k];
    auto size = field_size(f, rdata, pos);
    if (!size) break;
    if (is_name(f)) {
      out[count++] = {static_cast<uint16_t>(pos), static_cast<uint16_t>(*size), f == F::name_compress};
    }
    pos += *size;
  }
  return count;
}

// Targets (the Row::target column): NS nsdname, MX exchange, SRV target, SVCB/HTTPS
// TargetName (RFC 9460 section 4.3; "." gives none). CNAME and DNAME are chased in the
// answer section, not here; NAPTR replacement is not followed.
bool rdata_target(uint16_t type, std::span<const uint8_t> rdata, Name& out) {
  const Row* row = find_row(type);
  if (!row || row->target < 0) return false;
  size_t pos = 0;
  for (size_t k = 0; k <= static_cast<size_t>(row->target); ++k) {
    auto size = field_size(row->info.fields[k], rdata, pos);
    if (!size) return false;
    if (k == static_cast<size_t>(row->target)) {
      auto n = Name::from_wire(rdata.subspan(pos, *size));
      // SVCB "." means the owner name (or, at priority 0, no service): nothing to add.
      if (!n || n->is_root()) return false;
      out = *n;
      return true;
    }
    pos += *size;
  }
  return false;
}

Rdata rdata_canonical(uint16_t type, const Rdata& rdata) {
  Rdata out = rdata;
  const Row* row = find_row(type);
  if (!row || !row->lowercase) return out;
  // Length octets are at most 63, below 'A', so lowering every octet of a name is safe.
  (void)walk(*row, rdata.bytes, [&](size_t, Field f, size_t pos, size_t size) {
    if (!is_name(f)) return;
    for (size_t i = pos; i < pos + size; ++i) out.bytes[i] = ascii_lower(out.bytes[i]);
  });
  return out;
}

}  // namespace gitns::wire
