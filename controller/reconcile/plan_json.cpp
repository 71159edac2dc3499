#include "controller/reconcile/plan_json.h"

#include "controller/reconcile/revision_plan.h"

namespace gitns::reconcile {

namespace {

nlohmann::json rr_list(const std::vector<wire::RR>& rrs, size_t max, bool& truncated) {
  nlohmann::json out = nlohmann::json::array();
  for (const wire::RR& rr : rrs) {
    if (out.size() >= max) {
      truncated = true;
      break;
    }
    out.push_back(rr_to_json(rr));
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
  return out;
}

}  // namespace

base::Result<wire::Name> absolute_name(std::string_view text) {
  if (text.empty()) return base::fail(base::Errc::syntax, "expected a domain name, got nothing");
  if (text.ends_with('.') && !text.ends_with("\\.")) return wire::Name::from_text(text);
  return wire::Name::from_text(std::string(text) + ".");
}

nlohmann::json rr_to_json(const wire::RR& rr) {
  return {{"name", rr.owner.to_text()},
          {"type", wire::type_to_text(rr.type)},
          {"ttl", rr.ttl},
          {"data", wire::rdata_to_text(rr.type, rr.rdata)}};
}

nlohmann::json zone_plan_to_json(const ZonePlan& plan, size_t max_records) {
  // The same lists gitnsctl shows: canonical order, no serial-only SOA pair.
  PlanRecords recs = plan_records(plan);
  const std::vector<wire::RR>& added = recs.added;
  const std::vector<wire::RR>& removed = recs.removed;
  bool truncated = false;
  nlohmann::json j{{"zone", plan.origin.to_text()},
                   {"action", std::string(to_string(plan.action))},
                   {"added", rr_list(added, max_records, truncated)},
                   {"removed", rr_list(removed, max_records, truncated)},
                   {"counts",
                    {{"added", plan.counts.added},
                     {"removed", plan.counts.removed},
                     {"changed", plan.counts.changed}}},
                   {"serialFrom", plan.serial_from},
                   {"serialTo", plan.serial_to},
                   {"unsafe", plan.unsafe.empty() ? nlohmann::json(nullptr)
                                                  : nlohmann::json(join(plan.unsafe))},
                   {"allowedBy", plan.allowed_by}};
  if (truncated) j["truncated"] = true;
  return j;
}

}  // namespace gitns::reconcile
