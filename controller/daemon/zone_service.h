// What gitnsd serves in zone-file mode: the zone set built from the zone files. A
// reload builds a whole new set and publishes it on the engine with one swap; queries
// in flight keep the set they started with.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "controller/daemon/zone_sources.h"
#include "resolver/base/error.h"
#include "resolver/engine.h"

namespace gitns::daemon {

struct LoadReport {
  size_t zones = 0;                   // zones in the published set
  std::vector<base::Error> errors;    // every error, one per line; non-empty: nothing published
  std::vector<std::string> warnings;  // "file:line:column: warning: ..." from the zone checks
  bool ok() const { return errors.empty(); }
};

// Loads zone files (--zone, --zone-dir) and publishes them on the engine.
class ZoneService {
 public:
  explicit ZoneService(engine::Engine& engine) : engine_(engine) {}

  // Loads every source; publishes the new set only when all of them loaded.
  LoadReport load(const std::vector<ZoneSource>& sources);

 private:
  engine::Engine& engine_;
};

}  // namespace gitns::daemon
