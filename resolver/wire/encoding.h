// Binary-to-text codecs used by presentation-format rdata: base64 (RFC 4648 section 4,
// padded), base32hex (RFC 4648 section 7, unpadded as NSEC3 writes it, RFC 5155) and hex.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::wire {

std::string base64_encode(std::span<const uint8_t> data);
// Padded base64; no whitespace (callers join tokens first). Non-zero pad bits rejected.
base::Result<std::vector<uint8_t>> base64_decode(std::string_view text);

std::string base32hex_encode(std::span<const uint8_t> data);  // uppercase, no padding
// Case-insensitive, no padding; non-zero trailing bits rejected.
base::Result<std::vector<uint8_t>> base32hex_decode(std::string_view text);

std::string hex_encode(std::span<const uint8_t> data);  // uppercase
// Case-insensitive, an even number of digits.
base::Result<std::vector<uint8_t>> hex_decode(std::string_view text);

// <character-string> escapes (RFC 1035 section 5.1): decodes \DDD and \X.
base::Result<std::vector<uint8_t>> unescape_text(std::string_view text);
// Appends `data` escaped for use inside double quotes: '"' and '\\' get a backslash,
// bytes outside printable ASCII are written \DDD.
void append_escaped_text(std::string& out, std::span<const uint8_t> data);

}  // namespace gitns::wire
