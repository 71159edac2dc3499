#include "controller/http/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <map>
#include <mutex>
#include <tuple>

#include "controller/http/tls_files.h"

namespace gitns::http {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

void init_ssl_once() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

// ---- request statistics for /metrics ----

constexpr double kDurationBounds[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};

class RequestStats {
 public:
  void record(const std::string& method, const std::string& route, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++counts_[{method, route, status}];
    std::size_t i = 0;
    while (i < std::size(kDurationBounds) && seconds > kDurationBounds[i]) ++i;
    ++buckets_[i];
    sum_ += seconds;
  }

  void collect(std::vector<MetricFamily>& out) {
    std::lock_guard lock(mutex_);
    MetricFamily requests{"gitns_http_requests_total",
                          "HTTP requests answered, by method, route pattern and status.",
                          MetricType::counter,
                          {},
                          {}};
    for (const auto& [key, n] : counts_) {
      const auto& [method, route, status] = key;
      requests.samples.push_back(
          {{{"method", method}, {"route", route}, {"code", std::to_string(status)}},
           static_cast<double>(n)});
    }
    MetricFamily duration{"gitns_http_request_duration_seconds",
                          "Time from reading a request's headers to sending its response.",
                          MetricType::histogram,
                          {},
                          {}};
    duration.histograms.push_back(
        {{},
         std::vector<double>(std::begin(kDurationBounds), std::end(kDurationBounds)),
         std::vector<std::uint64_t>(buckets_.begin(), buckets_.end()),
         sum_});
    out.push_back(std::move(requests));
    out.push_back(std::move(duration));
  }

 private:
  std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> counts_;
  std::array<std::uint64_t, std::size(kDurationBounds) + 1> buckets_{};
  double sum_ = 0;
};

// ---- the Poco-free core: one per server, shared by its listeners ----

struct Outcome {
  int status = 0;
  std::string route = "unmatched";  // the pattern, for metrics (bounded cardinality)
  std::string user;
};

enum class BodyRead { ok, too_large, broken };

class Dispatcher {
 public:
  Dispatcher(ServerOptions options, Router router, Authenticator auth)
      : options_(std::move(options)), router_(std::move(router)), auth_(std::move(auth)) {}

  Outcome serve(HTTPServerRequest& req, HTTPServerResponse& resp, bool secure);
  void log(std::string_view level, std::string_view message, const std::vector<LogField>& fields) {
    if (options_.log) options_.log(level, message, fields);
  }
  RequestStats& stats() { return stats_; }
  const ServerOptions& options() const { return options_; }

 private:
  Response route_and_call(HTTPServerRequest& req, Request& r, Outcome& outcome, bool& body_unread);
  std::optional<Response> authorize(const Route& route, Request& r);
  BodyRead read_body(HTTPServerRequest& req, std::string& out);
  void drain(HTTPServerRequest& req);
  void send(HTTPServerResponse& resp, Response& out, bool close);

