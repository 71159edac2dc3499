// The JSON forms of records and plans that the HTTP API (controller/api/API.md, "ZonePlan")
// and the status page share: rr = {"name","type","ttl","data"} in presentation form.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/reconcile/plan.h"
#include "resolver/wire/rdata.h"

namespace gitns::reconcile {

nlohmann::json rr_to_json(const wire::RR& rr);

// A domain name as people write it in requests: absolute with or without the trailing
// dot ("example.com" is example.com.).
base::Result<wire::Name> absolute_name(std::string_view text);

// {"zone","action","added":[rr],"removed":[rr],"counts":{"added","removed","changed"},
//  "serialFrom","serialTo","unsafe": str or null, "allowedBy"}. Record lists longer than
// `max_records` are cut and "truncated": true says so (the counts stay whole). The lists are
// plan_records(): canonical order, without an SOA pair that differs only in its serial.
nlohmann::json zone_plan_to_json(const ZonePlan& plan, size_t max_records = 1000);

}  // namespace gitns::reconcile
