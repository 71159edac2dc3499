// The engine facade: publish before and after start, one swap per publish, stats.
#include "resolver/engine.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zonefile.h"

namespace gitns::engine {
namespace {

std::shared_ptr<const zone::ZoneSet> one_zone(const std::string& origin, const std::string& www) {
  zone::ZoneFileOptions opts;
  opts.origin = wire::Name::must(origin);
  auto parsed = zone::parse_zone_file(
      "$TTL 300\n@ SOA ns hm 1 3600 600 86400 300\n@ NS ns\nns A 192.0.2.1\nwww A " + www + "\n",
      opts);
  EXPECT_TRUE(parsed.ok());
  zone::ZoneBuilder b(opts.origin);
  for (const auto& r : parsed.records) b.add(r.rr);
  auto built = b.build();
  EXPECT_TRUE(built.ok());
  return *zone::ZoneSet::create({built.zone});
}

// "www.<zone>" A over UDP to 127.0.0.1:port; returns the rcode (or -1 on no answer).
int ask(uint16_t port, const std::string& zone) {
  std::vector<uint8_t> q{0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w'};
  size_t start = 0;
  std::string z = zone;
  while (start < z.size()) {
    size_t dot = z.find('.', start);
    if (dot == std::string::npos) dot = z.size();
    q.push_back(uint8_t(dot - start));
    q.insert(q.end(), z.begin() + long(start), z.begin() + long(dot));
    start = dot + 1;
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  uint8_t buf[512];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ::close(fd);
  return n >= 12 ? buf[3] & 0x0f : -1;
}

TEST(Engine, PublishBeforeStartThenServe) {
  EngineConfig c;
  c.server.listen = {"127.0.0.1:0"};
  c.server.threads = 2;
  Engine e(c);
  EXPECT_EQ(e.threads(), 2u);
  EXPECT_TRUE(e.endpoints().empty());
  EXPECT_FALSE(e.stats().running);
  uint64_t g0 = e.stats().generation;
  e.publish(one_zone("a.test.", "192.0.2.80"));
  EXPECT_GT(e.stats().generation, g0);
  EXPECT_EQ(e.stats().zones, 1u);
  ASSERT_TRUE(e.start().ok());
  EXPECT_FALSE(e.start().ok());  // once
  ASSERT_EQ(e.endpoints().size(), 1u);
  uint16_t port = e.endpoints()[0].port();
  EXPECT_EQ(ask(port, "a.test"), 0);
  EXPECT_EQ(ask(port, "b.test"), 5);  // REFUSED: not published
  e.publish(one_zone("b.test.", "192.0.2.81"));
  EXPECT_EQ(ask(port, "b.test"), 0);
  EXPECT_EQ(ask(port, "a.test"), 5);  // the whole set was replaced
  EXPECT_GE(e.stats().server.udp_queries, 4u);
  e.publish(nullptr);  // an empty set, not a crash
  EXPECT_EQ(e.zones()->size(), 0u);
  e.stop();
  e.stop();
}

TEST(Engine, PortInUseIsReported) {
  EngineConfig c;
  c.server.listen = {"127.0.0.1:0"};
  c.server.threads = 1;
  Engine first(c);
  ASSERT_TRUE(first.start().ok());
  c.server.listen = {first.endpoints()[0].to_string()};
  Engine second(c);
  auto s = second.start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, base::Errc::in_use);
}

}  // namespace
}  // namespace gitns::engine
