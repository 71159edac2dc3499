#include "resolver/wire/svcb.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "resolver/wire/encoding.h"

namespace gitns::wire {

using base::Errc;
using base::fail;
using base::Result;
using base::Status;

namespace {

constexpr std::array<std::string_view, 7> kKeyNames = {
    "mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint"};

struct Param {
  uint16_t key;
  Bytes value;
};

uint16_t get16(std::span<const uint8_t> b, size_t pos) {
  return static_cast<uint16_t>(b[pos] << 8 | b[pos + 1]);
}
void put16(Bytes& out, uint16_t v) {
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t comma = s.find(',', start);
    parts.emplace_back(s.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parts;
}

// The RFC 9460 appendix A.1 value-list: items split on commas, `\,` and `\\` inside
// an item (after the character-string escapes were already decoded).
Result<std::vector<std::string>> split_value_list(std::string_view s) {
  std::vector<std::string> items(1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      if (i + 1 >= s.size()) return fail(Errc::syntax, "value list ends with a lone backslash");
      items.back() += s[++i];
    } else if (s[i] == ',') {
      items.emplace_back();
    } else {
      items.back() += s[i];
    }
  }
  return items;
}

Status check_value(uint16_t key, std::span<const uint8_t> v) {
  const std::string name = svc_key_to_text(key);
  switch (key) {
    case svckey::mandatory:
      if (v.empty() || v.size() % 2 != 0) {
        return fail(Errc::bad_rdata, "mandatory needs a non-empty list of 2-octet keys");
      }
      for (size_t i = 0; i < v.size(); i += 2) {
        uint16_t k = get16(v, i);
        if (k == svckey::mandatory) return fail(Errc::bad_rdata, "mandatory must not list itself");
        if (i > 0 && k <= get16(v, i - 2)) {
          return fail(Errc::bad_rdata, "mandatory keys must be strictly increasing, no duplicates");
        }
      }
      return {};
    case svckey::alpn: {
      if (v.empty()) return fail(Errc::bad_rdata, "alpn needs at least one protocol id");
      size_t p = 0;
      while (p < v.size()) {
        size_t len = v[p];
        if (len == 0) return fail(Errc::bad_rdata, "alpn protocol id is empty");
        if (p + 1 + len > v.size()) return fail(Errc::bad_rdata, "alpn protocol id runs past its value");
        p += 1 + len;
      }
      return {};
    }
    case svckey::no_default_alpn:
      if (!v.empty()) return fail(Errc::bad_rdata, "no-default-alpn must have an empty value");
      return {};
    case svckey::port:
      if (v.size() != 2) return fail(Errc::bad_rdata, "port value must be 2 octets");
      return {};
    case svckey::ipv4hint:
      if (v.empty() || v.size() % 4 != 0) {
        return fail(Errc::bad_rdata, "ipv4hint needs one or more 4-octet addresses");
      }
      return {};
    case svckey::ipv6hint:
      if (v.empty() || v.size() % 16 != 0) {
        return fail(Errc::bad_rdata, "ipv6hint needs one or more 16-octet addresses");
      }
      return {};
    default:
      return {};
  }
}

Result<uint16_t> parse_u16(std::string_view s, const char* what) {
  if (s.empty() || s.size() > 5) return fail(Errc::syntax, std::string(what) + ": expected a number 0-65535, got '" + std::string(s) + "'");
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return fail(Errc::syntax, std::string(what) + ": expected a number 0-65535, got '" + std::string(s) + "'");
    }
    v = v * 10 + uint32_t(c - '0');
  }
  if (v > 65535) return fail(Errc::syntax, std::string(what) + ": expected a number 0-65535, got '" + std::string(s) + "'");
  return static_cast<uint16_t>(v);
}

Result<Bytes> addresses_from_text(std::string_view text, int family, const char* key) {
  Bytes out;
  for (const std::string& a : split_commas(text)) {
    uint8_t buf[16];
    if (inet_pton(family, a.c_str(), buf) != 1) {
      return fail(Errc::syntax, std::string(key) + ": expected " +
                                    (family == AF_INET ? "an IPv4" : "an IPv6") +
                                    " address, got '" + a + "'");
    }
    out.insert(out.end(), buf, buf + (family == AF_INET ? 4 : 16));
  }
  return out;
}

