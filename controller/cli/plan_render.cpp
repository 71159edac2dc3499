#include "controller/cli/plan_render.h"

#include "resolver/wire/rdata.h"

namespace gitns::cli {
namespace {

using reconcile::PlannedZoneChange;
using reconcile::RevisionPlan;
using reconcile::ZoneAction;
using reconcile::ZonePlan;

struct Summary {
  size_t create = 0, update = 0, remove = 0, unchanged = 0;
};

Summary summarize(const RevisionPlan& plan) {
  Summary s;
  for (const PlannedZoneChange& z : plan.zones) {
    switch (z.plan.action) {
      case ZoneAction::create: ++s.create; break;
      case ZoneAction::update: ++s.update; break;
      case ZoneAction::remove: ++s.remove; break;
      case ZoneAction::unchanged: ++s.unchanged; break;
    }
  }
  return s;
}

std::string summary_line(const Summary& s) {
  return std::to_string(s.create) + " to create, " + std::to_string(s.update) + " to update, " +
         std::to_string(s.remove) + " to delete, " + std::to_string(s.unchanged) + " unchanged";
}

std::string serial_text(const ZonePlan& p, std::string_view arrow) {
  switch (p.action) {
    case ZoneAction::create: return "serial " + std::to_string(p.serial_to);
    case ZoneAction::remove: return "serial " + std::to_string(p.serial_from);
    default:
      return "serial " + std::to_string(p.serial_from) + std::string(arrow) +
             std::to_string(p.serial_to);
  }
}

std::string counts_text(const ZonePlan& p) {
  return std::to_string(p.counts.added) + " added, " + std::to_string(p.counts.removed) +
         " removed, " + std::to_string(p.counts.changed) + " changed";
}

char action_mark(ZoneAction a) {
  switch (a) {
    case ZoneAction::create: return '+';
    case ZoneAction::remove: return '-';
    case ZoneAction::update: return '~';
    case ZoneAction::unchanged: return ' ';
  }
  return '?';
}

std::string how_to_allow(const ZonePlan& p, bool markdown = false) {
  std::string q = markdown ? "`" : "\"";
  std::string trailer = "a commit trailer " + q + "Gitns-Allow-Unsafe: " + p.origin.to_text() + q;
  if (p.action == ZoneAction::remove) return "allow it with " + trailer;
  std::string annotation = markdown ? "`gitns.io/allow-unsafe: \"true\"`" : "gitns.io/allow-unsafe: \"true\"";
  return "allow it with " + trailer + " or the annotation " + annotation + " on the zone";
}

// Calls `line` with each record line ("- ..." / "+ ..."), removals first, up to `max`;
// returns how many were left out.
template <class F>
size_t each_record_line(const ZonePlan& p, size_t max, F line) {
  reconcile::PlanRecords recs = reconcile::plan_records(p);
  size_t shown = 0, total = recs.added.size() + recs.removed.size();
  for (const wire::RR& rr : recs.removed)
    if (shown < max) line("- " + rr_line(rr)), ++shown;
  for (const wire::RR& rr : recs.added)
    if (shown < max) line("+ " + rr_line(rr)), ++shown;
  return total - shown;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '<' || c == '>') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string rr_line(const wire::RR& rr) {
  return rr.owner.to_text() + " " + std::to_string(rr.ttl) + " " + wire::class_to_text(rr.rclass) +
         " " + wire::type_to_text(rr.type) + " " + wire::rdata_to_text(rr.type, rr.rdata);
}

std::string short_revision(const std::string& rev) {
  return rev.empty() ? std::string("working tree") : rev.substr(0, 12);
}

std::string plan_verdict(const RevisionPlan& plan) {
  if (!plan.valid())
    return "invalid: " + std::to_string(plan.errors.size()) +
           " error(s); gitnsd would apply nothing and keep serving the last good revision";
  if (plan.held())
    return "held: gitnsd would not apply this revision until its unsafe changes are allowed";
  if (!plan.changes()) return "no changes";
  for (const PlannedZoneChange& z : plan.zones)
    if (!z.plan.unsafe.empty()) return "allowed: unsafe changes are allowed explicitly; gitnsd would apply them";
  return "safe: gitnsd would apply this revision";
}

void render_plan_text(const RevisionPlan& plan, std::ostream& out, const RenderOptions& options) {
  out << "Plan " << (plan.from.empty() ? std::string("(nothing)") : short_revision(plan.from))
      << " -> " << short_revision(plan.to) << "\n";
  if (!plan.valid()) {
    for (const auto& e : plan.errors) out << e.to_string() << "\n";
    out << "Verdict: " << plan_verdict(plan) << "\n";
    return;
  }
  Summary s = summarize(plan);
  out << "Zones: " << summary_line(s) << "\n";
  for (const PlannedZoneChange& z : plan.zones) {
    const ZonePlan& p = z.plan;
    if (!p.changes()) continue;
    out << "\n" << action_mark(p.action) << " zone " << p.origin.to_text();
    if (!z.file.empty()) out << " (" << z.file << ")";
    out << ": " << reconcile::to_string(p.action) << ", " << serial_text(p, " -> ") << ", "
        << counts_text(p) << "\n";
    for (const std::string& why : p.unsafe) {
      out << "    " << (p.allowed_by.empty() ? "HELD: " : "UNSAFE, allowed: ") << why << "\n";
      if (p.allowed_by.empty())
        out << "      " << how_to_allow(p) << "\n";
      else
        out << "      allowed by " << p.allowed_by << "\n";
    }
    size_t rest = each_record_line(p, options.max_records,
                                   [&](const std::string& l) { out << "    " << l << "\n"; });
    if (rest) out << "    ... " << rest << " more record change(s)\n";
  }
  for (const std::string& w : plan.warnings) out << "warning: " << w << "\n";
  out << "\nVerdict: " << plan_verdict(plan) << "\n";
}

void render_plan_markdown(const RevisionPlan& plan, std::ostream& out,
                          const RenderOptions& options) {
  out << "### gitns plan: `" << (plan.from.empty() ? std::string("(nothing)") : short_revision(plan.from))
      << "` → `" << short_revision(plan.to) << "`\n\n";
  if (!plan.valid()) {
    out << ":x: **Invalid** — " << plan.errors.size()
        << " error(s); gitnsd would apply nothing and keep serving the last good revision.\n\n";
    out << "```\n";
    for (const auto& e : plan.errors) out << e.to_string() << "\n";
    out << "```\n";
    return;
  }
  Summary s = summarize(plan);
  if (plan.held()) {
    out << ":warning: **Held** — gitnsd will not apply this revision until these changes are "
           "allowed:\n\n";
    for (const PlannedZoneChange& z : plan.zones) {
      if (!z.plan.held()) continue;
      for (const std::string& why : z.plan.unsafe)
        out << "- `" << z.plan.origin.to_text() << "`: " << md_escape(why) << " — "
            << how_to_allow(z.plan, true) << "\n";
    }
    out << "\n";
  } else if (!plan.changes()) {
    out << "No zone changes.\n";
    return;
  } else {
    out << ":white_check_mark: **" << (plan_verdict(plan).rfind("allowed", 0) == 0 ? "Allowed" : "Safe")
        << "** — gitnsd will apply this revision.\n\n";
  }
  out << "Zones: " << summary_line(s) << ".\n\n";
  out << "| zone | action | serial | added | removed | changed | safety |\n";
  out << "|---|---|---|---:|---:|---:|---|\n";
  for (const PlannedZoneChange& z : plan.zones) {
    const ZonePlan& p = z.plan;
    if (!p.changes()) continue;
    std::string safety = "safe";
    if (p.held()) safety = "**held**: " + md_escape(p.unsafe.front());
    else if (!p.unsafe.empty()) safety = "allowed by " + md_escape(p.allowed_by);
    out << "| `" << p.origin.to_text() << "` | " << reconcile::to_string(p.action) << " | "
        << serial_text(p, " → ").substr(7) << " | " << p.counts.added << " | " << p.counts.removed
        << " | " << p.counts.changed << " | " << safety << " |\n";
  }
  for (const PlannedZoneChange& z : plan.zones) {
    const ZonePlan& p = z.plan;
    if (!p.changes()) continue;
    out << "\n<details><summary><code>" << p.origin.to_text() << "</code> ("
        << md_escape(z.file) << "): " << counts_text(p) << "</summary>\n\n```diff\n";
    size_t rest = each_record_line(p, options.max_records,
                                   [&](const std::string& l) { out << l << "\n"; });
    if (rest) out << "# ... " << rest << " more record change(s)\n";
    out << "```\n\n</details>\n";
  }
  if (!plan.warnings.empty()) {
    out << "\nWarnings:\n";
    for (const std::string& w : plan.warnings) out << "- " << md_escape(w) << "\n";
  }
}

}  // namespace gitns::cli
