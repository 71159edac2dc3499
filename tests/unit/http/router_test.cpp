#include "controller/http/router.h"

#include <gtest/gtest.h>

#include "controller/http/basic_routes.h"
#include "controller/http/pagination.h"

namespace gitns::http {
namespace {

Handler named(std::string name) {
  return [name](const Request&) { return Response::text(name, "text/plain"); };
}

std::string call(const RouteMatch& m) { return m.route ? m.route->handler(Request{}).body : "-"; }

std::vector<std::string> segs(std::string_view path) { return *split_path(path); }

TEST(Router, MatchesLiteralsParamsAndRest) {
  Router r;
  ASSERT_TRUE(r.add("GET", "/api/v1/users", Role::admin, named("list")).ok());
  ASSERT_TRUE(r.add("GET", "/api/v1/users/{name}", Role::admin, named("one")).ok());
  ASSERT_TRUE(r.add("GET", "/api/v1/users/me", Role::viewer, named("me")).ok());
  ASSERT_TRUE(r.add("DELETE", "/api/v1/users/{name}", Role::admin, named("delete")).ok());
  ASSERT_TRUE(r.add("GET", "/ui/{path...}", kPublic, named("ui")).ok());

  EXPECT_EQ(call(r.match("GET", segs("/api/v1/users"))), "list");
  auto one = r.match("GET", segs("/api/v1/users/alice"));
  EXPECT_EQ(call(one), "one");
  EXPECT_EQ(one.params["name"], "alice");
  EXPECT_EQ(call(r.match("GET", segs("/api/v1/users/me"))), "me");  // literal beats {name}
  EXPECT_EQ(call(r.match("DELETE", segs("/api/v1/users/me"))), "delete");
  auto ui = r.match("GET", segs("/ui/assets/app.js"));
  EXPECT_EQ(call(ui), "ui");
  EXPECT_EQ(ui.params["path"], "assets/app.js");
  EXPECT_EQ(r.match("GET", segs("/ui")).params["path"], "");

  // Percent-decoding happens per segment: an encoded '/' stays inside the parameter.
  auto enc = r.match("GET", segs("/api/v1/users/a%2Fb"));
  EXPECT_EQ(enc.params["name"], "a/b");
}

TEST(Router, UnknownPathAndWrongMethod) {
  Router r;
  ASSERT_TRUE(r.add("GET", "/api/v1/users/{name}", Role::admin, named("one")).ok());
  ASSERT_TRUE(r.add("DELETE", "/api/v1/users/{name}", Role::admin, named("delete")).ok());
  auto none = r.match("GET", segs("/api/v1/nothing"));
  EXPECT_EQ(none.route, nullptr);
  EXPECT_TRUE(none.allowed_methods.empty());
  auto wrong = r.match("POST", segs("/api/v1/users/bob"));
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_EQ(wrong.allowed_methods, (std::vector<std::string>{"DELETE", "GET"}));
  EXPECT_EQ(r.match("GET", segs("/api/v1/users/")).route, nullptr);  // empty segment
  EXPECT_EQ(r.match("GET", segs("/api/v1/users/bob/extra")).route, nullptr);
}

TEST(Router, RejectsBadRoutes) {
  Router r;
  EXPECT_EQ(r.add("get", "/x", kPublic, named("x")).error().code, base::Errc::syntax);
  EXPECT_EQ(r.add("GET", "x", kPublic, named("x")).error().code, base::Errc::syntax);
  EXPECT_EQ(r.add("GET", "/a/{b-c}", kPublic, named("x")).error().code, base::Errc::syntax);
  EXPECT_EQ(r.add("GET", "/a/{rest...}/b", kPublic, named("x")).error().code, base::Errc::syntax);
  ASSERT_TRUE(r.add("GET", "/x", kPublic, named("x")).ok());
  EXPECT_EQ(r.add("GET", "/x", kPublic, named("x")).error().code, base::Errc::semantic);
}

TEST(Url, DecodesPathsAndQueries) {
  EXPECT_EQ(segs("/"), std::vector<std::string>{});
  EXPECT_EQ(segs("/a/b%20c"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_FALSE(split_path("/a%2").ok());
  EXPECT_FALSE(split_path("/a%zz").ok());
  EXPECT_FALSE(split_path("/a%00b").ok());
  EXPECT_FALSE(split_path("noslash").ok());
  auto q = parse_query("limit=5&continue=abc%3D&flag&x=a+b&&");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0], (std::pair<std::string, std::string>{"limit", "5"}));
  EXPECT_EQ((*q)[1].second, "abc=");
  EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ((*q)[3].second, "a+b");  // not form encoding: '+' is a plus
  EXPECT_FALSE(parse_query("a=%G1").ok());
}

Request with_query(std::vector<std::pair<std::string, std::string>> q) {
  Request r;
  r.query = std::move(q);
  return r;
}

TEST(Pagination, WalksAListPageByPage) {
  std::vector<std::string> items = {"a", "b", "c", "d", "e"};
  auto key = [](const std::string& s) -> const std::string& { return s; };
  auto to_json = [](const std::string& s) { return nlohmann::json(s); };
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    std::vector<std::pair<std::string, std::string>> q = {{"limit", "2"}};
    if (!token.empty()) q.emplace_back("continue", token);
    auto page = parse_page_request(with_query(q));
    ASSERT_TRUE(page.ok()) << page.error().message;
    auto j = paginate(items, key, to_json, *page);
    for (const auto& i : j["items"]) seen.push_back(i);
    token = j["metadata"].value("continue", "");
    if (!token.empty()) {
      EXPECT_EQ(j["metadata"]["remainingItemCount"], items.size() - seen.size());
      EXPECT_EQ(token.find_first_of("+/="), std::string::npos);  // URL-safe
    }
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, items);
  EXPECT_EQ(pages, 3);
}

TEST(Pagination, ContinuesAfterTheKeyWhenTheListChanges) {
  std::vector<std::string> items = {"a", "b", "c", "d"};
  auto key = [](const std::string& s) -> const std::string& { return s; };
  auto to_json = [](const std::string& s) { return nlohmann::json(s); };
  auto first = paginate(items, key, to_json, *parse_page_request(with_query({{"limit", "2"}})));
  std::string token = first["metadata"]["continue"];
  items = {"a", "aa", "c", "d", "e"};  // b removed, aa added before the cursor
  auto second = paginate(items, key, to_json,
                         *parse_page_request(with_query({{"limit", "10"}, {"continue", token}})));
  EXPECT_EQ(second["items"], nlohmann::json({"c", "d", "e"}));
  EXPECT_FALSE(second["metadata"].contains("continue"));
}

TEST(Pagination, RejectsBadParameters) {
  for (auto q : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"limit", "0"}},
           {{"limit", "-1"}},
           {{"limit", "x"}},
           {{"limit", "1001"}},
           {{"continue", "not-a-token"}},
           {{"continue", "djE6"}} /* "v1:" with no key */}) {
    auto page = parse_page_request(with_query(q));
    EXPECT_FALSE(page.ok()) << q[0].second;
    if (!page.ok()) {
      EXPECT_EQ(page.error().code, base::Errc::syntax);
    }
  }
  auto dflt = parse_page_request(Request{}, 50, 100);
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(dflt->limit, 50u);
  EXPECT_EQ(decode_continue_token(encode_continue_token("zone.example.")).value(), "zone.example.");
}