Result<Bytes> mandatory_from_text(std::string_view text) {
  std::vector<uint16_t> keys;
  for (const std::string& k : split_commas(text)) {
    GITNS_TRY(uint16_t key, svc_key_from_text(k));
    if (key == svckey::mandatory) return fail(Errc::syntax, "mandatory must not list itself");
    keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
    return fail(Errc::syntax, "mandatory lists a key twice");
  }
  Bytes out;
  for (uint16_t k : keys) put16(out, k);
  return out;
}

Result<Bytes> alpn_from_text(std::string_view text) {
  GITNS_TRY(std::vector<std::string> ids, split_value_list(text));
  Bytes out;
  for (const std::string& id : ids) {
    if (id.empty() || id.size() > 255) {
      return fail(Errc::syntax, "alpn: expected protocol ids of 1-255 octets, got '" + std::string(text) + "'");
    }
    out.push_back(static_cast<uint8_t>(id.size()));
    out.insert(out.end(), id.begin(), id.end());
  }
  return out;
}

Result<Bytes> value_from_text(uint16_t key, std::string_view escaped) {
  GITNS_TRY(Bytes raw, unescape_text(escaped));
  std::string_view text(reinterpret_cast<const char*>(raw.data()), raw.size());
  const bool needs_value = key == svckey::mandatory || key == svckey::alpn || key == svckey::port ||
                           key == svckey::ipv4hint || key == svckey::ipv6hint;
  if (needs_value && text.empty()) {
    return fail(Errc::syntax, svc_key_to_text(key) + ": expected a value (" +
                                  svc_key_to_text(key) + "=...)");
  }
  switch (key) {
    case svckey::mandatory: return mandatory_from_text(text);
    case svckey::alpn: return alpn_from_text(text);
    case svckey::no_default_alpn:
      if (!text.empty()) return fail(Errc::syntax, "no-default-alpn: expected no value, got '" + std::string(text) + "'");
      return Bytes{};
    case svckey::port: {
      GITNS_TRY(uint16_t port, parse_u16(text, "port"));
      Bytes out;
      put16(out, port);
      return out;
    }
    case svckey::ipv4hint: return addresses_from_text(text, AF_INET, "ipv4hint");
    case svckey::ipv6hint: return addresses_from_text(text, AF_INET6, "ipv6hint");
    case svckey::ech: {
      auto b = base64_decode(text);
      if (!b) return fail(Errc::syntax, "ech: expected base64, " + b.error().message);
      return std::move(b).value();
    }
    default: return raw;
  }
}

void append_addresses(std::string& out, std::span<const uint8_t> v, int family) {
  const size_t step = family == AF_INET ? 4 : 16;
  for (size_t i = 0; i < v.size(); i += step) {
    char buf[INET6_ADDRSTRLEN];
    if (i > 0) out += ',';
    out += inet_ntop(family, v.data() + i, buf, sizeof buf);
  }
}

void append_alpn(std::string& out, std::span<const uint8_t> v) {
  // Two layers of escaping: the value-list layer (`\,` and `\\` in an id), then the
  // character-string layer for the quoted presentation value.
  Bytes list;
  size_t p = 0;
  while (p < v.size()) {
    if (p > 0) list.push_back(',');
    size_t len = v[p];
    for (size_t i = 0; i < len; ++i) {
      uint8_t c = v[p + 1 + i];
      if (c == ',' || c == '\\') list.push_back('\\');
      list.push_back(c);
    }
    p += 1 + len;
  }
  out += '"';
  append_escaped_text(out, list);
  out += '"';
}

void append_value(std::string& out, uint16_t key, std::span<const uint8_t> v) {
  switch (key) {
    case svckey::mandatory:
      for (size_t i = 0; i < v.size(); i += 2) {
        if (i > 0) out += ',';
        out += svc_key_to_text(get16(v, i));
      }
      return;
    case svckey::alpn: append_alpn(out, v); return;
    case svckey::port: out += std::to_string(get16(v, 0)); return;
    case svckey::ipv4hint: append_addresses(out, v, AF_INET); return;
    case svckey::ipv6hint: append_addresses(out, v, AF_INET6); return;
    case svckey::ech: out += base64_encode(v); return;
    default:
      out += '"';
      append_escaped_text(out, v);
      out += '"';
  }
}

}  // namespace