  ServerOptions options_;
  Router router_;
  Authenticator auth_;
  RequestStats stats_;
};

bool has_body(const HTTPServerRequest& req) {
  return req.getChunkedTransferEncoding() ||
         (req.hasContentLength() && req.getContentLength64() > 0);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The token of "Authorization: Bearer TOKEN" (scheme case-insensitive, RFC 6750).
std::optional<std::string_view> bearer_token(const Request& r) {
  auto value = r.header("Authorization");
  if (!value) return std::nullopt;
  std::string_view v = trim(*value);
  if (v.size() < 7) return std::nullopt;
  std::string scheme(v.substr(0, 7));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return std::nullopt;
  auto token = trim(v.substr(7));
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<Response> Dispatcher::authorize(const Route& route, Request& r) {
  auto token = bearer_token(r);
  if (!token)
    return Response::unauthorized("this call needs an Authorization: Bearer TOKEN header");
  if (!auth_) return Response::unauthorized("this server has no authentication configured");
  auto principal = auth_(*token);
  if (!principal) {
    if (principal.error().code == base::Errc::not_found) {
      return Response::unauthorized(principal.error().message);
    }
    log("error", "authentication failed", {{"error", principal.error().to_string()}});
    return Response::internal_error();
  }
  if (principal->role < *route.min_role) {
    return Response::forbidden("this call needs the " + std::string(role_name(*route.min_role)) +
                               " role; " + principal->user + " has " +
                               std::string(role_name(principal->role)));
  }
  r.principal = std::move(*principal);
  return std::nullopt;
}

BodyRead Dispatcher::read_body(HTTPServerRequest& req, std::string& out) {
  bool chunked = req.getChunkedTransferEncoding();
  if (!chunked && !req.hasContentLength()) return BodyRead::ok;  // no body (RFC 9112 6.3)
  std::uint64_t declared = chunked ? 0 : static_cast<std::uint64_t>(req.getContentLength64());
  if (!chunked && declared > options_.max_body_bytes) return BodyRead::too_large;
  std::istream& in = req.stream();
  char buf[16384];
  while (in) {
    in.read(buf, sizeof buf);
    auto n = static_cast<std::size_t>(in.gcount());
    if (out.size() + n > options_.max_body_bytes) return BodyRead::too_large;
    out.append(buf, n);
  }
  if (in.bad()) return BodyRead::broken;
  if (!chunked && out.size() != declared) return BodyRead::broken;
  return BodyRead::ok;
}

void Dispatcher::drain(HTTPServerRequest& req) {
  bool chunked = req.getChunkedTransferEncoding();
  if (!chunked && static_cast<std::uint64_t>(req.getContentLength64()) > options_.max_drain_bytes) {
    return;  // too much to read: the connection closes and the client may see a reset
  }
  std::istream& in = req.stream();
  char buf[16384];
  std::size_t total = 0;
  while (in && total < options_.max_drain_bytes) {
    in.read(buf, sizeof buf);
    total += static_cast<std::size_t>(in.gcount());
  }
}

Response Dispatcher::route_and_call(HTTPServerRequest& req, Request& r, Outcome& outcome,
                                    bool& body_unread) {
  const std::string& uri = req.getURI();
  std::string_view target(uri);
  auto qmark = target.find('?');
  auto segments = split_path(target.substr(0, qmark));
  if (!segments) return Response::bad_request(segments.error().message);
  if (qmark != std::string_view::npos) {
    auto query = parse_query(target.substr(qmark + 1));
    if (!query) return Response::bad_request(query.error().message);
    r.query = std::move(*query);
  }
  for (const auto& s : *segments) r.path += "/" + s;
  if (r.path.empty()) r.path = "/";

  RouteMatch m = router_.match(r.method, *segments);
  if (m.route == nullptr) {
    if (m.allowed_methods.empty()) {
      return Response::error(404, "not_found", "no such endpoint: " + r.method + " " + r.path);
    }
    std::string allow;
    for (const auto& a : m.allowed_methods) allow += (allow.empty() ? "" : ", ") + a;
    return Response::error(405, "method_not_allowed",
                           r.method + " is not allowed on " + r.path + " (allowed: " + allow + ")")
        .with_header("Allow", allow);
  }
  outcome.route = m.route->pattern;
  r.path_params = std::move(m.params);
  if (m.route->min_role) {
    if (auto denied = authorize(*m.route, r)) return std::move(*denied);
    outcome.user = r.principal->user;
  }

  switch (read_body(req, r.body)) {
    case BodyRead::ok:
      body_unread = false;
      break;
    case BodyRead::too_large:
      drain(req);
      return Response::error(
          413, "payload_too_large",
          "request body over the limit of " + std::to_string(options_.max_body_bytes) + " bytes");
    case BodyRead::broken:
      return Response::bad_request(
          "the request body ended early or its chunked encoding is broken");
  }

  try {
    return m.route->handler(r);
  } catch (const std::exception& e) {
    log("error", "handler failed", {{"route", m.route->pattern}, {"error", e.what()}});
  } catch (...) {
    log("error", "handler failed", {{"route", m.route->pattern}, {"error", "unknown exception"}});
  }
  return Response::internal_error();
}

void Dispatcher::send(HTTPServerResponse& resp, Response& out, bool close) {
  resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
  bool cache_control = false;
  for (const auto& [name, value] : out.headers) {
    resp.add(name, value);
    if (Poco::icompare(name, "Cache-Control") == 0) cache_control = true;
  }
  if (!cache_control) resp.set("Cache-Control", "no-store");
  resp.set("X-Content-Type-Options", "nosniff");
  if (close) resp.setKeepAlive(false);
  if (out.status == 204 || out.status == 304) {
    resp.send().flush();
    return;
  }
  if (!out.content_type.empty()) resp.setContentType(out.content_type);
  resp.setContentLength64(static_cast<Poco::Int64>(out.body.size()));
  resp.sendBuffer(out.body.data(), out.body.size());
}

Outcome Dispatcher::serve(HTTPServerRequest& req, HTTPServerResponse& resp, bool secure) {
  Outcome outcome;
  Request r;
  r.method = req.getMethod();
  r.secure = secure;
  r.client_address = req.clientAddress().host().toString();
  for (const auto& [name, value] : req) r.headers.emplace_back(name, value);
  bool body_unread = has_body(req);
  Response out = route_and_call(req, r, outcome, body_unread);
  outcome.status = out.status;
  if (out.status >= 500) {
    log("warn", "http request failed",
        {{"method", r.method}, {"path", r.path}, {"status", std::to_string(out.status)}});
  }
  // A body left unread would be parsed as the next request: close the connection instead.
  // Chunked bodies close it too: Poco 1.11 takes a malformed chunk-size line for the end
  // of the body, and what follows must never be read as another request.
  send(resp, out, body_unread || req.getChunkedTransferEncoding());
  return outcome;
}

// ---- Poco glue ----

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(Dispatcher& d, bool secure) : d_(d), secure_(secure) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    auto started = std::chrono::steady_clock::now();
    Outcome o;
    try {
      o = d_.serve(req, resp, secure_);
    } catch (const Poco::Exception& e) {
      // The client went away or the connection broke while reading or sending.
      d_.log("debug", "http connection error", {{"error", e.displayText()}});
      return;
    } catch (const std::exception& e) {
      d_.log("error", "http request failed", {{"error", e.what()}});
      return;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    d_.stats().record(req.getMethod(), o.route, o.status, seconds);
    if (d_.options().access_log) {
      d_.log("info", "http",
             {{"method", req.getMethod()},
              {"route", o.route},
              {"status", std::to_string(o.status)},
              {"ms", std::to_string(static_cast<long>(seconds * 1000))},
              {"client", req.clientAddress().host().toString()},
              {"user", o.user.empty() ? "-" : o.user},
              {"tls", secure_ ? "true" : "false"}});
    }
  }

 private:
  Dispatcher& d_;
  bool secure_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(Dispatcher& d, bool secure) : d_(d), secure_(secure) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(d_, secure_);
  }

 private:
  Dispatcher& d_;
  bool secure_;
};

Poco::Net::HTTPServerParams::Ptr server_params(const ServerOptions& o) {
  Poco::Net::HTTPServerParams::Ptr p = new Poco::Net::HTTPServerParams;
  p->setMaxThreads(static_cast<int>(o.max_threads));
  p->setMaxQueued(64);
  p->setTimeout(Poco::Timespan(static_cast<long>(o.io_timeout.count()), 0));
  p->setKeepAlive(true);
  p->setMaxKeepAliveRequests(100);
  p->setKeepAliveTimeout(Poco::Timespan(10, 0));
  return p;
}

base::Failure bind_failure(const ListenAddress& a, const Poco::Exception& e) {
  std::string where = a.host + ":" + std::to_string(a.port);
  auto code =
      e.displayText().find("in use") != std::string::npos ? base::Errc::in_use : base::Errc::io;
  return base::fail(code, "cannot listen on " + where + ": " + e.displayText());
}

}  // namespace

