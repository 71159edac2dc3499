// The engine facade (DESIGN.md "The engine"): what a front end such as the GitOps
// controller drives. It owns the published zone set, the authoritative handler and the
// DNS server; the controller publishes whole zone sets and reads stats, and never
// touches the server's threads. Only controller/ includes this header.
#pragma once

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

struct EngineStats {
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
  // It holds the engine's state alive by itself.
  server::QueryHandler handler() const;

 private:
  struct State;
  EngineConfig config_;
  std::shared_ptr<State> state_;
  std::unique_ptr<server::DnsServer> server_;
};

}  // namespace gitns::engine
