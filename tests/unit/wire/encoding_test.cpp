#include "resolver/wire/encoding.h"

#include <gtest/gtest.h>

namespace gitns::wire {
namespace {

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

// RFC 4648 section 10 test vectors.
struct Vector { const char* plain; const char* b64; const char* b32hex; };
constexpr Vector kVectors[] = {
    {"", "", ""},
    {"f", "Zg==", "CO"},
    {"fo", "Zm8=", "CPNG"},
    {"foo", "Zm9v", "CPNMU"},
    {"foob", "Zm9vYg==", "CPNMUOG"},
    {"fooba", "Zm9vYmE=", "CPNMUOJ1"},
    {"foobar", "Zm9vYmFy", "CPNMUOJ1E8"},
};

TEST(Encoding, Rfc4648Vectors) {
  for (const Vector& v : kVectors) {
    auto plain = bytes_of(v.plain);
    EXPECT_EQ(base64_encode(plain), v.b64) << v.plain;
    EXPECT_EQ(base32hex_encode(plain), v.b32hex) << v.plain;
    auto b64 = base64_decode(v.b64);
    ASSERT_TRUE(b64.ok()) << v.b64;
    EXPECT_EQ(*b64, plain);
    auto b32 = base32hex_decode(v.b32hex);
    ASSERT_TRUE(b32.ok()) << v.b32hex;
    EXPECT_EQ(*b32, plain);
  }
}

TEST(Encoding, Base32HexIsCaseInsensitive) {
  EXPECT_EQ(*base32hex_decode("cpnmuoj1e8"), bytes_of("foobar"));
}

TEST(Encoding, Base64Rejects) {
  EXPECT_FALSE(base64_decode("Zg=").ok());     // not a multiple of 4
  EXPECT_FALSE(base64_decode("Zg=a").ok());    // padding in the middle
  EXPECT_FALSE(base64_decode("Z===").ok());    // three pad characters
  EXPECT_FALSE(base64_decode("Zh==").ok());    // non-zero bits before padding
  EXPECT_FALSE(base64_decode("Zm9v!A==").ok());
  EXPECT_FALSE(base64_decode("Zg==Zg==").ok());  // padding before the end
  auto e = base64_decode("Zm9*");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("'*'"), std::string::npos) << e.error().message;
}

TEST(Encoding, Base32HexRejects) {
  EXPECT_FALSE(base32hex_decode("C").ok());        // 5 bits: no whole octet
  EXPECT_FALSE(base32hex_decode("CPN").ok());
  EXPECT_FALSE(base32hex_decode("CP").ok());       // trailing bits not zero
  EXPECT_FALSE(base32hex_decode("CW").ok());       // W is outside base32hex
  EXPECT_FALSE(base32hex_decode("CO======").ok());  // no padding in NSEC3
}

TEST(Encoding, Hex) {
  std::vector<uint8_t> b = {0x00, 0xab, 0xCD, 0xff};
  EXPECT_EQ(hex_encode(b), "00ABCDFF");
  EXPECT_EQ(*hex_decode("00abCDff"), b);
  EXPECT_TRUE(hex_decode("").ok());
  EXPECT_FALSE(hex_decode("abc").ok());
  EXPECT_FALSE(hex_decode("zz").ok());
}

TEST(Encoding, TextEscapes) {
  EXPECT_EQ(*unescape_text(R"(a\"b\\c\065\010)"), bytes_of("a\"b\\cA\n"));
  EXPECT_FALSE(unescape_text("a\\").ok());
  EXPECT_FALSE(unescape_text("\\25").ok());
  EXPECT_FALSE(unescape_text("\\256").ok());
  std::string out;
  std::vector<uint8_t> raw = {'a', '"', '\\', ' ', 0x09, 0x80, ';'};
  append_escaped_text(out, raw);
  EXPECT_EQ(out, R"(a\"\\ \009\128;)");
  EXPECT_EQ(*unescape_text(out), raw);
}

}  // namespace
}  // namespace gitns::wire
