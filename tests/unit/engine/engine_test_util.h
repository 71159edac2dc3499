// Helpers for tests that drive a real Engine: a small zone, queries in wire form, and
// plain-socket UDP/TCP clients (what a resolver would send). Shared by tests/unit/engine
// and tests/unit/api.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "resolver/wire/edns.h"
#include "resolver/wire/message.h"
#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zone_set.h"
#include "resolver/zone/zonefile.h"

namespace gitns::engine::test {

using Bytes = std::vector<uint8_t>;

// example.test. with a TXT RRset too big for 512 bytes (UDP without EDNS truncates it).
inline std::shared_ptr<const zone::Zone> example_zone(const std::string& origin = "example.test.",
                                                      uint32_t serial = 7) {
  std::string text = "$TTL 300\n@ SOA ns hm " + std::to_string(serial) +
                     " 3600 600 86400 300\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.80\n"
                     "www AAAA 2001:db8::80\n@ MX 10 www\n";
  for (int i = 0; i < 12; ++i)
    text += "big TXT \"" + std::to_string(i) + std::string(60, 'x') + "\"\n";
  zone::ZoneFileOptions opts;
  opts.origin = wire::Name::must(origin);
  auto parsed = zone::parse_zone_file(text, opts);
  if (!parsed.ok()) return nullptr;
  zone::ZoneBuilder b(opts.origin);
  for (const auto& r : parsed.records) b.add(r.rr);
  auto built = b.build();
  return built.ok() ? built.zone : nullptr;
}

inline std::shared_ptr<const zone::ZoneSet> zone_set(
    std::vector<std::shared_ptr<const zone::Zone>> zones) {
  auto set = zone::ZoneSet::create(std::move(zones));
  return set.ok() ? *set : nullptr;
}

inline Bytes query(const std::string& name, uint16_t qtype, bool edns = false, uint16_t id = 0x4242) {
  wire::Message m;
  m.header.id = id;
  m.header.rd = true;
  m.questions.push_back({wire::Name::must(name), qtype, wire::rrclass::IN});
  if (edns) m.edns = wire::Edns{};
  return wire::build_message(m);
}

inline sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// One UDP socket (one source port); the kernel spreads source ports over the server's
// SO_REUSEPORT sockets, so several clients reach several worker threads.
class UdpClient {
 public:
  explicit UdpClient(uint16_t port) : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in to = loopback(port);
    ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  ~UdpClient() { ::close(fd_); }
  UdpClient(const UdpClient&) = delete;
  UdpClient& operator=(const UdpClient&) = delete;

  bool send(const Bytes& q) { return ::send(fd_, q.data(), q.size(), 0) == ssize_t(q.size()); }
  std::optional<Bytes> recv(int timeout_ms = 2000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    Bytes buf(65536);
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) return std::nullopt;
    buf.resize(size_t(n));
    return buf;
  }
  std::optional<Bytes> ask(const Bytes& q) { return send(q) ? recv() : std::nullopt; }

 private:
  int fd_;
};

// One query over a fresh TCP connection; the response without its length prefix.
inline std::optional<Bytes> tcp_ask(uint16_t port, const Bytes& q) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to = loopback(port);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::optional<Bytes> out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    Bytes framed{uint8_t(q.size() >> 8), uint8_t(q.size())};
    framed.insert(framed.end(), q.begin(), q.end());
    if (::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) == ssize_t(framed.size())) {
      Bytes buf;
      uint8_t chunk[4096];
      while (buf.size() < 2 || buf.size() < 2 + size_t(buf[0] << 8 | buf[1])) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        buf.insert(buf.end(), chunk, chunk + n);
      }
      if (buf.size() >= 2 && buf.size() == 2 + size_t(buf[0] << 8 | buf[1]))
        out = Bytes(buf.begin() + 2, buf.end());
    }
  }
  ::close(fd);
  return out;
}

inline int rcode_of(const Bytes& r) { return r.size() >= 12 ? r[3] & 0x0f : -1; }
inline bool tc_of(const Bytes& r) { return r.size() >= 12 && (r[2] & 0x02) != 0; }

}  // namespace gitns::engine::test
