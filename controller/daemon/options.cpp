#include "controller/daemon/options.h"

#include <charconv>
#include <optional>

#include "resolver/server/endpoint.h"

namespace gitns::daemon {
namespace {

constexpr unsigned kMaxThreads = 1024;

base::Failure bad(std::string message) {
  return base::fail(base::Errc::syntax, std::move(message) + " (see gitnsd --help)");
}

bool is_flag(std::string_view a) { return a.size() > 1 && a[0] == '-'; }

// `--flag=value` is split here so the rest of the parser sees `--flag value`.
std::vector<std::string_view> split_equals(const std::vector<std::string_view>& args) {
  std::vector<std::string_view> out;
  for (std::string_view a : args) {
    size_t eq = a.find('=');
    if (a.starts_with("--") && eq != std::string_view::npos) {
      out.push_back(a.substr(0, eq));
      out.push_back(a.substr(eq + 1));
    } else {
      out.push_back(a);
    }
  }
  return out;
}

base::Result<ZoneArg> parse_zone_arg(std::string_view a) {
  size_t eq = a.find('=');
  if (eq == std::string_view::npos) return ZoneArg{"", std::string(a)};
  if (eq == 0) return bad("--zone '" + std::string(a) + "': the origin before '=' is empty");
  if (eq + 1 == a.size())
    return bad("--zone '" + std::string(a) + "': the file after '=' is empty");
  return ZoneArg{std::string(a.substr(0, eq)), std::string(a.substr(eq + 1))};
}

base::Result<unsigned> parse_threads(std::string_view v) {
  unsigned n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n == 0 || n > kMaxThreads)
    return bad("--threads '" + std::string(v) + "': expected a number from 1 to " +
               std::to_string(kMaxThreads));
  return n;
}

}  // namespace

base::Result<std::chrono::milliseconds> parse_duration(std::string_view v) {
  size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + digits, n);
  std::string_view unit = v.substr(digits);
  uint64_t scale = unit.empty() || unit == "s" ? 1000
                   : unit == "ms"              ? 1
                   : unit == "m"               ? 60'000
                   : unit == "h"               ? 3'600'000
                                               : 0;
  constexpr uint64_t kMaxMs = uint64_t{7} * 24 * 3'600'000;  // a week
  if (digits == 0 || ec != std::errc() || end != v.data() + digits || scale == 0 ||
      n > kMaxMs / scale)
    return base::fail(base::Errc::syntax,
                      "'" + std::string(v) +
                          "': expected a duration such as 30s, 500ms, 2m or 1h (at most a week)");
  return std::chrono::milliseconds(n * scale);
}

namespace {

class Parser {
 public:
  explicit Parser(std::vector<std::string_view> args) : args_(std::move(args)) {}

  base::Result<Options> run() {
    while (i_ < args_.size()) GITNS_CHECK(one(args_[i_++]));
    if (opts_.help || opts_.version) return opts_;
    GITNS_CHECK(check_modes());
    if (opts_.listen.empty()) opts_.listen.push_back("127.0.0.1:1053");
    return opts_;
  }

 private:
  base::Status one(std::string_view flag) {
    if (flag == "--help" || flag == "-h") {
      opts_.help = true;
      return {};
    }
    if (flag == "--version") {
      opts_.version = true;
      return {};
    }
    if (flag == "--zone") return zones();
    if (flag == "--zone-dir") {
      GITNS_TRY(std::string_view dir, value(flag, "DIR"));
      opts_.zone_dirs.emplace_back(dir);
      return {};
    }
    if (flag == "--listen") {
      GITNS_TRY(std::string_view addr, value(flag, "ADDR:PORT"));
      auto ep = server::parse_endpoint(addr);
      if (!ep.ok()) return bad("--listen: " + ep.error().message);
      opts_.listen.emplace_back(addr);
      return {};
    }
    if (flag == "--threads") {
      GITNS_TRY(std::string_view v, value(flag, "N"));
      GITNS_TRY(opts_.threads, parse_threads(v));
      return {};
    }
    if (auto s = repo_flag(flag)) {
      GITNS_TRY(std::string_view v, value(flag, s->what));
      *s->target = std::string(v);
      repo_flags_.emplace_back(flag);
      return {};
    }
    if (flag == "--poll") {
      GITNS_TRY(std::string_view v, value(flag, "DURATION"));
      auto d = parse_duration(v);
      if (!d.ok()) return bad("--poll " + d.error().message);
      opts_.repo.poll = *d;
      repo_flags_.emplace_back(flag);
      return {};
    }
    if (auto h = http_flag(flag)) {
      GITNS_TRY(std::string_view v, value(flag, h->what));
      *h->target = std::string(v);
      return {};
    }
    if (flag == "--http-allow-remote") {
      opts_.http.allow_remote = true;
      return {};
    }
    if (is_flag(flag)) return bad("unknown flag '" + std::string(flag) + "'");
    return bad("unexpected argument '" + std::string(flag) + "'");
  }

