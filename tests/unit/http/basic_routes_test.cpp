#include "controller/http/basic_routes.h"

#include <gtest/gtest.h>

namespace gitns::http {
namespace {

// The details callback returns a temporary; iterating it after it died hung gitnsd's
// health endpoint (and is a use-after-free under ASan).
TEST(HealthRoute, MergesDetailsIntoTheAnswer) {
  Router router;
  ASSERT_TRUE(add_health_route(router, [] {
                return nlohmann::json{{"version", "1.2.3"}, {"mode", "repo"}, {"zones", 4}};
              }).ok());
  auto m = router.match("GET", *split_path("/api/v1/health"));
  ASSERT_NE(m.route, nullptr);
  EXPECT_FALSE(m.route->min_role.has_value());
  Response r = m.route->handler(Request{});
  EXPECT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j, (nlohmann::json{{"status", "ok"}, {"version", "1.2.3"}, {"mode", "repo"}, {"zones", 4}}));
}

TEST(HealthRoute, WithoutDetailsSaysOk) {
  Router router;
  ASSERT_TRUE(add_health_route(router).ok());
  auto m = router.match("GET", *split_path("/api/v1/health"));
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(nlohmann::json::parse(m.route->handler(Request{}).body), (nlohmann::json{{"status", "ok"}}));
}

}  // namespace
}  // namespace gitns::http
