#include "resolver/crypto/openssl_util.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <string>

namespace gitns::crypto::detail {

base::Failure openssl_failure(std::string_view what) {
  std::string message = "OpenSSL: " + std::string(what) + " failed";
  bool first = true;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    message += first ? ": " : "; ";
    message += buf;
    first = false;
  }
  return base::fail(base::Errc::io, std::move(message));
}

const evp_md_st* evp_md(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::sha1:
      return EVP_sha1();
    case DigestAlgorithm::sha256:
      return EVP_sha256();
    case DigestAlgorithm::sha384:
      return EVP_sha384();
    case DigestAlgorithm::sha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

const char* ossl_digest_name(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::sha1:
      return "SHA1";
    case DigestAlgorithm::sha256:
      return "SHA2-256";
    case DigestAlgorithm::sha384:
      return "SHA2-384";
    case DigestAlgorithm::sha512:
      return "SHA2-512";
  }
  return "SHA2-256";
}

}  // namespace gitns::crypto::detail
