#include "controller/http/server.h"

#include <gtest/gtest.h>

#include "resolver/crypto/base32.h"
#include "resolver/crypto/otp.h"
#include "tests/unit/http/prom_parser.h"
#include "tests/unit/http/raw_http.h"
#include "tests/unit/http/test_util.h"

namespace gitns::http {
namespace {

using test::error_code;
using test::RawConnection;
using test::status_of;

class ServerTest : public test::ApiFixture {};

TEST_F(ServerTest, HealthIsPublicWithSafeHeaders) {
  auto r = client().get("/api/v1/health");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ((*r->json())["status"], "ok");
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->header("Cache-Control"), "no-store");
}

TEST_F(ServerTest, UnknownRouteAndWrongMethodAnswerJsonErrors) {
  auto r = client().get("/api/v1/no-such-thing");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(error_code(*r), "not_found");
  r = client().get("/");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(error_code(*r), "not_found");
  r = client().del("/api/v1/health");
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(error_code(*r), "method_not_allowed");
  EXPECT_EQ(r->header("Allow"), "GET");
  // A bad escape in the path is the client's error, not a crash or a 404.
  ClientRequest bad;
  bad.path = "/api/v1/users/%zz";
  r = client().send(bad);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(error_code(*r), "bad_request");
}

TEST_F(ServerTest, UnauthenticatedCallsGet401) {
  for (std::string token :
       {"", "gns_s_0000000000000000000000000000000000000000000000000000000000000000",
        "gns_t_deadbeef", "not-a-token"}) {
    auto r = client(token).get("/api/v1/users/me");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 401) << token;
    EXPECT_EQ(error_code(*r), "unauthorized");
    EXPECT_EQ(r->header("WWW-Authenticate"), "Bearer");
  }
  ClientRequest basic;
  basic.path = "/api/v1/users/me";
  basic.headers = {{"Authorization", "Basic YWRtaW46YWRtaW4tcGFzc3dvcmQ="}};
  EXPECT_EQ(client().send(basic)->status, 401);
}

TEST_F(ServerTest, RolesGateRoutes) {
  std::string viewer = login("victor", "viewer-password");
  std::string op = login("olivia", "operator-password");
  std::string admin = login("admin", "admin-password");
  nlohmann::json new_user = {
      {"username", "wendy"}, {"password", "wendy-password"}, {"role", "viewer"}};

  auto r = client(viewer).post("/api/v1/users", new_user);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(error_code(*r), "forbidden");
  EXPECT_NE(r->error_message().find("admin"), std::string::npos);
  EXPECT_EQ(client(viewer).post("/api/v1/reconcile", nlohmann::json::object())->status, 403);
  EXPECT_EQ(client(op).post("/api/v1/users", new_user)->status, 403);
  EXPECT_EQ(client(op).post("/api/v1/reconcile", nlohmann::json::object())->status, 202);
  EXPECT_EQ(client(viewer).get("/api/v1/users")->status, 403);

  r = client(admin).post("/api/v1/users", new_user);
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_EQ((*r->json())["name"], "wendy");
  EXPECT_EQ((*r->json())["role"], "viewer");
  EXPECT_FALSE(r->body.find("password") != std::string::npos &&
               r->body.find("pbkdf2") != std::string::npos);
  EXPECT_EQ(client(admin).post("/api/v1/users", new_user)->status, 409);
  auto me = client(viewer).get("/api/v1/users/me");
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ((*me->json())["name"], "victor");
  EXPECT_EQ((*me->json())["authenticatedBy"], "session");
  EXPECT_EQ(me->body.find("pbkdf2"), std::string::npos);  // never the hash

  // Promote, then the same session can do admin things at once.
  r = client(admin).patch("/api/v1/users/victor", {{"role", "admin"}});
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(client(viewer).get("/api/v1/users")->status, 200);
  EXPECT_EQ(client(admin).del("/api/v1/users/wendy")->status, 204);
  EXPECT_EQ(client(admin).del("/api/v1/users/wendy")->status, 404);
}

