#include "resolver/server/socket_util.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace gitns::server {
namespace {

constexpr int kPortAttempts = 32;  // tries to find a port 0 choice free for UDP and TCP

base::Failure socket_error(const char* what, const Endpoint& ep, int err) {
  std::string msg = std::string(what) + " " + ep.to_string() + ": " + std::strerror(err);
  return base::fail(err == EADDRINUSE ? base::Errc::in_use : base::Errc::io, std::move(msg));
}

bool set_flag(int fd, int level, int option) {
  int one = 1;
  return setsockopt(fd, level, option, &one, sizeof one) == 0;
}

// IPv6 sockets only take IPv6, so [::]:53 and 0.0.0.0:53 are independent listeners.
base::Result<UniqueFd> new_socket(const Endpoint& ep, int type) {
  UniqueFd fd(socket(ep.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return socket_error("socket() for", ep, errno);
  if (ep.family() == AF_INET6 && !set_flag(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY))
    return socket_error("IPV6_V6ONLY on", ep, errno);
  return fd;
}

// Binds without SO_REUSEPORT; a TCP probe sets SO_REUSEADDR so our own connections in
// TIME_WAIT from a previous run do not count as "in use", while any listener still does.
base::Result<UniqueFd> probe_bind(const Endpoint& ep, int type) {
  GITNS_TRY(UniqueFd fd, new_socket(ep, type));
  if (type == SOCK_STREAM && !set_flag(fd.get(), SOL_SOCKET, SO_REUSEADDR))
    return socket_error("SO_REUSEADDR on", ep, errno);
  if (bind(fd.get(), ep.sockaddr_ptr(), ep.length()) != 0) {
    int err = errno;
    const char* what = type == SOCK_DGRAM ? "cannot listen (UDP) on" : "cannot listen (TCP) on";
    auto f = socket_error(what, ep, err);
    if (err == EADDRINUSE) f.error.message += " (another socket already uses this address)";
    return f;
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  return Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len).port();
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

base::Result<Endpoint> check_address_free(Endpoint ep) {
  const bool any_port = ep.port() == 0;
  for (int attempt = 0; attempt < (any_port ? kPortAttempts : 1); ++attempt) {
    Endpoint want = ep;
    GITNS_TRY(UniqueFd udp, probe_bind(want, SOCK_DGRAM));
    if (any_port) want.set_port(bound_port(udp.get()));
    auto tcp = probe_bind(want, SOCK_STREAM);
    if (tcp.ok()) return want;
    if (!any_port || tcp.error().code != base::Errc::in_use) return tcp.failure();
  }
  return base::fail(base::Errc::in_use, "no port free for both UDP and TCP on " + ep.to_string());
}

base::Result<UniqueFd> open_udp_socket(const Endpoint& ep) {
  GITNS_TRY(UniqueFd fd, new_socket(ep, SOCK_DGRAM));
  if (!set_flag(fd.get(), SOL_SOCKET, SO_REUSEPORT)) return socket_error("SO_REUSEPORT on", ep, errno);
  if (ep.is_wildcard()) {
    bool ok = ep.family() == AF_INET ? set_flag(fd.get(), IPPROTO_IP, IP_PKTINFO)
                                     : set_flag(fd.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO);
    if (!ok) return socket_error("PKTINFO on", ep, errno);
  }
  if (bind(fd.get(), ep.sockaddr_ptr(), ep.length()) != 0)
    return socket_error("cannot bind UDP", ep, errno);
  return fd;
}

base::Result<UniqueFd> open_tcp_listener(const Endpoint& ep, int backlog) {
  GITNS_TRY(UniqueFd fd, new_socket(ep, SOCK_STREAM));
  if (!set_flag(fd.get(), SOL_SOCKET, SO_REUSEADDR) || !set_flag(fd.get(), SOL_SOCKET, SO_REUSEPORT))
    return socket_error("SO_REUSEADDR/SO_REUSEPORT on", ep, errno);
  if (bind(fd.get(), ep.sockaddr_ptr(), ep.length()) != 0)
    return socket_error("cannot bind TCP", ep, errno);
  if (listen(fd.get(), backlog) != 0) return socket_error("listen() on", ep, errno);
  return fd;
}

}  // namespace gitns::server
