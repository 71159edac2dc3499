// Listening sockets built with plain POSIX calls (the Asio glue adopts the descriptors),
// and the check that no other socket already holds an address. Internal to resolver/server.
#pragma once

#include "resolver/base/result.h"
#include "resolver/server/endpoint.h"

namespace gitns::server {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Binds the address for UDP and for TCP without SO_REUSEPORT and lets go again: if another
// socket holds either, SO_REUSEPORT would otherwise let us share its port silently.
// Errc::in_use names the address and protocol. Port 0 is resolved to a port free for both
// protocols, which the returned endpoint carries.
base::Result<Endpoint> check_address_free(Endpoint endpoint);

// Non-blocking UDP socket with SO_REUSEPORT bound to `endpoint`; on a wildcard address it
// also asks for the destination address of each datagram (IP_PKTINFO / IPV6_RECVPKTINFO)
// so replies leave from the address the query was sent to.
base::Result<UniqueFd> open_udp_socket(const Endpoint& endpoint);

// Non-blocking listening TCP socket with SO_REUSEADDR and SO_REUSEPORT bound to `endpoint`.
base::Result<UniqueFd> open_tcp_listener(const Endpoint& endpoint, int backlog);

}  // namespace gitns::server
