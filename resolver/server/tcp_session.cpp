#include "resolver/server/tcp_session.h"

#include <algorithm>
#include <cstring>

namespace gitns::server {
namespace {
constexpr size_t kInitialInput = 4096;  // most queries are far smaller; grows to kMaxFrame
}

TcpSession::TcpSession(size_t max_pipelined)
    : max_pipelined_(std::max<size_t>(1, max_pipelined)), in_(kInitialInput) {}

std::span<uint8_t> TcpSession::read_space() {
  if (filled_ == in_.size() && in_.size() < kMaxFrame) {
    size_t need = filled_ >= 2 ? 2 + frame_length(0) : kMaxFrame;
    in_.resize(std::min(kMaxFrame, std::max(need, in_.size() * 2)));
  }
  return {in_.data() + filled_, in_.size() - filled_};
}

void TcpSession::commit_read(size_t n) { filled_ = std::min(in_.size(), filled_ + n); }

TcpSession::Next TcpSession::process(const QueryHandler& handler, QueryContext ctx,
                                     std::span<uint8_t> scratch, Counters& counters) {
  ctx.max_response = std::min<size_t>(65535, scratch.size());
  size_t pos = 0, answered = 0;
  bool bad = false;
  while (answered < max_pipelined_ && out_.size() < kFlushBytes && filled_ - pos >= 2) {
    size_t len = frame_length(pos);
    if (len == 0) {  // RFC 1035 4.2.2 has no empty message: the stream is out of step
      bump(counters.tcp_bad_frames);
      bad = true;
      break;
    }
    if (filled_ - pos - 2 < len) break;
    std::span<const uint8_t> query(in_.data() + pos + 2, len);
    pos += 2 + len;
    ++answered;
    if (!answer_one(query, handler, ctx, scratch, counters)) {
      bad = true;
      break;
    }
  }
  if (pos > 0) {
    std::memmove(in_.data(), in_.data() + pos, filled_ - pos);
    filled_ -= pos;
  }
  if (bad) return out_.empty() ? Next::close : Next::write_then_close;
  return out_.empty() ? Next::read : Next::write;
}

// False when the handler failed: the client would wait in vain for this answer, so the
// connection is closed (after the answers before it) to tell it at once.
bool TcpSession::answer_one(std::span<const uint8_t> query, const QueryHandler& handler,
                            const QueryContext& ctx, std::span<uint8_t> scratch,
                            Counters& counters) {
  bump(counters.tcp_queries);
  HandlerOutcome r = invoke_handler(handler, query, scratch.first(ctx.max_response), ctx, counters);
  if (r.failed) return false;
  if (r.size == 0) return true;
  out_.push_back(static_cast<uint8_t>(r.size >> 8));
  out_.push_back(static_cast<uint8_t>(r.size));
  out_.insert(out_.end(), scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(r.size));
  bump(counters.tcp_responses);
  return true;
}

}  // namespace gitns::server
