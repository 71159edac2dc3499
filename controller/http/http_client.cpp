#include "controller/http/http_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/URI.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <sstream>

#include "resolver/crypto/x509.h"

namespace gitns::http {
namespace {

using Poco::Net::Context;

void init_ssl_once() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string normalize_fingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Context::Ptr client_context(const ClientTls& tls, bool verify) {
  init_ssl_once();
  Context::Params p;
  // VERIFY_STRICT on a client is a full check; Poco's VERIFY_RELAXED skips the host-name
  // check for loopback names.
  p.verificationMode = verify ? Context::VERIFY_STRICT : Context::VERIFY_NONE;
  p.loadDefaultCAs = verify && tls.ca_file.empty();
  p.caLocation = verify ? tls.ca_file : "";
  p.cipherList = "HIGH:!aNULL:!MD5:!RC4:!3DES";
  Context::Ptr ctx = new Context(Context::TLS_CLIENT_USE, p);
  ctx->requireMinimumProtocol(Context::PROTO_TLSV1_2);
  return ctx;
}

// An HTTPS session that checks the server's certificate against a pinned fingerprint on
// every connect, right after the handshake and before a byte of the request (and its
// token) is sent. The chain is not verified: the pin is the whole trust decision.
class PinnedSession final : public Poco::Net::HTTPSClientSession {
 public:
  PinnedSession(const std::string& host, std::uint16_t port, Context::Ptr ctx, std::string pin)
      : HTTPSClientSession(host, port, std::move(ctx)), pin_(std::move(pin)) {}

 protected:
  void connect(const Poco::Net::SocketAddress& address) override {
    HTTPSClientSession::connect(address);
    Poco::Net::SecureStreamSocket secure(socket());
    secure.completeHandshake();
    std::ostringstream pem;
    secure.peerCertificate().save(pem);
    auto info = crypto::inspect_certificate_pem(pem.str());
    std::string got = info ? info->sha256_fingerprint : "unreadable";
    if (got != pin_) {
      socket().close();
      throw Poco::Net::CertificateValidationException("the server's certificate (SHA-256 " + got +
                                                      ") is not the pinned one (" + pin_ + ")");
    }
  }

