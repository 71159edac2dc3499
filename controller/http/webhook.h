// The git webhook receiver, POST /api/v1/hooks/git: a push on GitHub or GitLab triggers
// a reconcile. The shared secret authenticates the sender:
//   GitHub  X-Hub-Signature-256: sha256=HEX, the HMAC-SHA256 of the raw body
//   GitLab  X-Gitlab-Token: SECRET, the secret itself
// Both are compared in constant time. A request without either header, or with a wrong
// one, gets 401 and triggers nothing. The secret is read at each request from a file or
// an environment variable (never from git), so rotating it needs no restart.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "controller/http/request.h"
#include "controller/http/router.h"
#include "resolver/base/result.h"

namespace gitns::http {

struct WebhookConfig {
  std::string secret_file;  // one trailing newline stripped
  std::string secret_env;   // used when secret_file is empty
};

// Called once per accepted delivery with a one-line reason for logs and status, e.g.
// "webhook github event=push delivery=72d3162e". Must not block (queue the reconcile).
using TriggerFn = std::function<void(std::string reason)>;

enum class WebhookSender { github, gitlab };

// Which sender authenticated the request; Errc::not_found when neither header is there,
// Errc::malformed when a header is wrong. (The route answers both with 401.)
base::Result<WebhookSender> verify_webhook(const Request& request, std::string_view secret);

// Reads the secret as configured. Errc::not_found when none is configured or it is empty.
base::Result<std::string> read_webhook_secret(const WebhookConfig& config);

// Adds POST /api/v1/hooks/git. Answers 202 {"triggered": true} after calling `trigger`,
// 200 {"triggered": false} for GitHub's "ping" event, 401 for a missing or bad signature
// and 503 when no secret is configured.
base::Status add_webhook_route(Router& router, WebhookConfig config, TriggerFn trigger);

}  // namespace gitns::http
