#include "resolver/crypto/random.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>

#include "resolver/crypto/openssl_util.h"

namespace gitns::crypto {

base::Status random_fill(std::span<std::uint8_t> out) {
  // RAND_bytes takes an int; ask in pieces so a huge request cannot overflow it.
  while (!out.empty()) {
    std::size_t n = std::min<std::size_t>(out.size(), 1u << 20);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1)
      return detail::openssl_failure("RAND_bytes");
    out = out.subspan(n);
  }
  return {};
}

base::Result<Bytes> random_bytes(std::size_t count) {
  Bytes out(count);
  GITNS_CHECK(random_fill(out));
  return out;
}

}  // namespace gitns::crypto
