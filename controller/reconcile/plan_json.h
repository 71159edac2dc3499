// JSON helpers of the HTTP API (controller/api/API.md) that live beside the reconciler:
// the kept plan's ZonePlan (revision_plan.h's form, so GET /api/v1/plan and
// GET /api/v1/revisions/{rev}/plan look the same) and names as people type them.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "controller/reconcile/plan.h"
#include "controller/reconcile/revision_plan.h"  // rr_to_json, to_json(ZonePlan)
#include "resolver/wire/name.h"

namespace gitns::reconcile {

// revision_plan.h's to_json(ZonePlan), also for an applied update whose diff went into
// the store batch (it is computed again from the applied and desired zones).
nlohmann::json zone_plan_to_json(const ZonePlan& plan, const std::string& file,
                                 size_t max_records = 1000);

// A domain name as people write it in requests: absolute with or without the trailing
// dot ("example.com" is example.com.).
base::Result<wire::Name> absolute_name(std::string_view text);

}  // namespace gitns::reconcile
