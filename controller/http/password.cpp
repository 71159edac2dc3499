#include "controller/http/password.h"

#include <charconv>
#include <vector>

#include "resolver/crypto/kdf.h"
#include "resolver/crypto/random.h"
#include "resolver/wire/encoding.h"

namespace gitns::http {
namespace {

constexpr std::string_view kPrefix = "$pbkdf2-sha256$";
constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kHashSize = 32;
// Far above any count we write: a stored hash must not make one login take minutes.
constexpr std::uint32_t kMaxIterations = 50'000'000;

struct Parsed {
  std::uint32_t iterations = 0;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

base::Result<Parsed> parse(std::string_view encoded) {
  auto bad = [] {
    return base::fail(base::Errc::malformed,
                      "expected a password hash of the form $pbkdf2-sha256$ITERATIONS$SALT$HASH");
  };
  if (!encoded.starts_with(kPrefix)) return bad();
  encoded.remove_prefix(kPrefix.size());
  auto d1 = encoded.find('$');
  if (d1 == std::string_view::npos) return bad();
  auto d2 = encoded.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return bad();
  Parsed p;
  auto it = encoded.substr(0, d1);
  auto [end, ec] = std::from_chars(it.data(), it.data() + it.size(), p.iterations);
  if (ec != std::errc() || end != it.data() + it.size() || p.iterations == 0 ||
      p.iterations > kMaxIterations) {
    return bad();
  }
  auto salt = wire::base64_decode(encoded.substr(d1 + 1, d2 - d1 - 1));
  auto hash = wire::base64_decode(encoded.substr(d2 + 1));
  if (!salt || !hash || salt->empty() || hash->size() != kHashSize) return bad();
  p.salt = std::move(*salt);
  p.hash = std::move(*hash);
  return p;
}

}  // namespace

base::Result<std::string> hash_password(std::string_view password, std::uint32_t iterations) {
  if (iterations == 0 || iterations > kMaxIterations) {
    return base::fail(base::Errc::malformed, "PBKDF2 iterations must be 1 to 50000000");
  }
  GITNS_TRY(crypto::Bytes salt, crypto::random_bytes(kSaltSize));
  GITNS_TRY(crypto::Bytes hash, crypto::pbkdf2_hmac(crypto::DigestAlgorithm::sha256, password, salt,
                                                    iterations, kHashSize));
  return std::string(kPrefix) + std::to_string(iterations) + "$" + wire::base64_encode(salt) + "$" +
         wire::base64_encode(hash);
}

base::Result<bool> verify_password(std::string_view password, std::string_view encoded) {
  GITNS_TRY(Parsed p, parse(encoded));
  GITNS_TRY(crypto::Bytes hash, crypto::pbkdf2_hmac(crypto::DigestAlgorithm::sha256, password,
                                                    p.salt, p.iterations, kHashSize));
  return crypto::constant_time_equal(hash, p.hash);
}

std::uint32_t password_hash_iterations(std::string_view encoded) noexcept {
  auto p = parse(encoded);
  return p ? p->iterations : 0;
}

}  // namespace gitns::http
