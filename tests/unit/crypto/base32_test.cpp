#include "resolver/crypto/base32.h"

#include <gtest/gtest.h>

#include "tests/unit/crypto/crypto_test_util.h"

namespace gitns::crypto {
namespace {

using test::bytes_of;

// RFC 4648 section 10.
TEST(Base32, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "MY======"},
      {"fo", "MZXQ===="},
      {"foo", "MZXW6==="},
      {"foob", "MZXW6YQ="},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI======"},
  };
  for (auto [plain, encoded] : vectors) {
    SCOPED_TRACE(plain);
    EXPECT_EQ(base32_encode(bytes_of(plain)), encoded);
    auto decoded = base32_decode(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(*decoded, bytes_of(plain));
    // Unpadded and lowercase forms decode too (authenticator apps use them).
    std::string bare(encoded);
    while (!bare.empty() && bare.back() == '=') bare.pop_back();
    EXPECT_EQ(base32_encode(bytes_of(plain), false), bare);
    for (char& c : bare) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(*base32_decode(bare), bytes_of(plain));
  }
}

TEST(Base32, RoundTripsEveryLength) {
  std::vector<std::uint8_t> data;
  for (int n = 0; n < 40; ++n) {
    auto back = base32_decode(base32_encode(data));
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, data);
    data.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(Base32, RejectsMalformedText) {
  for (const char* bad : {"M", "MZX", "MZXW6Y", "MY=", "MY=======", "MZXW6YTB========", "M1======",
                          "MZ======",  // 'Z' leaves non-zero bits after the byte
                          "MY==MY==", "0A======"}) {
    auto r = base32_decode(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, base::Errc::malformed) << bad;
    }
  }
}

}  // namespace
}  // namespace gitns::crypto
