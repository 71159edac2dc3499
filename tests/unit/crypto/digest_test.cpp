#include "resolver/crypto/digest.h"

#include <gtest/gtest.h>

#include "tests/unit/crypto/crypto_test_util.h"

namespace gitns::crypto {
namespace {

using test::bytes_of;
using test::unhex;

std::string hex_digest(DigestAlgorithm a, std::string_view data) {
  auto d = digest(a, as_bytes(data));
  EXPECT_TRUE(d.ok()) << d.error().message;
  return d.ok() ? to_lower_hex(*d) : "";
}

// FIPS 180-4 examples ("abc" and the empty message).
TEST(Digest, KnownAnswers) {
  EXPECT_EQ(hex_digest(DigestAlgorithm::sha1, "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex_digest(DigestAlgorithm::sha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_digest(DigestAlgorithm::sha384, "abc"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(hex_digest(DigestAlgorithm::sha512, "abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_EQ(hex_digest(DigestAlgorithm::sha256, ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, SizesAndNames) {
  for (auto a : {DigestAlgorithm::sha1, DigestAlgorithm::sha256, DigestAlgorithm::sha384,
                 DigestAlgorithm::sha512}) {
    auto d = digest(a, as_bytes("x"));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->size(), digest_size(a));
    EXPECT_EQ(digest_from_name(digest_name(a)), a);
  }
  EXPECT_EQ(digest_from_name("SHA-256"), DigestAlgorithm::sha256);
  EXPECT_EQ(digest_from_name("Sha512"), DigestAlgorithm::sha512);
  EXPECT_EQ(digest_from_name("md5"), std::nullopt);
  EXPECT_EQ(digest_from_name(""), std::nullopt);
}

TEST(Digest, IncrementalEqualsOneShot) {
  std::string data(10000, 'q');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  auto hasher = Hasher::create(DigestAlgorithm::sha384);
  ASSERT_TRUE(hasher.ok());
  for (std::size_t off = 0; off < data.size(); off += 777) {
    hasher->update(as_bytes(std::string_view(data).substr(off, 777)));
  }
  auto incremental = hasher->finish();
  ASSERT_TRUE(incremental.ok());
  EXPECT_EQ(*incremental, *digest(DigestAlgorithm::sha384, as_bytes(data)));
  auto again = hasher->finish();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, base::Errc::malformed);
}

struct HmacVector {
  const char* name;
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> data;
  const char* sha256;
  const char* sha384;
  const char* sha512;
};

// RFC 4231 section 4 (test case 5, truncated output, is a property of the caller).
std::vector<HmacVector> rfc4231() {
  return {
      {"case1", std::vector<std::uint8_t>(20, 0x0b), bytes_of("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
       "faea9ea9076ede7f4af152e8b2fa9cb6",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {"case2", bytes_of("Jefe"), bytes_of("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
       "8e2240ca5e69e2c78b3239ecfab21649",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {"case3", std::vector<std::uint8_t>(20, 0xaa), std::vector<std::uint8_t>(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
       "2a5ab39dc13814b94e3ab6e101a34f27",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
       "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
      {"case4", unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
       std::vector<std::uint8_t>(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
       "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
       "6801dd23c4a7d679ccf8a386c674cffb",
       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
       "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
      {"case6", std::vector<std::uint8_t>(131, 0xaa),
       bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
       "0c2ef6ab4030fe8296248df163f44952",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
      {"case7", std::vector<std::uint8_t>(131, 0xaa),
       bytes_of("This is a test using a larger than block-size key and a larger than "
                "block-size data. The key needs to be hashed before being used by the HMAC "
                "algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
       "a678cc31e799176d3860e6110c46523e",
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
       "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
  };
}

TEST(Hmac, Rfc4231Vectors) {
  for (const auto& v : rfc4231()) {
    SCOPED_TRACE(v.name);
    EXPECT_EQ(to_lower_hex(*hmac(DigestAlgorithm::sha256, v.key, v.data)), v.sha256);
    EXPECT_EQ(to_lower_hex(*hmac(DigestAlgorithm::sha384, v.key, v.data)), v.sha384);
    EXPECT_EQ(to_lower_hex(*hmac(DigestAlgorithm::sha512, v.key, v.data)), v.sha512);
  }
}

// RFC 2202 section 3, test cases 1 and 2.
TEST(Hmac, Rfc2202Sha1Vectors) {
  EXPECT_EQ(to_lower_hex(*hmac(DigestAlgorithm::sha1, std::vector<std::uint8_t>(20, 0x0b),
                               as_bytes("Hi There"))),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(to_lower_hex(*hmac(DigestAlgorithm::sha1, as_bytes("Jefe"),
                               as_bytes("what do ya want for nothing?"))),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Hmac, IncrementalEqualsOneShotAndEmptyKeyWorks) {
  auto mac = Hmac::create(DigestAlgorithm::sha256, as_bytes("Jefe"));
  ASSERT_TRUE(mac.ok());
  mac->update(as_bytes("what do ya "));
  mac->update(as_bytes(""));
  mac->update(as_bytes("want for nothing?"));
  EXPECT_EQ(to_lower_hex(*mac->finish()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  auto empty_key = hmac(DigestAlgorithm::sha256, {}, as_bytes("data"));
  ASSERT_TRUE(empty_key.ok()) << empty_key.error().message;
  EXPECT_EQ(empty_key->size(), 32u);
  EXPECT_NE(*empty_key, *hmac(DigestAlgorithm::sha256, as_bytes("k"), as_bytes("data")));
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  auto a = bytes_of("signature-one");
  auto b = bytes_of("signature-one");
  auto c = bytes_of("signature-onf");
  EXPECT_TRUE(constant_time_equal(a, b));
  EXPECT_FALSE(constant_time_equal(a, c));
  EXPECT_FALSE(constant_time_equal(a, bytes_of("signature-on")));
  EXPECT_TRUE(constant_time_equal({}, {}));
  EXPECT_FALSE(constant_time_equal(a, {}));
}

}  // namespace
}  // namespace gitns::crypto
