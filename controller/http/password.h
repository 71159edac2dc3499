// Password hashing for the user store: PBKDF2-HMAC-SHA256 with a 16-byte random salt,
// encoded as "$pbkdf2-sha256$ITERATIONS$SALT$HASH" (standard base64), so the iteration
// count can rise later without invalidating stored hashes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "resolver/base/result.h"

namespace gitns::http {

// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
inline constexpr std::uint32_t kDefaultPbkdf2Iterations = 600000;

base::Result<std::string> hash_password(std::string_view password,
                                        std::uint32_t iterations = kDefaultPbkdf2Iterations);

// True when `password` matches; false when it does not. Errc::malformed when `encoded` is
// not a hash this module wrote. The comparison is constant-time.
base::Result<bool> verify_password(std::string_view password, std::string_view encoded);

// The iteration count of an encoded hash (0 when malformed), to rehash old ones.
std::uint32_t password_hash_iterations(std::string_view encoded) noexcept;

}  // namespace gitns::http
