#include "resolver/wire/encoding.h"

namespace gitns::wire {

using base::Errc;
using base::fail;
using base::Result;

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB32Hex[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
constexpr char kHex[] = "0123456789ABCDEF";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int b32hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'V') return c - 'A' + 10;
  if (c >= 'a' && c <= 'v') return c - 'a' + 10;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string shown(char c) {
  if (c >= 0x21 && c < 0x7f) return std::string("'") + c + "'";
  return "byte " + std::to_string(static_cast<uint8_t>(c));
}

}  // namespace

std::string base64_encode(std::span<const uint8_t> data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = uint32_t(data[i]) << 16 | uint32_t(data[i + 1]) << 8 | data[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += kB64[(v >> s) & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(data[i]) << 16 | (rest == 2 ? uint32_t(data[i + 1]) << 8 : 0);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += rest == 2 ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::vector<uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return fail(Errc::syntax, "base64 length must be a multiple of 4 (with '=' padding)");
  }
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return fail(Errc::syntax, "base64 '=' padding only at the end");
      v[k] = b64_value(c);
      if (v[k] < 0) return fail(Errc::syntax, "invalid base64 character " + shown(c));
    }
    uint32_t w = uint32_t(v[0]) << 18 | uint32_t(v[1]) << 12 | uint32_t(v[2]) << 6 | uint32_t(v[3]);
    if ((pad == 1 && (w & 0xFF) != 0) || (pad == 2 && (w & 0xFFFF) != 0)) {
      return fail(Errc::syntax, "base64 has non-zero bits before its padding");
    }
    out.push_back(uint8_t(w >> 16));
    if (pad < 2) out.push_back(uint8_t(w >> 8));
    if (pad < 1) out.push_back(uint8_t(w));
  }
  return out;
}

std::string base32hex_encode(std::span<const uint8_t> data) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (uint8_t b : data) {
    buf = (buf << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kB32Hex[(buf >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kB32Hex[(buf << (5 - bits)) & 31];
  return out;
}

Result<std::vector<uint8_t>> base32hex_decode(std::string_view text) {
  switch (text.size() % 8) {
    case 1: case 3: case 6:
      return fail(Errc::syntax, "base32hex length " + std::to_string(text.size()) +
                                    " is not a whole number of octets");
    default: break;
  }
  std::vector<uint8_t> out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : text) {
    int v = b32hex_value(c);
    if (v < 0) return fail(Errc::syntax, "invalid base32hex character " + shown(c));
    buf = (buf << 5) | uint32_t(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(uint8_t(buf >> (bits - 8)));
      bits -= 8;
    }
    buf &= (1u << bits) - 1;
  }
  if (buf != 0) return fail(Errc::syntax, "base32hex has non-zero trailing bits");
  return out;
}

std::string hex_encode(std::span<const uint8_t> data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Result<std::vector<uint8_t>> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return fail(Errc::syntax, "hex needs an even number of digits");
  std::vector<uint8_t> out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0) return fail(Errc::syntax, "invalid hex digit " + shown(text[i]));
    if (lo < 0) return fail(Errc::syntax, "invalid hex digit " + shown(text[i + 1]));
    out.push_back(uint8_t(hi << 4 | lo));
  }
  return out;
}

Result<std::vector<uint8_t>> unescape_text(std::string_view text) {
  std::vector<uint8_t> out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\') {
      out.push_back(static_cast<uint8_t>(c));
      continue;
    }
    if (i + 1 >= text.size()) return fail(Errc::syntax, "text ends with a lone backslash");
    char d = text[i + 1];
    if (d >= '0' && d <= '9') {
      if (i + 3 >= text.size() || text[i + 2] < '0' || text[i + 2] > '9' || text[i + 3] < '0' ||
          text[i + 3] > '9') {
        return fail(Errc::syntax, "\\DDD escape needs three digits");
      }
      int v = (d - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
      if (v > 255) return fail(Errc::syntax, "\\DDD escape over 255");
      out.push_back(static_cast<uint8_t>(v));
      i += 3;
    } else {
      out.push_back(static_cast<uint8_t>(d));
      i += 1;
    }
  }
  return out;
}

void append_escaped_text(std::string& out, std::span<const uint8_t> data) {
  for (uint8_t b : data) {
    if (b == '"' || b == '\\') {
      out += '\\';
      out += static_cast<char>(b);
    } else if (b < 0x20 || b >= 0x7f) {
      out += '\\';
      out += static_cast<char>('0' + b / 100);
      out += static_cast<char>('0' + b / 10 % 10);
      out += static_cast<char>('0' + b % 10);
    } else {
      out += static_cast<char>(b);
    }
  }
}

}  // namespace gitns::wire
