// gitnsd: wiring and lifecycle only. Two modes:
//   --repo: a Reconciler (controller/reconcile) on its own thread applies each valid
//           commit of a manifest repository to the engine; SIGHUP reconciles now.
//   --zone/--zone-dir: zone files loaded by ZoneService; SIGHUP reloads them.
// Signals are taken by sigwaitinfo in main, so no handler ever runs on a DNS thread.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "controller/api/metrics_families.h"
#include "controller/daemon/http_front.h"
#include "controller/daemon/log.h"
#include "controller/daemon/options.h"
#include "controller/daemon/state_dir.h"
#include "controller/daemon/zone_service.h"
#include "controller/daemon/zone_sources.h"
#include "controller/git/git_source.h"
#include "controller/reconcile/loop.h"
#include "controller/reconcile/reconciler.h"
#include "controller/reconcile/serialized_source.h"
#include "controller/reconcile/source.h"
#include "resolver/engine.h"
#include "resolver/store/store.h"

#ifndef GITNS_VERSION
#define GITNS_VERSION "unknown"
#endif

namespace gitns::daemon {
namespace {

// Blocked in every thread (the server's and the controller's threads inherit the mask).
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

std::string listen_list(const engine::Engine& e) {
  std::vector<std::string> out;
  for (const auto& ep : e.endpoints()) out.push_back(ep.to_string());
  return join(out);
}

// Waits for SIGHUP (calls on_hup) until SIGINT/SIGTERM.
template <class OnHup>
void wait_for_stop(const sigset_t& signals, OnHup on_hup) {
  for (;;) {
    int sig = sigwaitinfo(&signals, nullptr);
    if (sig < 0) {
      if (errno == EINTR) continue;
      log(Level::error, "waiting for signals failed; stopping", {{"error", std::strerror(errno)}});
      return;
    }
    if (sig == SIGHUP) {
      on_hup();
      continue;
    }
    log(Level::info, "stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
    return;
  }
}

void log_stopped(const engine::Engine& e) {
  server::ServerStats s = e.stats().server;
  log(Level::info, "stopped",
      {{"udp_queries", std::to_string(s.udp_queries)},
       {"udp_responses", std::to_string(s.udp_responses)},
       {"tcp_queries", std::to_string(s.tcp_queries)},
       {"tcp_responses", std::to_string(s.tcp_responses)},
       {"tcp_refused", std::to_string(s.tcp_refused)},
       {"handler_errors", std::to_string(s.handler_errors)}});
}

engine::EngineConfig engine_config(const Options& o) {
  engine::EngineConfig c;
  c.server.listen = o.listen;
  c.server.threads = o.threads;
  return c;
}

bool start_engine(engine::Engine& e, const Options& o, size_t zones) {
  auto started = e.start();
  if (!started.ok()) {
    log(Level::error, "cannot start the DNS server",
        {{"error", started.error().to_string()}, {"listen", join(o.listen)}});
    return false;
  }
  log(Level::info, "serving",
      {{"zones", std::to_string(zones)},
       {"listen", listen_list(e)},
       {"threads", std::to_string(e.threads())},
       {"version", GITNS_VERSION}});
  return true;
}

// ---- zone-file mode ----------------------------------------------------------------

// Builds and publishes a new zone set; on failure logs every error and keeps what is
// being served. Returns the number of zones published.
std::optional<size_t> load_zones(ZoneService& zones, const Options& options,
                                 std::string_view done_msg) {
  auto start = std::chrono::steady_clock::now();
  auto sources = expand_zone_sources(options);
  LoadReport report;
  if (sources.ok())
    report = zones.load(*sources);
  else
    report.errors.push_back(sources.error());
  for (const std::string& w : report.warnings) log(Level::warn, "zone warning", {{"warning", w}});
  for (const base::Error& e : report.errors)
    log(Level::error, "zone error", {{"error", e.to_string()}});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  if (!report.ok()) {
    log(Level::error, "zones not loaded; nothing changed",
        {{"errors", std::to_string(report.errors.size())}});
    return std::nullopt;
  }
  log(Level::info, done_msg,
      {{"zones", std::to_string(report.zones)}, {"ms", std::to_string(ms.count())}});
  return report.zones;
}

int run_zone_files(const Options& options, const sigset_t& signals) {
  engine::Engine engine(engine_config(options));
  ZoneService zones(engine);
  auto loaded = load_zones(zones, options, "loaded zones");
  if (!loaded) return 1;
  if (!start_engine(engine, options, *loaded)) return 1;
  std::unique_ptr<HttpFrontEnd> http;
  if (options.http.enabled()) {
    api::ApiContext api;
    api.engine = &engine;
    api.version = GITNS_VERSION;
    auto started = HttpFrontEnd::start(options.http, options.repo.state_dir, api, {});
    if (!started.ok()) {
      log(Level::error, "cannot start the HTTP server", {{"error", started.error().to_string()}});
      engine.stop();
      return 1;
    }
    http = std::move(started).value();
  }
  wait_for_stop(signals, [&] { load_zones(zones, options, "reloaded zones"); });
  if (http) http->stop();
  engine.stop();
  log_stopped(engine);
  return 0;
}

// ---- repository mode -------------------------------------------------------------

void reconcile_log(reconcile::LogLevel level, std::string_view msg,
                   const reconcile::LogFields& fields) {
  Level l = level == reconcile::LogLevel::debug  ? Level::debug
            : level == reconcile::LogLevel::info ? Level::info
            : level == reconcile::LogLevel::warn ? Level::warn
                                                 : Level::error;
  log(l, msg, fields);
}

git::SourceConfig git_config(const RepoOptions& r) {
  git::SourceConfig c;
  c.url = r.url;
  c.branch = r.branch;
  c.sub_path = r.path;
  c.cache_dir = (std::filesystem::path(r.state_dir) / "git-cache").string();
  c.credentials.username = r.username;
  c.credentials.token_file = r.token_file;
  c.credentials.token_env = r.token_env;
  c.credentials.ssh_key_file = r.ssh_key;
  c.credentials.ssh_known_hosts_file = r.ssh_known_hosts;
  return c;
}

// The controller thread, and a way to wait for it with a deadline: libgit2 1.5 has no
// network timeout, so a fetch from a silent server could block shutdown forever.
class ControllerThread {
 public:
  template <class F>
  explicit ControllerThread(F f)
      : thread_([this, f = std::move(f)]() mutable {
          f();
          std::lock_guard lock(mutex_);
          done_ = true;
          cv_.notify_all();
        }) {}
  ~ControllerThread() {
    if (thread_.joinable()) thread_.detach();
  }
  bool join_within(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, limit, [this] { return done_; })) return false;
    lock.unlock();
    thread_.join();
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

int run_repo(const Options& options, const sigset_t& signals) {
  const RepoOptions& r = options.repo;
  auto owner = StateDirLock::acquire(r.state_dir);  // held until gitnsd exits
  if (!owner.ok()) {
    log(Level::error, "cannot use the state folder",
        {{"dir", r.state_dir}, {"error", owner.error().to_string()}});
    return 1;
  }
  // A predecessor killed during a fetch leaves ref locks behind; as the folder's only
  // user now, clear them, or every fetch would fail.
  for (const std::string& lock : remove_stale_git_locks(git_config(r).cache_dir))
    log(Level::warn, "removed a stale git lock file", {{"file", lock}});
  auto store = store::Store::open((std::filesystem::path(r.state_dir) / "store").string());
  if (!store.ok()) {
    log(Level::error, "cannot open the store", {{"error", store.error().to_string()}});
    return 1;
  }
  auto git = git::GitSource::open(git_config(r));
  if (!git.ok()) {
    log(Level::error, "cannot open the git source", {{"error", git.error().to_string()}});
    return 1;
  }
  auto git_source = reconcile::git_revision_source(*git);
  // The reconciler and the API's plans of past revisions share one repository.
  auto source = reconcile::serialized_source(*git_source);

  engine::Engine engine(engine_config(options));
  api::ReconcileMetrics reconcile_metrics;  // reconciles by result and duration (/metrics)
  reconcile::ReconcilerConfig rc;
  rc.on_outcome = [&reconcile_metrics](const reconcile::ReconcileOutcome& o) {
    reconcile_metrics.observe(o);
  };
  rc.status_path = (std::filesystem::path(r.state_dir) / "status.json").string();
  rc.suspensions_path = (std::filesystem::path(r.state_dir) / "suspensions.json").string();
  reconcile::Reconciler reconciler(
      *source, **store,
      [&engine](std::shared_ptr<const zone::ZoneSet> set) { engine.publish(std::move(set)); }, rc,
      reconcile_log);
  // The applied state is served before any fetch: a restart with the remote down still
  // answers with the last applied revision.
  auto restored = reconciler.restore();
  if (!restored.ok()) {
    log(Level::error, "cannot load the applied state", {{"error", restored.error().to_string()}});
    return 1;
  }
  if (!start_engine(engine, options, engine.zones()->size())) return 1;

  reconcile::ReconcileLoop loop(reconciler, r.poll);
  std::unique_ptr<HttpFrontEnd> http;
  if (options.http.enabled()) {
    api::ApiContext api;
    api.engine = &engine;
    api.reconciler = &reconciler;
    api.loop = &loop;
    api.plan_source = source.get();
    api.version = GITNS_VERSION;
    auto started = HttpFrontEnd::start(
        options.http, r.state_dir, api,
        [&loop](std::string why) {
          loop.trigger({reconcile::TriggerKind::webhook, std::move(why)});
        },
        &reconcile_metrics);
    if (!started.ok()) {
      log(Level::error, "cannot start the HTTP server", {{"error", started.error().to_string()}});
      engine.stop();
      return 1;
    }
    http = std::move(started).value();
  }
  ControllerThread controller([&] { loop.run(); });
  wait_for_stop(signals, [&] { loop.trigger({reconcile::TriggerKind::signal, "SIGHUP"}); });
  loop.stop();             // API calls waiting for a reconcile return now...
  if (http) http->stop();  // ...so the HTTP server's threads can finish
  if (!controller.join_within(std::chrono::seconds(10))) {
    // A reconcile is stuck (most likely a fetch from a silent remote). The store is
    // consistent at every moment, so leaving without it is safe.
    log(Level::warn, "the reconciler did not stop within 10 s; exiting without it");
    engine.stop();
    log_stopped(engine);
    std::fflush(nullptr);
    _exit(0);
  }
  engine.stop();
  log_stopped(engine);
  return 0;
}

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
  sigset_t signals = block_signals();  // before any thread starts
  if (!options->repo.url.empty()) return run_repo(*options, signals);
  return run_zone_files(*options, signals);
}
