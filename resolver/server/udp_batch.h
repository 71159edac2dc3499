// The UDP fast path: one recvmmsg, the handler for each datagram, one sendmmsg. All
// buffers are allocated once per socket, so answering allocates nothing. Internal.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "resolver/server/counters.h"
#include "resolver/server/dns_server.h"

namespace gitns::server {

class UdpBatch {
 public:
  static constexpr size_t kBatch = 32;
  static constexpr size_t kMaxQuery = 65535;

  // max_response: the size of each reply slot (ServerConfig::udp_max_payload).
  // pktinfo: the socket delivers the destination address, to be used as the reply's source.
  UdpBatch(size_t max_response, bool pktinfo, unsigned worker);

  // Receives up to kBatch datagrams without blocking, answers them and sends the replies.
  // Returns how many datagrams were received: 0 when none were waiting.
  size_t run_once(int fd, const QueryHandler& handler, Counters& counters);

 private:
  static constexpr size_t kControl = 64;  // room for one in_pktinfo or in6_pktinfo cmsg

  void prepare_receive();
  bool answer(size_t i, size_t slot, const QueryHandler& handler, Counters& counters);
  void copy_pktinfo(size_t from, size_t slot);
  void send(int fd, size_t count, Counters& counters);

  size_t max_response_;
  size_t in_stride_, out_stride_;
  bool pktinfo_;
  unsigned worker_;
  std::unique_ptr<uint8_t[]> in_, out_;
  std::array<mmsghdr, kBatch> in_msgs_{}, out_msgs_{};
  std::array<iovec, kBatch> in_iov_{}, out_iov_{};
  std::array<sockaddr_storage, kBatch> peers_{};
  alignas(cmsghdr) std::array<std::array<uint8_t, kControl>, kBatch> in_ctl_{}, out_ctl_{};
};

}  // namespace gitns::server