  struct StringFlag {
    std::string* target;
    const char* what;
  };
  std::optional<StringFlag> repo_flag(std::string_view flag) {
    RepoOptions& r = opts_.repo;
    if (flag == "--repo") return StringFlag{&r.url, "PATH or URL"};
    if (flag == "--branch") return StringFlag{&r.branch, "NAME"};
    if (flag == "--path") return StringFlag{&r.path, "SUBDIR"};
    if (flag == "--state-dir") return StringFlag{&r.state_dir, "DIR"};
    if (flag == "--git-username") return StringFlag{&r.username, "NAME"};
    if (flag == "--git-token-file") return StringFlag{&r.token_file, "FILE"};
    if (flag == "--git-token-env") return StringFlag{&r.token_env, "VARIABLE"};
    if (flag == "--ssh-key") return StringFlag{&r.ssh_key, "FILE"};
    if (flag == "--ssh-known-hosts") return StringFlag{&r.ssh_known_hosts, "FILE"};
    return std::nullopt;
  }

  std::optional<StringFlag> http_flag(std::string_view flag) {
    HttpOptions& h = opts_.http;
    if (flag == "--http") return StringFlag{&h.http_listen, "ADDR:PORT"};
    if (flag == "--https") return StringFlag{&h.https_listen, "ADDR:PORT"};
    if (flag == "--tls-cert") return StringFlag{&h.tls_cert, "FILE"};
    if (flag == "--tls-key") return StringFlag{&h.tls_key, "FILE"};
    if (flag == "--admin-password-file") return StringFlag{&h.admin_password_file, "FILE"};
    if (flag == "--webhook-secret-file") return StringFlag{&h.webhook_secret_file, "FILE"};
    if (flag == "--webhook-secret-env") return StringFlag{&h.webhook_secret_env, "VARIABLE"};
    return std::nullopt;
  }

  base::Status check_http() {
    const HttpOptions& h = opts_.http;
    if (!h.http_listen.empty() && !h.allow_remote && !is_loopback_listen(h.http_listen))
      return bad("--http " + h.http_listen +
                 ": plain HTTP binds loopback only (127.0.0.1, ::1); use --https for other "
                 "addresses, or add --http-allow-remote behind a TLS proxy");
    if (h.tls_cert.empty() != h.tls_key.empty())
      return bad("--tls-cert and --tls-key go together (or give neither for a self-signed pair)");
    if (!h.tls_cert.empty() && h.https_listen.empty())
      return bad("--tls-cert/--tls-key need --https ADDR:PORT");
    if (!h.enabled() && (!h.admin_password_file.empty() || !h.webhook_secret_file.empty() ||
                         !h.webhook_secret_env.empty() || h.allow_remote))
      return bad("the HTTP flags need --http ADDR:PORT or --https ADDR:PORT");
    if (!h.webhook_secret_file.empty() && !h.webhook_secret_env.empty())
      return bad("give --webhook-secret-file or --webhook-secret-env, not both");
    return {};
  }

  base::Status check_modes() {
    GITNS_CHECK(check_http());
    bool zones = !opts_.zones.empty() || !opts_.zone_dirs.empty();
    if (!opts_.repo.url.empty()) {
      if (zones)
        return bad("--repo cannot be combined with --zone or --zone-dir: give one source of zones");
      if (opts_.repo.state_dir.empty())
        return bad(
            "--repo needs --state-dir DIR (the applied state, git cache and status.json live "
            "there)");
      return {};
    }
    // --zone mode with HTTP keeps users.json (and a generated certificate) in --state-dir.
    bool state_for_http = opts_.http.enabled() && repo_flags_.size() == 1 &&
                          repo_flags_.front() == "--state-dir";
    if (!repo_flags_.empty() && !state_for_http)
      return bad(std::string(repo_flags_.front()) + " needs --repo PATH_OR_URL");
    if (opts_.http.enabled() && opts_.repo.state_dir.empty())
      return bad("--http/--https with --zone needs --state-dir DIR (users.json lives there)");
    if (!zones)
      return bad(
          "no zones to serve: give --repo PATH_OR_URL --state-dir DIR, or --zone FILE, --zone "
          "ORIGIN=FILE "
          "or --zone-dir DIR");
    return {};
  }

