// Prometheus metrics in the text exposition format (version 0.0.4). The registry owns no
// numbers: collectors registered by the engine, the reconciler and the HTTP server fill
// metric families at scrape time (the engine sums its per-thread counters then, so the
// query path never takes a lock for metrics).
//
// render() checks what collectors produce — names, label names, histogram shape,
// families of one name with two types — and leaves out what is invalid (counted in
// gitns_metrics_render_errors_total and logged), so one broken collector never breaks
// a scrape.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gitns::http {

enum class MetricType { counter, gauge, histogram, untyped };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;
  double value = 0;
};

// One labelled histogram. `bucket_counts[i]` counts observations in (bound[i-1],
// bound[i]]; the last entry (bucket_counts.size() == upper_bounds.size() + 1) counts those
// above the last bound. Rendering makes them cumulative and adds le="+Inf".
struct HistogramSample {
  Labels labels;
  std::vector<double> upper_bounds;  // strictly increasing, finite
  std::vector<std::uint64_t> bucket_counts;
  double sum = 0;
};

struct MetricFamily {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*
  std::string help;
  MetricType type = MetricType::untyped;
  std::vector<Sample> samples;              // counter, gauge, untyped
  std::vector<HistogramSample> histograms;  // histogram
};

using Collector = std::function<void(std::vector<MetricFamily>& out)>;

class MetricsRegistry {
 public:
  using LogFn = std::function<void(std::string_view problem)>;

  explicit MetricsRegistry(LogFn log = {}) : log_(std::move(log)) {}

  // Returns an id for remove_collector(). Collectors run on the scraping thread, one
  // scrape at a time, and must not call back into the registry.
  int add_collector(Collector collector);
  void remove_collector(int id);

  // The whole exposition: families sorted by name, each with # HELP and # TYPE lines.
  // Families of the same name from several collectors are merged when their types agree.
  std::string render();

 private:
  LogFn log_;
  std::mutex mutex_;
  std::vector<std::pair<int, Collector>> collectors_;
  int next_id_ = 1;
  std::uint64_t render_errors_ = 0;
};

// Pieces of the format, exposed for tests and for other writers of the format.
bool valid_metric_name(std::string_view name) noexcept;
bool valid_label_name(std::string_view name) noexcept;
std::string escape_label_value(std::string_view value);  // \\, \", \n
std::string escape_help(std::string_view help);          // \\, \n
std::string format_metric_value(double value);           // shortest round-trip, NaN, +Inf, -Inf

// The content type Prometheus expects for this format.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace gitns::http
