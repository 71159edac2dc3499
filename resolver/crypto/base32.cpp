#include "resolver/crypto/base32.h"

namespace gitns::crypto {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int decode_char(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> data, bool pad) {
  std::string out;
  out.reserve((data.size() + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : data) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  if (pad) {
    while (out.size() % 8 != 0) out += '=';
  }
  return out;
}

base::Result<Bytes> base32_decode(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '=') --end;
  std::string_view body = text.substr(0, end);
  std::size_t tail = body.size() % 8;
  bool valid_length = tail == 0 || tail == 2 || tail == 4 || tail == 5 || tail == 7;
  if (!valid_length) {
    return base::fail(base::Errc::malformed,
                      "base32: " + std::to_string(body.size()) +
                          " characters is not a length any input encodes to");
  }
  if (end != text.size() && (tail == 0 || text.size() - body.size() != 8 - tail)) {
    return base::fail(base::Errc::malformed,
                      "base32: padding must fill the last group to 8 characters");
  }
  Bytes out;
  out.reserve(body.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : body) {
    int v = decode_char(c);
    if (v < 0) {
      return base::fail(base::Errc::malformed,
                        std::string("base32: expected A-Z or 2-7, got '") + c + "'");
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) {
    return base::fail(base::Errc::malformed, "base32: non-zero bits after the last byte");
  }
  return out;
}

}  // namespace gitns::crypto