TEST_F(ServerTest, LoginTokenLifecycle) {
  auto bad = client().post("/api/v1/login", {{"username", "admin"}, {"password", "wrong"}});
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(error_code(*bad), "invalid_credentials");
  auto nobody = client().post("/api/v1/login", {{"username", "nobody"}, {"password", "wrong"}});
  EXPECT_EQ(nobody->status, 401);
  EXPECT_EQ(nobody->body, bad->body);  // no hint whether the user exists

  std::string session = login("olivia", "operator-password");
  ASSERT_TRUE(session.starts_with("gns_s_"));
  auto made = client(session).post("/api/v1/tokens",
                                   {{"name", "ci"}, {"role", "viewer"}, {"expiresInDays", 30}});
  ASSERT_EQ(made->status, 201) << made->body;
  std::string token = (*made->json())["token"];
  std::string id = (*made->json())["id"];
  EXPECT_TRUE(token.starts_with("gns_t_"));
  EXPECT_EQ((*made->json())["role"], "viewer");

  auto me = client(token).get("/api/v1/users/me");
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ((*me->json())["effectiveRole"], "viewer");
  EXPECT_EQ((*me->json())["authenticatedBy"], "token");
  EXPECT_EQ(client(token).post("/api/v1/reconcile", nlohmann::json::object())->status, 403);
  // An API token cannot mint more credentials.
  auto minted = client(token).post("/api/v1/tokens", {{"name", "more"}});
  EXPECT_EQ(minted->status, 403);
  EXPECT_EQ(error_code(*minted), "session_required");
  EXPECT_EQ(client(session).post("/api/v1/tokens", {{"name", "x"}, {"role", "admin"}})->status,
            409);

  auto list = client(session).get("/api/v1/tokens");
  ASSERT_EQ(list->status, 200);
  auto items = (*list->json())["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["id"], id);
  EXPECT_EQ(list->body.find(token.substr(6)), std::string::npos);  // the secret is shown once
  EXPECT_EQ(client(session).get("/api/v1/tokens?all=true")->status, 403);
  EXPECT_EQ(client(login("admin", "admin-password")).get("/api/v1/tokens?all=true")->status, 200);

  EXPECT_EQ(client(login("victor", "viewer-password")).del("/api/v1/tokens/" + id)->status, 404);
  EXPECT_EQ(client(session).del("/api/v1/tokens/" + id)->status, 204);
  EXPECT_EQ(client(token).get("/api/v1/users/me")->status, 401);

  EXPECT_EQ(client(session).post("/api/v1/logout", nlohmann::json::object())->status, 204);
  EXPECT_EQ(client(session).get("/api/v1/users/me")->status, 401);
}

TEST_F(ServerTest, TotpEnrolmentAndLoginOverHttp) {
  clock_.seconds = 1111111109;  // RFC 6238's second test time
  std::string session = login("victor", "viewer-password");
  auto begin = client(session).post("/api/v1/users/me/totp", nlohmann::json::object());
  ASSERT_EQ(begin->status, 200) << begin->body;
  std::string secret = (*begin->json())["secret"];
  EXPECT_TRUE((*begin->json())["uri"].get<std::string>().starts_with("otpauth://totp/"));
  auto key = *crypto::base32_decode(secret);

  auto wrong = client(session).post("/api/v1/users/me/totp/confirm", {{"code", "000000"}});
  EXPECT_EQ(wrong->status, 400);
  EXPECT_EQ(error_code(*wrong), "invalid_totp");
  auto ok = client(session).post("/api/v1/users/me/totp/confirm",
                                 {{"code", *crypto::totp(key, clock_.seconds)}});
  EXPECT_EQ(ok->status, 204) << ok->body;

  auto need =
      client().post("/api/v1/login", {{"username", "victor"}, {"password", "viewer-password"}});
  EXPECT_EQ(need->status, 401);
  EXPECT_EQ(error_code(*need), "totp_required");
  clock_.seconds += 30;
  std::string again = login("victor", "viewer-password", *crypto::totp(key, clock_.seconds));
  EXPECT_TRUE(again.starts_with("gns_s_"));
  EXPECT_EQ((*client(again).get("/api/v1/users/me")->json())["totpEnabled"], true);

  // An admin can reset it for a lost device.
  EXPECT_EQ(client(login("admin", "admin-password")).del("/api/v1/users/victor/totp")->status, 204);
  EXPECT_FALSE(login("victor", "viewer-password").empty());
}

// RFC 6238 appendix B over HTTP: the user holds the RFC's SHA-1 secret and the server's
// clock is set to the table's times; the 6-digit code is the last six of the 8-digit one.
TEST_F(ServerTest, TotpLoginWithRfc6238VectorsOverHttp) {
  auto user = **auth_->find_user("olivia");
  user.totp_secret = crypto::base32_encode(crypto::as_bytes("12345678901234567890"), false);
  ASSERT_TRUE(store_->put_user(user).ok());
  auto post = [&](nlohmann::json body) { return *client().post("/api/v1/login", body); };
  nlohmann::json creds = {{"username", "olivia"}, {"password", "operator-password"}};

  clock_.seconds = 59;  // 94287082
  EXPECT_EQ(error_code(post(creds)), "totp_required");
  creds["totp"] = "287081";
  EXPECT_EQ(error_code(post(creds)), "invalid_credentials");
  creds["totp"] = "287082";
  EXPECT_EQ(post(creds).status, 200);
  EXPECT_EQ(error_code(post(creds)), "invalid_credentials");  // a code works once
  clock_.seconds = 1111111111;                                // 14050471
  creds["totp"] = "050471";
  EXPECT_EQ(post(creds).status, 200);
  clock_.seconds = 2000000000;  // 69279037
  creds["totp"] = "279037";
  auto ok = post(creds);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ((*client((*ok.json())["token"]).get("/api/v1/users/me")->json())["totpEnabled"], true);
}

TEST_F(ServerTest, LoginRateLimitAnswers429) {
  ClientResponse last;
  for (int i = 0; i < 6; ++i) {
    last = *client().post("/api/v1/login",
                          {{"username", "olivia"}, {"password", "guess" + std::to_string(i)}});
  }
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(error_code(last), "too_many_requests");
  ASSERT_TRUE(last.header("Retry-After").has_value());
  EXPECT_GT(std::stoi(std::string(*last.header("Retry-After"))), 0);
  // Even the right password waits.
  auto right =
      client().post("/api/v1/login", {{"username", "olivia"}, {"password", "operator-password"}});
  EXPECT_EQ(right->status, 429);
  clock_.seconds += 61;
  EXPECT_FALSE(login("olivia", "operator-password").empty());
}

TEST_F(ServerTest, MalformedBodiesAnswer400) {
  std::string admin = login("admin", "admin-password");
  for (std::string body : {"{", "not json", "[1]", "{\"username\": 5, \"password\": \"x\"}",
                           "{\"username\": \"a\", \"password\": \"b\", \"extra\": 1}"}) {
    ClientRequest r;
    r.method = "POST";
    r.path = "/api/v1/login";
    r.body = body;
    auto resp = client().send(r);
    EXPECT_EQ(resp->status, 400) << body;
    EXPECT_EQ(error_code(*resp), "bad_request") << body;
  }
  auto bad_role = client(admin).post(
      "/api/v1/users", {{"username", "x1"}, {"password", "long-password"}, {"role", "root"}});
  EXPECT_EQ(bad_role->status, 400);
  EXPECT_NE(bad_role->error_message().find("viewer, operator or admin"), std::string::npos);
  auto bad_name = client(admin).post(
      "/api/v1/users", {{"username", "UPPER"}, {"password", "long-password"}, {"role", "viewer"}});
  EXPECT_EQ(bad_name->status, 400);
  EXPECT_EQ(client(admin).get("/api/v1/users?limit=0")->status, 400);
  EXPECT_EQ(client(admin).get("/api/v1/users?continue=garbage")->status, 400);
  EXPECT_EQ(client(admin).get("/api/v1/tokens?all=maybe")->status, 400);
}

TEST_F(ServerTest, UsersListPaginates) {
  std::string admin = login("admin", "admin-password");
  std::vector<std::string> names;
  std::string path = "/api/v1/users?limit=2";
  for (int pages = 0; pages < 5; ++pages) {
    auto r = client(admin).get(path);
    ASSERT_EQ(r->status, 200) << r->body;
    auto j = *r->json();
    for (const auto& u : j["items"]) names.push_back(u["name"]);
    if (!j["metadata"].contains("continue")) break;
    path = "/api/v1/users?limit=2&continue=" + j["metadata"]["continue"].get<std::string>();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"admin", "olivia", "victor"}));
}

