// Engine query statistics: what each outcome counts, and per-worker counters summed
// exactly, through the handler from concurrent threads and through real sockets.
#include <gtest/gtest.h>

#include <thread>

#include "resolver/engine.h"
#include "resolver/wire/rdata.h"
#include "tests/unit/engine/engine_test_util.h"

namespace gitns::engine {
namespace {

namespace rrtype = wire::rrtype;
namespace rcode = wire::rcode;
using test::Bytes;

constexpr size_t kUdp = 0, kTcp = 1;

TEST(QueryStatsIndex, QtypesAndOther) {
  EXPECT_EQ(QueryStats::qtype_index(rrtype::A), 0u);
  EXPECT_EQ(QueryStats::kQtypes[QueryStats::qtype_index(rrtype::AAAA)], rrtype::AAAA);
  EXPECT_EQ(QueryStats::kQtypes[QueryStats::qtype_index(rrtype::CAA)], rrtype::CAA);
  EXPECT_EQ(QueryStats::kQtypes[QueryStats::qtype_index(rrtype::ANY)], rrtype::ANY);
  const size_t other = QueryStats::kQtypes.size();
  EXPECT_EQ(QueryStats::qtype_index(0), other);
  EXPECT_EQ(QueryStats::qtype_index(rrtype::HINFO), other);
  EXPECT_EQ(QueryStats::qtype_index(256), other);
  EXPECT_EQ(QueryStats::qtype_index(65535), other);
  for (size_t i = 0; i < QueryStats::kQtypes.size(); ++i)
    EXPECT_EQ(QueryStats::qtype_index(QueryStats::kQtypes[i]), i);
}

TEST(QueryStatsIndex, SizeBucketsAreUpperInclusive) {
  EXPECT_EQ(QueryStats::size_index(12), 0u);
  EXPECT_EQ(QueryStats::size_index(64), 0u);
  EXPECT_EQ(QueryStats::size_index(65), 1u);
  EXPECT_EQ(QueryStats::size_index(512), 3u);
  EXPECT_EQ(QueryStats::size_index(513), 4u);
  EXPECT_EQ(QueryStats::size_index(4096), 6u);
  EXPECT_EQ(QueryStats::size_index(4097), 7u);
  EXPECT_EQ(QueryStats::size_index(65535), QueryStats::kSizeBounds.size());
  // Every size against the definition: the first bound not below it, else the last bucket.
  for (size_t bytes = 0; bytes <= 70000; ++bytes) {
    size_t want = 0;
    while (want < QueryStats::kSizeBounds.size() && bytes > QueryStats::kSizeBounds[want]) ++want;
    ASSERT_EQ(QueryStats::size_index(bytes), want) << bytes;
  }
}

class HandlerStats : public ::testing::Test {
 protected:
  HandlerStats() : engine_(config()) { engine_.publish(test::zone_set({test::example_zone()})); }
  static EngineConfig config() {
    EngineConfig c;
    c.server.threads = 3;
    return c;
  }
  // Asks through the handler as worker `worker` would; returns the response size.
  size_t ask(const Bytes& q, server::Transport t = server::Transport::udp, unsigned worker = 0) {
    server::QueryContext ctx;
    ctx.transport = t;
    ctx.worker = worker;
    ctx.max_response = t == server::Transport::tcp ? 65535 : 1232;
    std::vector<uint8_t> out(ctx.max_response);
    size_t n = engine_.handler()(q, out, ctx);
    if (n > 0) last_ = Bytes(out.begin(), out.begin() + long(n));
    return n;
  }
  Engine engine_;
  Bytes last_;
};

TEST_F(HandlerStats, EachOutcomeCountsWhereItShould) {
  EXPECT_EQ(engine_.stats().queries.total(), 0u);
  size_t bytes_udp = 0, bytes_tcp = 0;
  bytes_udp += ask(test::query("www.example.test.", rrtype::A), server::Transport::udp, 0);
  EXPECT_EQ(test::rcode_of(last_), rcode::NOERROR);
  bytes_udp += ask(test::query("nope.example.test.", rrtype::AAAA), server::Transport::udp, 1);
  EXPECT_EQ(test::rcode_of(last_), rcode::NXDOMAIN);
  bytes_udp += ask(test::query("www.elsewhere.", rrtype::A), server::Transport::udp, 2);
  EXPECT_EQ(test::rcode_of(last_), rcode::REFUSED);
  bytes_udp += ask(test::query("www.example.test.", rrtype::HINFO), server::Transport::udp, 0);
  // No EDNS over UDP: 512 bytes, the TXT RRset does not fit.
  bytes_udp += ask(test::query("big.example.test.", rrtype::TXT), server::Transport::udp, 1);
  EXPECT_TRUE(test::tc_of(last_));
  bytes_tcp += ask(test::query("big.example.test.", rrtype::TXT), server::Transport::tcp, 2);
  EXPECT_FALSE(test::tc_of(last_));
  EXPECT_GT(last_.size(), 512u);
  size_t big_tcp = last_.size();
  // A header promising a question that is not there: FORMERR, malformed.
  Bytes no_question{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  bytes_udp += ask(no_question, server::Transport::udp, 0);
  EXPECT_EQ(test::rcode_of(last_), rcode::FORMERR);
  // Too short for a header, and a response sent to us: both dropped unanswered.
  EXPECT_EQ(ask(Bytes{1, 2, 3}, server::Transport::udp, 1), 0u);
  Bytes response = test::query("www.example.test.", rrtype::A);
  response[2] |= 0x80;
  EXPECT_EQ(ask(response, server::Transport::tcp, 2), 0u);

  QueryStats s = engine_.stats().queries;
  EXPECT_EQ(s.queries[kUdp], 7u);
  EXPECT_EQ(s.queries[kTcp], 2u);
  EXPECT_EQ(s.total(), 9u);
  EXPECT_EQ(s.responses(), 7u);
  EXPECT_EQ(s.dropped, 2u);
  EXPECT_EQ(s.malformed, 3u);
  EXPECT_EQ(s.truncated, 1u);
  EXPECT_EQ(s.by_qtype[QueryStats::qtype_index(rrtype::A)], 2u);
  EXPECT_EQ(s.by_qtype[QueryStats::qtype_index(rrtype::AAAA)], 1u);
  EXPECT_EQ(s.by_qtype[QueryStats::qtype_index(rrtype::TXT)], 2u);
  EXPECT_EQ(s.by_qtype.back(), 2u);  // HINFO and the unparsable one
  EXPECT_EQ(s.by_rcode[rcode::NOERROR], 4u);  // A, HINFO (NODATA), TXT over UDP and TCP
  EXPECT_EQ(s.by_rcode[rcode::NXDOMAIN], 1u);
  EXPECT_EQ(s.by_rcode[rcode::REFUSED], 1u);  // out of zone
  EXPECT_EQ(s.by_rcode[rcode::FORMERR], 1u);
  EXPECT_EQ(s.response_size[kUdp].sum, bytes_udp);
  EXPECT_EQ(s.response_size[kTcp].sum, bytes_tcp);
  EXPECT_EQ(s.response_size[kUdp].count(), 6u);
  EXPECT_EQ(s.response_size[kTcp].count(), 1u);
  EXPECT_EQ(s.response_size[kTcp].buckets[QueryStats::size_index(big_tcp)], 1u);
  uint64_t by_rcode = 0;
  for (uint64_t n : s.by_rcode) by_rcode += n;
  EXPECT_EQ(by_rcode, s.responses());
}

TEST_F(HandlerStats, ConcurrentWorkersSumExactly) {
  constexpr unsigned kThreads = 3;
  constexpr int kPerThread = 3000;
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < kThreads; ++w) {
    threads.emplace_back([this, w] {
      server::QueryContext ctx;
      ctx.worker = w;
      ctx.transport = w == 0 ? server::Transport::tcp : server::Transport::udp;
      ctx.max_response = 65535;
      std::vector<uint8_t> out(ctx.max_response);
      auto handler = engine_.handler();
      Bytes q = test::query("www.example.test.", w == 2 ? rrtype::MX : rrtype::A);
      for (int i = 0; i < kPerThread; ++i) handler(q, out, ctx);
    });
  }
  // Reading while they count must be safe (and monotonic).
  uint64_t last = 0;
  for (int i = 0; i < 50; ++i) {
    uint64_t now = engine_.stats().queries.total();
    EXPECT_GE(now, last);
    last = now;
  }
  for (auto& t : threads) t.join();
  QueryStats s = engine_.stats().queries;
  EXPECT_EQ(s.total(), kThreads * kPerThread);
  EXPECT_EQ(s.queries[kTcp], uint64_t(kPerThread));
  EXPECT_EQ(s.by_qtype[QueryStats::qtype_index(rrtype::A)], 2u * kPerThread);
  EXPECT_EQ(s.by_qtype[QueryStats::qtype_index(rrtype::MX)], uint64_t(kPerThread));
  EXPECT_EQ(s.by_rcode[rcode::NOERROR], kThreads * kPerThread);
}

TEST_F(HandlerStats, WorkerIndexBeyondThreadsIsStillCounted) {
  ask(test::query("www.example.test.", rrtype::A), server::Transport::udp, 99);
  EXPECT_EQ(engine_.stats().queries.total(), 1u);
  EXPECT_EQ(engine_.stats().queries.by_rcode[rcode::NOERROR], 1u);
}

// Real sockets: several client ports reach several worker threads (SO_REUSEPORT), and
// stats() is their exact sum.
TEST(EngineQueryStats, SummedAcrossThreadsOverRealSockets) {
  EngineConfig c;
  c.server.listen = {"127.0.0.1:0"};
  c.server.threads = 4;
  Engine e(c);
  e.publish(test::zone_set({test::example_zone()}));
  ASSERT_TRUE(e.start().ok());
  uint16_t port = e.endpoints()[0].port();

  constexpr int kClients = 16, kPerClient = 24;  // even: half A, half AAAA
  int answered = 0;
  for (int c = 0; c < kClients; ++c) {
    test::UdpClient client(port);
    for (int i = 0; i < kPerClient; ++i) {
      auto r = client.ask(test::query("www.example.test.", i % 2 ? rrtype::AAAA : rrtype::A,
                                      true, uint16_t(i)));
      if (r && test::rcode_of(*r) == rcode::NOERROR) ++answered;
    }
  }
  ASSERT_EQ(answered, kClients * kPerClient);
  int tcp_answered = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = test::tcp_ask(port, test::query("missing.example.test.", rrtype::A));
    if (r && test::rcode_of(*r) == rcode::NXDOMAIN) ++tcp_answered;
  }
  ASSERT_EQ(tcp_answered, 5);

  EngineStats s = e.stats();
  EXPECT_EQ(s.queries.queries[kUdp], uint64_t(kClients * kPerClient));
  EXPECT_EQ(s.queries.queries[kTcp], 5u);
  EXPECT_EQ(s.queries.by_qtype[QueryStats::qtype_index(rrtype::A)], uint64_t(kClients * kPerClient / 2 + 5));
  EXPECT_EQ(s.queries.by_rcode[rcode::NXDOMAIN], 5u);
  EXPECT_EQ(s.queries.by_rcode[rcode::NOERROR], uint64_t(kClients * kPerClient));
  EXPECT_EQ(s.server.udp_queries, s.queries.queries[kUdp]);
  EXPECT_EQ(s.server.tcp_queries, s.queries.queries[kTcp]);
  e.stop();
  // Counters outlive the server.
  EXPECT_EQ(e.stats().queries.total(), uint64_t(kClients * kPerClient + 5));
}

}  // namespace
}  // namespace gitns::engine
