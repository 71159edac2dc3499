// gitnsd: serves zone files over UDP and TCP. Wiring and lifecycle only: flags, zone
// loading, the server, and signals (SIGHUP reloads, SIGINT/SIGTERM stop).
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <algorithm>
#include <string>
#include <thread>
#include <string_view>
#include <vector>

#include "controller/daemon/log.h"
#include "controller/daemon/options.h"
#include "controller/daemon/zone_service.h"
#include "controller/daemon/zone_sources.h"
#include "resolver/server/dns_server.h"

#ifndef GITNS_VERSION
#define GITNS_VERSION "unknown"
#endif

namespace gitns::daemon {
namespace {

// Blocked in every thread (the server's threads inherit the mask) and taken by sigwaitinfo
// in main, so no signal handler ever runs on a DNS thread.
sigset_t block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a peer that vanishes mid-write is an error code, not a death
  return set;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string listen_list(const server::DnsServer& s) {
  std::vector<std::string> out;
  for (const auto& ep : s.endpoints()) out.push_back(ep.to_string());
  return join(out);
}

class Daemon {
 public:
  explicit Daemon(Options options)
      : options_(std::move(options)),
        threads_(options_.threads != 0 ? options_.threads
                                       : std::max(1u, std::thread::hardware_concurrency())),
        zones_(threads_, server::ServerConfig{}.udp_max_payload) {}

  int run(const sigset_t& signals) {
    auto loaded = load("loaded zones");
    if (!loaded) return 1;
    server::ServerConfig config;
    config.listen = options_.listen;
    config.threads = threads_;
    auto server = server::DnsServer::start(config, zones_.handler());
    if (!server.ok()) {
      log(Level::error, "cannot start the DNS server",
          {{"error", server.error().to_string()}, {"listen", join(options_.listen)}});
      return 1;
    }
    log(Level::info, "serving",
        {{"zones", std::to_string(*loaded)}, {"listen", listen_list(**server)},
         {"threads", std::to_string((*server)->threads())}, {"version", GITNS_VERSION}});
    wait_for_stop(signals);
    (*server)->stop();
    log_stopped((*server)->stats());
    return 0;
  }

 private:
  void wait_for_stop(const sigset_t& signals) {
    for (;;) {
      int sig = sigwaitinfo(&signals, nullptr);
      if (sig < 0) {
        if (errno == EINTR) continue;
        log(Level::error, "waiting for signals failed; stopping", {{"error", std::strerror(errno)}});
        return;
      }
      if (sig == SIGHUP) {
        load("reloaded zones");
        continue;
      }
      log(Level::info, "stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
      return;
    }
  }

  // Builds and publishes a new zone set; on failure logs every error and keeps what is
  // being served. Returns the number of zones published.
  std::optional<size_t> load(std::string_view done_msg) {
    auto start = std::chrono::steady_clock::now();
    auto sources = expand_zone_sources(options_);
    LoadReport report;
    if (sources.ok()) report = zones_.load(*sources);
    else report.errors.push_back(sources.error());
    for (const std::string& w : report.warnings) log(Level::warn, "zone warning", {{"warning", w}});
    for (const base::Error& e : report.errors) log(Level::error, "zone error", {{"error", e.to_string()}});
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (!report.ok()) {
      log(Level::error, "zones not loaded; nothing changed",
          {{"errors", std::to_string(report.errors.size())}});
      return std::nullopt;
    }
    log(Level::info, done_msg, {{"zones", std::to_string(report.zones)}, {"ms", std::to_string(ms.count())}});
    return report.zones;
  }

  void log_stopped(const server::ServerStats& s) {
    log(Level::info, "stopped",
        {{"udp_queries", std::to_string(s.udp_queries)},
         {"udp_responses", std::to_string(s.udp_responses)},
         {"tcp_queries", std::to_string(s.tcp_queries)},
         {"tcp_responses", std::to_string(s.tcp_responses)},
         {"tcp_refused", std::to_string(s.tcp_refused)},
         {"handler_errors", std::to_string(s.handler_errors)}});
  }

  Options options_;
  unsigned threads_;
  ZoneService zones_;  // declared before any server: it outlives the handler's callers
};

}  // namespace
}  // namespace gitns::daemon

int main(int argc, char** argv) {
  using namespace gitns::daemon;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto options = parse_options(args);
  if (!options.ok()) {
    std::fprintf(stderr, "gitnsd: %s\n", options.error().to_string().c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  if (options->version) {
    std::printf("gitnsd %s\n", GITNS_VERSION);
    return 0;
  }
  sigset_t signals = block_signals();  // before the server starts any thread
  return Daemon(std::move(options).value()).run(signals);
}
