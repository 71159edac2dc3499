#include "controller/http/ui_routes.h"

#include <algorithm>
#include <string>

namespace gitns::http {
namespace {

constexpr std::string_view kIndex = "index.html";

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(text.end() - suffix.size(), text.end(), suffix.begin(), [](char t, char s) {
    return (t >= 'A' && t <= 'Z' ? t + 32 : t) == s;
  });
}

const UiAsset* find_asset(std::string_view path) {
  for (const auto& a : embedded_ui_assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

// If-None-Match is a list of entity tags ("a", W/"b") or "*"; weak comparison (RFC 9110
// 13.1.2) is what a GET revalidation uses.
bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

// The headers of every UI answer. "no-cache" makes the browser revalidate each time (a
// cheap 304 thanks to the ETag), so a new gitnsd never leaves an old UI in a cache.
Response&& secure_headers(Response&& r) {
  return std::move(r)
      .with_header("Content-Security-Policy", std::string(kUiContentSecurityPolicy))
      .with_header("X-Content-Type-Options", "nosniff")
      .with_header("X-Frame-Options", "DENY")
      .with_header("Referrer-Policy", "no-referrer");
}

Response redirect(std::string location) {
  Response r = Response::text("see " + location + "\n", "text/plain; charset=utf-8", 302);
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Response serve_asset(const Request& request) {
  if (request.path == "/ui") return redirect("/ui/");
  std::string_view path = request.param("path");
  if (path.empty()) path = kIndex;
  const UiAsset* asset = find_asset(path);
  if (asset == nullptr) {
    return secure_headers(Response::not_found("no such file in the UI: /ui/" + std::string(path) +
                                              " (the UI starts at /ui/)"));
  }
  Response r;
  if (auto inm = request.header("If-None-Match"); inm && etag_matches(*inm, asset->etag)) {
    r.status = 304;
    r.content_type.clear();
  } else {
    r.content_type = std::string(ui_content_type(asset->path));
    r.body = std::string(asset->bytes());
  }
  r.headers.emplace_back("ETag", std::string(asset->etag));
  r.headers.emplace_back("Cache-Control", "no-cache");
  return secure_headers(std::move(r));
}

}  // namespace

std::string_view ui_content_type(std::string_view path) noexcept {
  struct Type {
    std::string_view ext, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},              {".png", "image/png"},
      {".ico", "image/x-icon"},               {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},  {".woff2", "font/woff2"},
  };
  for (const auto& t : kTypes) {
    if (ends_with_ci(path, t.ext)) return t.type;
  }
  return "application/octet-stream";
}

base::Status add_ui_routes(Router& router) {
  GITNS_CHECK(router.add("GET", "/", kPublic, [](const Request&) { return redirect("/ui/"); }));
  return router.add("GET", "/ui/{path...}", kPublic, serve_asset);
}

}  // namespace gitns::http