// ---- listen addresses ----

base::Result<ListenAddress> parse_listen_address(std::string_view text,
                                                 std::string_view default_host) {
  auto bad = [&] {
    return base::fail(base::Errc::syntax, "listen address \"" + std::string(text) +
                                              "\": expected ADDR:PORT, [IPV6]:PORT or PORT");
  };
  ListenAddress a;
  std::string_view port_text;
  if (text.starts_with("[")) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad();
    a.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    if (text.find(':') != colon) return bad();  // a bare IPv6 address needs brackets
    a.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  } else {
    port_text = text;
  }
  if (a.host.empty()) a.host = std::string(default_host);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad();
  }
  a.port = static_cast<std::uint16_t>(port);
  unsigned char buf[16];
  bool ip =
      inet_pton(AF_INET, a.host.c_str(), buf) == 1 || inet_pton(AF_INET6, a.host.c_str(), buf) == 1;
  if (!ip && a.host != "localhost") return bad();
  return a;
}

// ---- Server ----

struct Server::Impl {
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> http;
  std::unique_ptr<Poco::Net::HTTPServer> https;
  std::uint16_t http_port = 0;
  std::uint16_t https_port = 0;
  TlsFiles tls;
  MetricsRegistry* metrics = nullptr;
  int collector_id = 0;
  bool stopped = false;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { stop(); }

std::uint16_t Server::http_port() const noexcept { return impl_->http_port; }
std::uint16_t Server::https_port() const noexcept { return impl_->https_port; }
const std::string& Server::tls_cert_file() const noexcept { return impl_->tls.cert_file; }
const std::string& Server::tls_fingerprint() const noexcept {
  return impl_->tls.sha256_fingerprint;
}

void Server::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->metrics && impl_->collector_id) impl_->metrics->remove_collector(impl_->collector_id);
  // stopAll(true) also aborts idle keep-alive connections so joining cannot wait on them.
  if (impl_->http) impl_->http->stopAll(true);
  if (impl_->https) impl_->https->stopAll(true);
  if (impl_->pool) impl_->pool->joinAll();
  impl_->http.reset();
  impl_->https.reset();
}

