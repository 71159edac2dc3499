// A numeric socket address parsed from "ADDR:PORT" or "[V6ADDR]:PORT". No name
// resolution: a DNS server must not depend on DNS to find its own listen address.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "resolver/base/result.h"

namespace gitns::server {

class Endpoint {
 public:
  Endpoint() = default;
  static Endpoint from_sockaddr(const sockaddr* sa, socklen_t len);

  int family() const { return storage_.ss_family; }
  uint16_t port() const;
  void set_port(uint16_t port);
  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t length() const { return len_; }
  bool is_wildcard() const;
  std::string to_string() const;  // "127.0.0.1:1053", "[::1]:1053"

 private:
  sockaddr_storage storage_{};
  socklen_t len_ = 0;
};

// Errc::syntax with a sentence that says what was expected.
base::Result<Endpoint> parse_endpoint(std::string_view text);

}  // namespace gitns::server
