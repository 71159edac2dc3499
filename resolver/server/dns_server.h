// The DNS transport: UDP and TCP listeners that hand each query to a QueryHandler.
// The server knows nothing of zones or message contents; it frames, batches and
// delivers bytes. Boost.Asio stays behind the pimpl.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/server/endpoint.h"

namespace gitns::server {

enum class Transport { udp, tcp };

struct QueryContext {
  Transport transport = Transport::udp;
  const sockaddr* peer = nullptr;
  socklen_t peer_len = 0;
  // The largest response the transport can carry: ServerConfig::udp_max_payload over UDP,
  // 65535 over TCP. The handler narrows it with the query's EDNS size (or 512).
  size_t max_response = 512;
  unsigned worker = 0;  // index of the thread answering, 0..threads-1
};

// Writes the response into `out` (out.size() == max_response) and returns its length;
// 0 drops the query. Called on the worker threads concurrently: it must be thread-safe.
// Exceptions are caught and counted by the server, never propagated.
using QueryHandler =
    std::function<size_t(std::span<const uint8_t> query, std::span<uint8_t> out, const QueryContext&)>;

struct ServerConfig {
  std::vector<std::string> listen{"127.0.0.1:1053"};  // "127.0.0.1:1053", "[::1]:1053"; port 0 = any
  unsigned threads = 0;                               // 0 = hardware concurrency
  size_t udp_max_payload = 1232;  // the largest UDP response we send (DNS flag day 2020 default)
  size_t tcp_max_connections = 1024;
  std::chrono::milliseconds tcp_idle_timeout{10'000};
  size_t tcp_max_pipelined = 100;  // queries answered per write before more input is read
};

// Counters are kept per thread and summed when read.
struct ServerStats {
  uint64_t udp_queries = 0;        // datagrams received
  uint64_t udp_responses = 0;      // datagrams sent
  uint64_t udp_dropped = 0;        // handler returned 0, or the datagram was over-long
  uint64_t udp_send_errors = 0;    // the kernel refused a reply (buffer full, unreachable)
  uint64_t tcp_accepted = 0;
  uint64_t tcp_refused = 0;        // closed at once: over tcp_max_connections
  uint64_t tcp_queries = 0;
  uint64_t tcp_responses = 0;
  uint64_t tcp_idle_timeouts = 0;
  uint64_t tcp_bad_frames = 0;     // zero length or the peer closed mid-frame
  uint64_t handler_errors = 0;     // handler threw or returned more than out.size()
};

class DnsServer {
 public:
  // Binds every listen address on every thread (SO_REUSEPORT), then starts the threads.
  // Errc::in_use when another socket already holds an address, Errc::io for other
  // socket errors, Errc::syntax for an unparsable address.
  static base::Result<std::unique_ptr<DnsServer>> start(const ServerConfig& config,
                                                        QueryHandler handler);
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  // Stops the threads and closes every socket; idempotent. Queries in flight are dropped.
  void stop();

  // The addresses actually bound, in config order (port 0 resolved to the chosen port).
  const std::vector<Endpoint>& endpoints() const;
  unsigned threads() const;
  ServerStats stats() const;

  struct Impl;

 private:
  explicit DnsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gitns::server
