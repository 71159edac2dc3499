// Password-based key derivation: PBKDF2-HMAC (RFC 8018) for stored password hashes and
// scrypt (RFC 7914) where a memory-hard function is wanted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "resolver/base/result.h"
#include "resolver/crypto/digest.h"

namespace gitns::crypto {

// Errc::malformed for zero iterations or a zero or over-long (> 1 MiB) output.
base::Result<Bytes> pbkdf2_hmac(DigestAlgorithm algorithm, std::string_view password,
                                std::span<const std::uint8_t> salt, std::uint32_t iterations,
                                std::size_t length);

struct ScryptParams {
  std::uint64_t n = 1u << 15;  // CPU/memory cost: a power of two greater than 1
  std::uint32_t r = 8;         // block size
  std::uint32_t p = 1;         // parallelism
};

// Errc::malformed for parameters RFC 7914 section 2 forbids; memory use is 128*r*(n+p)
// bytes and parameters needing more than 1 GiB are refused (Errc::limit).
base::Result<Bytes> scrypt(std::string_view password, std::span<const std::uint8_t> salt,
                           const ScryptParams& params, std::size_t length);

}  // namespace gitns::crypto
