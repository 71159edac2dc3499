#include "controller/http/metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/unit/http/prom_parser.h"

namespace gitns::http {
namespace {

using test::parse_prometheus_text;

MetricFamily counter(std::string name, std::vector<Sample> samples) {
  return {std::move(name), "A counter for tests.", MetricType::counter, std::move(samples), {}};
}

TEST(MetricsFormat, NamesAndEscapes) {
  EXPECT_TRUE(valid_metric_name("gitns_queries_total"));
  EXPECT_TRUE(valid_metric_name("a:b_c9"));
  EXPECT_FALSE(valid_metric_name("9abc"));
  EXPECT_FALSE(valid_metric_name("a-b"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_TRUE(valid_label_name("qtype"));
  EXPECT_FALSE(valid_label_name("__name__"));
  EXPECT_FALSE(valid_label_name("a:b"));
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_help("x\\y\nz \"q\""), "x\\\\y\\nz \"q\"");
  EXPECT_EQ(format_metric_value(3), "3");
  EXPECT_EQ(format_metric_value(0.25), "0.25");
  EXPECT_EQ(format_metric_value(1e21), "1e+21");
  EXPECT_EQ(format_metric_value(NAN), "NaN");
  EXPECT_EQ(format_metric_value(INFINITY), "+Inf");
  EXPECT_EQ(format_metric_value(-INFINITY), "-Inf");
}

TEST(MetricsRegistry, RendersCountersGaugesAndHistogramsThatParseBack) {
  MetricsRegistry registry;
  registry.add_collector([](std::vector<MetricFamily>& out) {
    out.push_back(counter("gitns_queries_total",
                          {{{{"protocol", "udp"}, {"qtype", "A"}, {"rcode", "NOERROR"}}, 1234},
                           {{{"protocol", "tcp"}, {"qtype", "AAAA"}, {"rcode", "NXDOMAIN"}}, 5}}));
    out.push_back({"gitns_zone_serial",
                   "Serial of each served zone.\nOne line per zone.",
                   MetricType::gauge,
                   {{{{"zone", "example.com."}}, 2024010101}, {{{"zone", "we\"ird\\zo\nne."}}, 7}},
                   {}});
    out.push_back({"gitns_reconcile_duration_seconds",
                   "Time a reconcile took.",
                   MetricType::histogram,
                   {},
                   {{{{"result", "applied"}}, {0.1, 1, 10}, {3, 2, 0, 1}, 14.5}}});
  });
  std::string text = registry.render();
  auto parsed = parse_prometheus_text(text);
  ASSERT_EQ(parsed.error, "") << text;

  const auto* q = parsed.family("gitns_queries_total");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->type, "counter");
  EXPECT_EQ(q->help, "A counter for tests.");
  ASSERT_EQ(q->samples.size(), 2u);
  EXPECT_EQ(q->samples[0].label("qtype"), "A");
  EXPECT_EQ(q->samples[0].value, 1234);

  const auto* serial = parsed.family("gitns_zone_serial");
  ASSERT_NE(serial, nullptr);
  EXPECT_EQ(serial->help, "Serial of each served zone.\nOne line per zone.");
  EXPECT_EQ(serial->samples[1].label("zone"), "we\"ird\\zo\nne.");  // escapes round-trip
  EXPECT_EQ(serial->samples[0].value, 2024010101);

  const auto* h = parsed.family("gitns_reconcile_duration_seconds");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->type, "histogram");
  // Buckets are rendered cumulative: 3, 5, 5, then +Inf 6; count 6, sum 14.5.
  std::vector<std::pair<std::string, double>> buckets;
  double count = -1, sum = -1;
  for (const auto& s : h->samples) {
    EXPECT_EQ(s.label("result"), "applied");
    if (s.name.ends_with("_bucket")) buckets.emplace_back(s.label("le"), s.value);
    if (s.name.ends_with("_count")) count = s.value;
    if (s.name.ends_with("_sum")) sum = s.value;
  }
  EXPECT_EQ(buckets, (std::vector<std::pair<std::string, double>>{
                         {"0.1", 3}, {"1", 5}, {"10", 5}, {"+Inf", 6}}));
  EXPECT_EQ(count, 6);
  EXPECT_EQ(sum, 14.5);
  // The registry reports its own health too.
  ASSERT_NE(parsed.family("gitns_metrics_render_errors_total"), nullptr);
  EXPECT_EQ(parsed.family("gitns_metrics_render_errors_total")->samples[0].value, 0);
}

TEST(MetricsRegistry, MergesFamiliesFromSeveralCollectorsAndDropsConflicts) {
  std::vector<std::string> problems;
  MetricsRegistry registry([&](std::string_view p) { problems.emplace_back(p); });
  registry.add_collector([](auto& out) {
    out.push_back(counter("gitns_x_total", {{{{"worker", "0"}}, 1}}));
  });
  registry.add_collector([](auto& out) {
    out.push_back(counter("gitns_x_total", {{{{"worker", "1"}}, 2}}));
  });
  registry.add_collector([](auto& out) {  // same name, other type: left out
    out.push_back({"gitns_x_total", "Other.", MetricType::gauge, {{{}, 3}}, {}});
  });
  registry.add_collector([](auto& out) {  // same labels again: left out
    out.push_back(counter("gitns_x_total", {{{{"worker", "1"}}, 9}}));
  });
  std::string text = registry.render();
  auto parsed = parse_prometheus_text(text);
  ASSERT_EQ(parsed.error, "") << text;
  const auto* x = parsed.family("gitns_x_total");
  ASSERT_NE(x, nullptr);
  ASSERT_EQ(x->samples.size(), 2u);
  EXPECT_EQ(x->samples[0].value + x->samples[1].value, 3);
  EXPECT_EQ(problems.size(), 2u);
  EXPECT_EQ(parsed.family("gitns_metrics_render_errors_total")->samples[0].value, 2);
}

TEST(MetricsRegistry, LeavesOutInvalidFamiliesAndSurvivesThrowingCollectors) {
  std::vector<std::string> problems;
  MetricsRegistry registry([&](std::string_view p) { problems.emplace_back(p); });
  registry.add_collector([](auto& out) {
    out.push_back(counter("bad-name_total", {{{}, 1}}));
    out.push_back(counter("gitns_bad_label_total", {{{{"__reserved", "x"}}, 1}}));
    out.push_back(counter("gitns_dup_label_total", {{{{"a", "1"}, {"a", "2"}}, 1}}));
    out.push_back({"gitns_h",
                   "Histogram with a bad shape.",
                   MetricType::histogram,
                   {},
                   {{{}, {1, 0.5}, {1, 1, 1}, 0}}});  // bounds not increasing
    out.push_back({"gitns_h2",
                   "Histogram with le.",
                   MetricType::histogram,
                   {},
                   {{{{"le", "1"}}, {1}, {1, 1}, 0}}});  // le is the histogram's own label
    out.push_back({"gitns_h3",
                   "Histogram with counts missing.",
                   MetricType::histogram,
                   {},
                   {{{}, {1, 2}, {1}, 0}}});
    out.push_back(counter("gitns_good_total", {{{}, 1}}));
  });
  registry.add_collector([](auto&) { throw std::runtime_error("engine not ready"); });
  registry.add_collector([](auto& out) {
    // gitns_good is a histogram whose series gitns_good_total would... not collide, but
    // gitns_h4_count collides with gitns_h4's _count series.
    out.push_back({"gitns_h4", "Histogram.", MetricType::histogram, {}, {{{}, {1}, {0, 0}, 0}}});
    out.push_back({"gitns_h4_count",
                   "Gauge colliding with a histogram series.",
                   MetricType::gauge,
                   {{{}, 1}},
                   {}});
  });
  std::string text = registry.render();
  auto parsed = parse_prometheus_text(text);
  ASSERT_EQ(parsed.error, "") << text;
  EXPECT_NE(parsed.family("gitns_good_total"), nullptr);
  EXPECT_NE(parsed.family("gitns_h4"), nullptr);
  for (const char* gone : {"gitns_bad_label_total", "gitns_dup_label_total", "gitns_h", "gitns_h2",
                           "gitns_h3", "gitns_h4_count"}) {
    EXPECT_EQ(parsed.family(gone), nullptr) << gone;
  }
  EXPECT_EQ(text.find("bad-name"), std::string::npos);
  EXPECT_EQ(problems.size(), 8u);
  bool saw_throw = false;
  for (const auto& p : problems) saw_throw |= p.find("engine not ready") != std::string::npos;
  EXPECT_TRUE(saw_throw);
}

TEST(MetricsRegistry, RemovedCollectorsStopReporting) {
  MetricsRegistry registry;
  int id = registry.add_collector([](auto& out) {
    out.push_back(counter("gitns_a_total", {{{}, 1}}));
  });
  EXPECT_NE(registry.render().find("gitns_a_total 1\n"), std::string::npos);
  registry.remove_collector(id);
  EXPECT_EQ(registry.render().find("gitns_a_total"), std::string::npos);
}

// The strict parser must itself reject broken expositions, or the tests above prove nothing.
TEST(PromParser, RejectsInvalidText) {
  const char* bad[] = {
      "x 1",                                                             // no final newline
      "9x 1\n",                                                          // bad name
      "x{a=\"1\" 1\n",                                                   // unterminated labels
      "x{a=\"\\q\"} 1\n",                                                // bad escape
      "x{a=\"1\",a=\"2\"} 1\n",                                          // label twice
      "x one\n",                                                         // bad value
      "x 1\n# TYPE x counter\n",                                         // TYPE after samples
      "# TYPE x counter\n# TYPE x counter\nx 1\n",                       // TYPE twice
      "# TYPE x frob\nx 1\n",                                            // unknown type
      "x 1\ny 1\nx{a=\"b\"} 2\n",                                        // family split
      "x 1\nx 2\n",                                                      // duplicate series
      "# TYPE c counter\nc -1\n",                                        // negative counter
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",  // no +Inf
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
  };
  for (const char* text : bad) EXPECT_NE(parse_prometheus_text(text).error, "") << text;
  EXPECT_EQ(parse_prometheus_text("# a comment\nx 1 1700000000000\n\n").error, "");
}

// When Debian's prometheus package is installed, its promtool checks the output too.
TEST(MetricsRegistry, PromtoolAcceptsTheOutput) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool not installed";
  MetricsRegistry registry;
  registry.add_collector([](auto& out) {
    out.push_back(counter("gitns_queries_total", {{{{"qtype", "A"}, {"zone", "a\"b\\c\nd"}}, 1}}));
    out.push_back({"gitns_response_size_bytes",
                   "Response sizes.",
                   MetricType::histogram,
                   {},
                   {{{{"protocol", "udp"}}, {64, 512, 1232}, {1, 2, 3, 4}, 5000}}});
    out.push_back({"gitns_applied_revision_info",
                   "The applied git revision.",
                   MetricType::gauge,
                   {{{{"revision", "0123abc"}}, 1}},
                   {}});
  });
  auto path =
      std::filesystem::temp_directory_path() / ("gitns-metrics-" + std::to_string(getpid()));
  std::ofstream(path) << registry.render();
  int rc = std::system(
      ("promtool check metrics < " + path.string() + " > " + path.string() + ".out 2>&1").c_str());
  std::ifstream out(path.string() + ".out");
  std::string report((std::istreambuf_iterator<char>(out)), {});
  EXPECT_EQ(rc, 0) << report;
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + ".out");
}

}  // namespace
}  // namespace gitns::http
