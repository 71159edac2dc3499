#include "resolver/engine.h"

#include <algorithm>
#include <thread>

#include "resolver/auth/answer.h"

namespace gitns::engine {

struct Engine::State {
  // A cache line each: every query touches its worker's reader.
  struct alignas(64) Reader {
    explicit Reader(const zone::ZoneSetHolder& h) : reader(h) {}
    zone::ZoneSetReader reader;
  };

  explicit State(unsigned workers) {
    readers.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) readers.emplace_back(holder);
  }

  size_t answer(std::span<const uint8_t> query, std::span<uint8_t> out,
                const server::QueryContext& ctx) {
    bool tcp = ctx.transport == server::Transport::tcp;
    // One reader per worker: reading the published set takes no lock unless a publish
    // moved the generation since this worker's last query.
    if (ctx.worker < readers.size())
      return auth::answer_query(readers[ctx.worker].reader.current(), query, out, tcp, options);
    auto set = holder.acquire();  // not expected (one reader per worker), still correct
    return auth::answer_query(*set, query, out, tcp, options);
  }

  zone::ZoneSetHolder holder;
  std::vector<Reader> readers;
  auth::AnswerOptions options;
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
