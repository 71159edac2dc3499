#include "controller/daemon/zone_service.h"

namespace gitns::daemon {

// Placeholder until resolver/zone (zone files, ZoneSet) and resolver/auth land: loading
// fails with a clear error, so gitnsd refuses to start rather than serve nothing.
struct ZoneService::State {};

ZoneService::ZoneService() : state_(std::make_unique<State>()) {}
ZoneService::~ZoneService() = default;

LoadReport ZoneService::load(const std::vector<ZoneSource>& sources) {
  LoadReport report;
  report.errors.push_back({base::Errc::unsupported,
                           "cannot serve " + std::to_string(sources.size()) +
                               " zone(s): zone loading and answering (resolver/zone, "
                               "resolver/auth) are not wired into gitnsd yet"});
  return report;
}

server::QueryHandler ZoneService::handler() {
  return [](std::span<const uint8_t>, std::span<uint8_t>, const server::QueryContext&) -> size_t {
    return 0;
  };
}

}  // namespace gitns::daemon
