#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "controller/manifest/decode.h"

namespace gitns::manifest::detail {
namespace {

bool numeric_address(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// "192.0.2.1:53", "[2001:db8::1]:53", or an address alone (port 53).
std::optional<Listener> parse_listener(const std::string& text, std::string& why) {
  Listener l;
  std::string port;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos) {
      why = "unclosed '['";
      return std::nullopt;
    }
    l.address = text.substr(1, close - 1);
    std::string rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') {
        why = "expected ':' and a port after ']'";
        return std::nullopt;
      }
      port = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    l.address = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  } else {
    l.address = text;  // IPv4 alone, or IPv6 alone without brackets
  }
  if (!numeric_address(l.address)) {
    why = "\"" + l.address + "\" is not a numeric IPv4 or IPv6 address";
    return std::nullopt;
  }
  if (!port.empty() || text.back() == ':') {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535) {
      why = "port \"" + port + "\" is not a number from 1 to 65535";
      return std::nullopt;
    }
    l.port = static_cast<uint16_t>(v);
  }
  return l;
}

}  // namespace

std::shared_ptr<SettingsManifest> decode_settings(DocReader& r) {
  auto s = std::make_shared<SettingsManifest>();
  s->object = r.object_info();
  const nlohmann::json& spec = r.root()["spec"];
  reject_unsupported(r, spec, "/spec", {"recursion", "cache"});
  if (auto it = spec.find("listeners"); it != spec.end()) {
    for (size_t i = 0; i < it->size(); ++i) {
      std::string ptr = pointer_append("/spec/listeners", i);
      std::string text = (*it)[i].get<std::string>();
      std::string why;
      auto l = parse_listener(text, why);
      if (!l) {
        r.error(ptr, "expected ADDRESS:PORT, [IPv6]:PORT or an address, got \"" + text + "\": " + why);
        continue;
      }
      l->position = r.position(ptr);
      s->listeners.push_back(*l);
    }
  }
  if (auto d = spec.find("defaults"); d != spec.end()) {
    if (d->contains("ttl")) {
      uint64_t ttl = (*d)["ttl"].get<uint64_t>();
      if (ttl > kMaxTtl) {
        r.error("/spec/defaults/ttl", "TTL " + std::to_string(ttl) + " is over the maximum " +
                                          std::to_string(kMaxTtl) + " (RFC 2181 section 8)");
      } else {
        s->defaults.ttl = static_cast<uint32_t>(ttl);
      }
    }
    if (auto soa = d->find("soa"); soa != d->end()) {
      auto get = [&](const char* k, std::optional<uint32_t>& out) {
        if (soa->contains(k)) out = (*soa)[k].get<uint32_t>();
      };
      get("refresh", s->defaults.refresh);
      get("retry", s->defaults.retry);
      get("expire", s->defaults.expire);
      get("minimum", s->defaults.minimum);
    }
  }
  return s;
}

}  // namespace gitns::manifest::detail
