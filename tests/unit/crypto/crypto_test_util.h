// Helpers for the crypto tests: hex vectors as written in the RFCs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/crypto/digest.h"
#include "resolver/wire/encoding.h"

namespace gitns::crypto::test {

inline std::vector<std::uint8_t> unhex(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\n') compact += c;
  }
  auto bytes = wire::hex_decode(compact);
  return bytes.ok() ? *bytes : std::vector<std::uint8_t>{};
}

inline std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

}  // namespace gitns::crypto::test
