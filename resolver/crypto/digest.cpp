#include "resolver/crypto/digest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "resolver/crypto/openssl_util.h"

namespace gitns::crypto {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct MacFree {
  void operator()(EVP_MAC* p) const noexcept { EVP_MAC_free(p); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using MacPtr = std::unique_ptr<EVP_MAC, MacFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// OpenSSL wants a non-null key pointer even for an empty key.
const unsigned char* key_pointer(std::span<const std::uint8_t> key) noexcept {
  static const unsigned char empty = 0;
  return key.empty() ? &empty : key.data();
}

}  // namespace

std::size_t digest_size(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::sha1:
      return 20;
    case DigestAlgorithm::sha256:
      return 32;
    case DigestAlgorithm::sha384:
      return 48;
    case DigestAlgorithm::sha512:
      return 64;
  }
  return 0;
}

std::string_view digest_name(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::sha1:
      return "sha1";
    case DigestAlgorithm::sha256:
      return "sha256";
    case DigestAlgorithm::sha384:
      return "sha384";
    case DigestAlgorithm::sha512:
      return "sha512";
  }
  return "unknown";
}

std::optional<DigestAlgorithm> digest_from_name(std::string_view name) noexcept {
  std::string folded;
  for (char c : name) {
    if (c == '-') continue;
    folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (auto a : {DigestAlgorithm::sha1, DigestAlgorithm::sha256, DigestAlgorithm::sha384,
                 DigestAlgorithm::sha512}) {
    if (folded == digest_name(a)) return a;
  }
  return std::nullopt;
}

// ---- Hasher ----

struct Hasher::State {
  MdCtxPtr ctx;
  std::size_t size = 0;
  bool failed = false;
};

Hasher::Hasher(std::unique_ptr<State> state) : state_(std::move(state)) {}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

base::Result<Hasher> Hasher::create(DigestAlgorithm algorithm) {
  auto state = std::make_unique<State>();
  state->ctx.reset(EVP_MD_CTX_new());
  state->size = digest_size(algorithm);
  if (!state->ctx) return detail::openssl_failure("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(state->ctx.get(), detail::evp_md(algorithm), nullptr) != 1) {
    return detail::openssl_failure(std::string("digest init for ") +
                                   std::string(digest_name(algorithm)));
  }
  return Hasher(std::move(state));
}

void Hasher::update(std::span<const std::uint8_t> data) {
  if (!state_ || state_->failed || data.empty()) return;
  if (EVP_DigestUpdate(state_->ctx.get(), data.data(), data.size()) != 1) state_->failed = true;
}

base::Result<Bytes> Hasher::finish() {
  if (!state_) return base::fail(base::Errc::malformed, "digest already finished");
  auto state = std::move(state_);
  if (state->failed) return detail::openssl_failure("digest update");
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(state->ctx.get(), out.data(), &len) != 1) {
    return detail::openssl_failure("digest final");
  }
  out.resize(len);
  return out;
}

// ---- Hmac ----

struct Hmac::State {
  MacCtxPtr ctx;
  bool failed = false;
};

Hmac::Hmac(std::unique_ptr<State> state) : state_(std::move(state)) {}
Hmac::Hmac(Hmac&&) noexcept = default;
Hmac& Hmac::operator=(Hmac&&) noexcept = default;
Hmac::~Hmac() = default;

base::Result<Hmac> Hmac::create(DigestAlgorithm algorithm, std::span<const std::uint8_t> key) {
  MacPtr mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  if (!mac) return detail::openssl_failure("fetching HMAC");
  auto state = std::make_unique<State>();
  state->ctx.reset(EVP_MAC_CTX_new(mac.get()));
  if (!state->ctx) return detail::openssl_failure("EVP_MAC_CTX_new");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(detail::ossl_digest_name(algorithm)), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(state->ctx.get(), key_pointer(key), key.size(), params) != 1) {
    return detail::openssl_failure("HMAC init with " + std::string(digest_name(algorithm)));
  }
  return Hmac(std::move(state));
}

void Hmac::update(std::span<const std::uint8_t> data) {
  if (!state_ || state_->failed || data.empty()) return;
  if (EVP_MAC_update(state_->ctx.get(), data.data(), data.size()) != 1) state_->failed = true;
}

base::Result<Bytes> Hmac::finish() {
  if (!state_) return base::fail(base::Errc::malformed, "HMAC already finished");
  auto state = std::move(state_);
  if (state->failed) return detail::openssl_failure("HMAC update");
  Bytes out(EVP_MAX_MD_SIZE);
  std::size_t len = 0;
  if (EVP_MAC_final(state->ctx.get(), out.data(), &len, out.size()) != 1) {
    return detail::openssl_failure("HMAC final");
  }
  out.resize(len);
  return out;
}

// ---- one-shot ----

base::Result<Bytes> digest(DigestAlgorithm algorithm, std::span<const std::uint8_t> data) {
  GITNS_TRY(Hasher hasher, Hasher::create(algorithm));
  hasher.update(data);
  return hasher.finish();
}

base::Result<Bytes> hmac(DigestAlgorithm algorithm, std::span<const std::uint8_t> key,
                         std::span<const std::uint8_t> data) {
  GITNS_TRY(Hmac mac, Hmac::create(algorithm, key));
  mac.update(data);
  return mac.finish();
}

bool constant_time_equal(std::span<const std::uint8_t> a,
                         std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string to_lower_hex(std::span<const std::uint8_t> data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

}  // namespace gitns::crypto
