// DNS over TCP framing (RFC 7766, RFC 1035 4.2.2) without any I/O: bytes read go in,
// framed responses come out, and the caller is told what to do next. The Asio glue in
// dns_server.cpp moves the bytes. Internal to resolver/server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "resolver/server/counters.h"
#include "resolver/server/dns_server.h"

namespace gitns::server {

class TcpSession {
 public:
  static constexpr size_t kMaxFrame = 2 + 65535;
  // Output is flushed once it holds this much, even if more queries are buffered.
  static constexpr size_t kFlushBytes = 64 * 1024;

  enum class Next {
    read,              // need more input
    write,             // send output(), call output_sent(), then process() again
    write_then_close,  // send output(), then close: the input was bad
    close,             // close now
  };

  explicit TcpSession(size_t max_pipelined);

  // Where the next read may write; never empty after process() returned Next::read.
  std::span<uint8_t> read_space();
  void commit_read(size_t n);
  // Input that is not a whole query yet (a peer closing now cut a frame short).
  bool mid_frame() const { return filled_ > 0; }

  // Answers the complete queries buffered, at most max_pipelined per call. `scratch` holds
  // one response (65535 bytes); ctx.max_response is set to 65535 here.
  Next process(const QueryHandler& handler, QueryContext ctx, std::span<uint8_t> scratch,
               Counters& counters);

  std::span<const uint8_t> output() const { return out_; }
  void output_sent() { out_.clear(); }

 private:
  bool answer_one(std::span<const uint8_t> query, const QueryHandler& handler,
                  const QueryContext& ctx, std::span<uint8_t> scratch, Counters& counters);
  size_t frame_length(size_t pos) const { return size_t(in_[pos]) << 8 | in_[pos + 1]; }

  size_t max_pipelined_;
  std::vector<uint8_t> in_;
  size_t filled_ = 0;
  std::vector<uint8_t> out_;
};

}  // namespace gitns::server
