#include "controller/api/metrics_families.h"

#include <algorithm>
#include <string>
#include <utility>

#include "resolver/wire/message.h"
#include "resolver/wire/rdata.h"

namespace gitns::api {

namespace {

using http::HistogramSample;
using http::MetricFamily;
using http::MetricType;
using engine::QueryStats;

constexpr std::array<std::string_view, 2> kProtocols{"udp", "tcp"};  // server::Transport order
constexpr std::array<reconcile::ReconcileResult, ReconcileMetrics::kResults> kResults{
    reconcile::ReconcileResult::applied, reconcile::ReconcileResult::unchanged,
    reconcile::ReconcileResult::invalid, reconcile::ReconcileResult::held,
    reconcile::ReconcileResult::failed};
// Shown even at zero, so dashboards see these series from the first scrape.
constexpr std::array<uint16_t, 6> kCommonRcodes{0, 1, 2, 3, 4, 5};

std::string qtype_label(size_t index) {
  if (index >= QueryStats::kQtypes.size()) return "other";
  return wire::type_to_text(QueryStats::kQtypes[index]);
}

std::string rcode_label(size_t index) {
  if (index >= QueryStats::kRcodes) return "other";
  return wire::rcode_to_text(static_cast<uint16_t>(index));
}

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

MetricFamily single(std::string name, std::string help, MetricType type, double value) {
  MetricFamily f = family(std::move(name), std::move(help), type);
  f.samples.push_back({{}, value});
  return f;
}

void add_query_families(const engine::EngineStats& st, std::vector<MetricFamily>& out) {
  const QueryStats& q = st.queries;
  auto queries = family("gitns_dns_queries_total",
                        "DNS queries received by the engine, by transport protocol.",
                        MetricType::counter);
  for (size_t p = 0; p < kProtocols.size(); ++p)
    queries.samples.push_back({{{"protocol", std::string(kProtocols[p])}}, double(q.queries[p])});
  out.push_back(std::move(queries));

  auto by_qtype = family("gitns_dns_queries_by_qtype_total",
                         "DNS queries answered, by query type (unlisted types and unparsable "
                         "questions are qtype=\"other\").",
                         MetricType::counter);
  for (size_t i = 0; i < q.by_qtype.size(); ++i)
    by_qtype.samples.push_back({{{"qtype", qtype_label(i)}}, double(q.by_qtype[i])});
  out.push_back(std::move(by_qtype));

  auto by_rcode = family("gitns_dns_responses_by_rcode_total",
                         "DNS responses sent, by response code (12-bit, with EDNS).",
                         MetricType::counter);
  for (size_t i = 0; i < q.by_rcode.size(); ++i) {
    bool common = std::find(kCommonRcodes.begin(), kCommonRcodes.end(), i) != kCommonRcodes.end();
    if (common || q.by_rcode[i] != 0)
      by_rcode.samples.push_back({{{"rcode", rcode_label(i)}}, double(q.by_rcode[i])});
  }
  out.push_back(std::move(by_rcode));

  auto sizes = family("gitns_dns_response_size_bytes", "Size of DNS responses in bytes.",
                      MetricType::histogram);
  for (size_t p = 0; p < kProtocols.size(); ++p) {
    HistogramSample h;
    h.labels = {{"protocol", std::string(kProtocols[p])}};
    h.upper_bounds.assign(QueryStats::kSizeBounds.begin(), QueryStats::kSizeBounds.end());
    h.bucket_counts.assign(q.response_size[p].buckets.begin(), q.response_size[p].buckets.end());
    h.sum = double(q.response_size[p].sum);
    sizes.histograms.push_back(std::move(h));
  }
  out.push_back(std::move(sizes));

  out.push_back(single("gitns_dns_truncated_responses_total",
                       "DNS responses sent with TC set (the answer did not fit).",
                       MetricType::counter, double(q.truncated)));
  out.push_back(single("gitns_dns_dropped_queries_total",
                       "DNS queries not answered (no readable header, or a response).",
                       MetricType::counter, double(q.dropped)));
  out.push_back(single("gitns_dns_malformed_queries_total",
                       "DNS queries that did not parse (dropped, or answered FORMERR).",
                       MetricType::counter, double(q.malformed)));
}

void add_server_families(const engine::EngineStats& st, std::vector<MetricFamily>& out) {
  const auto& s = st.server;
  out.push_back(single("gitns_dns_udp_send_errors_total",
                       "UDP replies the kernel refused to send.", MetricType::counter,
                       double(s.udp_send_errors)));
  auto tcp = family("gitns_dns_tcp_connections_total",
                    "DNS TCP connections, by what happened to them at accept time.",
                    MetricType::counter);
  tcp.samples.push_back({{{"result", "accepted"}}, double(s.tcp_accepted)});
  tcp.samples.push_back({{{"result", "refused"}}, double(s.tcp_refused)});
  out.push_back(std::move(tcp));
  out.push_back(single("gitns_dns_tcp_idle_timeouts_total",
                       "DNS TCP connections closed for being idle.", MetricType::counter,
                       double(s.tcp_idle_timeouts)));
  out.push_back(single("gitns_dns_handler_errors_total",
                       "Queries whose answering failed inside the server (a bug).",
                       MetricType::counter, double(s.handler_errors)));
}

void add_engine_families(const engine::Engine& engine, std::vector<MetricFamily>& out) {
  engine::EngineStats st = engine.stats();
  add_query_families(st, out);
  add_server_families(st, out);
  out.push_back(single("gitns_engine_generation",
                       "Generation of the published zone set (moves on every publish).",
                       MetricType::gauge, double(st.generation)));
  out.push_back(single("gitns_engine_zones", "Zones in the published zone set.",
                       MetricType::gauge, double(st.zones)));
  out.push_back(single("gitns_engine_running", "1 when the DNS listeners are open.",
                       MetricType::gauge, st.running ? 1 : 0));

  auto serial = family("gitns_zone_serial", "SOA serial of each served zone.", MetricType::gauge);
  auto records = family("gitns_zone_records", "Records in each served zone.", MetricType::gauge);
  auto set = engine.zones();
  for (const auto& z : set->zones()) {
    std::string name = z->origin().to_text();
    serial.samples.push_back({{{"zone", name}}, double(z->serial())});
    records.samples.push_back({{{"zone", name}}, double(z->record_count())});
  }
  out.push_back(std::move(serial));
  out.push_back(std::move(records));
}

void add_reconcile_families(const ReconcileMetrics& m, std::vector<MetricFamily>& out) {
  ReconcileMetrics::Snapshot s = m.snapshot();
  auto by_result = family("gitns_reconciles_total", "Reconciles run, by result.",
                          MetricType::counter);
  for (size_t i = 0; i < kResults.size(); ++i) {
    by_result.samples.push_back(
        {{{"result", std::string(reconcile::to_string(kResults[i]))}}, double(s.by_result[i])});
  }
  out.push_back(std::move(by_result));

  auto duration = family("gitns_reconcile_duration_seconds",
                         "Time a reconcile took, fetch to status.", MetricType::histogram);
  HistogramSample h;
  h.upper_bounds.assign(ReconcileMetrics::kDurationBounds.begin(),
                        ReconcileMetrics::kDurationBounds.end());
  h.bucket_counts.assign(s.duration_buckets.begin(), s.duration_buckets.end());
  h.sum = s.duration_sum_seconds;
  duration.histograms.push_back(std::move(h));
  out.push_back(std::move(duration));
}

void add_revision_family(const reconcile::Reconciler& r, std::vector<MetricFamily>& out) {
  // status() is the reconciler's thread-safe view (applied_revision() is not).
  std::string revision = r.status().source.last_applied_revision;
  auto info = family("gitns_applied_revision_info",
                     "The git revision being served (value 1; absent before the first apply).",
                     MetricType::gauge);
  if (!revision.empty()) info.samples.push_back({{{"revision", revision}}, 1});
  out.push_back(std::move(info));
}

}  // namespace

// ---- ReconcileMetrics ----

void ReconcileMetrics::observe(const reconcile::ReconcileOutcome& outcome) {
  const auto& rec = outcome.record;
  auto result = static_cast<size_t>(rec.result);
  double seconds = double(std::max<int64_t>(rec.duration_ms, 0)) / 1000.0;
  size_t bucket = 0;
  while (bucket < kDurationBounds.size() && seconds > kDurationBounds[bucket]) ++bucket;
  std::lock_guard lock(mutex_);
  if (result < kResults) ++counts_.by_result[result];
  ++counts_.duration_buckets[bucket];
  counts_.duration_sum_seconds += seconds;
}

ReconcileMetrics::Snapshot ReconcileMetrics::snapshot() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

// ---- families ----

std::vector<MetricFamily> metrics_families(const MetricsSources& sources) {
  std::vector<MetricFamily> out;
  if (sources.engine) add_engine_families(*sources.engine, out);
  if (sources.reconciles) add_reconcile_families(*sources.reconciles, out);
  if (sources.reconciler) add_revision_family(*sources.reconciler, out);
  return out;
}

int add_metrics_families(http::MetricsRegistry& registry, MetricsSources sources) {
  return registry.add_collector([sources](std::vector<MetricFamily>& out) {
    auto families = metrics_families(sources);
    std::move(families.begin(), families.end(), std::back_inserter(out));
  });
}

// ---- QpsHistory ----

QpsHistory::QpsHistory(const engine::Engine& engine) : engine_(engine) {}

QpsHistory::~QpsHistory() { stop(); }

void QpsHistory::start() {
  std::lock_guard lock(run_mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void QpsHistory::stop() {
  {
    std::lock_guard lock(run_mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void QpsHistory::run() {
  using Clock = std::chrono::system_clock;
  std::unique_lock lock(run_mutex_);
  while (!stopping_) {
    Clock::time_point now = Clock::now();
    lock.unlock();
    sample_now(now);
    lock.lock();
    // The next 10 s boundary of the wall clock, so samples land one per bucket.
    auto since_epoch = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
    auto next = Clock::time_point((since_epoch / kBucket + 1) * kBucket);
    wake_.wait_until(lock, next, [this] { return stopping_; });
  }
}

void QpsHistory::sample_now(std::chrono::system_clock::time_point t) {
  uint64_t total = engine_.stats().queries.total();
  std::lock_guard lock(mutex_);
  if (!have_baseline_ || t <= last_time_) {
    have_baseline_ = true;
    last_total_ = total;
    last_time_ = t;
    return;
  }
  // Engine counters never go back; if they did (a new engine), count from zero.
  uint64_t delta = total >= last_total_ ? total - last_total_ : total;
  double seconds = std::chrono::duration<double>(t - last_time_).count();
  last_total_ = total;
  last_time_ = t;

  int64_t unix_s = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
  int64_t width = kBucket.count();
  int64_t start = unix_s - ((unix_s % width) + width) % width;
  int64_t n = int64_t(kBuckets);
  Bucket& b = ring_[size_t(((start / width) % n + n) % n)];
  if (!b.used || b.start != start) b = Bucket{true, start, 0, 0};
  b.queries += delta;
  b.seconds += seconds;
  newest_ = have_newest_ ? std::max(newest_, start) : start;
  have_newest_ = true;
}

nlohmann::json QpsHistory::to_json() const {
  std::lock_guard lock(mutex_);
  std::vector<const Bucket*> kept;
  int64_t oldest = newest_ - int64_t(kBuckets - 1) * kBucket.count();
  for (const Bucket& b : ring_) {
    if (b.used && b.start >= oldest && b.start <= newest_ && b.seconds > 0)
      kept.push_back(&b);
  }
  std::sort(kept.begin(), kept.end(), [](auto* a, auto* b) { return a->start < b->start; });
  nlohmann::json out = nlohmann::json::array();
  for (const Bucket* b : kept)
    out.push_back({{"t", b->start}, {"qps", double(b->queries) / b->seconds}});
  return out;
}

// ---- GET /api/v1/stats ----

nlohmann::json stats_json(const engine::EngineStats& stats, const QpsHistory& qps) {
  const QueryStats& q = stats.queries;
  nlohmann::json by_rcode = nlohmann::json::object(), by_qtype = nlohmann::json::object();
  for (size_t i = 0; i < q.by_rcode.size(); ++i) {
    if (q.by_rcode[i] != 0) by_rcode[rcode_label(i)] = q.by_rcode[i];
  }
  for (size_t i = 0; i < q.by_qtype.size(); ++i) {
    if (q.by_qtype[i] != 0) by_qtype[qtype_label(i)] = q.by_qtype[i];
  }
  return {{"queries",
           {{"total", q.total()},
            {"udp", q.queries[0]},
            {"tcp", q.queries[1]},
            {"responses", q.responses()},
            {"truncated", q.truncated},
            {"dropped", q.dropped},
            {"malformed", q.malformed},
            {"byRcode", std::move(by_rcode)},
            {"byQtype", std::move(by_qtype)}}},
          {"qps", qps.to_json()}};
}

base::Status add_stats_routes(http::Router& router, const engine::Engine& engine,
                              const QpsHistory& qps) {
  return router.add("GET", "/api/v1/stats", http::Role::viewer,
                    [&engine, &qps](const http::Request&) {
                      return http::Response::json(stats_json(engine.stats(), qps));
                    });
}

}  // namespace gitns::api
