// Base32 with the RFC 4648 section 6 alphabet (A-Z, 2-7): the form authenticator apps
// use for TOTP secrets. (resolver/wire/encoding.h has base32hex, section 7, for NSEC3.)
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "resolver/base/result.h"
#include "resolver/crypto/digest.h"

namespace gitns::crypto {

// Uppercase; `pad` adds '=' to a multiple of 8 characters (otpauth URIs leave it out).
std::string base32_encode(std::span<const std::uint8_t> data, bool pad = true);

// Case-insensitive; '=' padding optional but, when present, exactly what RFC 4648 gives;
// a length no encoding produces or non-zero unused trailing bits are Errc::malformed.
base::Result<Bytes> base32_decode(std::string_view text);

}  // namespace gitns::crypto