base::Result<std::unique_ptr<Server>> Server::start(ServerOptions options, Router router,
                                                    Authenticator authenticator) {
  if (options.http_listen.empty() && options.https_listen.empty()) {
    return base::fail(base::Errc::syntax,
                      "the HTTP server needs an HTTP or an HTTPS listen address");
  }
  if (options.max_threads == 0) options.max_threads = 1;
  std::optional<ListenAddress> http_addr, https_addr;
  if (!options.http_listen.empty()) {
    GITNS_TRY(http_addr, parse_listen_address(options.http_listen));
  }
  if (!options.https_listen.empty()) {
    GITNS_TRY(https_addr, parse_listen_address(options.https_listen));
  }
  auto impl = std::make_unique<Impl>();
  if (https_addr) {
    GITNS_TRY(impl->tls, ensure_tls_files(options.tls_cert_file, options.tls_key_file,
                                          options.state_dir, options.tls_names));
  }
  auto params = server_params(options);
  impl->metrics = options.metrics;
  impl->dispatcher =
      std::make_unique<Dispatcher>(std::move(options), std::move(router), std::move(authenticator));
  const ServerOptions& o = impl->dispatcher->options();
  int threads = static_cast<int>(o.max_threads);
  impl->pool = std::make_unique<Poco::ThreadPool>(2, 2 * threads + 4, 60);

  if (http_addr) {
    try {
      Poco::Net::ServerSocket socket;
      // SO_REUSEADDR for quick restarts, never SO_REUSEPORT: a second gitnsd must fail to bind.
      socket.bind(Poco::Net::SocketAddress(http_addr->host, http_addr->port), true, false);
      socket.listen(64);
      impl->http = std::make_unique<Poco::Net::HTTPServer>(new Factory(*impl->dispatcher, false),
                                                           *impl->pool, socket, params);
      impl->http_port = socket.address().port();
    } catch (const Poco::Exception& e) {
      return bind_failure(*http_addr, e);
    }
  }
  if (https_addr) {
    Poco::Net::Context::Ptr context;
    try {
      init_ssl_once();
      Poco::Net::Context::Params p;
      p.privateKeyFile = impl->tls.key_file;
      p.certificateFile = impl->tls.cert_file;
      p.verificationMode = Poco::Net::Context::VERIFY_NONE;
      p.loadDefaultCAs = false;
      p.cipherList = "HIGH:!aNULL:!MD5:!RC4:!3DES";
      context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, p);
      context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    } catch (const Poco::Exception& e) {
      return base::fail(base::Errc::malformed, "cannot use TLS certificate " + impl->tls.cert_file +
                                                   " with key " + impl->tls.key_file + ": " +
                                                   e.displayText());
    }
    try {
      Poco::Net::SecureServerSocket socket(context);
      socket.bind(Poco::Net::SocketAddress(https_addr->host, https_addr->port), true, false);
      socket.listen(64);
      impl->https = std::make_unique<Poco::Net::HTTPServer>(new Factory(*impl->dispatcher, true),
                                                            *impl->pool, socket, params);
      impl->https_port = socket.address().port();
    } catch (const Poco::Exception& e) {
      return bind_failure(*https_addr, e);
    }
  }
  if (impl->metrics) {
    Dispatcher* d = impl->dispatcher.get();
    impl->collector_id = impl->metrics->add_collector([d](auto& out) { d->stats().collect(out); });
  }
  if (impl->http) impl->http->start();
  if (impl->https) impl->https->start();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

}  // namespace gitns::http