std::string svc_key_to_text(uint16_t key) {
  if (key < kKeyNames.size()) return std::string(kKeyNames[key]);
  return "key" + std::to_string(key);
}

Result<uint16_t> svc_key_from_text(std::string_view text) {
  for (size_t i = 0; i < kKeyNames.size(); ++i) {
    if (text == kKeyNames[i]) return static_cast<uint16_t>(i);
  }
  if (text.size() > 3 && text.substr(0, 3) == "key") {
    auto n = parse_u16(text.substr(3), "SvcParamKey");
    if (n) {
      if (*n == svckey::invalid) return fail(Errc::syntax, "SvcParamKey key65535 is reserved");
      return *n;
    }
  }
  return fail(Errc::syntax, "expected a SvcParamKey (mandatory, alpn, no-default-alpn, port, "
                            "ipv4hint, ech, ipv6hint or keyNNNNN), got '" + std::string(text) + "'");
}

Status svc_params_check(std::span<const uint8_t> params) {
  std::vector<uint16_t> keys;
  size_t p = 0;
  while (p < params.size()) {
    if (params.size() - p < 4) return fail(Errc::bad_rdata, "SvcParam header cut short");
    uint16_t key = get16(params, p);
    size_t len = get16(params, p + 2);
    if (params.size() - p - 4 < len) {
      return fail(Errc::bad_rdata, "SvcParam " + svc_key_to_text(key) + " value runs past the rdata");
    }
    if (key == svckey::invalid) return fail(Errc::bad_rdata, "SvcParamKey 65535 is reserved");
    if (!keys.empty() && key <= keys.back()) {
      return fail(Errc::bad_rdata, "SvcParamKeys must be strictly increasing (" +
                                       svc_key_to_text(key) + " after " +
                                       svc_key_to_text(keys.back()) + ")");
    }
    GITNS_CHECK(check_value(key, params.subspan(p + 4, len)));
    keys.push_back(key);
    p += 4 + len;
  }
  if (!keys.empty() && keys.front() == svckey::mandatory) {
    size_t len = get16(params, 2);
    for (size_t i = 0; i < len; i += 2) {
      uint16_t k = get16(params, 4 + i);
      if (!std::binary_search(keys.begin(), keys.end(), k)) {
        return fail(Errc::bad_rdata, "mandatory lists " + svc_key_to_text(k) + ", which is missing");
      }
    }
  }
  return {};
}

Result<Bytes> svc_params_from_text(std::span<const TextToken> tokens) {
  std::vector<Param> params;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i].text;
    size_t eq = t.find('=');
    std::string_view key_text = t.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : t.substr(eq + 1);
    if (eq != std::string_view::npos && value.empty() && i + 1 < tokens.size() &&
        tokens[i + 1].quoted) {
      value = tokens[++i].text;  // key= "value" written as two tokens
    }
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    GITNS_TRY(uint16_t key, svc_key_from_text(key_text));
    GITNS_TRY(Bytes v, value_from_text(key, value));
    params.push_back({key, std::move(v)});
  }
  std::stable_sort(params.begin(), params.end(),
                   [](const Param& a, const Param& b) { return a.key < b.key; });
  Bytes out;
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0 && params[i].key == params[i - 1].key) {
      return fail(Errc::syntax, "SvcParamKey " + svc_key_to_text(params[i].key) + " appears twice");
    }
    if (params[i].value.size() > 65535) return fail(Errc::syntax, "SvcParam value over 65535 octets");
    put16(out, params[i].key);
    put16(out, static_cast<uint16_t>(params[i].value.size()));
    out.insert(out.end(), params[i].value.begin(), params[i].value.end());
  }
  auto st = svc_params_check(out);
  if (!st) return fail(Errc::syntax, st.error().message);
  return out;
}

std::string svc_params_to_text(std::span<const uint8_t> params) {
  std::string out;
  size_t p = 0;
  while (p + 4 <= params.size()) {
    uint16_t key = get16(params, p);
    size_t len = std::min<size_t>(get16(params, p + 2), params.size() - p - 4);
    if (!out.empty()) out += ' ';
    out += svc_key_to_text(key);
    if (len > 0) {  // an empty value prints as the bare key, which parses back empty
      out += '=';
      append_value(out, key, params.subspan(p + 4, len));
    }
    p += 4 + len;
  }
  return out;
}

}  // namespace gitns::wire
