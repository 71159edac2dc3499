#include "resolver/crypto/kdf.h"

#include <openssl/evp.h>

#include <climits>
#include <string>

#include "resolver/crypto/openssl_util.h"

namespace gitns::crypto {
namespace {

constexpr std::size_t kMaxOutput = 1u << 20;
constexpr std::uint64_t kMaxScryptMemory = 1ull << 30;

}  // namespace

base::Result<Bytes> pbkdf2_hmac(DigestAlgorithm algorithm, std::string_view password,
                                std::span<const std::uint8_t> salt, std::uint32_t iterations,
                                std::size_t length) {
  if (iterations == 0 || iterations > static_cast<std::uint32_t>(INT_MAX)) {
    return base::fail(base::Errc::malformed, "PBKDF2: expected 1 to 2^31-1 iterations");
  }
  if (length == 0 || length > kMaxOutput) {
    return base::fail(base::Errc::malformed, "PBKDF2: expected an output of 1 byte to 1 MiB");
  }
  if (password.size() > INT_MAX || salt.size() > INT_MAX) {
    return base::fail(base::Errc::malformed, "PBKDF2: password or salt too long");
  }
  Bytes out(length);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations),
                        detail::evp_md(algorithm), static_cast<int>(length), out.data()) != 1) {
    return detail::openssl_failure("PBKDF2-HMAC-" + std::string(digest_name(algorithm)));
  }
  return out;
}

base::Result<Bytes> scrypt(std::string_view password, std::span<const std::uint8_t> salt,
                           const ScryptParams& params, std::size_t length) {
  if (params.n < 2 || (params.n & (params.n - 1)) != 0) {
    return base::fail(base::Errc::malformed, "scrypt: N must be a power of two greater than 1");
  }
  if (params.r == 0 || params.p == 0) {
    return base::fail(base::Errc::malformed, "scrypt: r and p must be positive");
  }
  if (length == 0 || length > kMaxOutput) {
    return base::fail(base::Errc::malformed, "scrypt: expected an output of 1 byte to 1 MiB");
  }
  // OpenSSL's own accounting: B is 128*r*p bytes and V is 128*r*(N+2) bytes.
  long double memory = 128.0L * params.r * (static_cast<long double>(params.n) + params.p + 2);
  if (memory > static_cast<long double>(kMaxScryptMemory)) {
    return base::fail(base::Errc::limit, "scrypt: parameters need more than 1 GiB of memory");
  }
  Bytes out(length);
  std::uint64_t max_memory = static_cast<std::uint64_t>(memory) + (1u << 20);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), params.n, params.r,
                     params.p, max_memory, out.data(), out.size()) != 1) {
    return detail::openssl_failure("scrypt");
  }
  return out;
}

}  // namespace gitns::crypto
