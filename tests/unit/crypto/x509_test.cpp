#include "resolver/crypto/x509.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace gitns::crypto {
namespace {

SelfSignedRequest lab_request() {
  SelfSignedRequest r;
  r.common_name = "gitns.test";
  r.dns_names = {"localhost", "gitns.test", "*.gitns.test"};
  r.ip_addresses = {"127.0.0.1", "::1"};
  r.valid_days = 30;
  return r;
}

TEST(SelfSigned, CertificateSaysWhatWasAsked) {
  auto kc = make_self_signed_certificate(lab_request());
  ASSERT_TRUE(kc.ok()) << kc.error().message;
  EXPECT_TRUE(kc->certificate_pem.starts_with("-----BEGIN CERTIFICATE-----"));
  EXPECT_TRUE(kc->private_key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));

  auto info = inspect_certificate_pem(kc->certificate_pem);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->subject, "CN=gitns.test");
  EXPECT_EQ(info->issuer, info->subject);
  EXPECT_TRUE(info->self_signed);
  EXPECT_EQ(info->public_key_algorithm, "EC P-256");
  EXPECT_EQ(info->dns_names, (std::vector<std::string>{"localhost", "gitns.test", "*.gitns.test"}));
  EXPECT_EQ(info->ip_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
  std::int64_t now = std::time(nullptr);
  EXPECT_LE(info->not_before, now - 3500);
  EXPECT_GE(info->not_after, now + 30 * 86400 - 60);
  EXPECT_LE(info->not_after, now + 30 * 86400 + 60);
  EXPECT_EQ(info->sha256_fingerprint.size(), 64u);
  EXPECT_EQ(info->spki_sha256.size(), 64u);
  EXPECT_NE(info->sha256_fingerprint, info->spki_sha256);

  auto der = certificate_der_from_pem(kc->certificate_pem);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(to_lower_hex(*digest(DigestAlgorithm::sha256, *der)), info->sha256_fingerprint);
  EXPECT_TRUE(check_key_matches_certificate(kc->certificate_pem, kc->private_key_pem).ok());
}

TEST(SelfSigned, EachCallMakesANewKeyAndSerial) {
  auto a = make_self_signed_certificate(lab_request());
  auto b = make_self_signed_certificate(lab_request());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->private_key_pem, b->private_key_pem);
  EXPECT_NE(inspect_certificate_pem(a->certificate_pem)->spki_sha256,
            inspect_certificate_pem(b->certificate_pem)->spki_sha256);
  auto mismatch = check_key_matches_certificate(a->certificate_pem, b->private_key_pem);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, base::Errc::malformed);
}

TEST(SelfSigned, RejectsNamesThatCouldInjectConfig) {
  auto r = lab_request();
  r.dns_names = {"good.example,IP:10.0.0.1"};
  auto bad = make_self_signed_certificate(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, base::Errc::malformed);
  r = lab_request();
  r.ip_addresses = {"300.1.1.1"};
  EXPECT_FALSE(make_self_signed_certificate(r).ok());
  r = lab_request();
  r.valid_days = 0;
  EXPECT_FALSE(make_self_signed_certificate(r).ok());
}

TEST(Inspect, RejectsNonCertificates) {
  for (const char* bad :
       {"", "hello", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}) {
    auto info = inspect_certificate_pem(bad);
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().code, base::Errc::malformed);
  }
  auto kc = make_self_signed_certificate(lab_request());
  EXPECT_FALSE(check_key_matches_certificate(kc->certificate_pem, "not a key").ok());
}

// An independent check: the openssl command line accepts the certificate as its own
// trust anchor for a TLS server at 127.0.0.1 and localhost (what HTTPS clients do).
TEST(SelfSigned, OpensslVerifiesItAsServerCertificate) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl binary";
  auto kc = make_self_signed_certificate(lab_request());
  ASSERT_TRUE(kc.ok());
  auto dir = std::filesystem::temp_directory_path() / ("gitns-x509-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "cert.pem").string();
  std::ofstream(path) << kc->certificate_pem;
  std::string base = "openssl verify -CAfile " + path + " -purpose sslserver ";
  EXPECT_EQ(std::system((base + "-verify_ip 127.0.0.1 " + path + " >/dev/null 2>&1").c_str()), 0);
  EXPECT_EQ(std::system((base + "-verify_hostname localhost " + path + " >/dev/null 2>&1").c_str()),
            0);
  EXPECT_NE(
      std::system((base + "-verify_hostname other.example " + path + " >/dev/null 2>&1").c_str()),
      0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gitns::crypto
