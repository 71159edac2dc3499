#include "controller/http/pagination.h"

#include <charconv>

#include "resolver/wire/encoding.h"

namespace gitns::http {
namespace {

constexpr std::string_view kTokenPrefix = "v1:";

// base64url without padding (RFC 4648 section 5), so the token needs no escaping in a URL.
std::string to_base64url(std::string_view data) {
  std::string b64 =
      wire::base64_encode({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return b64;
}

base::Result<std::string> from_base64url(std::string_view text) {
  std::string b64(text);
  for (char& c : b64) {
    if (c == '+' || c == '/' || c == '=') c = '!';  // only the url alphabet is accepted
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (b64.size() % 4 != 0) b64 += '=';
  auto bytes = wire::base64_decode(b64);
  if (!bytes) return bytes.failure();
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace

base::Result<PageRequest> parse_page_request(const Request& request, std::size_t default_limit,
                                             std::size_t max_limit) {
  PageRequest page;
  page.limit = default_limit;
  if (auto limit = request.query_param("limit")) {
    std::size_t v = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), v);
    if (ec != std::errc() || end != limit->data() + limit->size() || v == 0 || v > max_limit) {
      return base::fail(
          base::Errc::syntax,
          "query parameter limit: expected an integer from 1 to " + std::to_string(max_limit));
    }
    page.limit = v;
  }
  if (auto token = request.query_param("continue"); token && !token->empty()) {
    auto after = decode_continue_token(*token);
    if (!after) return after.failure();
    page.after = std::move(*after);
  }
  return page;
}

std::string encode_continue_token(std::string_view last_key) {
  return to_base64url(std::string(kTokenPrefix) + std::string(last_key));
}

base::Result<std::string> decode_continue_token(std::string_view token) {
  auto text = from_base64url(token);
  if (!text || !text->starts_with(kTokenPrefix) || text->size() == kTokenPrefix.size()) {
    return base::fail(base::Errc::syntax,
                      "query parameter continue: not a token this server handed out; "
                      "start the list again without it");
  }
  return text->substr(kTokenPrefix.size());
}

}  // namespace gitns::http
