// A small HTTP(S) client for gitnsctl and tests, with no Poco type in its interface.
// One request per call (no connection reuse): the CLI makes a handful of calls.
//
// HTTPS trust, in order of preference for gitns's self-signed certificates:
//   pinned_sha256  accept exactly the certificate with this SHA-256 fingerprint (checked
//                  right after the handshake, before anything is sent, so a token never
//                  reaches a wrong server);
//   ca_file        verify the chain against this PEM file (a CA, or the self-signed
//                  certificate itself) and the host name against the certificate;
//   neither        verify against the system's CA store and the host name;
//   insecure_skip_verify  no check at all (labs only).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::http {

struct ClientTls {
  std::string pinned_sha256;  // hex, ':' separators and case ignored
  std::string ca_file;
  bool insecure_skip_verify = false;
};

struct ClientOptions {
  std::string base_url;  // "http://127.0.0.1:8053" or "https://gitns.example:8443"
  std::string token;     // sent as "Authorization: Bearer TOKEN" when not empty
  ClientTls tls;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_response_bytes = 64u << 20;
};

struct ClientRequest {
  std::string method = "GET";
  std::string path;  // "/api/v1/health?x=1", appended to base_url
  std::string body;  // sent when non-empty or when the method is POST/PUT/PATCH
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  bool chunked = false;  // Transfer-Encoding: chunked instead of Content-Length
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
  // The body as JSON; Errc::syntax when it is not.
  base::Result<nlohmann::json> json() const;
  // The API's error message, or the status line when the body is not an API error.
  std::string error_message() const;
};

// Errc::syntax for a bad URL, Errc::io when the server cannot be reached, TLS fails or the
// pinned fingerprint differs (the message says which), Errc::limit for a response over
// max_response_bytes. Any HTTP status is a successful result: check `status`.
base::Result<ClientResponse> http_request(const ClientOptions& options,
                                          const ClientRequest& request);

// Convenience wrapper holding the options.
class Client {
 public:
  explicit Client(ClientOptions options) : options_(std::move(options)) {}

  base::Result<ClientResponse> get(std::string path) const;
  base::Result<ClientResponse> post(std::string path, const nlohmann::json& body) const;
  base::Result<ClientResponse> put(std::string path, const nlohmann::json& body) const;
  base::Result<ClientResponse> patch(std::string path, const nlohmann::json& body) const;
  base::Result<ClientResponse> del(std::string path) const;
  base::Result<ClientResponse> send(const ClientRequest& request) const;

  ClientOptions& options() noexcept { return options_; }

 private:
  ClientOptions options_;
};

}  // namespace gitns::http