TEST_F(ServerTest, BodyLimitWithContentLength) {
  ClientRequest r;
  r.method = "POST";
  r.path = "/api/v1/echo";
  r.body.assign(1u << 20, 'x');  // exactly the limit: accepted
  auto at = client().send(r);
  ASSERT_TRUE(at.ok()) << at.error().message;
  EXPECT_EQ(at->status, 200);
  EXPECT_EQ((*at->json())["size"], 1u << 20);
  r.body.push_back('y');  // one byte over
  auto over = client().send(r);
  ASSERT_TRUE(over.ok()) << over.error().message;
  EXPECT_EQ(over->status, 413);
  EXPECT_EQ(error_code(*over), "payload_too_large");
  r.body.assign(5u << 20, 'z');
  over = client().send(r);
  ASSERT_TRUE(over.ok()) << over.error().message;
  EXPECT_EQ(over->status, 413);
  // Also before authentication matters: an admin route with a huge body is still 413.
  r.path = "/api/v1/users";
  auto with_auth = client(login("admin", "admin-password")).send(r);
  ASSERT_TRUE(with_auth.ok());
  EXPECT_EQ(with_auth->status, 413);
}

TEST_F(ServerTest, BodyLimitWithChunkedEncoding) {
  ClientRequest r;
  r.method = "POST";
  r.path = "/api/v1/echo";
  r.chunked = true;
  r.body.assign(300000, 'c');
  auto small = client().send(r);
  ASSERT_TRUE(small.ok()) << small.error().message;
  EXPECT_EQ(small->status, 200);
  EXPECT_EQ((*small->json())["size"], 300000);
  r.body.assign((1u << 20) + 1, 'c');
  auto over = client().send(r);
  ASSERT_TRUE(over.ok()) << over.error().message;
  EXPECT_EQ(over->status, 413);
  EXPECT_EQ(error_code(*over), "payload_too_large");
  r.body.assign(4u << 20, 'c');
  over = client().send(r);
  ASSERT_TRUE(over.ok()) << over.error().message;
  EXPECT_EQ(over->status, 413);
}