  // --zone takes one or more files: every argument up to the next flag.
  base::Status zones() {
    GITNS_TRY(std::string_view first, value("--zone", "FILE or ORIGIN=FILE"));
    GITNS_TRY(ZoneArg z, parse_zone_arg(first));
    opts_.zones.push_back(std::move(z));
    while (i_ < args_.size() && !is_flag(args_[i_])) {
      GITNS_TRY(ZoneArg more, parse_zone_arg(args_[i_++]));
      opts_.zones.push_back(std::move(more));
    }
    return {};
  }

  base::Result<std::string_view> value(std::string_view flag, std::string_view what) {
    if (i_ >= args_.size() || (is_flag(args_[i_]) && args_[i_] != "-") || args_[i_].empty())
      return bad(std::string(flag) + " needs a value: " + std::string(what));
    return args_[i_++];
  }

  std::vector<std::string_view> args_;
  size_t i_ = 0;
  Options opts_;
  std::vector<std::string_view> repo_flags_;  // given repo-mode flags, for the error without --repo
};

}  // namespace

bool is_loopback_listen(std::string_view a) {
  size_t colon = a.rfind(':');
  std::string_view host = colon == std::string_view::npos ? std::string_view() : a.substr(0, colon);
  if (colon == std::string_view::npos) return true;  // "PORT": loopback by default
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return host.empty() || host == "localhost" || host == "::1" || host.starts_with("127.");
}

base::Result<Options> parse_options(const std::vector<std::string_view>& args) {
  return Parser(split_equals(args)).run();
}

std::string usage() {
  return "Usage: gitnsd --repo PATH_OR_URL --state-dir DIR [--branch B] [--path SUBDIR] [options]\n"
         "       gitnsd (--zone FILE... | --zone ORIGIN=FILE | --zone-dir DIR)... [options]\n"
         "\n"
         "Serves DNS zones authoritatively over UDP and TCP: those a git repository of\n"
         "manifests describes (every valid commit applied atomically), or zone files.\n"
         "\n"
         "  --repo PATH_OR_URL    the manifest repository: a local path, file://, https://\n"
         "                        or ssh:// URL\n"
         "  --branch NAME         branch to follow (default: the remote's HEAD)\n"
         "  --path SUBDIR         folder of the repository holding the manifests\n"
         "  --state-dir DIR       applied state (LMDB), git cache and status.json; one\n"
         "                        gitnsd per folder (it is locked while in use)\n"
         "  --poll DURATION       fetch interval, e.g. 30s, 5m (default 30s; 0: SIGHUP only)\n"
         "  --git-username NAME   https:// user (default: from the URL, else x-access-token)\n"
         "  --git-token-file FILE https:// token read from FILE at each fetch\n"
         "  --git-token-env VAR   https:// token read from the environment variable VAR\n"
         "  --ssh-key FILE        ssh:// private key (ed25519)\n"
         "  --ssh-known-hosts FILE  ssh:// host keys to trust (default ~/.ssh/known_hosts)\n"
         "\n"
         "  --zone FILE...        serve FILE; its origin is the file name without .zone\n"
         "                        (example.test.zone serves example.test.)\n"
         "  --zone ORIGIN=FILE    serve FILE as the zone ORIGIN\n"
         "  --zone-dir DIR        serve every *.zone file in DIR, named as above\n"
         "  --listen ADDR:PORT    UDP and TCP address, repeatable; IPv6 as [::1]:1053\n"
         "                        (default 127.0.0.1:1053)\n"
         "  --threads N           worker threads (default: one per CPU core)\n"
         "\n"
         "  --http ADDR:PORT      serve the HTTP API, status page and /metrics (loopback\n"
         "                        only, e.g. 127.0.0.1:8053)\n"
         "  --http-allow-remote   let --http bind other addresses (behind a TLS proxy)\n"
         "  --https ADDR:PORT     the same over TLS: --tls-cert FILE --tls-key FILE, or a\n"
         "                        self-signed certificate made in DIR/tls on first start\n"
         "  --admin-password-file FILE  the first admin's password (else the variable\n"
         "                        GITNS_ADMIN_PASSWORD, else generated and printed once);\n"
         "                        users live in DIR/users.json\n"
         "  --webhook-secret-file FILE | --webhook-secret-env VAR\n"
         "                        secret of POST /api/v1/hooks/git (GitHub or GitLab)\n"
         "  --help                print this help\n"
         "  --version             print the version\n"
         "\n"
         "Signals: SIGHUP reconciles now (--repo) or reloads every zone file; a failed\n"
         "reconcile or reload keeps the zones being served. SIGINT and SIGTERM stop.\n"
         "Logs are key=value lines on stderr; --repo writes DIR/status.json too.\n";
}

}  // namespace gitns::daemon
