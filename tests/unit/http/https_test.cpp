// HTTPS with a self-signed certificate generated on first start, and the client's three
// ways to trust it (pin, CA file, insecure) plus the refusals.
#include <gtest/gtest.h>

#include <filesystem>

#include "controller/http/tls_files.h"
#include "resolver/crypto/x509.h"
#include "tests/unit/http/test_util.h"

namespace gitns::http {
namespace {

using test::TempDir;

class HttpsTest : public test::ApiFixture {
 protected:
  void SetUp() override { start({}, /*with_https=*/true); }

  ClientOptions https_options(ClientTls tls, std::string host = "127.0.0.1") const {
    ClientOptions o;
    o.base_url = "https://" + host + ":" + std::to_string(server_->https_port());
    o.tls = std::move(tls);
    o.timeout = std::chrono::seconds(10);
    return o;
  }
};

TEST_F(HttpsTest, GeneratesACertificateOnFirstStart) {
  ASSERT_NE(server_->https_port(), 0);
  EXPECT_NE(server_->http_port(), 0);  // plain HTTP still on loopback beside it
  EXPECT_EQ(server_->tls_cert_file(), dir_.file("tls/self-signed.crt"));
  ASSERT_TRUE(std::filesystem::exists(dir_.file("tls/self-signed.key")));
  auto perms = std::filesystem::status(dir_.file("tls/self-signed.key")).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ifstream in(server_->tls_cert_file());
  std::string pem((std::istreambuf_iterator<char>(in)), {});
  auto info = crypto::inspect_certificate_pem(pem);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sha256_fingerprint, server_->tls_fingerprint());
  EXPECT_EQ(info->public_key_algorithm, "EC P-256");
  EXPECT_TRUE(std::find(info->dns_names.begin(), info->dns_names.end(), "localhost") !=
              info->dns_names.end());
  // A restart reuses it instead of making a new one.
  auto again = ensure_tls_files("", "", dir_.path().string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sha256_fingerprint, server_->tls_fingerprint());
}

TEST_F(HttpsTest, PinnedFingerprintWorks) {
  ClientTls tls;
  tls.pinned_sha256 = server_->tls_fingerprint();
  auto r = http_request(https_options(tls), {"GET", "/api/v1/health"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  // Upper case with colons, as `openssl x509 -fingerprint -sha256` prints it.
  std::string colons;
  for (std::size_t i = 0; i < tls.pinned_sha256.size(); i += 2) {
    colons += (i ? ":" : "") + tls.pinned_sha256.substr(i, 2);
  }
  for (char& c : colons) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  tls.pinned_sha256 = colons;
  Client c(https_options(tls));
  c.options().token = login("admin", "admin-password");
  auto me = c.get("/api/v1/users/me");
  ASSERT_TRUE(me.ok()) << me.error().message;
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ((*me->json())["name"], "admin");
}

TEST_F(HttpsTest, WrongPinIsRefusedBeforeSendingAnything) {
  ClientTls tls;
  tls.pinned_sha256 = std::string(64, 'a');
  auto r = http_request(https_options(tls), {"POST",
                                             "/api/v1/hooks/git",
                                             "{}",
                                             "application/json",
                                             {{"X-Gitlab-Token", "It's a Secret to Everybody"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, base::Errc::io);
  EXPECT_NE(r.error().message.find("not the pinned one"), std::string::npos) << r.error().message;
  EXPECT_TRUE(triggers().empty());
}

TEST_F(HttpsTest, CaFileVerifiesChainAndHostName) {
  ClientTls tls;
  tls.ca_file = server_->tls_cert_file();
  auto r = http_request(https_options(tls, "localhost"), {"GET", "/api/v1/health"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);

  // Another self-signed certificate as the trust anchor: refused.
  TempDir other;
  auto kc = crypto::make_self_signed_certificate({"other", {"localhost"}, {"127.0.0.1"}, 30});
  ASSERT_TRUE(kc.ok());
  test::write_file(other.file("other.crt"), kc->certificate_pem);
  tls.ca_file = other.file("other.crt");
  auto refused = http_request(https_options(tls, "localhost"), {"GET", "/api/v1/health"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, base::Errc::io);

  // Without any trust setting the system CA store does not know the certificate.
  auto system = http_request(https_options({}, "localhost"), {"GET", "/api/v1/health"});
  EXPECT_FALSE(system.ok());
}

TEST_F(HttpsTest, InsecureModeSkipsChecks) {
  ClientTls tls;
  tls.insecure_skip_verify = true;
  auto r = http_request(https_options(tls), {"GET", "/api/v1/health"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpsTest, PlainHttpToTheTlsPortFails) {
  ClientOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(server_->https_port());
  o.timeout = std::chrono::seconds(5);
  auto r = http_request(o, {"GET", "/api/v1/health"});
  EXPECT_TRUE(!r.ok() || r->status >= 400);
}

TEST(TlsFiles, GivenFilesAreChecked) {
  TempDir dir;
  auto a = crypto::make_self_signed_certificate({"a", {"localhost"}, {}, 30});
  auto b = crypto::make_self_signed_certificate({"b", {"localhost"}, {}, 30});
  test::write_file(dir.file("a.crt"), a->certificate_pem);
  test::write_file(dir.file("a.key"), a->private_key_pem);
  test::write_file(dir.file("b.key"), b->private_key_pem);
  auto ok = ensure_tls_files(dir.file("a.crt"), dir.file("a.key"), "");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_FALSE(ok->generated);
  auto mismatch = ensure_tls_files(dir.file("a.crt"), dir.file("b.key"), "");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("b.key"), std::string::npos);
  EXPECT_EQ(ensure_tls_files(dir.file("a.crt"), "", "").error().code, base::Errc::syntax);
  EXPECT_EQ(ensure_tls_files("", "", "").error().code, base::Errc::syntax);
  EXPECT_FALSE(ensure_tls_files(dir.file("missing.crt"), dir.file("a.key"), "").ok());

  // The server refuses to start with a mismatched pair.
  ServerOptions o;
  o.http_listen = "";
  o.https_listen = "127.0.0.1:0";
  o.tls_cert_file = dir.file("a.crt");
  o.tls_key_file = dir.file("b.key");
  EXPECT_FALSE(Server::start(o, Router{}, {}).ok());
  o.tls_key_file = dir.file("a.key");
  auto s = Server::start(o, Router{}, {});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->http_port(), 0);
  EXPECT_NE((*s)->https_port(), 0);
}

TEST(Client, ReportsUnreachableServersAndBadUrls) {
  ClientOptions o;
  o.timeout = std::chrono::seconds(5);
  o.base_url = "ftp://127.0.0.1:1";
  EXPECT_EQ(http_request(o, {"GET", "/"}).error().code, base::Errc::syntax);
  o.base_url = "http://";
  EXPECT_EQ(http_request(o, {"GET", "/"}).error().code, base::Errc::syntax);
  // A port nothing listens on (bind one, close it, use its number).
  ServerOptions so;
  so.http_listen = "127.0.0.1:0";
  std::uint16_t port = 0;
  {
    auto s = Server::start(so, Router{}, {});
    ASSERT_TRUE(s.ok());
    port = (*s)->http_port();
  }
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  auto r = http_request(o, {"GET", "/api/v1/health"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, base::Errc::io);
  EXPECT_NE(r.error().message.find("127.0.0.1"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace gitns::http
