// One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238) for two-factor login, plus the
// otpauth:// URI authenticator apps read from a QR code.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "resolver/base/result.h"
#include "resolver/crypto/digest.h"

namespace gitns::crypto {

struct HotpParams {
  DigestAlgorithm algorithm = DigestAlgorithm::sha1;  // what authenticator apps assume
  int digits = 6;                                     // 6 to 8 (RFC 4226 section 5.3)
};

// The code for `counter`, zero-padded to `digits`. Errc::malformed for digits outside 6-8.
base::Result<std::string> hotp(std::span<const std::uint8_t> key, std::uint64_t counter,
                               const HotpParams& params = {});

struct TotpParams {
  DigestAlgorithm algorithm = DigestAlgorithm::sha1;
  int digits = 6;
  std::int64_t period = 30;  // X, seconds per step
  std::int64_t t0 = 0;       // T0, Unix time the steps count from
};

// The step number T = floor((unix_time - T0) / X); times before T0 are step 0.
std::uint64_t totp_step(std::int64_t unix_time, const TotpParams& params = {}) noexcept;

base::Result<std::string> totp(std::span<const std::uint8_t> key, std::int64_t unix_time,
                               const TotpParams& params = {});

// Checks `code` against the steps within `window` of the step at `unix_time` (clock drift,
// RFC 6238 section 5.2) and returns the matching step, nullopt when none matches or the
// code is not `digits` decimal digits. Callers keep the last accepted step and refuse a
// code whose step is not newer, so a code is used at most once.
base::Result<std::optional<std::uint64_t>> totp_verify(std::span<const std::uint8_t> key,
                                                       std::string_view code,
                                                       std::int64_t unix_time,
                                                       const TotpParams& params = {},
                                                       int window = 1);

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=...&digits=...&period=...
// (Google Authenticator's Key URI format), the secret as unpadded base32.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::span<const std::uint8_t> key, const TotpParams& params = {});

}  // namespace gitns::crypto
