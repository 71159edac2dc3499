#include "resolver/crypto/otp.h"

#include <gtest/gtest.h>

#include "resolver/crypto/base32.h"
#include "tests/unit/crypto/crypto_test_util.h"

namespace gitns::crypto {
namespace {

using test::bytes_of;

// RFC 4226 appendix D: secret "12345678901234567890", counters 0 to 9.
TEST(Hotp, Rfc4226AppendixD) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  auto key = bytes_of("12345678901234567890");
  for (std::uint64_t c = 0; c < 10; ++c) {
    auto code = hotp(key, c);
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(*code, expected[c]) << "counter " << c;
  }
}

// RFC 6238 appendix B. The reference code seeds SHA-256 and SHA-512 with 32- and 64-byte
// keys (the ASCII digits repeated), which is what the table was computed with.
TEST(Totp, Rfc6238AppendixB) {
  struct Row {
    std::int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Row rows[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  auto k1 = bytes_of("12345678901234567890");
  auto k256 = bytes_of("12345678901234567890123456789012");
  auto k512 = bytes_of("1234567890123456789012345678901234567890123456789012345678901234");
  for (const auto& row : rows) {
    SCOPED_TRACE(row.time);
    EXPECT_EQ(*totp(k1, row.time, {DigestAlgorithm::sha1, 8}), row.sha1);
    EXPECT_EQ(*totp(k256, row.time, {DigestAlgorithm::sha256, 8}), row.sha256);
    EXPECT_EQ(*totp(k512, row.time, {DigestAlgorithm::sha512, 8}), row.sha512);
  }
}

TEST(Totp, StepBoundaries) {
  EXPECT_EQ(totp_step(0), 0u);
  EXPECT_EQ(totp_step(29), 0u);
  EXPECT_EQ(totp_step(30), 1u);
  EXPECT_EQ(totp_step(59), 1u);
  EXPECT_EQ(totp_step(100, {DigestAlgorithm::sha1, 6, 30, 200}), 0u);  // before T0
  EXPECT_EQ(totp_step(260, {DigestAlgorithm::sha1, 6, 30, 200}), 2u);
}

TEST(Totp, VerifyAcceptsTheWindowOnly) {
  auto key = bytes_of("12345678901234567890");
  const std::int64_t now = 1111111111;  // step 37037037
  TotpParams p{DigestAlgorithm::sha1, 8};
  auto v = totp_verify(key, "14050471", now, p);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, std::optional<std::uint64_t>(37037037));
  // 07081804 is the code of 1111111109, step 37037036: one step back is inside the window.
  EXPECT_EQ(*totp_verify(key, "07081804", now, p), std::optional<std::uint64_t>(37037036));
  EXPECT_EQ(*totp_verify(key, "07081804", now + 30, p), std::nullopt);  // two steps back
  EXPECT_EQ(*totp_verify(key, "07081804", now + 30, p, 2), std::optional<std::uint64_t>(37037036));
  // Wrong digits, wrong length, non-digits.
  EXPECT_EQ(*totp_verify(key, "14050472", now, p), std::nullopt);
  EXPECT_EQ(*totp_verify(key, "4050471", now, p), std::nullopt);
  EXPECT_EQ(*totp_verify(key, "1405047a", now, p), std::nullopt);
  EXPECT_EQ(*totp_verify(key, "", now, p), std::nullopt);
  // Near the epoch the window does not wrap below step 0.
  EXPECT_EQ(*totp_verify(key, "94287082", 59, p), std::optional<std::uint64_t>(1));
  EXPECT_EQ(*totp_verify(key, *totp(key, 0, p), 5, p), std::optional<std::uint64_t>(0));
}

TEST(Otp, RejectsBadDigitCounts) {
  auto key = bytes_of("12345678901234567890");
  EXPECT_EQ(hotp(key, 0, {DigestAlgorithm::sha1, 5}).error().code, base::Errc::malformed);
  EXPECT_EQ(hotp(key, 0, {DigestAlgorithm::sha1, 9}).error().code, base::Errc::malformed);
  EXPECT_EQ(totp(key, 0, {DigestAlgorithm::sha1, 6, 0}).error().code, base::Errc::malformed);
}

TEST(Otp, AuthUriCarriesSecretAndParameters) {
  auto key = bytes_of("12345678901234567890");
  std::string uri = otpauth_uri("gitns lab", "alice@example.com", key);
  EXPECT_EQ(
      uri,
      "otpauth://totp/gitns%20lab:alice%40example.com?secret="
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=gitns%20lab&algorithm=SHA1&digits=6&period=30");
  auto secret = base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(*secret, key);
}

}  // namespace
}  // namespace gitns::crypto
