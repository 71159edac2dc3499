#include "controller/http/webhook.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "resolver/crypto/digest.h"
#include "resolver/wire/encoding.h"

namespace gitns::http {
namespace {

constexpr std::string_view kGithubPrefix = "sha256=";

// A header value made safe for one log line: printable ASCII, at most 80 characters.
std::string loggable(std::string_view value) {
  std::string out;
  for (char c : value.substr(0, 80)) {
    out += (c > 0x20 && c < 0x7f) ? c : '_';
  }
  return out;
}

base::Result<WebhookSender> verify_github(std::string_view header, std::string_view secret,
                                          std::string_view body) {
  if (!header.starts_with(kGithubPrefix)) {
    return base::fail(base::Errc::malformed, "X-Hub-Signature-256: expected sha256=HEX");
  }
  auto given = wire::hex_decode(header.substr(kGithubPrefix.size()));
  if (!given) return base::fail(base::Errc::malformed, "X-Hub-Signature-256: expected sha256=HEX");
  GITNS_TRY(crypto::Bytes expected, crypto::hmac(crypto::DigestAlgorithm::sha256,
                                                 crypto::as_bytes(secret), crypto::as_bytes(body)));
  if (!crypto::constant_time_equal(*given, expected)) {
    return base::fail(base::Errc::malformed, "X-Hub-Signature-256 does not match the body");
  }
  return WebhookSender::github;
}

base::Result<WebhookSender> verify_gitlab(std::string_view header, std::string_view secret) {
  // Compare digests so the time taken does not depend on the secret's length either.
  GITNS_TRY(crypto::Bytes given,
            crypto::digest(crypto::DigestAlgorithm::sha256, crypto::as_bytes(header)));
  GITNS_TRY(crypto::Bytes expected,
            crypto::digest(crypto::DigestAlgorithm::sha256, crypto::as_bytes(secret)));
  if (!crypto::constant_time_equal(given, expected)) {
    return base::fail(base::Errc::malformed, "X-Gitlab-Token does not match");
  }
  return WebhookSender::gitlab;
}

Response handle(const Request& request, const WebhookConfig& config, const TriggerFn& trigger) {
  auto secret = read_webhook_secret(config);
  if (!secret) {
    return Response::error(
        503, "webhook_not_configured",
        "the webhook secret is not configured on this server: " + secret.error().message);
  }
  auto sender = verify_webhook(request, *secret);
  if (!sender) {
    return Response::unauthorized(sender.error().code == base::Errc::not_found
                                      ? "missing X-Hub-Signature-256 or X-Gitlab-Token"
                                      : "webhook signature or token does not match");
  }
  std::string reason;
  if (*sender == WebhookSender::github) {
    std::string event = loggable(request.header("X-GitHub-Event").value_or("unknown"));
    if (event == "ping") return Response::json({{"triggered", false}, {"event", "ping"}});
    reason = "webhook github event=" + event +
             " delivery=" + loggable(request.header("X-GitHub-Delivery").value_or("-"));
  } else {
    std::string event = loggable(request.header("X-Gitlab-Event").value_or("unknown"));
    reason = "webhook gitlab event=" + event;
  }
  trigger(reason);
  return Response::json({{"triggered", true}, {"reason", reason}}, 202);
}

}  // namespace

base::Result<WebhookSender> verify_webhook(const Request& request, std::string_view secret) {
  if (auto sig = request.header("X-Hub-Signature-256"))
    return verify_github(*sig, secret, request.body);
  if (auto token = request.header("X-Gitlab-Token")) return verify_gitlab(*token, secret);
  return base::fail(base::Errc::not_found, "missing X-Hub-Signature-256 or X-Gitlab-Token");
}

base::Result<std::string> read_webhook_secret(const WebhookConfig& config) {
  std::string secret;
  if (!config.secret_file.empty()) {
    std::ifstream in(config.secret_file, std::ios::binary);
    if (!in) return base::fail(base::Errc::not_found, "cannot read " + config.secret_file);
    std::stringstream ss;
    ss << in.rdbuf();
    secret = ss.str();
    if (secret.ends_with("\n")) secret.pop_back();
    if (secret.ends_with("\r")) secret.pop_back();
  } else if (!config.secret_env.empty()) {
    const char* v = std::getenv(config.secret_env.c_str());
    if (v) secret = v;
  }
  if (secret.empty()) {
    return base::fail(base::Errc::not_found, config.secret_file.empty() && config.secret_env.empty()
                                                 ? "no secret file or environment variable given"
                                                 : "the secret is empty or unset");
  }
  return secret;
}

base::Status add_webhook_route(Router& router, WebhookConfig config, TriggerFn trigger) {
  return router.add("POST", "/api/v1/hooks/git", kPublic,
                    [config = std::move(config), trigger = std::move(trigger)](const Request& r) {
                      return handle(r, config, trigger);
                    });
}

}  // namespace gitns::http
