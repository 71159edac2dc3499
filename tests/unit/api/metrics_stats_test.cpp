// QpsHistory's bucket math (driven with sample_now), the JSON of GET /api/v1/stats, and
// the route over real HTTP with the role check.
#include <gtest/gtest.h>

#include "controller/api/metrics_families.h"
#include "resolver/wire/rdata.h"
#include "tests/unit/engine/engine_test_util.h"
#include "tests/unit/http/test_util.h"

namespace gitns::api {
namespace {

namespace rrtype = wire::rrtype;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

// 2023-11-14T22:13:20Z, a multiple of 10 s.
constexpr int64_t kT0 = 1'700'000'000;
TimePoint at(double s) {
  return TimePoint(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::duration<double>(double(kT0) + s)));
}

class StatsTest : public ::testing::Test {
 protected:
  StatsTest() : engine_(config()), qps_(engine_) {
    engine_.publish(engine::test::zone_set({engine::test::example_zone()}));
  }
  static engine::EngineConfig config() {
    engine::EngineConfig c;
    c.server.threads = 2;
    return c;
  }
  // n queries through the engine's handler, as its worker 0 would answer them.
  void ask(int n, const std::string& name = "www.example.test.", uint16_t qtype = rrtype::A,
           server::Transport t = server::Transport::udp) {
    server::QueryContext ctx;
    ctx.transport = t;
    std::vector<uint8_t> out(ctx.max_response = 1232);
    auto q = engine::test::query(name, qtype);
    for (int i = 0; i < n; ++i) engine_.handler()(q, out, ctx);
  }

  engine::Engine engine_;
  QpsHistory qps_;
};

TEST_F(StatsTest, FirstSampleIsOnlyTheBaseline) {
  ask(100);
  qps_.sample_now(at(3));
  EXPECT_EQ(qps_.to_json(), nlohmann::json::array());
}

TEST_F(StatsTest, RateIsQueriesOverCoveredSecondsPerBucket) {
  qps_.sample_now(at(3));
  ask(50);
  qps_.sample_now(at(13));  // 50 queries in 10 s, in the bucket starting at kT0 + 10
  nlohmann::json j = qps_.to_json();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["t"], kT0 + 10);
  EXPECT_DOUBLE_EQ(j[0]["qps"].get<double>(), 5.0);

  ask(30);
  qps_.sample_now(at(18));  // the same bucket: 80 queries over 15 s
  ask(0);
  qps_.sample_now(at(20));  // a bucket of its own (boundaries belong to the later bucket)
  j = qps_.to_json();
  ASSERT_EQ(j.size(), 2u) << j.dump();
  EXPECT_EQ(j[0]["t"], kT0 + 10);
  EXPECT_DOUBLE_EQ(j[0]["qps"].get<double>(), 80.0 / 15.0);
  EXPECT_EQ(j[1]["t"], kT0 + 20);
  EXPECT_DOUBLE_EQ(j[1]["qps"].get<double>(), 0.0);
}

TEST_F(StatsTest, AnHourOfBucketsOldestFirst) {
  qps_.sample_now(at(0));
  for (int i = 1; i <= 400; ++i) {
    ask(i % 7);
    qps_.sample_now(at(10.0 * i + 1));
  }
  nlohmann::json j = qps_.to_json();
  ASSERT_EQ(j.size(), QpsHistory::kBuckets);
  EXPECT_EQ(j.back()["t"], kT0 + 4000);
  EXPECT_EQ(j.front()["t"], kT0 + 4000 - 3590);
  for (size_t k = 1; k < j.size(); ++k)
    EXPECT_EQ(j[k]["t"].get<int64_t>(), j[k - 1]["t"].get<int64_t>() + 10);
  // The bucket at kT0 + 4000 holds the queries of sample 400: 400 % 7 = 1 over 10 s.
  EXPECT_DOUBLE_EQ(j.back()["qps"].get<double>(), 0.1);
}

TEST_F(StatsTest, OldBucketsLeaveTheWindowAfterAGap) {
  qps_.sample_now(at(0));
  ask(10);
  qps_.sample_now(at(10));
  ask(72);
  qps_.sample_now(at(10 + 3600 + 5));  // an hour and more later: the old bucket is gone
  nlohmann::json j = qps_.to_json();
  ASSERT_EQ(j.size(), 1u) << j.dump();
  EXPECT_EQ(j[0]["t"], kT0 + 3610);
  EXPECT_DOUBLE_EQ(j[0]["qps"].get<double>(), 72.0 / 3605.0);
}

