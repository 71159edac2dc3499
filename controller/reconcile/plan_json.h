// The JSON forms of records and plans that the HTTP API (controller/api/API.md, "ZonePlan")
// and the status page share: rr = {"name","type","ttl","data"} in presentation form.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/reconcile/plan.h"
#include "controller/reconcile/revision_plan.h"
#include "resolver/wire/rdata.h"

namespace gitns::reconcile {

// rr_to_json() is in revision_plan.h.

// A domain name as people write it in requests: absolute with or without the trailing
// dot ("example.com" is example.com.).
base::Result<wire::Name> absolute_name(std::string_view text);

// API.md's ZonePlan (revision_plan.h's to_json, the one JSON form of a plan) with the
// record lists cut at `max_records` ("truncated": true then).
nlohmann::json zone_plan_to_json(const ZonePlan& plan, size_t max_records = 1000);

}  // namespace gitns::reconcile
