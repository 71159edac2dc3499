// What gitnsd serves: the zone set built from the zone files, and the query handler
// that answers from it. A reload builds a whole new set and publishes it with one swap;
// queries in flight keep the set they started with.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "controller/daemon/zone_sources.h"
#include "resolver/base/error.h"
#include "resolver/server/dns_server.h"

namespace gitns::daemon {

struct LoadReport {
  size_t zones = 0;                   // zones in the published set
  std::vector<base::Error> errors;    // every error, one per line; non-empty: nothing published
  std::vector<std::string> warnings;  // "file:line:column: warning: ..." from the zone checks
  bool ok() const { return errors.empty(); }
};

class ZoneService {
 public:
  // workers: the server's thread count (each gets its own reader of the published set).
  // udp_max_payload: the largest UDP answer, as given to the server.
  ZoneService(unsigned workers, size_t udp_max_payload);
  ~ZoneService();

  // Loads every source; publishes the new set only when all of them loaded.
  LoadReport load(const std::vector<ZoneSource>& sources);

  // Answers from the set published when each query arrives. The service must outlive
  // the server that calls the handler.
  server::QueryHandler handler();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace gitns::daemon
