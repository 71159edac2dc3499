#include "resolver/crypto/kdf.h"

#include <gtest/gtest.h>

#include "resolver/crypto/random.h"
#include "tests/unit/crypto/crypto_test_util.h"

namespace gitns::crypto {
namespace {

using test::bytes_of;

// RFC 7914 section 11: PBKDF2-HMAC-SHA256.
TEST(Pbkdf2, Rfc7914Sha256Vectors) {
  auto a = pbkdf2_hmac(DigestAlgorithm::sha256, "passwd", bytes_of("salt"), 1, 64);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(to_lower_hex(*a),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  auto b = pbkdf2_hmac(DigestAlgorithm::sha256, "Password", bytes_of("NaCl"), 80000, 64);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(to_lower_hex(*b),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

// RFC 6070 test case 3: PBKDF2-HMAC-SHA1.
TEST(Pbkdf2, Rfc6070Sha1Vector) {
  auto dk = pbkdf2_hmac(DigestAlgorithm::sha1, "password", bytes_of("salt"), 4096, 20);
  ASSERT_TRUE(dk.ok());
  EXPECT_EQ(to_lower_hex(*dk), "4b007901b765489abead49d926f721d065a429c1");
}

TEST(Pbkdf2, RejectsBadParameters) {
  auto zero = pbkdf2_hmac(DigestAlgorithm::sha256, "pw", bytes_of("salt"), 0, 32);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, base::Errc::malformed);
  EXPECT_FALSE(pbkdf2_hmac(DigestAlgorithm::sha256, "pw", bytes_of("salt"), 1, 0).ok());
  EXPECT_FALSE(
      pbkdf2_hmac(DigestAlgorithm::sha256, "pw", bytes_of("salt"), 1, (1u << 20) + 1).ok());
}

// RFC 7914 section 12, the first two vectors (the others take seconds and 1 GiB).
TEST(Scrypt, Rfc7914Vectors) {
  auto a = scrypt("", {}, {16, 1, 1}, 64);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(to_lower_hex(*a),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  auto b = scrypt("password", bytes_of("NaCl"), {1024, 8, 16}, 64);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(to_lower_hex(*b),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(Scrypt, RejectsBadParameters) {
  EXPECT_EQ(scrypt("pw", {}, {1000, 8, 1}, 32).error().code, base::Errc::malformed);  // not 2^k
  EXPECT_EQ(scrypt("pw", {}, {1, 8, 1}, 32).error().code, base::Errc::malformed);
  EXPECT_EQ(scrypt("pw", {}, {16, 0, 1}, 32).error().code, base::Errc::malformed);
  EXPECT_EQ(scrypt("pw", {}, {1ull << 40, 8, 1}, 32).error().code, base::Errc::limit);
}

TEST(Random, BytesDifferAndFillWholeBuffer) {
  auto a = random_bytes(32);
  auto b = random_bytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);                  // 2^-256 chance of a false failure
  auto big = random_bytes(3u << 20);  // more than one RAND_bytes call
  ASSERT_TRUE(big.ok());
  std::size_t zeros = 0;
  for (auto byte : *big) zeros += byte == 0;
  // About 1/256 of random bytes are zero; an unfilled tail would push this far up.
  EXPECT_LT(zeros, big->size() / 128);
  EXPECT_TRUE(random_bytes(0).ok());
}

}  // namespace
}  // namespace gitns::crypto
