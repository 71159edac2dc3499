// The TCP framing logic alone, fed bytes directly.
#include "resolver/server/tcp_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "tests/unit/server/test_client.h"

namespace gitns::server {
namespace {

using testing::Bytes;

size_t echo(std::span<const uint8_t> q, std::span<uint8_t> out, const QueryContext&) {
  if (q.size() >= 2 && q[0] == 0xee) throw std::runtime_error("boom");
  std::memcpy(out.data(), q.data(), q.size());
  return q.size();
}

class SessionTest : public ::testing::Test {
 protected:
  explicit SessionTest(size_t pipelined = 100) : session_(pipelined) {}

  // Feeds bytes through read_space()/commit_read() in chunks of `chunk`, processing
  // (and collecting output) after each, as the Asio glue does.
  TcpSession::Next feed(const Bytes& bytes, size_t chunk = SIZE_MAX) {
    TcpSession::Next next = TcpSession::Next::read;
    for (size_t off = 0; off < bytes.size();) {
      auto space = session_.read_space();
      EXPECT_FALSE(space.empty());
      size_t n = std::min({chunk, space.size(), bytes.size() - off});
      std::memcpy(space.data(), bytes.data() + off, n);
      session_.commit_read(n);
      off += n;
      next = drain();
      if (next == TcpSession::Next::close || next == TcpSession::Next::write_then_close) break;
    }
    return next;
  }

  TcpSession::Next drain() {
    for (;;) {
      auto next = session_.process(echo, ctx_, scratch_, counters_);
      if (next != TcpSession::Next::read) {
        auto out = session_.output();
        written_.insert(written_.end(), out.begin(), out.end());
        ++writes_;
      }
      if (next != TcpSession::Next::write) return next;
      session_.output_sent();
    }
  }

  // Splits what was written into messages.
  std::vector<Bytes> messages() const {
    std::vector<Bytes> out;
    for (size_t i = 0; i + 2 <= written_.size();) {
      size_t len = size_t(written_[i]) << 8 | written_[i + 1];
      out.emplace_back(written_.begin() + long(i + 2), written_.begin() + long(i + 2 + len));
      i += 2 + len;
    }
    return out;
  }

  TcpSession session_;
  QueryContext ctx_{Transport::tcp};
  std::vector<uint8_t> scratch_ = std::vector<uint8_t>(65535);
  Counters counters_;
  Bytes written_;
  int writes_ = 0;
};

Bytes frames(std::initializer_list<Bytes> msgs) {
  Bytes all;
  for (const Bytes& m : msgs) {
    Bytes f = testing::framed(m);
    all.insert(all.end(), f.begin(), f.end());
  }
  return all;
}

TEST_F(SessionTest, PipelinedQueriesAnsweredInOrder) {
  Bytes in = frames({testing::make_query(1), testing::make_query(2, 30), testing::make_query(3)});
  EXPECT_EQ(feed(in), TcpSession::Next::read);
  auto msgs = messages();
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(testing::id_of(msgs[0]), 1);
  EXPECT_EQ(msgs[1].size(), 30u);
  EXPECT_EQ(testing::id_of(msgs[2]), 3);
  EXPECT_EQ(writes_, 1);  // one write for the three
  EXPECT_EQ(counters_.tcp_queries.load(), 3u);
}

TEST_F(SessionTest, OneByteAtATime) {
  Bytes in = frames({testing::make_query(7, 100), testing::make_query(8)});
  EXPECT_EQ(feed(in, 1), TcpSession::Next::read);
  auto msgs = messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(testing::id_of(msgs[0]), 7);
  EXPECT_EQ(testing::id_of(msgs[1]), 8);
}

TEST_F(SessionTest, LargestFrameGrowsTheBuffer) {
  Bytes in = frames({testing::make_query(9, 65535), testing::make_query(10)});
  EXPECT_EQ(feed(in, 1000), TcpSession::Next::read);
  auto msgs = messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].size(), 65535u);
}

TEST_F(SessionTest, MidFrameIsReported) {
  feed({0x00, 0x0c, 0x01});
  EXPECT_TRUE(session_.mid_frame());
  feed(Bytes(11, 0));
  EXPECT_FALSE(session_.mid_frame());
  EXPECT_EQ(messages().size(), 1u);
}

TEST_F(SessionTest, ZeroLengthAfterAQueryFlushesThenCloses) {
  Bytes in = frames({testing::make_query(1)});
  in.insert(in.end(), {0x00, 0x00});
  EXPECT_EQ(feed(in), TcpSession::Next::write_then_close);
  EXPECT_EQ(messages().size(), 1u);
  EXPECT_EQ(counters_.tcp_bad_frames.load(), 1u);
}

TEST_F(SessionTest, ZeroLengthAloneCloses) {
  EXPECT_EQ(feed({0x00, 0x00}), TcpSession::Next::close);
}

TEST_F(SessionTest, HandlerExceptionFlushesEarlierAnswersThenCloses) {
  Bytes in = frames({testing::make_query(1), Bytes{0xee, 0xee, 0, 0}, testing::make_query(3)});
  EXPECT_EQ(feed(in), TcpSession::Next::write_then_close);
  EXPECT_EQ(messages().size(), 1u);
  EXPECT_EQ(counters_.handler_errors.load(), 1u);
}

class SmallBatchSession : public SessionTest {
 protected:
  SmallBatchSession() : SessionTest(2) {}
};

TEST_F(SmallBatchSession, PipelineLimitSplitsWrites) {
  Bytes in = frames({testing::make_query(1), testing::make_query(2), testing::make_query(3),
                     testing::make_query(4), testing::make_query(5)});
  EXPECT_EQ(feed(in), TcpSession::Next::read);
  EXPECT_EQ(messages().size(), 5u);
  EXPECT_EQ(writes_, 3);  // 2 + 2 + 1
}

}  // namespace
}  // namespace gitns::server
