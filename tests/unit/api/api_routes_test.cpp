// The read and control routes called through the Router, without a socket: --zone mode
// (an engine and no reconciler), the query tool, record paging and filters, roles.
#include "controller/api/api_routes.h"

#include <gtest/gtest.h>

#include "controller/api/query_tool.h"
#include "tests/unit/engine/engine_test_util.h"

namespace gitns::api {
namespace {

class ApiRoutesTest : public ::testing::Test {
 protected:
  ApiRoutesTest() : engine_(engine::EngineConfig{}) {
    engine_.publish(engine::test::zone_set(
        {engine::test::example_zone(), engine::test::example_zone("other.test.", 3)}));
    ApiContext c;
    c.engine = &engine_;
    c.version = "test";
    EXPECT_TRUE(add_api_routes(router_, c).ok());
  }

  // Calls the route as the server would after authentication.
  http::Response call(const std::string& method, const std::string& target,
                      const std::string& body = "") {
    std::string path = target.substr(0, target.find('?'));
    http::Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    if (size_t q = target.find('?'); q != std::string::npos) r.query = *http::parse_query(target.substr(q + 1));
    auto segments = http::split_path(path);
    EXPECT_TRUE(segments.ok());
    http::RouteMatch m = router_.match(method, *segments);
    if (!m.route) return http::Response::not_found("no route");
    r.path_params = m.params;
    r.principal = http::Principal{"tester", http::Role::admin};
    return m.route->handler(r);
  }
  nlohmann::json json_of(const http::Response& r) { return nlohmann::json::parse(r.body); }

