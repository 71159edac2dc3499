#include "controller/http/webhook.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "resolver/crypto/digest.h"
#include "tests/unit/http/test_util.h"

namespace gitns::http {
namespace {

using test::error_code;

class WebhookTest : public test::ApiFixture {
 protected:
  base::Result<ClientResponse> deliver(std::string body,
                                       std::vector<std::pair<std::string, std::string>> headers) {
    ClientRequest r;
    r.method = "POST";
    r.path = "/api/v1/hooks/git";
    r.body = std::move(body);
    r.headers = std::move(headers);
    return client().send(r);
  }

  static std::string github_signature(std::string_view secret, std::string_view body) {
    return "sha256=" +
           crypto::to_lower_hex(*crypto::hmac(crypto::DigestAlgorithm::sha256,
                                              crypto::as_bytes(secret), crypto::as_bytes(body)));
  }

  const std::string secret_ = "It's a Secret to Everybody";  // what the fixture configured
};

// GitHub's documented example: this secret and payload give this signature.
TEST_F(WebhookTest, GithubDocumentedVector) {
  auto r = deliver("Hello, World!",
                   {{"X-Hub-Signature-256",
                     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"},
                    {"X-GitHub-Event", "push"},
                    {"X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_EQ((*r->json())["triggered"], true);
  ASSERT_EQ(triggers().size(), 1u);
  EXPECT_EQ(triggers()[0],
            "webhook github event=push delivery=72d3162e-cc78-11e3-81ab-4c9367dc0958");
}

TEST_F(WebhookTest, GithubBadOrMissingSignatureTriggersNothing) {
  std::string body = R"({"ref":"refs/heads/main","after":"0123"})";
  std::string good = github_signature(secret_, body);
  std::string flipped = good;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  const std::vector<std::vector<std::pair<std::string, std::string>>> bad = {
      {},                                  // no signature at all
      {{"X-Hub-Signature-256", flipped}},  // one hex digit off
      {{"X-Hub-Signature-256", github_signature("wrong secret", body)}},
      {{"X-Hub-Signature-256", good.substr(7)}},  // no sha256= prefix
      {{"X-Hub-Signature-256", "sha256=zz"}},     // not hex
      {{"X-Hub-Signature-256", "sha256="}},
      {{"X-Hub-Signature", "sha1=" + std::string(40, '0')}},  // the old SHA-1 header only
  };
  for (const auto& headers : bad) {
    auto r = deliver(body, headers);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 401) << (headers.empty() ? "none" : headers[0].second);
    EXPECT_EQ(error_code(*r), "unauthorized");
  }
  // The signature covers the raw body: the same signature on another body fails.
  EXPECT_EQ(deliver(body + " ", {{"X-Hub-Signature-256", good}})->status, 401);
  EXPECT_TRUE(triggers().empty());
  EXPECT_EQ(deliver(body, {{"X-Hub-Signature-256", good}, {"X-GitHub-Event", "push"}})->status,
            202);
  EXPECT_EQ(triggers().size(), 1u);
}

TEST_F(WebhookTest, GithubPingTriggersNothing) {
  std::string body = R"({"zen":"Keep it logically awesome."})";
  auto r = deliver(
      body, {{"X-Hub-Signature-256", github_signature(secret_, body)}, {"X-GitHub-Event", "ping"}});
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ((*r->json())["triggered"], false);
  EXPECT_TRUE(triggers().empty());
}

TEST_F(WebhookTest, GitlabToken) {
  auto ok = deliver("{}", {{"X-Gitlab-Token", secret_}, {"X-Gitlab-Event", "Push Hook"}});
  EXPECT_EQ(ok->status, 202) << ok->body;
  ASSERT_EQ(triggers().size(), 1u);
  EXPECT_EQ(triggers()[0], "webhook gitlab event=Push_Hook");
  for (std::string wrong : {secret_ + "x", secret_.substr(1), std::string(""),
                            std::string("It's a secret to everybody")}) {
    auto r = deliver("{}", {{"X-Gitlab-Token", wrong}});
    EXPECT_EQ(r->status, 401) << wrong;
    EXPECT_EQ(error_code(*r), "unauthorized");
  }
  EXPECT_EQ(triggers().size(), 1u);
}

TEST_F(WebhookTest, SecretIsReadAtEachRequest) {
  std::string body = "{}";
  test::write_file(dir_.file("webhook-secret"), "rotated\n");
  EXPECT_EQ(deliver(body, {{"X-Hub-Signature-256", github_signature(secret_, body)}})->status, 401);
  EXPECT_EQ(deliver(body, {{"X-Hub-Signature-256", github_signature("rotated", body)}})->status,
            202);
  std::filesystem::remove(dir_.file("webhook-secret"));
  auto r = deliver(body, {{"X-Hub-Signature-256", github_signature("rotated", body)}});
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(error_code(*r), "webhook_not_configured");
  EXPECT_EQ(triggers().size(), 1u);
}

TEST(WebhookSecret, FromEnvironment) {
  ::setenv("GITNS_TEST_HOOK_SECRET", "env-secret", 1);
  EXPECT_EQ(*read_webhook_secret({"", "GITNS_TEST_HOOK_SECRET"}), "env-secret");
  ::unsetenv("GITNS_TEST_HOOK_SECRET");
  EXPECT_EQ(read_webhook_secret({"", "GITNS_TEST_HOOK_SECRET"}).error().code,
            base::Errc::not_found);
  EXPECT_EQ(read_webhook_secret({}).error().code, base::Errc::not_found);
  Request r;
  r.body = "payload";
  r.headers = {{"x-gitlab-token", "s3cret"}};  // header names are case-insensitive
  EXPECT_EQ(*verify_webhook(r, "s3cret"), WebhookSender::gitlab);
  EXPECT_EQ(verify_webhook(r, "other").error().code, base::Errc::malformed);
  r.headers.clear();
  EXPECT_EQ(verify_webhook(r, "s3cret").error().code, base::Errc::not_found);
}

}  // namespace
}  // namespace gitns::http
