// Query and reconcile statistics for people and for Prometheus:
//   * add_metrics_families: the gitns_* families of /metrics, read at scrape time from the
//     engine (its per-thread counters summed by Engine::stats()), the reconciler and
//     ReconcileMetrics;
//   * QpsHistory: the queries-per-second series of the last hour (status page chart);
//   * add_stats_routes: GET /api/v1/stats (API.md).
// Nothing here runs on DNS threads: scrapes and the sampler only read summed counters.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "controller/http/metrics.h"
#include "controller/http/router.h"
#include "controller/reconcile/reconciler.h"
#include "resolver/base/result.h"
#include "resolver/engine.h"

namespace gitns::api {

// Counts reconciles by result and their durations. Thread-safe: observe() runs on the
// reconcile thread (ReconcilerConfig::on_outcome in gitnsd), snapshot() on a scrape.
class ReconcileMetrics {
 public:
  // Upper bounds (seconds) of the duration histogram; slower ones fall in +Inf.
  static constexpr std::array<double, 12> kDurationBounds{0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                          1,    2.5,   5,    10,  30,   60};
  static constexpr size_t kResults = 5;  // reconcile::ReconcileResult, in enum order

  struct Snapshot {
    std::array<uint64_t, kResults> by_result{};
    std::array<uint64_t, kDurationBounds.size() + 1> duration_buckets{};  // not cumulative
    double duration_sum_seconds = 0;
  };

  void observe(const reconcile::ReconcileOutcome& outcome);
  Snapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  Snapshot counts_;
};

// What add_metrics_families reads; null members are left out of the exposition. The
// pointed-to objects must outlive the registry's collector (or remove it first).
struct MetricsSources {
  const engine::Engine* engine = nullptr;
  const reconcile::Reconciler* reconciler = nullptr;
  const ReconcileMetrics* reconciles = nullptr;
};

// Registers one collector for all gitns_dns_*, gitns_engine_*, gitns_zone_* and
// gitns_reconcile* families. Returns its id for MetricsRegistry::remove_collector().
int add_metrics_families(http::MetricsRegistry& registry, MetricsSources sources);

// The families themselves, for tests and for other writers.
std::vector<http::MetricFamily> metrics_families(const MetricsSources& sources);

// Queries per second over the last hour in 10 s buckets, from the engine's query total
// sampled every 10 s. A bucket holds the queries counted by the samples that fell in it
// and the seconds they covered, so its rate stays right when samples drift or bunch up.
class QpsHistory {
 public:
  static constexpr std::chrono::seconds kBucket{10};
  static constexpr size_t kBuckets = 360;  // one hour

  explicit QpsHistory(const engine::Engine& engine);
  ~QpsHistory();  // stops the sampler
  QpsHistory(const QpsHistory&) = delete;
  QpsHistory& operator=(const QpsHistory&) = delete;

  // Starts the sampler thread (a sample now, then at every 10 s boundary); idempotent.
  void start();
  void stop();  // idempotent

  // `[{"t": unix_seconds, "qps": float}, ...]`, oldest first: the buckets of the last hour
  // (relative to the newest sample) that have a rate; t is the bucket's start.
  nlohmann::json to_json() const;

  // Takes one sample as if the clock read `t` (the sampler calls it; tests call it
  // directly). The first sample, and one whose time does not move forward, only sets
  // the baseline.
  void sample_now(std::chrono::system_clock::time_point t);

 private:
  struct Bucket {
    bool used = false;
    int64_t start = 0;  // unix seconds, a multiple of kBucket
    uint64_t queries = 0;
    double seconds = 0;
  };
  void run();

  const engine::Engine& engine_;
  mutable std::mutex mutex_;
  std::array<Bucket, kBuckets> ring_{};  // by (start / kBucket) % kBuckets
  int64_t newest_ = 0;  // start of the newest bucket written
  bool have_newest_ = false;
  bool have_baseline_ = false;
  uint64_t last_total_ = 0;
  std::chrono::system_clock::time_point last_time_{};

  std::mutex run_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The JSON of GET /api/v1/stats (API.md): {"queries": {"total", "udp", "tcp", "responses",
// "truncated", "dropped", "malformed", "byRcode": {NAME: n}, "byQtype": {NAME: n}},
// "qps": QpsHistory::to_json()}. byRcode and byQtype list the non-zero counts; types and
// rcodes counted together are under "other".
nlohmann::json stats_json(const engine::EngineStats& stats, const QpsHistory& qps);

// GET /api/v1/stats, Role::viewer. `engine` and `qps` must outlive the router's server.
base::Status add_stats_routes(http::Router& router, const engine::Engine& engine,
                              const QpsHistory& qps);

}  // namespace gitns::api
