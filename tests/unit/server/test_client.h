// Plain-socket DNS clients for the server tests: what a real resolver would send.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gitns::server::testing {

using Bytes = std::vector<uint8_t>;

// A 12-byte DNS header (question-less) with the given ID: enough for an echo handler.
inline Bytes make_query(uint16_t id, size_t size = 12) {
  Bytes q(size, 0);
  q[0] = static_cast<uint8_t>(id >> 8);
  q[1] = static_cast<uint8_t>(id);
  q[5] = 0;
  return q;
}

inline uint16_t id_of(const Bytes& m) { return m.size() < 2 ? 0 : uint16_t(m[0] << 8 | m[1]); }

inline Bytes framed(const Bytes& m) {
  Bytes f{static_cast<uint8_t>(m.size() >> 8), static_cast<uint8_t>(m.size())};
  f.insert(f.end(), m.begin(), m.end());
  return f;
}

class Socket {
 public:
  Socket(int family, int type) : fd_(::socket(family, type | SOCK_CLOEXEC, 0)) {}
  ~Socket() { if (fd_ >= 0) ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }
  void close() { if (fd_ >= 0) ::close(fd_); fd_ = -1; }

 private:
  int fd_;
};

inline sockaddr_in v4_addr(const char* ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

inline uint16_t local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

// Waits up to `ms` for the descriptor to become readable.
inline bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) == 1;
}

inline std::optional<Bytes> udp_recv(int fd, int ms = 2000) {
  if (!readable(fd, ms)) return std::nullopt;
  Bytes buf(65536);
  ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

inline bool send_all(int fd, const Bytes& b) {
  size_t off = 0;
  while (off < b.size()) {
    ssize_t n = ::send(fd, b.data() + off, b.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly n bytes; nullopt on EOF, error or timeout.
inline std::optional<Bytes> recv_exact(int fd, size_t n, int ms = 2000) {
  Bytes b(n);
  size_t off = 0;
  while (off < n) {
    if (!readable(fd, ms)) return std::nullopt;
    ssize_t r = ::recv(fd, b.data() + off, n - off, 0);
    if (r <= 0) return std::nullopt;
    off += static_cast<size_t>(r);
  }
  return b;
}

inline std::optional<Bytes> tcp_recv_message(int fd, int ms = 2000) {
  auto len = recv_exact(fd, 2, ms);
  if (!len) return std::nullopt;
  return recv_exact(fd, size_t((*len)[0]) << 8 | (*len)[1], ms);
}

// True when the peer closed (EOF or reset) within `ms`; data read meanwhile is discarded.
inline bool closed_by_peer(int fd, int ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  uint8_t buf[4096];
  while (std::chrono::steady_clock::now() < until) {
    if (!readable(fd, 50)) continue;
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return true;
  }
  return false;
}

}  // namespace gitns::server::testing
