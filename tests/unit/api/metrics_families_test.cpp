// The gitns_* metric families: real queries to an engine on loopback (several worker
// threads, several client ports), reconciles from a real Reconciler, and every scrape
// parsed by the strict Prometheus text parser of the HTTP tests.
#include "controller/api/metrics_families.h"

#include <gtest/gtest.h>

#include <cmath>

#include "resolver/wire/rdata.h"
#include "tests/unit/engine/engine_test_util.h"
#include "tests/unit/http/prom_parser.h"
#include "tests/unit/reconcile/test_util.h"

namespace gitns::api {
namespace {

namespace rrtype = wire::rrtype;
using http::test::PromFamily;
using http::test::PromParse;

PromParse scrape(http::MetricsRegistry& registry) {
  std::string text = registry.render();
  PromParse p = http::test::parse_prometheus_text(text);
  EXPECT_EQ(p.error, "") << text;
  return p;
}

// The value of the one sample of `family` whose labels include all of `labels` (NaN and
// a test failure when there is not exactly one).
double value(const PromParse& p, const std::string& family, const std::string& sample,
             const http::Labels& labels = {}) {
  const PromFamily* f = p.family(family);
  if (f == nullptr) {
    ADD_FAILURE() << "no family " << family;
    return NAN;
  }
  const http::test::PromSample* found = nullptr;
  for (const auto& s : f->samples) {
    if (s.name != sample) continue;
    bool all = true;
    for (const auto& [k, v] : labels) all = all && s.label(k) == v;
    if (!all) continue;
    if (found != nullptr) ADD_FAILURE() << "several samples of " << sample << " match";
    found = &s;
  }
  if (found == nullptr) {
    ADD_FAILURE() << "no sample " << sample << " with those labels in " << family;
    return NAN;
  }
  return found->value;
}

double value(const PromParse& p, const std::string& family, const http::Labels& labels = {}) {
  return value(p, family, family, labels);
}

TEST(MetricsFamilies, EngineCountersFromRealQueriesOnSeveralThreads) {
  engine::EngineConfig c;
  c.server.listen = {"127.0.0.1:0"};
  c.server.threads = 3;
  engine::Engine e(c);
  e.publish(engine::test::zone_set({engine::test::example_zone("example.test.", 7),
                                    engine::test::example_zone("other.test.", 2024010101)}));
  ASSERT_TRUE(e.start().ok());
  uint16_t port = e.endpoints()[0].port();

  http::MetricsRegistry registry;
  add_metrics_families(registry, {.engine = &e});

  // 12 client ports x 10 queries: 6 A, 4 MX each; then NXDOMAIN, a truncated TXT, and TCP.
  int udp = 0;
  for (int client = 0; client < 12; ++client) {
    engine::test::UdpClient u(port);
    for (int i = 0; i < 10; ++i) {
      auto r = u.ask(engine::test::query("www.example.test.", i < 6 ? rrtype::A : rrtype::MX));
      ASSERT_TRUE(r.has_value());
      ++udp;
    }
  }
  engine::test::UdpClient u(port);
  ASSERT_TRUE(u.ask(engine::test::query("missing.other.test.", rrtype::A)).has_value());
  auto tc = u.ask(engine::test::query("big.example.test.", rrtype::TXT));
  ASSERT_TRUE(tc && engine::test::tc_of(*tc));
  udp += 2;
  auto big = engine::test::tcp_ask(port, engine::test::query("big.example.test.", rrtype::TXT));
  ASSERT_TRUE(big.has_value());
  ASSERT_GT(big->size(), 512u);
  ASSERT_LE(big->size(), 1024u);

  PromParse p = scrape(registry);
  EXPECT_EQ(value(p, "gitns_dns_queries_total", {{"protocol", "udp"}}), udp);
  EXPECT_EQ(value(p, "gitns_dns_queries_total", {{"protocol", "tcp"}}), 1);
  EXPECT_EQ(value(p, "gitns_dns_queries_by_qtype_total", {{"qtype", "A"}}), 12 * 6 + 1);
  EXPECT_EQ(value(p, "gitns_dns_queries_by_qtype_total", {{"qtype", "MX"}}), 12 * 4);
  EXPECT_EQ(value(p, "gitns_dns_queries_by_qtype_total", {{"qtype", "TXT"}}), 2);
  EXPECT_EQ(value(p, "gitns_dns_queries_by_qtype_total", {{"qtype", "other"}}), 0);
  EXPECT_EQ(value(p, "gitns_dns_responses_by_rcode_total", {{"rcode", "NXDOMAIN"}}), 1);
  EXPECT_EQ(value(p, "gitns_dns_responses_by_rcode_total", {{"rcode", "NOERROR"}}), udp - 1 /* NXDOMAIN */ + 1 /* TCP */);
  EXPECT_EQ(value(p, "gitns_dns_responses_by_rcode_total", {{"rcode", "SERVFAIL"}}), 0);
  EXPECT_EQ(value(p, "gitns_dns_truncated_responses_total"), 1);
  EXPECT_EQ(value(p, "gitns_dns_dropped_queries_total"), 0);
  // Histograms: every UDP answer here is at most 512 bytes; the TCP one is in (512, 1024].
  const std::string h = "gitns_dns_response_size_bytes";
  EXPECT_EQ(p.family(h)->type, "histogram");
  EXPECT_EQ(value(p, h, h + "_count", {{"protocol", "udp"}}), udp);
  EXPECT_EQ(value(p, h, h + "_bucket", {{"protocol", "udp"}, {"le", "512"}}), udp);
  EXPECT_EQ(value(p, h, h + "_bucket", {{"protocol", "tcp"}, {"le", "512"}}), 0);
  EXPECT_EQ(value(p, h, h + "_bucket", {{"protocol", "tcp"}, {"le", "1024"}}), 1);
  EXPECT_EQ(value(p, h, h + "_bucket", {{"protocol", "tcp"}, {"le", "+Inf"}}), 1);
  EXPECT_EQ(value(p, h, h + "_sum", {{"protocol", "tcp"}}), double(big->size()));

  EXPECT_EQ(value(p, "gitns_zone_serial", {{"zone", "example.test."}}), 7);
  EXPECT_EQ(value(p, "gitns_zone_serial", {{"zone", "other.test."}}), 2024010101);
  // SOA, NS, ns A, www A, www AAAA, MX, 12 TXT.
  EXPECT_EQ(value(p, "gitns_zone_records", {{"zone", "example.test."}}), 18);
  EXPECT_EQ(value(p, "gitns_engine_zones"), 2);
  EXPECT_EQ(value(p, "gitns_engine_generation"), double(e.stats().generation));
  EXPECT_EQ(value(p, "gitns_engine_running"), 1);

  for (const auto& f : p.families) {
    if (!f.name.starts_with("gitns_")) continue;
    EXPECT_FALSE(f.help.empty()) << f.name;
    EXPECT_NE(f.type, "untyped") << f.name;
    if (f.type == "counter") {
      EXPECT_TRUE(f.name.ends_with("_total")) << f.name;
    }
  }

  // Publishing moves generation and zones at the next scrape; stop() keeps the counts.
  e.publish(engine::test::zone_set({engine::test::example_zone("example.test.", 8)}));
  e.stop();
  p = scrape(registry);
  EXPECT_EQ(value(p, "gitns_zone_serial", {{"zone", "example.test."}}), 8);
  EXPECT_EQ(value(p, "gitns_engine_zones"), 1);
  EXPECT_EQ(value(p, "gitns_dns_queries_total", {{"protocol", "udp"}}), udp);
}

reconcile::ReconcileOutcome outcome(reconcile::ReconcileResult result, int64_t ms) {
  reconcile::ReconcileOutcome o;
  o.record.result = result;
  o.record.duration_ms = ms;
  return o;
}

TEST(MetricsFamilies, ReconcileCountsAndDurationHistogram) {
  using R = reconcile::ReconcileResult;
  ReconcileMetrics m;
  m.observe(outcome(R::applied, 5));      // le 0.01
  m.observe(outcome(R::applied, 10));     // le 0.01 (bounds are inclusive)
  m.observe(outcome(R::invalid, 300));    // le 0.5
  m.observe(outcome(R::failed, 70'000));  // +Inf
  m.observe(outcome(R::held, -3));        // a clock step backwards counts as 0
  http::MetricsRegistry registry;
  add_metrics_families(registry, {.reconciles = &m});
  PromParse p = scrape(registry);
  EXPECT_EQ(value(p, "gitns_reconciles_total", {{"result", "applied"}}), 2);
  EXPECT_EQ(value(p, "gitns_reconciles_total", {{"result", "unchanged"}}), 0);
  EXPECT_EQ(value(p, "gitns_reconciles_total", {{"result", "invalid"}}), 1);
  EXPECT_EQ(value(p, "gitns_reconciles_total", {{"result", "held"}}), 1);
  EXPECT_EQ(value(p, "gitns_reconciles_total", {{"result", "failed"}}), 1);
  const std::string d = "gitns_reconcile_duration_seconds";
  EXPECT_EQ(value(p, d, d + "_bucket", {{"le", "0.01"}}), 3);
  EXPECT_EQ(value(p, d, d + "_bucket", {{"le", "0.25"}}), 3);
  EXPECT_EQ(value(p, d, d + "_bucket", {{"le", "0.5"}}), 4);
  EXPECT_EQ(value(p, d, d + "_bucket", {{"le", "60"}}), 4);
  EXPECT_EQ(value(p, d, d + "_bucket", {{"le", "+Inf"}}), 5);
  EXPECT_EQ(value(p, d, d + "_count"), 5);
  EXPECT_NEAR(value(p, d, d + "_sum"), 70.315, 1e-9);
  // No engine or reconciler given: none of their families.
  EXPECT_EQ(p.family("gitns_dns_queries_total"), nullptr);
  EXPECT_EQ(p.family("gitns_applied_revision_info"), nullptr);
}

TEST(MetricsFamilies, ConcurrentObserveAndScrape) {
  ReconcileMetrics m;
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) m.observe(outcome(reconcile::ReconcileResult::unchanged, i));
  });
  http::MetricsRegistry registry;
  add_metrics_families(registry, {.reconciles = &m});
  for (int i = 0; i < 20; ++i) scrape(registry);
  writer.join();
  EXPECT_EQ(value(scrape(registry), "gitns_reconciles_total", {{"result", "unchanged"}}), 2000);
}

// A real Reconciler over an in-memory repository publishing into a real engine.
TEST(MetricsFamilies, AppliedRevisionAndZonesFromARealReconcile) {
  reconcile::test::TempDir dir;
  reconcile::test::MemorySource src;
  store::Options so;
  so.sync = false;
  auto st = store::Store::open(dir.sub("store"), so);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  engine::EngineConfig ec;
  ec.server.threads = 1;
  engine::Engine e(ec);
  reconcile::Reconciler rec(
      src, **st, [&e](std::shared_ptr<const zone::ZoneSet> set) { e.publish(std::move(set)); },
      reconcile::ReconcilerConfig{});
  ReconcileMetrics m;
  http::MetricsRegistry registry;
  add_metrics_families(registry, {.engine = &e, .reconciler = &rec, .reconciles = &m});

  PromParse p = scrape(registry);
  ASSERT_NE(p.family("gitns_applied_revision_info"), nullptr);
  EXPECT_TRUE(p.family("gitns_applied_revision_info")->samples.empty());

  std::string good = src.commit({{"zones/a.yaml", reconcile::test::zone_yaml(
                                                      "example.org",
                                                      "  nameservers: [ns.example.com.]\n"
                                                      "  records:\n"
                                                      "    www: [{type: A, value: 192.0.2.80}]\n")}});
  auto o = rec.reconcile({reconcile::TriggerKind::api, "test"});
  ASSERT_EQ(o.result(), reconcile::ReconcileResult::applied);
  m.observe(o);
  src.commit({{"zones/a.yaml", "apiVersion: gitns.io/v1\nkind: Zone\nmetadata: {name: [\n"}});
  o = rec.reconcile({reconcile::TriggerKind::api, "test"});
  ASSERT_EQ(o.result(), reconcile::ReconcileResult::invalid);
  m.observe(o);

  p = scrape(registry);
  EXPECT_EQ(value(p, "gitns_applied_revision_info", {{"revision", good}}), 1);
  EXPECT_EQ(p.family("gitns_applied_revision_info")->samples.size(), 1u);
  EXPECT_EQ(value(p, "gitns_reconciles_total", {{"result", "applied"}}), 1);
  EXPECT_EQ(value(p, "gitns_reconciles_total", {{"result", "invalid"}}), 1);
  EXPECT_EQ(value(p, "gitns_engine_zones"), 1);
  auto zone = e.zones()->zones().at(0);
  EXPECT_EQ(value(p, "gitns_zone_serial", {{"zone", "example.org."}}), zone->serial());
  EXPECT_EQ(value(p, "gitns_zone_records", {{"zone", "example.org."}}), zone->record_count());
  EXPECT_EQ(value(p, "gitns_engine_running"), 0);
}

TEST(MetricsFamilies, NoSourcesNoFamilies) { EXPECT_TRUE(metrics_families({}).empty()); }

}  // namespace
}  // namespace gitns::api
