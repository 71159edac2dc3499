// Cryptographically secure random bytes (OpenSSL's DRBG, seeded from the OS) for salts,
// session and API tokens, TOTP secrets and certificate serials.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "resolver/base/result.h"
#include "resolver/crypto/digest.h"

namespace gitns::crypto {

base::Status random_fill(std::span<std::uint8_t> out);
base::Result<Bytes> random_bytes(std::size_t count);

}  // namespace gitns::crypto