TEST_F(ServerTest, HugeDeclaredLengthIsRefusedWithoutReading) {
  RawConnection c(server_->http_port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(
      c.send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\nabc"));
  bool closed = false;
  std::string resp = c.read_all(std::chrono::seconds(5), &closed);
  EXPECT_EQ(status_of(resp), 413) << resp;
  EXPECT_TRUE(closed);  // the unread body must not be parsed as a next request
}

TEST_F(ServerTest, BrokenBodiesNeverSmuggleARequest) {
  {
    // Poco takes the malformed size line for the end of the body; what follows it must not
    // be read as a second request, so chunked requests always close the connection.
    RawConnection c(server_->http_port());
    ASSERT_TRUE(
        c.send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               "ZZ\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
    bool closed = false;
    std::string resp = c.read_all(std::chrono::seconds(5), &closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(resp.find("HTTP/1.1", 1), std::string::npos) << resp;  // one response only
    EXPECT_EQ(resp.find("\"status\":\"ok\""), std::string::npos) << resp;
  }
  {
    RawConnection c(server_->http_port());
    ASSERT_TRUE(c.send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
    c.shutdown_write();  // the body ends 7 bytes short of its Content-Length
    std::string resp = c.read_all(std::chrono::seconds(5));
    EXPECT_EQ(status_of(resp), 400) << resp;
  }
}

TEST_F(ServerTest, EarlyErrorWithUnreadBodyClosesTheConnection) {
  RawConnection c(server_->http_port());
  ASSERT_TRUE(
      c.send("POST /api/v1/nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\n"
             "GET /api/v1/health HTTP/1.1\r\n\r\n"));  // 30 bytes that look like a request
  bool closed = false;
  std::string resp = c.read_all(std::chrono::seconds(5), &closed);
  EXPECT_EQ(status_of(resp), 404) << resp;
  EXPECT_TRUE(closed);
  EXPECT_EQ(resp.find("\"status\":\"ok\""),
            std::string::npos);  // the body was not run as a request
}

TEST_F(ServerTest, KeepAliveServesSeveralRequests) {
  RawConnection c(server_->http_port());
  ASSERT_TRUE(
      c.send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
             "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
             "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string resp = c.read_all(std::chrono::seconds(5));
  std::size_t count = 0;
  for (auto pos = resp.find("HTTP/1.1 200"); pos != std::string::npos;
       pos = resp.find("HTTP/1.1 200", pos + 1))
    ++count;
  EXPECT_EQ(count, 3u) << resp;
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutDetails) {
  auto r = client(login("victor", "viewer-password")).get("/api/v1/boom");
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(error_code(*r), "internal");
  EXPECT_EQ(r->body.find("secret internal detail"), std::string::npos);
  bool logged = false;
  for (const auto& l : log_lines()) logged |= l.find("secret internal detail") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST_F(ServerTest, MetricsScrapeParsesStrictly) {
  metrics_.add_collector([](std::vector<MetricFamily>& out) {
    out.push_back({"gitns_queries_total",
                   "DNS queries answered.",
                   MetricType::counter,
                   {{{{"protocol", "udp"}, {"qtype", "A"}, {"rcode", "NOERROR"}}, 42}},
                   {}});
  });
  ASSERT_EQ(client().get("/api/v1/health")->status, 200);
  ASSERT_EQ(client().get("/api/v1/missing")->status, 404);
  auto r = client().get("/metrics");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type"), std::string(kMetricsContentType));
  auto parsed = test::parse_prometheus_text(r->body);
  ASSERT_EQ(parsed.error, "") << r->body;
  ASSERT_NE(parsed.family("gitns_queries_total"), nullptr);
  EXPECT_EQ(parsed.family("gitns_queries_total")->samples[0].value, 42);
  const auto* http = parsed.family("gitns_http_requests_total");
  ASSERT_NE(http, nullptr);
  bool health = false, unmatched = false;
  for (const auto& s : http->samples) {
    health |= s.label("route") == "/api/v1/health" && s.label("code") == "200";
    unmatched |= s.label("route") == "unmatched" && s.label("code") == "404";
  }
  EXPECT_TRUE(health && unmatched) << r->body;
  EXPECT_NE(parsed.family("gitns_http_request_duration_seconds"), nullptr);
}

TEST(ServerStart, ReportsBadAndBusyAddresses) {
  ServerOptions o;
  o.http_listen = "127.0.0.1:notaport";
  EXPECT_EQ(Server::start(o, Router{}, {}).error().code, base::Errc::syntax);
  o.http_listen = "";
  EXPECT_EQ(Server::start(o, Router{}, {}).error().code, base::Errc::syntax);
  o.http_listen = "127.0.0.1:0";
  auto first = Server::start(o, Router{}, {});
  ASSERT_TRUE(first.ok());
  o.http_listen = "127.0.0.1:" + std::to_string((*first)->http_port());
  auto second = Server::start(o, Router{}, {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, base::Errc::in_use);
}

TEST(ListenAddress, ParsesTheForms) {
  EXPECT_EQ(parse_listen_address("8053")->host, "127.0.0.1");
  EXPECT_EQ(parse_listen_address(":8053")->port, 8053);
  EXPECT_EQ(parse_listen_address("0.0.0.0:80")->host, "0.0.0.0");
  EXPECT_EQ(parse_listen_address("[::1]:8443")->host, "::1");
  EXPECT_EQ(parse_listen_address("localhost:1")->host, "localhost");
  for (const char* bad :
       {"", "::1:80", "host.example:80", "1.2.3.4:", "1.2.3.4:70000", "[::1]8443"}) {
    EXPECT_FALSE(parse_listen_address(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace gitns::http
