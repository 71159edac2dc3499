#include "resolver/engine.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <mutex>
#include <thread>

#include "resolver/auth/answer.h"

namespace gitns::engine {

namespace {

constexpr size_t kOtherQtype = QueryStats::kQtypes.size();

// qtype -> by_qtype index for types below 256, built at compile time: one load per query.
constexpr std::array<uint8_t, 256> make_qtype_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = static_cast<uint8_t>(kOtherQtype);
  for (size_t i = 0; i < QueryStats::kQtypes.size(); ++i) {
    if (QueryStats::kQtypes[i] < 256) t[QueryStats::kQtypes[i]] = static_cast<uint8_t>(i);
  }
  return t;
}
constexpr std::array<uint8_t, 256> kQtypeTable = make_qtype_table();

using Counter = std::atomic<uint64_t>;

// Only the owning worker thread writes a counter, so a relaxed load and store is an
// increment without a locked instruction; stats() reads it from another thread.
inline void bump(Counter& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
inline uint64_t read(const Counter& c) { return c.load(std::memory_order_relaxed); }

// The QueryStats counters of one worker (value-initialised: atomics start at zero).
struct QueryCounters {
  std::array<Counter, 2> queries{};
  std::array<Counter, QueryStats::kQtypes.size() + 1> by_qtype{};
  std::array<Counter, QueryStats::kRcodes + 1> by_rcode{};
  std::array<std::array<Counter, QueryStats::kSizeBounds.size() + 1>, 2> size_buckets{};
  std::array<Counter, 2> size_sum{};
  Counter truncated{0}, dropped{0}, malformed{0};

  void count(server::Transport transport, const auth::AnswerInfo& info, size_t size) {
    auto proto = static_cast<size_t>(transport);
    bump(queries[proto]);
    if (info.malformed) bump(malformed);
    if (size == 0) {
      bump(dropped);
      return;
    }
    bump(by_qtype[info.malformed ? kOtherQtype : QueryStats::qtype_index(info.qtype)]);
    bump(by_rcode[std::min<size_t>(info.rcode, QueryStats::kRcodes)]);
    bump(size_buckets[proto][QueryStats::size_index(size)]);
    bump(size_sum[proto], size);
    if (info.truncated) bump(truncated);
  }

  void add_to(QueryStats& s) const {
    for (size_t p = 0; p < 2; ++p) {
      s.queries[p] += read(queries[p]);
      for (size_t i = 0; i < size_buckets[p].size(); ++i)
        s.response_size[p].buckets[i] += read(size_buckets[p][i]);
      s.response_size[p].sum += read(size_sum[p]);
    }
    for (size_t i = 0; i < by_qtype.size(); ++i) s.by_qtype[i] += read(by_qtype[i]);
    for (size_t i = 0; i < by_rcode.size(); ++i) s.by_rcode[i] += read(by_rcode[i]);
    s.truncated += read(truncated);
    s.dropped += read(dropped);
    s.malformed += read(malformed);
  }
};

}  // namespace

size_t QueryStats::qtype_index(uint16_t qtype) noexcept {
  if (qtype < 256) return kQtypeTable[qtype];
  for (size_t i = 0; i < kQtypes.size(); ++i) {
    if (kQtypes[i] == qtype) return i;
  }
  return kOtherQtype;
}

// The bounds are the powers of two from 64: the bucket is the bit width of bytes - 1,
// less six (one instruction instead of a search).
static_assert([] {
  for (size_t i = 0; i < QueryStats::kSizeBounds.size(); ++i) {
    if (QueryStats::kSizeBounds[i] != 64u << i) return false;
  }
  return true;
}());

size_t QueryStats::size_index(size_t bytes) noexcept {
  auto width = static_cast<size_t>(std::bit_width(bytes > 0 ? bytes - 1 : 0));
  return std::clamp<size_t>(width, 6, 6 + kSizeBounds.size()) - 6;
}

uint64_t QueryStats::SizeHistogram::count() const {
  uint64_t n = 0;
  for (uint64_t b : buckets) n += b;
  return n;
}

uint64_t QueryStats::responses() const {
  return response_size[0].count() + response_size[1].count();
}

struct Engine::State {
  // Everything a worker touches per query, on cache lines of its own: its reader of the
  // published set and its counters.
  struct alignas(64) Worker {
    explicit Worker(const zone::ZoneSetHolder& h) : reader(h) {}
    zone::ZoneSetReader reader;
    QueryCounters counters;
  };

