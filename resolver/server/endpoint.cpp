#include "resolver/server/endpoint.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace gitns::server {
namespace {

base::Failure bad(std::string_view text, std::string_view why) {
  return base::fail(base::Errc::syntax, "listen address '" + std::string(text) + "': " +
                                            std::string(why) +
                                            " (expected ADDR:PORT or [IPV6]:PORT, e.g. 127.0.0.1:1053)");
}

// Splits "host:port" / "[host]:port" into its parts; false when the shape is wrong.
bool split_host_port(std::string_view text, std::string_view& host, std::string_view& port,
                     bool& bracketed) {
  bracketed = !text.empty() && text.front() == '[';
  if (bracketed) {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    return true;
  }
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  host = text.substr(0, colon);
  port = text.substr(colon + 1);
  return true;
}

}  // namespace

Endpoint Endpoint::from_sockaddr(const sockaddr* sa, socklen_t len) {
  Endpoint e;
  if (len > sizeof(e.storage_)) len = sizeof(e.storage_);
  std::memcpy(&e.storage_, sa, len);
  e.len_ = len;
  return e;
}

uint16_t Endpoint::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

void Endpoint::set_port(uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

bool Endpoint::is_wildcard() const {
  if (family() == AF_INET)
    return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr == htonl(INADDR_ANY);
  if (family() == AF_INET6)
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr);
  return false;
}

std::string Endpoint::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(port());
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(port());
  }
  return "(unbound)";
}

base::Result<Endpoint> parse_endpoint(std::string_view text) {
  std::string_view host, port_text;
  bool bracketed = false;
  if (!split_host_port(text, host, port_text, bracketed)) return bad(text, "no port");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535)
    return bad(text, "port must be a number from 0 to 65535");

  std::string host_z(host);
  Endpoint e;
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (!bracketed && inet_pton(AF_INET, host_z.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    e = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&v4), sizeof v4);
  } else if (bracketed && inet_pton(AF_INET6, host_z.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    e = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&v6), sizeof v6);
  } else if (!bracketed && host.find(':') != std::string_view::npos) {
    return bad(text, "an IPv6 address needs brackets");
  } else {
    return bad(text, "'" + host_z + "' is not a numeric IPv4 or bracketed IPv6 address");
  }
  e.set_port(static_cast<uint16_t>(port));
  return e;
}

}  // namespace gitns::server
