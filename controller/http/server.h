// gitnsd's HTTP(S) server on Poco: plain HTTP and/or HTTPS listeners serving one route
// table. For every request it: matches the route (404, 405 with Allow), checks the
// bearer token and the route's minimum role (401, 403), reads the body up to the limit
// (413, chunked bodies too, enforced while reading), calls the handler (an exception
// becomes a 500 whose message stays in the log) and sends the response. Every error
// body is {"error": {"code", "message"}}.
//
// No Poco type appears here; the listeners run on Poco's threads, never on DNS threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controller/http/auth.h"
#include "controller/http/metrics.h"
#include "controller/http/router.h"
#include "resolver/base/result.h"

namespace gitns::http {

using LogField = std::pair<std::string_view, std::string>;
// level: "debug", "info", "warn", "error"; fields as key=value pairs.
using LogFn = std::function<void(std::string_view level, std::string_view message,
                                 const std::vector<LogField>& fields)>;

struct ServerOptions {
  // "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT"/"PORT" (loopback). Port 0 picks a free port
  // (tests). Empty: no listener of that kind. At least one must be set.
  std::string http_listen = "127.0.0.1:8053";
  std::string https_listen;
  // PEM files for HTTPS. Both empty with https_listen set: a self-signed certificate in
  // <state_dir>/tls/ (see tls_files.h).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string state_dir;
  std::vector<std::string> tls_names;  // extra names for a generated certificate

  std::size_t max_body_bytes = 1u << 20;
  // After a 413 the rest of a body is read and dropped, up to this much, so the client
  // (which is still sending) reads the 413 instead of a connection reset.
  std::size_t max_drain_bytes = 16u << 20;
  // Connections served at once per listener (an idle keep-alive connection holds one for
  // up to 10 s); more wait in a queue of 64.
  unsigned max_threads = 16;
  std::chrono::seconds io_timeout{15};
  bool access_log = false;  // one info line per request; errors are always logged
  LogFn log;
  // When set, the server adds gitns_http_requests_total and
  // gitns_http_request_duration_seconds here (and removes them when it stops).
  MetricsRegistry* metrics = nullptr;
};

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// Errc::syntax naming what was expected.
base::Result<ListenAddress> parse_listen_address(std::string_view text,
                                                 std::string_view default_host = "127.0.0.1");

class Server {
 public:
  // Binds and starts serving. Errc::in_use when an address is taken, Errc::syntax for a bad
  // address, Errc::malformed/io for TLS files that cannot be used. `authenticator` may be
  // empty only if every route is public.
  static base::Result<std::unique_ptr<Server>> start(ServerOptions options, Router router,
                                                     Authenticator authenticator);
  ~Server();  // stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Stops accepting, finishes or aborts open connections, joins the threads. Idempotent.
  void stop();

  std::uint16_t http_port() const noexcept;   // 0 when there is no plain HTTP listener
  std::uint16_t https_port() const noexcept;  // 0 when there is no HTTPS listener
  // The certificate served over HTTPS (given or generated) and its SHA-256 fingerprint.
  const std::string& tls_cert_file() const noexcept;
  const std::string& tls_fingerprint() const noexcept;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gitns::http
