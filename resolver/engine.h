// The engine facade (DESIGN.md "The engine"): what a front end such as the GitOps
// controller drives. It owns the published zone set, the authoritative handler and the
// DNS server; the controller publishes whole zone sets and reads stats, and never
// touches the server's threads. Only controller/ includes this header.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/server/dns_server.h"
#include "resolver/server/endpoint.h"
#include "resolver/zone/zone_set.h"

namespace gitns::engine {

struct EngineConfig {
  server::ServerConfig server;  // listen addresses, threads (0 = one per core), limits
  // Add A/AAAA of NS/MX/SRV targets found in the zone to the additional section.
  bool additional_addresses = true;
};

// What the query handler saw, counted per worker thread (each thread writes only its own
// cache-line-aligned block, no lock, no shared line) and summed by Engine::stats().
struct QueryStats {
  // Query types counted one by one; every other type is counted in by_qtype.back().
  static constexpr std::array<uint16_t, 24> kQtypes{
      1 /*A*/,      2 /*NS*/,     5 /*CNAME*/,  6 /*SOA*/,     12 /*PTR*/,        15 /*MX*/,
      16 /*TXT*/,   28 /*AAAA*/,  33 /*SRV*/,   35 /*NAPTR*/,  39 /*DNAME*/,      43 /*DS*/,
      46 /*RRSIG*/, 47 /*NSEC*/,  48 /*DNSKEY*/, 50 /*NSEC3*/, 51 /*NSEC3PARAM*/, 52 /*TLSA*/,
      64 /*SVCB*/,  65 /*HTTPS*/, 251 /*IXFR*/, 252 /*AXFR*/,  255 /*ANY*/,       257 /*CAA*/};
  // RCODEs 0..23 (every assigned one, 12-bit with EDNS) one by one; higher in by_rcode.back().
  static constexpr size_t kRcodes = 24;
  // Upper bounds (bytes) of the response size buckets; larger ones go in the last bucket.
  static constexpr std::array<uint32_t, 7> kSizeBounds{64, 128, 256, 512, 1024, 2048, 4096};

  struct SizeHistogram {
    std::array<uint64_t, kSizeBounds.size() + 1> buckets{};  // not cumulative
    uint64_t sum = 0;                                        // bytes
    uint64_t count() const;
  };

  // Index into by_qtype for a query type (kQtypes.size() for "other").
  static size_t qtype_index(uint16_t qtype) noexcept;
  // Index into the size buckets for a response of `bytes`.
  static size_t size_index(size_t bytes) noexcept;

  std::array<uint64_t, 2> queries{};  // by server::Transport: udp, tcp; every query handed over
  std::array<uint64_t, kQtypes.size() + 1> by_qtype{};  // queries answered (unparsable: other)
  std::array<uint64_t, kRcodes + 1> by_rcode{};         // responses
  std::array<SizeHistogram, 2> response_size{};         // by server::Transport
  uint64_t truncated = 0;  // responses with TC set
  uint64_t dropped = 0;    // queries not answered (no header, or a response sent to us)
  uint64_t malformed = 0;  // dropped, or answered FORMERR because they did not parse

  uint64_t total() const { return queries[0] + queries[1]; }
  uint64_t responses() const;
};

struct EngineStats {
  QueryStats queries;          // kept across stop() and start()
  server::ServerStats server;  // all zero before start()
  uint64_t generation = 0;     // moves on every publish()
  size_t zones = 0;            // in the published set
  bool running = false;
};

class Engine {
 public:
  // Serves nothing until start(); publish() works before and after it, so a front end
  // can publish its persisted state first and open the sockets second.
  explicit Engine(EngineConfig config);
  ~Engine();  // stops the server
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Binds every listen address and starts the worker threads. Errors as
  // server::DnsServer::start (Errc::in_use when another socket holds an address);
  // Errc::semantic when already started.
  base::Status start();
  // Stops the threads and closes the sockets; idempotent.
  void stop();

  // Replaces every zone at once: queries in flight finish on the set they started with,
  // later queries see the whole new set (never a part of it).
  void publish(std::shared_ptr<const zone::ZoneSet> set);
  std::shared_ptr<const zone::ZoneSet> zones() const;

  EngineStats stats() const;
  unsigned threads() const;
  // The bound addresses (ports resolved); empty before start().
  std::vector<server::Endpoint> endpoints() const;

  // The query handler the server calls (exposed so tests can answer without sockets).
  // It holds the engine's state alive by itself. Its counters assume that concurrent
  // callers pass distinct QueryContext::worker values (as the server does).
  server::QueryHandler handler() const;

 private:
  struct State;
  EngineConfig config_;
  std::shared_ptr<State> state_;
  std::unique_ptr<server::DnsServer> server_;
};

}  // namespace gitns::engine
