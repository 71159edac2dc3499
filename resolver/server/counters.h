// Per-thread counters and the guarded handler call shared by the UDP and TCP paths.
// Internal to resolver/server.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>

#include "resolver/server/dns_server.h"

namespace gitns::server {

// Each worker thread writes only its own Counters, so an increment is a relaxed load and
// store (no locked instruction); stats() reads them from another thread and sums.
struct alignas(64) Counters {
  std::atomic<uint64_t> udp_queries{0}, udp_responses{0}, udp_dropped{0}, udp_send_errors{0};
  std::atomic<uint64_t> tcp_accepted{0}, tcp_refused{0}, tcp_queries{0}, tcp_responses{0};
  std::atomic<uint64_t> tcp_idle_timeouts{0}, tcp_bad_frames{0}, handler_errors{0};

  void add_to(ServerStats& s) const;
};

inline void bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

struct HandlerOutcome {
  size_t size = 0;      // 0: no response
  bool failed = false;  // the handler threw or overran `out`
};

// Calls the handler; an exception or an impossible size is counted, never propagated, so a
// bug in answering cannot take a worker thread down.
HandlerOutcome invoke_handler(const QueryHandler& handler, std::span<const uint8_t> query,
                              std::span<uint8_t> out, const QueryContext& ctx,
                              Counters& counters) noexcept;

}  // namespace gitns::server
