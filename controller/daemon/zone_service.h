// What gitnsd serves: the zone set built from the zone files, and the query handler
// that answers from it. A reload builds a whole new set and publishes it with one swap;
// queries in flight keep the set they started with.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "controller/daemon/zone_sources.h"
#include "resolver/base/error.h"
#include "resolver/server/dns_server.h"

namespace gitns::daemon {

struct LoadReport {
  size_t zones = 0;                 // zones in the published set
  std::vector<base::Error> errors;  // every file's errors; non-empty: nothing was published
  bool ok() const { return errors.empty(); }
};

class ZoneService {
 public:
  ZoneService();
  ~ZoneService();

  // Loads every source; publishes the new set only when all of them loaded.
  LoadReport load(const std::vector<ZoneSource>& sources);

  // Answers from whatever set is published when each query arrives. The service must
  // outlive the server that calls the handler.
  server::QueryHandler handler();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gitns::daemon
