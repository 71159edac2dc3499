// kubectl-style list paging: `?limit=N&continue=TOKEN`, answered as
//   {"items": [...], "metadata": {"continue": "TOKEN", "remainingItemCount": N}}
// where "continue" is absent on the last page. The token is opaque to clients; it holds
// the key of the last item returned, so a list that changes between pages neither
// repeats nor skips the items that stayed (unlike an offset).
#pragma once

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "controller/http/request.h"
#include "resolver/base/result.h"

namespace gitns::http {

struct PageRequest {
  std::size_t limit = 0;
  std::string after;  // items with a key greater than this; empty: from the start
};

// Reads `limit` (1 to max_limit; absent: default_limit) and `continue`. Errc::syntax
// with a message naming the parameter for anything else (answer it with 400).
base::Result<PageRequest> parse_page_request(const Request& request,
                                             std::size_t default_limit = 100,
                                             std::size_t max_limit = 1000);

std::string encode_continue_token(std::string_view last_key);
base::Result<std::string> decode_continue_token(std::string_view token);

// One page of `items`, which must be sorted by `key` ascending with unique keys.
// `key(item)` returns something convertible to std::string_view; `to_json(item)` the
// item's JSON form.
template <class T, class KeyFn, class ToJson>
nlohmann::json paginate(const std::vector<T>& items, KeyFn key, ToJson to_json,
                        const PageRequest& page) {
  auto first = items.begin();
  if (!page.after.empty()) {
    first = std::upper_bound(items.begin(), items.end(), page.after,
                             [&](const std::string& after, const T& item) {
                               return std::string_view(after) < std::string_view(key(item));
                             });
  }
  std::size_t available = static_cast<std::size_t>(items.end() - first);
  std::size_t n = std::min(available, page.limit);
  nlohmann::json out_items = nlohmann::json::array();
  for (auto it = first; it != first + static_cast<std::ptrdiff_t>(n); ++it) {
    out_items.push_back(to_json(*it));
  }
  nlohmann::json metadata = nlohmann::json::object();
  if (n < available) {
    metadata["continue"] =
        encode_continue_token(std::string_view(key(*(first + static_cast<std::ptrdiff_t>(n) - 1))));
    metadata["remainingItemCount"] = available - n;
  }
  return {{"items", std::move(out_items)}, {"metadata", std::move(metadata)}};
}

}  // namespace gitns::http