 private:
  std::string pin_;
};

base::Result<std::unique_ptr<Poco::Net::HTTPClientSession>> make_session(
    const Poco::URI& uri, const ClientOptions& options) {
  const std::string& host = uri.getHost();
  std::uint16_t port = uri.getPort();
  if (uri.getScheme() == "http") {
    return std::make_unique<Poco::Net::HTTPClientSession>(host, port);
  }
  if (!options.tls.pinned_sha256.empty()) {
    return std::unique_ptr<Poco::Net::HTTPClientSession>(
        new PinnedSession(host, port, client_context(options.tls, false),
                          normalize_fingerprint(options.tls.pinned_sha256)));
  }
  Context::Ptr ctx = client_context(options.tls, !options.tls.insecure_skip_verify);
  return std::unique_ptr<Poco::Net::HTTPClientSession>(
      new Poco::Net::HTTPSClientSession(host, port, ctx));
}

base::Result<ClientResponse> exchange(const ClientOptions& options, const ClientRequest& request) {
  Poco::URI uri(options.base_url);
  if (uri.getScheme() != "http" && uri.getScheme() != "https") {
    return base::fail(base::Errc::syntax,
                      "server URL \"" + options.base_url + "\": expected http:// or https://");
  }
  if (uri.getHost().empty()) {
    return base::fail(base::Errc::syntax, "server URL \"" + options.base_url + "\" has no host");
  }
  std::string prefix = uri.getPath();
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  std::string target = prefix + (request.path.empty() ? "/" : request.path);

  Poco::Net::HTTPRequest req(request.method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setHost(uri.getHost(), uri.getPort());
  if (!options.token.empty()) req.set("Authorization", "Bearer " + options.token);
  for (const auto& [k, v] : request.headers) req.add(k, v);
  bool with_body = !request.body.empty() || request.method == "POST" || request.method == "PUT" ||
                   request.method == "PATCH";
  if (with_body) {
    if (!request.content_type.empty()) req.setContentType(request.content_type);
    if (request.chunked) {
      req.setChunkedTransferEncoding(true);
    } else {
      req.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
    }
  }

  GITNS_TRY(std::unique_ptr<Poco::Net::HTTPClientSession> session, make_session(uri, options));
  session->setTimeout(Poco::Timespan(static_cast<long>(options.timeout.count()) * 1000));
  std::ostream& out = session->sendRequest(req);
  if (with_body) {
    // In pieces, so a chunked body really is several chunks.
    constexpr std::size_t kPiece = 64 * 1024;
    for (std::size_t off = 0; off < request.body.size(); off += kPiece) {
      out.write(request.body.data() + off,
                static_cast<std::streamsize>(std::min(kPiece, request.body.size() - off)));
      out.flush();
    }
  }
  Poco::Net::HTTPResponse resp;
  std::istream& in = session->receiveResponse(resp);
  ClientResponse result;
  result.status = static_cast<int>(resp.getStatus());
  for (const auto& [k, v] : resp) result.headers.emplace_back(k, v);
  char buf[16384];
  while (in) {
    in.read(buf, sizeof buf);
    result.body.append(buf, static_cast<std::size_t>(in.gcount()));
    if (result.body.size() > options.max_response_bytes) {
      return base::fail(base::Errc::limit, "response from " + options.base_url + " over " +
                                               std::to_string(options.max_response_bytes) +
                                               " bytes");
    }
  }
  return result;
}

}  // namespace

std::optional<std::string_view> ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

base::Result<nlohmann::json> ClientResponse::json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    return base::fail(base::Errc::syntax, std::string("response is not JSON: ") + e.what());
  }
}

std::string ClientResponse::error_message() const {
  auto j = json();
  if (j && j->is_object() && j->contains("error") && (*j)["error"].is_object()) {
    const auto& e = (*j)["error"];
    if (e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
  }
  return "HTTP " + std::to_string(status);
}

base::Result<ClientResponse> http_request(const ClientOptions& options,
                                          const ClientRequest& request) {
  try {
    return exchange(options, request);
  } catch (const Poco::SyntaxException& e) {
    return base::fail(base::Errc::syntax,
                      "server URL \"" + options.base_url + "\": " + e.displayText());
  } catch (const Poco::Exception& e) {
    return base::fail(base::Errc::io, request.method + " " + options.base_url + request.path +
                                          " failed: " + e.displayText());
  } catch (const std::exception& e) {
    return base::fail(base::Errc::io, request.method + " " + options.base_url + request.path +
                                          " failed: " + e.what());
  }
}

base::Result<ClientResponse> Client::send(const ClientRequest& request) const {
  return http_request(options_, request);
}

base::Result<ClientResponse> Client::get(std::string path) const {
  ClientRequest r;
  r.method = "GET";
  r.path = std::move(path);
  return send(r);
}

base::Result<ClientResponse> Client::del(std::string path) const {
  ClientRequest r;
  r.method = "DELETE";
  r.path = std::move(path);
  return send(r);
}

base::Result<ClientResponse> Client::post(std::string path, const nlohmann::json& body) const {
  ClientRequest r;
  r.method = "POST";
  r.path = std::move(path);
  r.body = body.dump();
  return send(r);
}

base::Result<ClientResponse> Client::put(std::string path, const nlohmann::json& body) const {
  ClientRequest r;
  r.method = "PUT";
  r.path = std::move(path);
  r.body = body.dump();
  return send(r);
}

base::Result<ClientResponse> Client::patch(std::string path, const nlohmann::json& body) const {
  ClientRequest r;
  r.method = "PATCH";
  r.path = std::move(path);
  r.body = body.dump();
  return send(r);
}

}  // namespace gitns::http
