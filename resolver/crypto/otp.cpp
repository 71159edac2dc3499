#include "resolver/crypto/otp.h"

#include <algorithm>

#include "resolver/crypto/base32.h"

namespace gitns::crypto {
namespace {

constexpr std::uint32_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// Percent-encoding for a URI path segment or query value: unreserved characters stay.
std::string uri_escape(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string uppercase_name(DigestAlgorithm algorithm) {
  std::string name(digest_name(algorithm));
  for (char& c : name) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return name;
}

}  // namespace

base::Result<std::string> hotp(std::span<const std::uint8_t> key, std::uint64_t counter,
                               const HotpParams& params) {
  if (params.digits < 6 || params.digits > 8) {
    return base::fail(base::Errc::malformed, "HOTP: expected 6 to 8 digits");
  }
  std::uint8_t message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  GITNS_TRY(Bytes mac, hmac(params.algorithm, key, message));
  // Dynamic truncation (RFC 4226 section 5.3): the low nibble of the last byte picks
  // four bytes; the top bit is dropped so the value is the same signed or unsigned.
  std::size_t offset = mac.back() & 0x0f;
  std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                         static_cast<std::uint32_t>(mac[offset + 3]);
  std::string code = std::to_string(binary % kPow10[params.digits]);
  code.insert(0, static_cast<std::size_t>(params.digits) - code.size(), '0');
  return code;
}

std::uint64_t totp_step(std::int64_t unix_time, const TotpParams& params) noexcept {
  if (params.period <= 0 || unix_time < params.t0) return 0;
  return static_cast<std::uint64_t>((unix_time - params.t0) / params.period);
}

base::Result<std::string> totp(std::span<const std::uint8_t> key, std::int64_t unix_time,
                               const TotpParams& params) {
  if (params.period <= 0) return base::fail(base::Errc::malformed, "TOTP: period must be positive");
  return hotp(key, totp_step(unix_time, params), {params.algorithm, params.digits});
}

base::Result<std::optional<std::uint64_t>> totp_verify(std::span<const std::uint8_t> key,
                                                       std::string_view code,
                                                       std::int64_t unix_time,
                                                       const TotpParams& params, int window) {
  if (params.period <= 0) return base::fail(base::Errc::malformed, "TOTP: period must be positive");
  bool well_formed =
      code.size() == static_cast<std::size_t>(params.digits) &&
      std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!well_formed) return std::optional<std::uint64_t>();
  std::uint64_t now = totp_step(unix_time, params);
  std::optional<std::uint64_t> match;
  // Every candidate is computed and compared so the time taken says nothing about which
  // step (if any) matched.
  for (int d = -window; d <= window; ++d) {
    if (d < 0 && now < static_cast<std::uint64_t>(-d)) continue;
    std::uint64_t step = now + static_cast<std::uint64_t>(static_cast<std::int64_t>(d));
    GITNS_TRY(std::string expected, hotp(key, step, {params.algorithm, params.digits}));
    if (constant_time_equal(as_bytes(expected), as_bytes(code)) && !match) match = step;
  }
  return match;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::span<const std::uint8_t> key, const TotpParams& params) {
  std::string uri = "otpauth://totp/" + uri_escape(issuer) + ":" + uri_escape(account);
  uri += "?secret=" + base32_encode(key, /*pad=*/false);
  uri += "&issuer=" + uri_escape(issuer);
  uri += "&algorithm=" + uppercase_name(params.algorithm);
  uri += "&digits=" + std::to_string(params.digits);
  uri += "&period=" + std::to_string(params.period);
  return uri;
}

}  // namespace gitns::crypto
