#include "controller/http/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <map>
#include <set>

namespace gitns::http {
namespace {

std::string_view type_name(MetricType t) {
  switch (t) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
    case MetricType::untyped:
      return "untyped";
  }
  return "untyped";
}

// Checks one label set; `reserved` is a label name the family's type claims ("le").
std::string check_labels(const Labels& labels, std::string_view reserved) {
  std::set<std::string_view> seen;
  for (const auto& [name, _] : labels) {
    if (!valid_label_name(name)) return "invalid label name \"" + name + "\"";
    if (name == reserved) return "label \"" + name + "\" is reserved for this metric type";
    if (!seen.insert(name).second) return "label \"" + name + "\" given twice";
  }
  return {};
}

std::string label_key(const Labels& labels) {
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  std::string key;
  for (const auto& [n, v] : sorted) key += n + '\x01' + v + '\x02';
  return key;
}

std::string check_histogram(const HistogramSample& h) {
  if (h.bucket_counts.size() != h.upper_bounds.size() + 1) {
    return "histogram needs one bucket count per bound plus one above the last bound";
  }
  for (std::size_t i = 0; i < h.upper_bounds.size(); ++i) {
    if (!std::isfinite(h.upper_bounds[i])) return "histogram bounds must be finite";
    if (i > 0 && !(h.upper_bounds[i] > h.upper_bounds[i - 1])) {
      return "histogram bounds must increase strictly";
    }
  }
  return check_labels(h.labels, "le");
}

// The family's problem, or empty when it can be rendered.
std::string check_family(const MetricFamily& f) {
  if (!valid_metric_name(f.name)) return "invalid metric name \"" + f.name + "\"";
  if (f.type == MetricType::histogram) {
    if (!f.samples.empty()) return f.name + ": a histogram takes histogram samples only";
  } else if (!f.histograms.empty()) {
    return f.name + ": histogram samples in a " + std::string(type_name(f.type));
  }
  std::set<std::string> keys;
  for (const auto& s : f.samples) {
    if (auto p = check_labels(s.labels, ""); !p.empty()) return f.name + ": " + p;
    if (!keys.insert(label_key(s.labels)).second) return f.name + ": the same labels twice";
  }
  for (const auto& h : f.histograms) {
    if (auto p = check_histogram(h); !p.empty()) return f.name + ": " + p;
    if (!keys.insert(label_key(h.labels)).second) return f.name + ": the same labels twice";
  }
  return {};
}

void append_labels(std::string& out, const Labels& labels, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [n, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += n;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, const Labels& labels, double value,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  append_labels(out, labels, extra_name, extra_value);
  out += ' ';
  out += format_metric_value(value);
  out += '\n';
}

void render_family(std::string& out, const MetricFamily& f) {
  out += "# HELP " + f.name + ' ' + escape_help(f.help) + '\n';
  out += "# TYPE " + f.name + ' ' + std::string(type_name(f.type)) + '\n';
  for (const auto& s : f.samples) append_sample(out, f.name, s.labels, s.value);
  for (const auto& h : f.histograms) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.upper_bounds.size(); ++i) {
      cumulative += h.bucket_counts[i];
      append_sample(out, f.name + "_bucket", h.labels, static_cast<double>(cumulative), "le",
                    format_metric_value(h.upper_bounds[i]));
    }
    cumulative += h.bucket_counts.back();
    append_sample(out, f.name + "_bucket", h.labels, static_cast<double>(cumulative), "le", "+Inf");
    append_sample(out, f.name + "_sum", h.labels, h.sum);
    append_sample(out, f.name + "_count", h.labels, static_cast<double>(cumulative));
  }
}

// The series names a family writes, to catch a histogram "x" next to a gauge "x_sum".
std::vector<std::string> series_names(const MetricFamily& f) {
  if (f.type != MetricType::histogram) return {f.name};
  return {f.name, f.name + "_bucket", f.name + "_sum", f.name + "_count"};
}

}  // namespace

bool valid_metric_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) noexcept {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

int MetricsRegistry::add_collector(Collector collector) {
  std::lock_guard lock(mutex_);
  int id = next_id_++;
  collectors_.emplace_back(id, std::move(collector));
  return id;
}

void MetricsRegistry::remove_collector(int id) {
  std::lock_guard lock(mutex_);
  std::erase_if(collectors_, [id](const auto& c) { return c.first == id; });
}

std::string MetricsRegistry::render() {
  std::lock_guard lock(mutex_);
  std::vector<MetricFamily> gathered;
  auto problem = [&](const std::string& what) {
    ++render_errors_;
    if (log_) log_(what);
  };
  for (auto& [id, collect] : collectors_) {
    std::vector<MetricFamily> out;
    try {
      collect(out);
    } catch (const std::exception& e) {
      problem("metrics collector " + std::to_string(id) + " failed: " + e.what());
      continue;
    }
    for (auto& f : out) gathered.push_back(std::move(f));
  }

  // Merge families of the same name; drop the invalid and the conflicting.
  std::map<std::string, MetricFamily> families;
  std::map<std::string, std::string> series_owner;  // series name -> family name
  for (auto& f : gathered) {
    if (auto p = check_family(f); !p.empty()) {
      problem("metric family left out: " + p);
      continue;
    }
    auto it = families.find(f.name);
    if (it == families.end()) {
      bool clash = false;
      for (const auto& s : series_names(f)) {
        auto owner = series_owner.find(s);
        if (owner != series_owner.end()) clash = true;
      }
      if (clash) {
        problem("metric family left out: " + f.name + " collides with another family's series");
        continue;
      }
      for (const auto& s : series_names(f)) series_owner[s] = f.name;
      std::string name = f.name;
      families.emplace(std::move(name), std::move(f));
      continue;
    }
    MetricFamily& merged = it->second;
    MetricFamily candidate = merged;
    candidate.samples.insert(candidate.samples.end(), f.samples.begin(), f.samples.end());
    candidate.histograms.insert(candidate.histograms.end(), f.histograms.begin(),
                                f.histograms.end());
    std::string p = merged.type != f.type
                        ? f.name + ": reported as " + std::string(type_name(merged.type)) +
                              " and " + std::string(type_name(f.type))
                        : check_family(candidate);
    if (!p.empty()) {
      problem("metric family part left out: " + p);
      continue;
    }
    merged = std::move(candidate);
  }

  MetricFamily errors{"gitns_metrics_render_errors_total",
                      "Metric families left out of a scrape because a collector produced "
                      "something invalid.",
                      MetricType::counter,
                      {{{}, static_cast<double>(render_errors_)}},
                      {}};
  if (!families.contains(errors.name)) families.emplace(errors.name, std::move(errors));

  std::string text;
  for (const auto& [name, f] : families) render_family(text, f);
  return text;
}

}  // namespace gitns::http