  explicit State(unsigned n) {
    workers.reserve(n);
    for (unsigned i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>(holder));
  }

  size_t answer(std::span<const uint8_t> query, std::span<uint8_t> out,
                const server::QueryContext& ctx) {
    bool tcp = ctx.transport == server::Transport::tcp;
    auth::AnswerInfo info;
    // One reader per worker: reading the published set takes no lock unless a publish
    // moved the generation since this worker's last query.
    if (ctx.worker < workers.size()) {
      Worker& w = *workers[ctx.worker];
      size_t n = auth::answer_query(w.reader.current(), query, out, tcp, options, &info);
      w.counters.count(ctx.transport, info, n);
      return n;
    }
    auto set = holder.acquire();  // not expected (one reader per worker), still correct
    size_t n = auth::answer_query(*set, query, out, tcp, options, &info);
    std::lock_guard lock(stray_mutex);
    stray.count(ctx.transport, info, n);
    return n;
  }

  QueryStats query_stats() const {
    QueryStats s;
    for (const auto& w : workers) w->counters.add_to(s);
    std::lock_guard lock(stray_mutex);
    stray.add_to(s);
    return s;
  }

  zone::ZoneSetHolder holder;
  std::vector<std::unique_ptr<Worker>> workers;
  auth::AnswerOptions options;
  // Callers of handler() with a worker index beyond the threads share these, under a lock.
  mutable std::mutex stray_mutex;
  QueryCounters stray;
};

namespace {

unsigned resolve_threads(unsigned n) {
  return n != 0 ? n : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Engine::Engine(EngineConfig config) : config_(std::move(config)) {
  config_.server.threads = resolve_threads(config_.server.threads);
  state_ = std::make_shared<State>(config_.server.threads);
  state_->options.max_udp_payload =
      static_cast<uint16_t>(std::min<size_t>(config_.server.udp_max_payload, 65535));
  state_->options.additional_addresses = config_.additional_addresses;
}

Engine::~Engine() { stop(); }

base::Status Engine::start() {
  if (server_) return base::fail(base::Errc::semantic, "the engine is already started");
  GITNS_TRY(server_, server::DnsServer::start(config_.server, handler()));
  return {};
}

void Engine::stop() {
  if (server_) server_->stop();
}

void Engine::publish(std::shared_ptr<const zone::ZoneSet> set) {
  if (!set) set = std::make_shared<const zone::ZoneSet>();
  state_->holder.publish(std::move(set));
}

std::shared_ptr<const zone::ZoneSet> Engine::zones() const { return state_->holder.acquire(); }

EngineStats Engine::stats() const {
  EngineStats s;
  s.queries = state_->query_stats();
  if (server_) s.server = server_->stats();
  s.generation = state_->holder.generation();
  s.zones = state_->holder.acquire()->size();
  s.running = server_ != nullptr;
  return s;
}

unsigned Engine::threads() const { return config_.server.threads; }

std::vector<server::Endpoint> Engine::endpoints() const {
  if (!server_) return {};
  return server_->endpoints();
}

server::QueryHandler Engine::handler() const {
  return
      [state = state_](std::span<const uint8_t> query, std::span<uint8_t> out,
                       const server::QueryContext& ctx) { return state->answer(query, out, ctx); };
}

}  // namespace gitns::engine
