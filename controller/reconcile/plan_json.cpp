#include "controller/reconcile/plan_json.h"

namespace gitns::reconcile {

base::Result<wire::Name> absolute_name(std::string_view text) {
  if (text.empty()) return base::fail(base::Errc::syntax, "expected a domain name, got nothing");
  if (text.ends_with('.') && !text.ends_with("\\.")) return wire::Name::from_text(text);
  return wire::Name::from_text(std::string(text) + ".");
}

nlohmann::json zone_plan_to_json(const ZonePlan& plan, const std::string& file,
                                 size_t max_records) {
  PlanJsonOptions options;
  options.max_records = max_records;
  if (plan.action != ZoneAction::update || !plan.diff.empty() || !plan.applied || !plan.desired)
    return to_json(plan, file, options);
  ZonePlan copy = plan;
  copy.diff = zone::diff(*plan.applied, *plan.desired);
  return to_json(copy, file, options);
}

}  // namespace gitns::reconcile
