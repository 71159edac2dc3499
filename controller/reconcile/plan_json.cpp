#include "controller/reconcile/plan_json.h"

namespace gitns::reconcile {


base::Result<wire::Name> absolute_name(std::string_view text) {
  if (text.empty()) return base::fail(base::Errc::syntax, "expected a domain name, got nothing");
  if (text.ends_with('.') && !text.ends_with("\\.")) return wire::Name::from_text(text);
  return wire::Name::from_text(std::string(text) + ".");
}

nlohmann::json zone_plan_to_json(const ZonePlan& plan, size_t max_records) {
  return to_json(plan, {}, PlanJsonOptions{max_records});
}

}  // namespace gitns::reconcile
