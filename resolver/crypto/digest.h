// Message digests, HMAC and constant-time comparison over OpenSSL 3 (EVP and EVP_MAC).
// Used by TSIG, DNSSEC (DS digests), the webhook signature check, API-token hashing and
// TOTP. No OpenSSL type appears here: handles live in digest.cpp.
//
// Errors: an OpenSSL failure (out of memory, an algorithm a restricted provider refuses)
// is Errc::io with OpenSSL's reason in the message; bad arguments are Errc::malformed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::crypto {

using Bytes = std::vector<std::uint8_t>;

// Views text as bytes (passwords, header values, request bodies).
inline std::span<const std::uint8_t> as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

enum class DigestAlgorithm { sha1, sha256, sha384, sha512 };

std::size_t digest_size(DigestAlgorithm algorithm) noexcept;       // 20, 32, 48, 64
std::string_view digest_name(DigestAlgorithm algorithm) noexcept;  // "sha1", "sha256", ...
// Accepts "sha256", "SHA256", "SHA-256" (any case); nullopt for anything else.
std::optional<DigestAlgorithm> digest_from_name(std::string_view name) noexcept;

base::Result<Bytes> digest(DigestAlgorithm algorithm, std::span<const std::uint8_t> data);
base::Result<Bytes> hmac(DigestAlgorithm algorithm, std::span<const std::uint8_t> key,
                         std::span<const std::uint8_t> data);

// Incremental digest for data that arrives in pieces (TSIG over several messages).
// update() never fails on its own: an OpenSSL failure sticks and finish() reports it.
class Hasher {
 public:
  static base::Result<Hasher> create(DigestAlgorithm algorithm);
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  void update(std::span<const std::uint8_t> data);
  // The digest of everything passed to update(); the Hasher is spent afterwards.
  base::Result<Bytes> finish();

 private:
  struct State;
  explicit Hasher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Incremental HMAC, same contract as Hasher.
class Hmac {
 public:
  static base::Result<Hmac> create(DigestAlgorithm algorithm, std::span<const std::uint8_t> key);
  Hmac(Hmac&&) noexcept;
  Hmac& operator=(Hmac&&) noexcept;
  ~Hmac();

  void update(std::span<const std::uint8_t> data);
  base::Result<Bytes> finish();

 private:
  struct State;
  explicit Hmac(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Compares in time that depends on the length only, never on where the bytes differ
// (CRYPTO_memcmp). Different lengths compare unequal at once: lengths are not secret
// where this is used (MACs and digests of fixed size).
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

// Lowercase hex, as GitHub's X-Hub-Signature-256 and `openssl dgst` print digests.
std::string to_lower_hex(std::span<const std::uint8_t> data);

}  // namespace gitns::crypto
