#include "controller/cli/config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "controller/manifest/yaml.h"

namespace gitns::cli {

const Context* Config::find(const std::string& name) const {
  for (const Context& c : contexts)
    if (c.name == name) return &c;
  return nullptr;
}

void Config::upsert(Context c) {
  for (Context& old : contexts) {
    if (old.name == c.name) {
      old = std::move(c);
      return;
    }
  }
  contexts.push_back(std::move(c));
}

bool Config::remove(const std::string& name) {
  auto n = std::erase_if(contexts, [&](const Context& c) { return c.name == name; });
  if (current == name) current.clear();
  return n > 0;
}

nlohmann::json Config::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const Context& c : contexts) {
    nlohmann::json j{{"name", c.name}, {"server", c.server}, {"token", c.token}};
    if (!c.user.empty()) j["user"] = c.user;
    if (!c.expires_at.empty()) j["expiresAt"] = c.expires_at;
    if (!c.ca_file.empty()) j["caFile"] = c.ca_file;
    if (!c.pinned_sha256.empty()) j["pinnedSha256"] = c.pinned_sha256;
    if (c.insecure_skip_verify) j["insecureSkipTlsVerify"] = true;
    list.push_back(std::move(j));
  }
  return {{"apiVersion", "gitns.io/v1"}, {"kind", "Config"}, {"currentContext", current},
          {"contexts", list}};
}

base::Result<Config> Config::from_json(const nlohmann::json& j) {
  if (j.is_null()) return Config{};
  auto bad = [](const std::string& what) {
    return base::fail(base::Errc::malformed, "gitnsctl config: " + what);
  };
  if (!j.is_object()) return bad("expected an object with currentContext and contexts");
  Config c;
  auto str = [](const nlohmann::json& o, const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  c.current = str(j, "currentContext");
  if (auto list = j.find("contexts"); list != j.end()) {
    if (!list->is_array()) return bad("contexts must be a list");
    for (const auto& e : *list) {
      if (!e.is_object()) return bad("each context must be an object");
      Context x;
      x.name = str(e, "name");
      x.server = str(e, "server");
      x.token = str(e, "token");
      x.user = str(e, "user");
      x.expires_at = str(e, "expiresAt");
      x.ca_file = str(e, "caFile");
      x.pinned_sha256 = str(e, "pinnedSha256");
      auto in = e.find("insecureSkipTlsVerify");
      x.insecure_skip_verify = in != e.end() && in->is_boolean() && in->get<bool>();
      if (x.name.empty() || x.server.empty()) return bad("a context needs a name and a server");
      c.contexts.push_back(std::move(x));
    }
  }
  return c;
}

base::Result<std::string> config_path() {
  if (const char* p = std::getenv("GITNS_CONFIG"); p && *p) return std::string(p);
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
    return std::string(x) + "/gitns/config";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.config/gitns/config";
  return base::fail(base::Errc::not_found,
                    "no config file location: set GITNS_CONFIG, XDG_CONFIG_HOME or HOME");
}

base::Result<Config> load_config(const std::string& path, std::string* warning) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Config{};
    return base::fail(base::Errc::io, "cannot read " + path + ": " + std::strerror(errno));
  }
  if (warning && (st.st_mode & 077))
    *warning = path + " is readable by other users; its tokens log in as you: chmod 600 " + path;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return base::fail(base::Errc::io, "cannot read " + path);
  manifest::YamlParse parsed = manifest::parse_yaml(text.str());
  if (!parsed.errors.empty())
    return base::fail(base::Errc::syntax, path + ":" + std::to_string(parsed.errors[0].position.line) +
                                              ": " + parsed.errors[0].message);
  if (parsed.documents.empty()) return Config{};
  auto c = Config::from_json(parsed.documents[0].value);
  if (!c) return base::fail(c.error().code, path + ": " + c.error().message);
  return c;
}

base::Status save_config(const std::string& path, const Config& config) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path() && !std::filesystem::exists(p.parent_path(), ec)) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return base::fail(base::Errc::io, "cannot create " + p.parent_path().string() + ": " + ec.message());
    ::chmod(p.parent_path().c_str(), 0700);
  }
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return base::fail(base::Errc::io, "cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // an older temporary file may have had other bits
  std::string text = config.to_json().dump(2) + "\n";
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return base::fail(base::Errc::io, "cannot write " + tmp + ": " + std::strerror(errno));
    }
    off += size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return base::fail(base::Errc::io, "cannot write " + tmp + ": " + std::strerror(errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return base::fail(base::Errc::io, "cannot replace " + path + ": " + std::strerror(errno));
  return {};
}

}  // namespace gitns::cli
