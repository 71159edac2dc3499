#include "controller/http/ui_routes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace gitns::http {
namespace {

namespace fs = std::filesystem;

Response get(const Router& router, std::string_view raw_path,
             std::vector<Header> headers = {}) {
  auto segments = split_path(raw_path);
  EXPECT_TRUE(segments.ok()) << raw_path;
  RouteMatch m = router.match("GET", *segments);
  if (m.route == nullptr) return Response::error(404, "no_route", std::string(raw_path));
  EXPECT_FALSE(m.route->min_role.has_value()) << raw_path << " must be public";
  Request r;
  r.method = "GET";
  for (const auto& s : *segments) r.path += "/" + s;
  if (r.path.empty()) r.path = "/";
  r.path_params = m.params;
  r.headers = std::move(headers);
  return m.route->handler(r);
}

std::optional<std::string> header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return std::nullopt;
}

Router ui_router() {
  Router r;
  EXPECT_TRUE(add_ui_routes(r).ok());
  return r;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const fs::path kUiDir = fs::path(GITNS_SOURCE_DIR) / "controller" / "http" / "ui";

TEST(UiRoutes, EveryFileOfTheUiFolderIsEmbeddedByteForByte) {
  std::set<std::string> on_disk;
  for (const auto& e : fs::recursive_directory_iterator(kUiDir)) {
    if (e.is_regular_file()) on_disk.insert(fs::relative(e.path(), kUiDir).generic_string());
  }
  std::set<std::string> embedded;
  for (const auto& a : embedded_ui_assets()) {
    embedded.insert(std::string(a.path));
    EXPECT_EQ(a.bytes(), read_file(kUiDir / std::string(a.path))) << a.path;
  }
  EXPECT_EQ(embedded, on_disk);
  EXPECT_TRUE(embedded.count("index.html"));
}

TEST(UiRoutes, RootAndBareUiRedirectToUiSlash) {
  Router router = ui_router();
  for (auto path : {"/", "/ui"}) {
    Response r = get(router, path);
    EXPECT_EQ(r.status, 302) << path;
    EXPECT_EQ(header(r, "Location"), "/ui/") << path;
  }
}

TEST(UiRoutes, UiSlashServesIndexWithSecurityHeaders) {
  Router router = ui_router();
  Response r = get(router, "/ui/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, read_file(kUiDir / "index.html"));
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  auto csp = header(r, "Content-Security-Policy");
  ASSERT_TRUE(csp);
  EXPECT_NE(csp->find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp->find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp->find("unsafe-eval"), std::string::npos);
  EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string::npos);
  auto etag = header(r, "ETag");
  ASSERT_TRUE(etag);
  EXPECT_TRUE(std::regex_match(*etag, std::regex("\"[0-9a-f]{32}\""))) << *etag;
  EXPECT_EQ(get(router, "/ui/index.html").body, r.body);
}

TEST(UiRoutes, AssetsGetTheirContentType) {
  Router router = ui_router();
  struct Case {
    const char* path;
    const char* type;
  };
  for (auto [path, type] : {Case{"/ui/style.css", "text/css; charset=utf-8"},
                            Case{"/ui/js/app.js", "text/javascript; charset=utf-8"},
                            Case{"/ui/favicon.svg", "image/svg+xml"}}) {
    Response r = get(router, path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type, type) << path;
    EXPECT_FALSE(r.body.empty()) << path;
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff") << path;
  }
  // Every shipped file has a real type: nothing falls back to octet-stream.
  for (const auto& a : embedded_ui_assets()) {
    EXPECT_NE(ui_content_type(a.path), "application/octet-stream") << a.path;
  }
  EXPECT_EQ(ui_content_type("x.bin"), "application/octet-stream");
  EXPECT_EQ(ui_content_type("A.HTML"), "text/html; charset=utf-8");
}

TEST(UiRoutes, EtagsDifferPerFileAndRevalidateTo304) {
  Router router = ui_router();
  std::set<std::string> etags;
  for (const auto& a : embedded_ui_assets()) etags.insert(std::string(a.etag));
  EXPECT_EQ(etags.size(), embedded_ui_assets().size());

  Response first = get(router, "/ui/js/app.js");
  std::string etag = *header(first, "ETag");
  Response again = get(router, "/ui/js/app.js", {{"if-none-match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(header(again, "ETag"), etag);
  // A list, a weak form and "*" match too; another tag does not.
  EXPECT_EQ(get(router, "/ui/js/app.js", {{"If-None-Match", "\"x\", W/" + etag}}).status, 304);
  EXPECT_EQ(get(router, "/ui/js/app.js", {{"If-None-Match", "*"}}).status, 304);
  Response other = get(router, "/ui/js/app.js", {{"If-None-Match", "\"0000\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, first.body);
}

TEST(UiRoutes, UnknownFilesAre404Json) {
  Router router = ui_router();
  for (auto path : {"/ui/nope.js", "/ui/../index.html", "/ui/js", "/ui/js/", "/ui/%2e%2e/CMakeLists.txt",
                    "/ui/index.html/x"}) {
    Response r = get(router, path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, "application/json") << path;
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["error"]["code"], "not_found") << path;
  }
}

TEST(UiRoutes, IndexLoadsOnlyLocalScriptsAndNoInlineScript) {
  std::string index = read_file(kUiDir / "index.html");
  // CSP forbids inline script: every <script> must have a same-origin src and no body.
  std::regex script("<script([^>]*)>([\\s\\S]*?)</script>");
  int count = 0;
  for (std::sregex_iterator it(index.begin(), index.end(), script), end; it != end; ++it) {
    ++count;
    std::string attrs = (*it)[1];
    EXPECT_NE(attrs.find("src=\""), std::string::npos) << attrs;
    EXPECT_EQ(attrs.find("//"), std::string::npos) << "no external script: " << attrs;
    EXPECT_TRUE(std::string((*it)[2]).find_first_not_of(" \n\t") == std::string::npos);
  }
  EXPECT_GE(count, 1);
  EXPECT_EQ(index.find(" style=\""), std::string::npos);
  EXPECT_EQ(index.find(" onclick="), std::string::npos);
  // Nothing of the UI comes from elsewhere: no http(s) URL in any asset but the SVG namespace.
  for (const auto& a : embedded_ui_assets()) {
    std::string text(a.bytes());
    std::regex url("https?://[^\"' )]+");
    for (std::sregex_iterator it(text.begin(), text.end(), url), end; it != end; ++it) {
      EXPECT_EQ(it->str(), "http://www.w3.org/2000/svg") << a.path;
    }
  }
}

TEST(UiRoutes, RegisteringTwiceFails) {
  Router router;
  ASSERT_TRUE(add_ui_routes(router).ok());
  EXPECT_FALSE(add_ui_routes(router).ok());
}

}  // namespace
}  // namespace gitns::http
