#include "controller/daemon/options.h"

#include <charconv>

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
  if (eq + 1 == a.size()) return bad("--zone '" + std::string(a) + "': the file after '=' is empty");
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

class Parser {
 public:
  explicit Parser(std::vector<std::string_view> args) : args_(std::move(args)) {}

  base::Result<Options> run() {
    while (i_ < args_.size()) GITNS_CHECK(one(args_[i_++]));
    if (opts_.help || opts_.version) return opts_;
    if (opts_.zones.empty() && opts_.zone_dirs.empty())
      return bad("no zones to serve: give --zone FILE, --zone ORIGIN=FILE or --zone-dir DIR");
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
    if (is_flag(flag)) return bad("unknown flag '" + std::string(flag) + "'");
    return bad("unexpected argument '" + std::string(flag) + "'");
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
};

}  // namespace

base::Result<Options> parse_options(const std::vector<std::string_view>& args) {
  return Parser(split_equals(args)).run();
}

std::string usage() {
  return "Usage: gitnsd (--zone FILE... | --zone ORIGIN=FILE | --zone-dir DIR)... [options]\n"
         "\n"
         "Serves DNS zone files authoritatively over UDP and TCP.\n"
         "\n"
         "  --zone FILE...        serve FILE; its origin is the file name without .zone\n"
         "                        (example.test.zone serves example.test.)\n"
         "  --zone ORIGIN=FILE    serve FILE as the zone ORIGIN\n"
         "  --zone-dir DIR        serve every *.zone file in DIR, named as above\n"
         "  --listen ADDR:PORT    UDP and TCP address, repeatable; IPv6 as [::1]:1053\n"
         "                        (default 127.0.0.1:1053)\n"
         "  --threads N           worker threads (default: one per CPU core)\n"
         "  --help                print this help\n"
         "  --version             print the version\n"
         "\n"
         "Signals: SIGHUP reloads every zone file (a failed reload keeps the zones being\n"
         "served); SIGINT and SIGTERM stop. Logs are key=value lines on stderr.\n";
}

}  // namespace gitns::daemon