TEST(RequestHelpers, ValidatesJsonBodies) {
  Request r;
  r.body = R"({"name": "x", "n": 5, "big": 18446744073709551615, "neg": -3, "s": 1})";
  auto j = parse_json_object(r);
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(check_members(*j, {"name", "n", "big", "neg", "s"}).ok());
  auto unknown = check_members(*j, {"name"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown field"), std::string::npos);
  EXPECT_EQ(*string_member(*j, "name", true), "x");
  EXPECT_EQ(*string_member(*j, "absent", false), "");
  EXPECT_FALSE(string_member(*j, "absent", true).ok());
  EXPECT_FALSE(string_member(*j, "s", true).ok());        // not a string
  EXPECT_FALSE(string_member(*j, "name", true, 0).ok());  // too long
  EXPECT_EQ(*integer_member(*j, "n", 1, 10, 0), 5);
  EXPECT_EQ(*integer_member(*j, "absent", 1, 10, 7), 7);
  EXPECT_FALSE(integer_member(*j, "big", 0, 100, 0).ok());
  EXPECT_FALSE(integer_member(*j, "neg", 0, 100, 0).ok());
  EXPECT_FALSE(integer_member(*j, "name", 0, 100, 0).ok());

  for (const char* bad : {"", "{", "[1,2]", "\"str\"", "{\"a\":1} trailing"}) {
    r.body = bad;
    auto p = parse_json_object(r);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_EQ(p.error().code, base::Errc::syntax);
    }
  }
}

TEST(RequestHelpers, HeadersAreCaseInsensitiveAndErrorsHaveOneShape) {
  Request r;
  r.headers = {{"X-Gitlab-Token", "t"}, {"content-type", "application/json"}};
  EXPECT_EQ(r.header("x-gitlab-token"), "t");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Authorization"), std::nullopt);
  auto e = Response::error(418, "teapot", "short and stout \"quoted\"");
  auto j = nlohmann::json::parse(e.body);
  EXPECT_EQ(
      j,
      (nlohmann::json{{"error", {{"code", "teapot"}, {"message", "short and stout \"quoted\""}}}}));
  EXPECT_EQ(error_response({base::Errc::syntax, "bad"}).status, 400);
  EXPECT_EQ(error_response({base::Errc::not_found, "gone"}).status, 404);
  EXPECT_EQ(error_response({base::Errc::semantic, "taken"}).status, 409);
  auto hidden = error_response({base::Errc::io, "disk /secret/path failed"});
  EXPECT_EQ(hidden.status, 500);
  EXPECT_EQ(hidden.body.find("/secret/path"), std::string::npos);
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339(1111111109), "2005-03-18T01:58:29Z");
}

TEST(BasicRoutes, HealthAddsTheDetails) {
  // The details come from a function returning a temporary (a past bug iterated a
  // destroyed object and never answered).
  Router router;
  ASSERT_TRUE(add_health_route(router, [] { return nlohmann::json{{"version", "1.2"}, {"mode", "repo"}}; }).ok());
  RouteMatch m = router.match("GET", {"api", "v1", "health"});
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->min_role, kPublic);
  Response r = m.route->handler(Request{});
  EXPECT_EQ(nlohmann::json::parse(r.body),
            (nlohmann::json{{"status", "ok"}, {"version", "1.2"}, {"mode", "repo"}}));
}

}  // namespace
}  // namespace gitns::http
