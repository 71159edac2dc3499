// ZoneService: zone files in, answers out, and a failed reload keeps the served set.
#include "controller/daemon/zone_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace gitns::daemon {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// A query for NAME (dotted, no trailing dot) type A, class IN, without EDNS.
Bytes query_a(std::string_view name, uint16_t id) {
  Bytes q{uint8_t(id >> 8), uint8_t(id), 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  while (!name.empty()) {
    size_t dot = name.find('.');
    std::string_view label = name.substr(0, dot);
    q.push_back(uint8_t(label.size()));
    q.insert(q.end(), label.begin(), label.end());
    name.remove_prefix(dot == std::string_view::npos ? name.size() : dot + 1);
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});
  return q;
}

struct Header {
  uint16_t id, rcode, ancount;
  bool aa;
};

Header header(const Bytes& r) {
  return {uint16_t(r[0] << 8 | r[1]), uint16_t(r[3] & 0x0f), uint16_t(r[6] << 8 | r[7]),
          (r[2] & 0x04) != 0};
}

class ZoneServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gitns-zone-service-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write(kGood);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& text) { std::ofstream(dir_ / "example.test.zone") << text; }
  std::vector<ZoneSource> sources() const {
    return {{"example.test.", (dir_ / "example.test.zone").string()}};
  }

  Header ask(const server::QueryHandler& h, std::string_view name, server::Transport t,
             unsigned worker = 0) {
    Bytes q = query_a(name, 0x4242);
    Bytes out(t == server::Transport::tcp ? 65535 : 1232);
    server::QueryContext ctx{t, nullptr, 0, out.size(), worker};
    size_t n = h(q, out, ctx);
    EXPECT_GE(n, 12u);
    out.resize(std::max<size_t>(n, 12));
    return header(out);
  }

  static constexpr const char* kGood =
      "$TTL 300\n@ SOA ns hm 1 3600 600 86400 300\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.80\n";
  fs::path dir_;
};

TEST_F(ZoneServiceTest, AnswersFromLoadedZoneOverBothTransports) {
  ZoneService service(2, 1232);
  LoadReport report = service.load(sources());
  ASSERT_TRUE(report.ok()) << report.errors.at(0).to_string();
  EXPECT_EQ(report.zones, 1u);
  auto h = service.handler();
  for (auto t : {server::Transport::udp, server::Transport::tcp}) {
    for (unsigned worker : {0u, 1u, 7u}) {  // 7: more workers than readers still answers
      Header r = ask(h, "www.example.test", t, worker);
      EXPECT_EQ(r.id, 0x4242);
      EXPECT_EQ(r.rcode, 0);
      EXPECT_EQ(r.ancount, 1);
      EXPECT_TRUE(r.aa);
    }
  }
  EXPECT_EQ(ask(h, "nope.example.test", server::Transport::udp).rcode, 3);  // NXDOMAIN
  EXPECT_EQ(ask(h, "www.other.test", server::Transport::udp).rcode, 5);     // REFUSED
}

TEST_F(ZoneServiceTest, NothingLoadedAnswersRefused) {
  ZoneService service(1, 1232);
  EXPECT_EQ(ask(service.handler(), "www.example.test", server::Transport::udp).rcode, 5);
}

TEST_F(ZoneServiceTest, ReloadPublishesNewDataAndAFailedReloadKeepsTheOld) {
  ZoneService service(1, 1232);
  ASSERT_TRUE(service.load(sources()).ok());
  auto h = service.handler();
  EXPECT_EQ(ask(h, "new.example.test", server::Transport::udp).rcode, 3);

  write(std::string(kGood) + "new A 192.0.2.99\n");
  ASSERT_TRUE(service.load(sources()).ok());
  EXPECT_EQ(ask(h, "new.example.test", server::Transport::udp).ancount, 1);

  write(std::string(kGood) + "broken A not-an-address\n");
  LoadReport failed = service.load(sources());
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.errors.at(0).message.find("example.test.zone:6"), std::string::npos)
      << failed.errors.at(0).message;
  EXPECT_EQ(ask(h, "new.example.test", server::Transport::udp).ancount, 1);  // still served
}

TEST_F(ZoneServiceTest, EveryErrorOfEveryFileIsReported) {
  write("$TTL 300\n@ SOA ns hm 1 3600 600 86400 300\n@ NS ns\nns A 192.0.2.1\n"
        "a A 1.2.3.999\nb AAAA zz::1\n");
  auto more = sources();
  more.push_back({"missing.test.", (dir_ / "missing.test.zone").string()});
  ZoneService service(1, 1232);
  LoadReport report = service.load(more);
  ASSERT_EQ(report.errors.size(), 3u);
  EXPECT_NE(report.errors[0].message.find(":5:"), std::string::npos) << report.errors[0].message;
  EXPECT_NE(report.errors[1].message.find(":6:"), std::string::npos) << report.errors[1].message;
  EXPECT_NE(report.errors[2].message.find("missing.test.zone"), std::string::npos)
      << report.errors[2].message;
}

}  // namespace
}  // namespace gitns::daemon
