#include "resolver/server/counters.h"

#include <exception>

namespace gitns::server {

void Counters::add_to(ServerStats& s) const {
  auto get = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  s.udp_queries += get(udp_queries);
  s.udp_responses += get(udp_responses);
  s.udp_dropped += get(udp_dropped);
  s.udp_send_errors += get(udp_send_errors);
  s.tcp_accepted += get(tcp_accepted);
  s.tcp_refused += get(tcp_refused);
  s.tcp_queries += get(tcp_queries);
  s.tcp_responses += get(tcp_responses);
  s.tcp_idle_timeouts += get(tcp_idle_timeouts);
  s.tcp_bad_frames += get(tcp_bad_frames);
  s.handler_errors += get(handler_errors);
}

HandlerOutcome invoke_handler(const QueryHandler& handler, std::span<const uint8_t> query,
                              std::span<uint8_t> out, const QueryContext& ctx,
                              Counters& counters) noexcept {
  try {
    size_t n = handler(query, out, ctx);
    if (n <= out.size()) return {n, false};
  } catch (const std::exception&) {
    // Counted below; the engine returns errors rather than logging per query.
  } catch (...) {
    // A non-standard exception is as much a handler bug as a std::exception.
  }
  bump(counters.handler_errors);
  return {0, true};
}

}  // namespace gitns::server
