// Internal to resolver/crypto: helpers shared by its .cpp files. Declares OpenSSL types
// by their struct tags only, so this header pulls in no OpenSSL header.
#pragma once

#include <string_view>

#include "resolver/base/result.h"
#include "resolver/crypto/digest.h"

struct evp_md_st;

namespace gitns::crypto::detail {

// Errc::io with `what` and the reasons on OpenSSL's error queue (which it empties, so
// a stale reason never leaks into a later message).
base::Failure openssl_failure(std::string_view what);

// The EVP_MD for an algorithm (OpenSSL's built-in, never null for our four).
const evp_md_st* evp_md(DigestAlgorithm algorithm) noexcept;

// The name OpenSSL 3's providers use ("SHA1", "SHA2-256", ...).
const char* ossl_digest_name(DigestAlgorithm algorithm) noexcept;

}  // namespace gitns::crypto::detail
