#include "controller/git/known_hosts.h"

#include <cstdint>
#include <vector>

namespace gitns::git {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The key type is the first field of the wire blob: uint32 length, then the name.
std::string blob_key_type(std::string_view blob) {
  if (blob.size() < 4) return {};
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  const uint32_t len =
      (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  if (len > blob.size() - 4) return {};
  return std::string(blob.substr(4, len));
}

std::string host_token(std::string_view host, int port) {
  if (port <= 0 || port == 22) return std::string(host);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s = s.substr(at + 1);
  }
}

// Whitespace-separated fields of one line.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

enum class HostMatch { no, yes, negated };

HostMatch match_host_list(std::string_view list, std::string_view token) {
  bool matched = false;
  for (auto pattern : split(list, ',')) {
    const bool negate = !pattern.empty() && pattern[0] == '!';
    if (negate) pattern.remove_prefix(1);
    if (!match_host_pattern(pattern, token)) continue;
    if (negate) return HostMatch::negated;  // as in OpenSSH: a negated match wins
    matched = true;
  }
  return matched ? HostMatch::yes : HostMatch::no;
}

}  // namespace

bool match_host_pattern(std::string_view pattern, std::string_view host) {
  // Iterative glob with one backtrack point: linear enough for host names.
  size_t p = 0, h = 0, star = std::string_view::npos, mark = 0;
  while (h < host.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(host[h]))) {
      ++p;
      ++h;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = h;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      h = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

HostKeyCheck check_known_hosts(std::string_view known_hosts, std::string_view host, int port,
                               std::string_view key_blob) {
  HostKeyCheck result;
  result.key_type = blob_key_type(key_blob);
  const std::string token = host_token(host, port);
  const std::string key_b64 = base64_encode(key_blob);
  bool matched = false, other_key = false;
  for (auto line : split(known_hosts, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto f = fields(line);
    if (f.empty() || f[0][0] == '#') continue;
    std::string_view marker;
    if (f[0][0] == '@') {
      marker = f[0];
      f.erase(f.begin());
    }
    if (f.size() < 3) {
      ++result.skipped_malformed;
      continue;
    }
    if (marker == "@cert-authority") continue;
    if (f[0].substr(0, 3) == "|1|") {
      ++result.skipped_hashed;
      continue;
    }
    if (marker == "@revoked") {
      // A revoked key is refused whatever host it is listed for.
      if (f[2] == key_b64) {
        result.verdict = HostKeyVerdict::revoked;
        return result;
      }
      continue;
    }
    if (match_host_list(f[0], token) != HostMatch::yes) continue;
    if (f[1] != result.key_type) continue;
    if (f[2] == key_b64) {
      matched = true;
    } else {
      other_key = true;
    }
  }
  if (matched) {
    result.verdict = HostKeyVerdict::match;
  } else if (other_key) {
    result.verdict = HostKeyVerdict::mismatch;
  }
  return result;
}

std::string known_hosts_line(std::string_view host, int port, std::string_view key_blob) {
  return host_token(host, port) + " " + blob_key_type(key_blob) + " " + base64_encode(key_blob);
}

}  // namespace gitns::git
