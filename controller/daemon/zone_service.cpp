#include "controller/daemon/zone_service.h"

#include <string_view>

#include "resolver/wire/name.h"
#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zone_set.h"
#include "resolver/zone/zonefile.h"

namespace gitns::daemon {
namespace {

// Multi-line messages (a file's parse errors) become one Error per line, so each is
// logged on its own line.
void add_errors(std::vector<base::Error>& out, const base::Error& e, const ZoneSource& source) {
  std::string_view text = e.message;
  std::string prefix = "zone " + source.origin + " (" + source.path + "): ";
  while (!text.empty()) {
    size_t nl = text.find('\n');
    out.push_back({e.code, prefix + std::string(text.substr(0, nl))});
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

std::shared_ptr<const zone::Zone> load_one(const ZoneSource& source, LoadReport& report) {
  auto origin = wire::Name::from_text(source.origin);
  if (!origin.ok()) {
    add_errors(report.errors, {origin.error().code, "bad origin: " + origin.error().to_string()},
               source);
    return nullptr;
  }
  // Records stream from the parser into the builder: no second copy of a large zone.
  zone::ZoneBuilder builder(*origin);
  auto loaded = zone::load_zone_file(source.path, *origin, [&](zone::ZoneFileRecord&& r) {
    builder.add(r.rr, r.where.file, r.where.line, r.where.column);
  });
  if (!loaded.ok()) {
    add_errors(report.errors, loaded.error(), source);
    return nullptr;
  }
  zone::BuildResult built = builder.build();
  for (const zone::ZoneIssue& issue : built.issues) {
    if (issue.severity != zone::Severity::error) report.warnings.push_back(issue.to_string());
  }
  if (!built.ok()) add_errors(report.errors, built.error(), source);
  return built.zone;
}

}  // namespace

LoadReport ZoneService::load(const std::vector<ZoneSource>& sources) {
  LoadReport report;
  std::vector<std::shared_ptr<const zone::Zone>> zones;
  for (const ZoneSource& source : sources) {
    if (auto z = load_one(source, report)) zones.push_back(std::move(z));
  }
  if (!report.ok()) return report;
  auto set = zone::ZoneSet::create(std::move(zones));
  if (!set.ok()) {
    report.errors.push_back(set.error());
    return report;
  }
  report.zones = (*set)->size();
  engine_.publish(std::move(set).value());
  return report;
}

}  // namespace gitns::daemon
