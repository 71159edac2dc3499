// Starts a real DnsServer on loopback and talks to it with plain sockets.
#include "resolver/server/dns_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/unit/server/test_client.h"

namespace gitns::server {
namespace {

using namespace std::chrono_literals;
using testing::Bytes;

constexpr uint16_t kDropId = 0xd409;   // the test handler answers nothing
constexpr uint16_t kThrowId = 0x7477;  // the test handler throws
constexpr uint16_t kBigId = 0xb16;     // the test handler answers with max_response bytes

// Echoes the query with QR set; a few IDs trigger the behaviours under test.
size_t echo(std::span<const uint8_t> q, std::span<uint8_t> out, const QueryContext& ctx) {
  if (q.size() < 12 || q.size() > out.size()) return 0;
  uint16_t id = uint16_t(q[0] << 8 | q[1]);
  if (id == kDropId) return 0;
  if (id == kThrowId) throw std::runtime_error("handler bug");
  size_t n = id == kBigId ? ctx.max_response : q.size();
  std::memset(out.data(), 0xab, n);
  std::memcpy(out.data(), q.data(), q.size());
  out[2] |= 0x80;
  return n;
}

ServerConfig loopback_config(unsigned threads = 2) {
  ServerConfig c;
  c.listen = {"127.0.0.1:0"};
  c.threads = threads;
  return c;
}

std::unique_ptr<DnsServer> start_or_die(const ServerConfig& c, QueryHandler h = echo) {
  auto s = DnsServer::start(c, std::move(h));
  if (!s.ok()) ADD_FAILURE() << s.error().to_string();
  return s.ok() ? std::move(s).value() : nullptr;
}

class Udp : public testing::Socket {
 public:
  explicit Udp(uint16_t port, const char* ip = "127.0.0.1") : Socket(AF_INET, SOCK_DGRAM) {
    auto a = testing::v4_addr(ip, port);
    EXPECT_EQ(::connect(fd(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  void send(const Bytes& b) { ASSERT_EQ(::send(fd(), b.data(), b.size(), 0), ssize_t(b.size())); }
  std::optional<Bytes> recv(int ms = 2000) { return testing::udp_recv(fd(), ms); }
};

class Tcp : public testing::Socket {
 public:
  explicit Tcp(uint16_t port) : Socket(AF_INET, SOCK_STREAM) {
    auto a = testing::v4_addr("127.0.0.1", port);
    connected_ = ::connect(fd(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    int one = 1;
    setsockopt(fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  bool connected() const { return connected_; }
  bool send(const Bytes& b) { return testing::send_all(fd(), b); }
  std::optional<Bytes> recv(int ms = 2000) { return testing::tcp_recv_message(fd(), ms); }
  // One query, one answer: the connection is being served.
  bool round_trip(uint16_t id) {
    if (!send(testing::framed(testing::make_query(id)))) return false;
    auto r = recv();
    return r && testing::id_of(*r) == id && ((*r)[2] & 0x80);
  }

 private:
  bool connected_ = false;
};

TEST(DnsServer, AnswersUdp) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  uint16_t port = server->endpoints().at(0).port();
  ASSERT_NE(port, 0);
  Udp client(port);
  client.send(testing::make_query(0x1234));
  auto r = client.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(testing::id_of(*r), 0x1234);
  EXPECT_TRUE((*r)[2] & 0x80);
  EXPECT_EQ(r->size(), 12u);
  EXPECT_EQ(server->stats().udp_queries, 1u);
  // The reply can arrive before the sending thread has counted it.
  for (int i = 0; i < 100 && server->stats().udp_responses == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(server->stats().udp_responses, 1u);
}

TEST(DnsServer, AnswersUdpOverIpv6) {
  ServerConfig c = loopback_config();
  c.listen = {"[::1]:0"};
  auto s = DnsServer::start(c, echo);
  if (!s.ok() && s.error().code == base::Errc::io) GTEST_SKIP() << "no IPv6 loopback here";
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons((*s)->endpoints().at(0).port());
  a.sin6_addr = in6addr_loopback;
  testing::Socket client(AF_INET6, SOCK_DGRAM);
  ASSERT_EQ(::connect(client.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  Bytes q = testing::make_query(0x6666);
  ASSERT_EQ(::send(client.fd(), q.data(), q.size(), 0), 12);
  auto r = testing::udp_recv(client.fd());
  ASSERT_TRUE(r);
  EXPECT_EQ(testing::id_of(*r), 0x6666);
}

TEST(DnsServer, AnswersABurstOfUdpQueriesInBatches) {
  auto server = start_or_die(loopback_config(1));
  ASSERT_TRUE(server);
  Udp client(server->endpoints()[0].port());
  constexpr int kQueries = 200;
  std::vector<bool> seen(kQueries, false);
  for (int i = 0; i < kQueries; ++i) client.send(testing::make_query(uint16_t(i)));
  int answered = 0;
  while (auto r = client.recv(1000)) {
    uint16_t id = testing::id_of(*r);
    ASSERT_LT(id, kQueries);
    EXPECT_FALSE(seen[id]) << "answered twice: " << id;
    seen[id] = true;
    ++answered;
  }
  EXPECT_EQ(answered, kQueries);
}

TEST(DnsServer, UdpHandlerSeesPeerAndTransportLimit) {
  std::atomic<int> peer_port{-1};
  std::atomic<size_t> max_response{0};
  ServerConfig c = loopback_config();
  c.udp_max_payload = 1400;
  auto server = start_or_die(c, [&](auto q, auto out, const QueryContext& ctx) {
    if (ctx.transport == Transport::udp && ctx.peer && ctx.peer->sa_family == AF_INET)
      peer_port = ntohs(reinterpret_cast<const sockaddr_in*>(ctx.peer)->sin_port);
    max_response = ctx.max_response;
    return echo(q, out, ctx);
  });
  ASSERT_TRUE(server);
  Udp client(server->endpoints()[0].port());
  client.send(testing::make_query(kBigId));
  auto r = client.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 1400u);
  EXPECT_EQ(max_response.load(), 1400u);
  EXPECT_EQ(peer_port.load(), testing::local_port(client.fd()));
}

TEST(DnsServer, UdpDropsWhenHandlerReturnsZero) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  Udp client(server->endpoints()[0].port());
  client.send(testing::make_query(kDropId));
  client.send(testing::make_query(0x0042));
  auto r = client.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(testing::id_of(*r), 0x0042);
  EXPECT_FALSE(client.recv(200));
  EXPECT_EQ(server->stats().udp_dropped, 1u);
}

TEST(DnsServer, HandlerExceptionIsCountedAndTheThreadSurvives) {
  auto server = start_or_die(loopback_config(1));  // one thread: it must be the survivor
  ASSERT_TRUE(server);
  uint16_t port = server->endpoints()[0].port();
  Udp client(port);
  client.send(testing::make_query(kThrowId));
  EXPECT_FALSE(client.recv(200));
  client.send(testing::make_query(0x0043));
  auto r = client.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(testing::id_of(*r), 0x0043);

  // Over TCP the answers before the failure are sent, then the connection is closed.
  Tcp tcp(port);
  ASSERT_TRUE(tcp.connected());
  Bytes batch = testing::framed(testing::make_query(1));
  Bytes bad = testing::framed(testing::make_query(kThrowId));
  batch.insert(batch.end(), bad.begin(), bad.end());
  ASSERT_TRUE(tcp.send(batch));
  auto first = tcp.recv();
  ASSERT_TRUE(first);
  EXPECT_EQ(testing::id_of(*first), 1);
  EXPECT_TRUE(testing::closed_by_peer(tcp.fd(), 2000));
  Tcp again(port);
  EXPECT_TRUE(again.round_trip(7));
  EXPECT_EQ(server->stats().handler_errors, 2u);
}

TEST(DnsServer, OversizedHandlerResultIsAnError) {
  auto server = start_or_die(loopback_config(1), [](auto, std::span<uint8_t> out, auto&) {
    return out.size() + 1;
  });
  ASSERT_TRUE(server);
  Udp client(server->endpoints()[0].port());
  client.send(testing::make_query(1));
  EXPECT_FALSE(client.recv(200));
  EXPECT_EQ(server->stats().handler_errors, 1u);
}

TEST(DnsServer, AnswersTcp) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  Tcp client(server->endpoints()[0].port());
  ASSERT_TRUE(client.connected());
  EXPECT_TRUE(client.round_trip(0x5151));
  EXPECT_TRUE(client.round_trip(0x5152));  // the connection stays open for more
  EXPECT_EQ(server->stats().tcp_queries, 2u);
  EXPECT_EQ(server->stats().tcp_accepted, 1u);
}

TEST(DnsServer, TcpAnswersPipelinedQueries) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  Tcp client(server->endpoints()[0].port());
  Bytes all;
  for (uint16_t id : {11, 12, 13}) {
    Bytes f = testing::framed(testing::make_query(id));
    all.insert(all.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(client.send(all));  // three queries in one write
  for (uint16_t id : {11, 12, 13}) {
    auto r = client.recv();
    ASSERT_TRUE(r) << "no answer for " << id;
    EXPECT_EQ(testing::id_of(*r), id);
  }
}

TEST(DnsServer, TcpAnswersMorePipelinedQueriesThanOneBatch) {
  ServerConfig c = loopback_config();
  c.tcp_max_pipelined = 4;
  auto server = start_or_die(c);
  ASSERT_TRUE(server);
  Tcp client(server->endpoints()[0].port());
  Bytes all;
  for (uint16_t id = 1; id <= 50; ++id) {
    Bytes f = testing::framed(testing::make_query(id));
    all.insert(all.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(client.send(all));
  for (uint16_t id = 1; id <= 50; ++id) {
    auto r = client.recv();
    ASSERT_TRUE(r) << "no answer for " << id;
    EXPECT_EQ(testing::id_of(*r), id);
  }
}

TEST(DnsServer, TcpFramingSplitAcrossWrites) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  Tcp client(server->endpoints()[0].port());
  Bytes f = testing::framed(testing::make_query(0x0b0b, 40));
  for (uint8_t byte : f) {  // one byte per segment
    ASSERT_TRUE(client.send({byte}));
    std::this_thread::sleep_for(2ms);
  }
  auto r = client.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(testing::id_of(*r), 0x0b0b);
  EXPECT_EQ(r->size(), 40u);
}

TEST(DnsServer, TcpCarriesLargeQueriesAndResponses) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  Tcp client(server->endpoints()[0].port());
  ASSERT_TRUE(client.send(testing::framed(testing::make_query(0x0c0c, 65535))));
  auto echoed = client.recv();
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->size(), 65535u);
  ASSERT_TRUE(client.send(testing::framed(testing::make_query(kBigId))));
  auto big = client.recv();
  ASSERT_TRUE(big);
  EXPECT_EQ(big->size(), 65535u);  // max_response over TCP
  EXPECT_EQ((*big)[65534], 0xab);
}

TEST(DnsServer, TcpDropWhenHandlerReturnsZeroKeepsConnection) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  Tcp client(server->endpoints()[0].port());
  ASSERT_TRUE(client.send(testing::framed(testing::make_query(kDropId))));
  EXPECT_TRUE(client.round_trip(0x0101));
}

TEST(DnsServer, TcpIdleTimeoutClosesConnection) {
  ServerConfig c = loopback_config();
  c.tcp_idle_timeout = 300ms;
  auto server = start_or_die(c);
  ASSERT_TRUE(server);
  uint16_t port = server->endpoints()[0].port();

  Tcp busy(port);  // activity keeps a connection open past the timeout
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(busy.round_trip(uint16_t(i))) << "closed while active, round " << i;
    std::this_thread::sleep_for(100ms);
  }

  Tcp idle(port);
  ASSERT_TRUE(idle.round_trip(1));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(testing::closed_by_peer(idle.fd(), 3000));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_GE(server->stats().tcp_idle_timeouts, 1u);

  // A peer that stalls mid-frame is timed out too.
  Tcp stalled(port);
  ASSERT_TRUE(stalled.send({0x00, 0x20, 0x01}));
  EXPECT_TRUE(testing::closed_by_peer(stalled.fd(), 3000));
}

TEST(DnsServer, TcpConnectionLimit) {
  ServerConfig c = loopback_config();
  c.tcp_max_connections = 2;
  auto server = start_or_die(c);
  ASSERT_TRUE(server);
  uint16_t port = server->endpoints()[0].port();
  auto a = std::make_unique<Tcp>(port);
  Tcp b(port);
  ASSERT_TRUE(a->round_trip(1));
  ASSERT_TRUE(b.round_trip(2));

  Tcp over(port);  // the kernel completes the handshake; the server closes it at once
  EXPECT_TRUE(testing::closed_by_peer(over.fd(), 2000));
  EXPECT_EQ(server->stats().tcp_refused, 1u);
  EXPECT_TRUE(b.round_trip(3));  // the admitted ones are unaffected

  a.reset();  // a slot frees up once the server sees the close
  bool admitted = false;
  for (int i = 0; i < 20 && !admitted; ++i) {
    std::this_thread::sleep_for(50ms);
    Tcp next(port);
    admitted = next.round_trip(4);
  }
  EXPECT_TRUE(admitted);
}

TEST(DnsServer, TcpZeroLengthFrameCloses) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  Tcp client(server->endpoints()[0].port());
  ASSERT_TRUE(client.round_trip(1));
  ASSERT_TRUE(client.send({0x00, 0x00}));
  EXPECT_TRUE(testing::closed_by_peer(client.fd(), 2000));
  EXPECT_EQ(server->stats().tcp_bad_frames, 1u);
}

TEST(DnsServer, TcpShortReadCloses) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  Tcp client(server->endpoints()[0].port());
  ASSERT_TRUE(client.send({0x00, 0x40, 0x12, 0x34}));  // 64 announced, 2 sent
  ::shutdown(client.fd(), SHUT_WR);
  EXPECT_TRUE(testing::closed_by_peer(client.fd(), 2000));
  for (int i = 0; i < 40 && server->stats().tcp_bad_frames == 0; ++i) std::this_thread::sleep_for(25ms);
  EXPECT_EQ(server->stats().tcp_bad_frames, 1u);
}

TEST(DnsServer, GarbageNeverCrashes) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  uint16_t port = server->endpoints()[0].port();
  Udp udp(port);
  udp.send({});                          // empty datagram
  udp.send({0xff});                      // one byte
  udp.send(Bytes(65000, 0xff));          // far larger than any query
  Tcp tcp(port);
  ASSERT_TRUE(tcp.send({0xff, 0xff}));   // announces 65535, sends nothing more
  tcp.close();
  Tcp again(port);
  EXPECT_TRUE(again.round_trip(9));
  udp.send(testing::make_query(10));
  auto r = udp.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(testing::id_of(*r), 10);
}

TEST(DnsServer, PortInUseByUdpSocketIsAnError) {
  testing::Socket other(AF_INET, SOCK_DGRAM);
  auto a = testing::v4_addr("127.0.0.1", 0);
  ASSERT_EQ(::bind(other.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  std::string addr = "127.0.0.1:" + std::to_string(testing::local_port(other.fd()));
  ServerConfig c = loopback_config();
  c.listen = {addr};
  auto s = DnsServer::start(c, echo);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, base::Errc::in_use);
  EXPECT_NE(s.error().message.find(addr), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("UDP"), std::string::npos) << s.error().message;
}

TEST(DnsServer, PortInUseByReuseportTcpListenerIsAnError) {
  testing::Socket other(AF_INET, SOCK_STREAM);
  int one = 1;
  setsockopt(other.fd(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);  // a server like ours
  auto a = testing::v4_addr("127.0.0.1", 0);
  ASSERT_EQ(::bind(other.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(other.fd(), 4), 0);
  std::string addr = "127.0.0.1:" + std::to_string(testing::local_port(other.fd()));
  ServerConfig c = loopback_config();
  c.listen = {addr};
  auto s = DnsServer::start(c, echo);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, base::Errc::in_use);
  EXPECT_NE(s.error().message.find(addr), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("TCP"), std::string::npos) << s.error().message;
}

TEST(DnsServer, SecondServerOnSamePortIsRefused) {
  auto first = start_or_die(loopback_config());
  ASSERT_TRUE(first);
  ServerConfig c = loopback_config();
  c.listen = {first->endpoints()[0].to_string()};
  auto second = DnsServer::start(c, echo);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, base::Errc::in_use);
}

TEST(DnsServer, StopReleasesThePort) {
  auto server = start_or_die(loopback_config());
  ASSERT_TRUE(server);
  std::string addr = server->endpoints()[0].to_string();
  Tcp open_conn(server->endpoints()[0].port());
  ASSERT_TRUE(open_conn.round_trip(1));
  server->stop();
  server->stop();  // idempotent
  EXPECT_EQ(server->stats().tcp_queries, 1u);  // counts survive stop()
  ServerConfig c = loopback_config();
  c.listen = {addr};
  auto again = start_or_die(c);
  ASSERT_TRUE(again);
  Udp client(again->endpoints()[0].port());
  client.send(testing::make_query(2));
  EXPECT_TRUE(client.recv());
}

TEST(DnsServer, WildcardListenerRepliesFromTheQueriedAddress) {
  ServerConfig c = loopback_config();
  c.listen = {"0.0.0.0:0"};
  auto server = start_or_die(c);
  ASSERT_TRUE(server);
  // A connected socket accepts only replies from 127.0.0.2, the address it queried.
  Udp client(server->endpoints()[0].port(), "127.0.0.2");
  client.send(testing::make_query(0x0202));
  auto r = client.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(testing::id_of(*r), 0x0202);
}

TEST(DnsServer, SeveralListenAddresses) {
  ServerConfig c = loopback_config();
  c.listen = {"127.0.0.1:0", "127.0.0.3:0"};
  auto server = start_or_die(c);
  ASSERT_TRUE(server);
  ASSERT_EQ(server->endpoints().size(), 2u);
  Udp one(server->endpoints()[0].port());
  Udp three(server->endpoints()[1].port(), "127.0.0.3");
  one.send(testing::make_query(1));
  three.send(testing::make_query(3));
  EXPECT_TRUE(one.recv());
  EXPECT_TRUE(three.recv());
}

TEST(DnsServer, RejectsBadConfig) {
  ServerConfig c = loopback_config();
  c.listen = {"localhost:53"};
  auto s = DnsServer::start(c, echo);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, base::Errc::syntax);

  c = loopback_config();
  c.udp_max_payload = 100;
  EXPECT_EQ(DnsServer::start(c, echo).error().code, base::Errc::limit);
  EXPECT_FALSE(DnsServer::start(loopback_config(), nullptr).ok());
}

}  // namespace
}  // namespace gitns::server
