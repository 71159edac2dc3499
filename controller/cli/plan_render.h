// A RevisionPlan for people: text for a terminal and markdown for a pull-request comment
// (the JSON form is reconcile::to_json). Both end with the safety verdict: what gitnsd
// would do with the revision, and for a held plan how to allow it.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "controller/reconcile/revision_plan.h"

namespace gitns::cli {

struct RenderOptions {
  size_t max_records = 100;  // record lines shown per zone; the rest is counted
};

// "www.example.com. 300 IN A 192.0.2.1"
std::string rr_line(const wire::RR& rr);
// "1a2b3c4d5e6f" or "working tree" for ""
std::string short_revision(const std::string& rev);

void render_plan_text(const reconcile::RevisionPlan& plan, std::ostream& out,
                      const RenderOptions& options = {});
void render_plan_markdown(const reconcile::RevisionPlan& plan, std::ostream& out,
                          const RenderOptions& options = {});

// One line: "held: ..." / "safe: ..." / "allowed: ..." / "invalid: ..." / "no changes".
std::string plan_verdict(const reconcile::RevisionPlan& plan);

}  // namespace gitns::cli