  engine::Engine engine_;
  http::Router router_;
};

TEST_F(ApiRoutesTest, RolesOfEveryRoute) {
  for (const http::Route& r : router_.routes()) {
    ASSERT_TRUE(r.min_role.has_value()) << r.pattern << " must not be public";
    http::Role want = r.method == "GET" ? http::Role::viewer : http::Role::operator_;
    EXPECT_EQ(*r.min_role, want) << r.method << " " << r.pattern;
  }
  EXPECT_EQ(router_.routes().size(), 12u);
}

TEST_F(ApiRoutesTest, ZoneModeListsServedZonesAndRefusesRepositoryRoutes) {
  auto z = call("GET", "/api/v1/zones");
  ASSERT_EQ(z.status, 200) << z.body;
  nlohmann::json items = json_of(z)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["name"], "example.test.");
  EXPECT_EQ(items[0]["serial"], 7);
  EXPECT_EQ(items[0]["records"], engine_.zones()->get(wire::Name::must("example.test."))->record_count());
  EXPECT_EQ(items[0]["state"], "Ready");
  EXPECT_EQ(items[1]["name"], "other.test.");
  auto st = json_of(call("GET", "/api/v1/status"));
  EXPECT_EQ(st["node"]["mode"], "zones");
  EXPECT_EQ(st["zones"].size(), 2u);
  EXPECT_EQ(call("GET", "/api/v1/zones/OTHER.test").status, 200);
  EXPECT_EQ(call("GET", "/api/v1/zones/nope.test").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/zones/a..b").status, 400);
  for (auto [method, path] : {std::pair{"GET", "/api/v1/history"}, {"GET", "/api/v1/revisions"},
                              {"GET", "/api/v1/plan"}, {"POST", "/api/v1/reconcile"},
                              {"POST", "/api/v1/suspend"}, {"POST", "/api/v1/resume"}}) {
    auto r = call(method, path);
    EXPECT_EQ(r.status, 503) << path;
    EXPECT_EQ(json_of(r)["error"]["code"], "not_ready") << path;
  }
}

TEST_F(ApiRoutesTest, RecordsPageInCanonicalOrderWithSoaFirst) {
  auto all = json_of(call("GET", "/api/v1/zones/example.test./records"))["items"];
  size_t n = engine_.zones()->get(wire::Name::must("example.test."))->record_count();
  ASSERT_EQ(all.size(), n);
  EXPECT_EQ(all[0]["type"], "SOA");
  nlohmann::json paged = nlohmann::json::array();
  std::string token;
  int pages = 0;
  do {
    auto r = call("GET", "/api/v1/zones/example.test./records?limit=4" +
                             (token.empty() ? "" : "&continue=" + token));
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json_of(r);
    for (auto& item : j["items"]) paged.push_back(item);
    token = j.contains("continue") ? j["continue"].get<std::string>() : "";
    ASSERT_LT(++pages, 20);
  } while (!token.empty());
  EXPECT_EQ(paged, all);
  EXPECT_EQ(pages, int((n + 3) / 4));
}

TEST_F(ApiRoutesTest, RecordFilters) {
  auto www = json_of(call("GET", "/api/v1/zones/example.test/records?name=WWW"))["items"];
  ASSERT_EQ(www.size(), 2u);  // A and AAAA
  EXPECT_EQ(www[0]["type"], "A");
  EXPECT_EQ(www[1]["type"], "AAAA");
  auto aaaa = json_of(call("GET", "/api/v1/zones/example.test/records?name=www.example.test&type=aaaa"))["items"];
  ASSERT_EQ(aaaa.size(), 1u);
  EXPECT_EQ(aaaa[0]["data"], "2001:db8::80");
  auto below = json_of(call("GET", "/api/v1/zones/example.test/records?name=*.example.test&type=A"))["items"];
  EXPECT_EQ(below.size(), 2u);  // ns and www; the apex is not below itself
  EXPECT_EQ(call("GET", "/api/v1/zones/example.test/records?type=NOPE").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/zones/example.test/records?limit=99999").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/zones/nope.test/records").status, 404);
}

TEST_F(ApiRoutesTest, QueryToolAnswersThroughTheEngine) {
  auto r = call("POST", "/api/v1/query", R"({"name": "www.example.test", "type": "AAAA"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json_of(r);
  EXPECT_EQ(j["rcode"], "NOERROR");
  EXPECT_EQ(j["answer"], nlohmann::json::parse(
                             R"([{"name":"www.example.test.","type":"AAAA","ttl":300,"data":"2001:db8::80"}])"));
  EXPECT_NE(std::find(j["flags"].begin(), j["flags"].end(), "aa"), j["flags"].end());
  EXPECT_GT(j["sizeBytes"].get<int>(), 12);

  auto nx = json_of(call("POST", "/api/v1/query", R"({"name": "nope.example.test."})"));
  EXPECT_EQ(nx["rcode"], "NXDOMAIN");
  EXPECT_EQ(nx["authority"][0]["type"], "SOA");
  auto refused = json_of(call("POST", "/api/v1/query", R"({"name": "elsewhere.invalid"})"));
  EXPECT_EQ(refused["rcode"], "REFUSED");

  // The big TXT RRset: truncated as over UDP, whole as over TCP.
  auto udp = json_of(call("POST", "/api/v1/query", R"({"name": "big.example.test", "type": "TXT"})"));
  auto tcp = json_of(call("POST", "/api/v1/query", R"({"name": "big.example.test", "type": "TXT", "tcp": true})"));
  EXPECT_EQ(tcp["answer"].size(), 12u);
  EXPECT_EQ(tcp["transport"], "tcp");
  EXPECT_LE(udp["sizeBytes"].get<int>(), 1232);

  for (const char* bad : {R"({"name": "a..b"})", R"({"name": "x.test", "type": "AXFR"})",
                          R"({"name": "x.test", "type": "BOGUS"})", R"({"type": "A"})",
                          R"({"name": "x.test", "dnssec": "yes"})", R"({"name": "x", "extra": 1})",
                          R"(["x"])", R"({"name": )"}) {
    auto e = call("POST", "/api/v1/query", bad);
    EXPECT_EQ(e.status, 400) << bad << " -> " << e.body;
    EXPECT_TRUE(json_of(e)["error"]["message"].is_string()) << bad;
  }
}

TEST(QueryTool, DnssecSetsDoAndEchoesTheQuestion) {
  engine::Engine e{engine::EngineConfig{}};
  e.publish(engine::test::zone_set({engine::test::example_zone()}));
  auto j = ask_engine(e, {"example.test.", "MX", true, false});
  ASSERT_TRUE(j.ok()) << j.error().to_string();
  EXPECT_EQ((*j)["question"]["name"], "example.test.");
  EXPECT_EQ((*j)["question"]["type"], "MX");
  EXPECT_EQ((*j)["answer"][0]["data"], "10 www.example.test.");
}

}  // namespace
}  // namespace gitns::api