TEST_F(StatsTest, ClockGoingBackOnlyResetsTheBaseline) {
  qps_.sample_now(at(100));
  ask(20);
  qps_.sample_now(at(50));  // the wall clock stepped back
  EXPECT_EQ(qps_.to_json(), nlohmann::json::array());
  ask(10);
  qps_.sample_now(at(60));
  nlohmann::json j = qps_.to_json();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["t"], kT0 + 60);
  EXPECT_DOUBLE_EQ(j[0]["qps"].get<double>(), 1.0);
}

TEST_F(StatsTest, SamplerStartsAndStopsPromptly) {
  auto begin = std::chrono::steady_clock::now();
  qps_.start();
  qps_.start();  // idempotent
  qps_.stop();
  qps_.stop();
  qps_.start();  // and again after a stop
  qps_.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, seconds(2));
}

TEST_F(StatsTest, StatsJsonShape) {
  ask(3);
  ask(2, "nope.example.test.", rrtype::AAAA);
  ask(1, "www.example.test.", 999, server::Transport::tcp);
  qps_.sample_now(at(0));
  ask(4);
  qps_.sample_now(at(10));
  nlohmann::json j = stats_json(engine_.stats(), qps_);
  ASSERT_TRUE(j.is_object());
  const auto& q = j["queries"];
  EXPECT_EQ(q["total"], 10);
  EXPECT_EQ(q["udp"], 9);
  EXPECT_EQ(q["tcp"], 1);
  EXPECT_EQ(q["responses"], 10);
  EXPECT_EQ(q["truncated"], 0);
  EXPECT_EQ(q["dropped"], 0);
  EXPECT_EQ(q["malformed"], 0);
  EXPECT_EQ(q["byRcode"], nlohmann::json({{"NOERROR", 8}, {"NXDOMAIN", 2}}));
  EXPECT_EQ(q["byQtype"], nlohmann::json({{"A", 7}, {"AAAA", 2}, {"other", 1}}));
  ASSERT_TRUE(j["qps"].is_array());
  ASSERT_EQ(j["qps"].size(), 1u);
  EXPECT_EQ(j["qps"][0]["t"], kT0 + 10);
  EXPECT_DOUBLE_EQ(j["qps"][0]["qps"].get<double>(), 0.4);
}

// GET /api/v1/stats through the real HTTP server: viewers may read it, anonymous callers
// get 401.
TEST_F(StatsTest, RouteOverHttpNeedsAViewer) {
  http::test::TempDir dir;
  http::test::FakeClock clock;
  http::MemoryUserStore users;
  http::AuthService auth(users, http::test::fast_auth_config(clock));
  ASSERT_TRUE(auth.create_user("victor", "viewer-password", http::Role::viewer).ok());
  http::Router router;
  ASSERT_TRUE(http::add_auth_routes(router, auth).ok());
  ASSERT_TRUE(add_stats_routes(router, engine_, qps_).ok());
  EXPECT_FALSE(add_stats_routes(router, engine_, qps_).ok());  // registered once
  http::ServerOptions options;
  options.http_listen = "127.0.0.1:0";
  options.state_dir = dir.path().string();
  auto server = http::Server::start(options, std::move(router), auth.authenticator());
  ASSERT_TRUE(server.ok()) << server.error().message;

  http::ClientOptions co;
  co.base_url = "http://127.0.0.1:" + std::to_string((*server)->http_port());
  co.timeout = seconds(10);
  auto anonymous = http::Client(co).get("/api/v1/stats");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->status, 401);

  nlohmann::json credentials = {{"username", "victor"}, {"password", "viewer-password"}};
  auto login = http::Client(co).post("/api/v1/login", credentials);
  ASSERT_TRUE(login.ok() && login->status == 200);
  co.token = (*login->json())["token"].get<std::string>();
  ask(5);
  auto r = http::Client(co).get("/api/v1/stats");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = r->json();
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["queries"]["total"], 5);
  EXPECT_EQ((*j)["queries"]["byQtype"]["A"], 5);
  EXPECT_TRUE((*j)["qps"].is_array());
  (*server)->stop();
}

}  // namespace
}  // namespace gitns::api
