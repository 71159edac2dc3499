#include "resolver/server/endpoint.h"

#include <gtest/gtest.h>

namespace gitns::server {
namespace {

TEST(Endpoint, ParsesIpv4AndBracketedIpv6) {
  auto v4 = parse_endpoint("127.0.0.1:1053");
  ASSERT_TRUE(v4.ok()) << v4.error().to_string();
  EXPECT_EQ(v4->family(), AF_INET);
  EXPECT_EQ(v4->port(), 1053);
  EXPECT_EQ(v4->to_string(), "127.0.0.1:1053");
  EXPECT_FALSE(v4->is_wildcard());

  auto v6 = parse_endpoint("[::1]:53");
  ASSERT_TRUE(v6.ok()) << v6.error().to_string();
  EXPECT_EQ(v6->family(), AF_INET6);
  EXPECT_EQ(v6->port(), 53);
  EXPECT_EQ(v6->to_string(), "[::1]:53");

  EXPECT_TRUE(parse_endpoint("0.0.0.0:0")->is_wildcard());
  EXPECT_TRUE(parse_endpoint("[::]:65535")->is_wildcard());
}

TEST(Endpoint, RejectsWithAReason) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"127.0.0.1", "no port"},
      {"127.0.0.1:", "port must be"},
      {"127.0.0.1:65536", "port must be"},
      {"127.0.0.1:53x", "port must be"},
      {"127.0.0.1:-1", "port must be"},
      {"::1:53", "needs brackets"},
      {"[::1]53", "no port"},
      {"[::1", "no port"},
      {"[127.0.0.1]:53", "not a numeric"},
      {"localhost:53", "not a numeric"},
      {"256.1.1.1:53", "not a numeric"},
      {":53", "not a numeric"},
      {"", "no port"},
  };
  for (const Case& c : cases) {
    auto r = parse_endpoint(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, base::Errc::syntax) << c.text;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.text << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("expected ADDR:PORT"), std::string::npos) << c.text;
  }
}

}  // namespace
}  // namespace gitns::server
