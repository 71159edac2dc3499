#include "controller/cli/offline.h"

#include <fstream>
#include <iostream>
#include <map>

#include "controller/cli/explain.h"
#include "controller/cli/import_zone.h"
#include "controller/cli/plan_render.h"
#include "controller/cli/workspace.h"
#include "controller/git/tree_path.h"
#include "controller/reconcile/revision_plan.h"

namespace gitns::cli {
namespace {

std::string gh_escape_data(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out.push_back(c);
  }
  return out;
}

std::string gh_escape_property(std::string_view s) {
  std::string out;
  for (char c : gh_escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out.push_back(c);
  }
  return out;
}

int usage(Io& io, const std::string& verb, const std::string& problem, const char* synopsis) {
  io.err << "gitnsctl " << verb << ": " << problem << "\nusage: " << synopsis << "\n";
  return kExitError;
}

constexpr const char* kValidateUsage =
    "gitnsctl validate [PATH | --repo URL [--rev REV]] [--path SUBDIR] [--format text|github]";
constexpr const char* kDiffUsage =
    "gitnsctl diff --repo PATH --from REV [--to REV] [--path SUBDIR] [-o text|json|markdown] "
    "[--max-records N]";

// A branch name rather than a commit id (fetch that branch of a remote).
bool looks_like_commit(const std::string& rev) {
  if (rev.size() < 7 || rev.size() > 40) return false;
  return rev.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

std::string counts_line(const reconcile::RevisionState& s) {
  size_t files = 0;
  std::map<std::string, bool> seen;
  for (const auto& z : s.manifests.zones) seen[z->object.file] = true;
  for (const auto& k : s.manifests.tsig_keys) seen[k->object.file] = true;
  if (s.manifests.settings) seen[s.manifests.settings->object.file] = true;
  files = seen.size();
  return std::to_string(s.manifests.zones.size()) + " Zone(s), " +
         std::to_string(s.manifests.tsig_keys.size()) + " TsigKey(s), " +
         std::to_string(s.manifests.settings ? 1 : 0) + " Settings in " + std::to_string(files) +
         " file(s)";
}

}  // namespace

std::string github_annotation(const manifest::Diagnostic& d, std::string_view level) {
  std::string out = "::" + std::string(level);
  std::string props;
  if (!d.file.empty()) props += "file=" + gh_escape_property(d.file);
  if (d.position.known()) {
    props += (props.empty() ? "" : ",") + std::string("line=") + std::to_string(d.position.line);
    if (d.position.column > 0) props += ",col=" + std::to_string(d.position.column);
  }
  if (!props.empty()) out += " " + props;
  std::string message = d.path.empty() ? d.message : d.path + ": " + d.message;
  return out + "::" + gh_escape_data(message);
}

int cmd_validate(std::span<const std::string> argv, Io& io) {
  ArgSpec spec{{"--repo", "--rev", "--path", "--format"}, {}, {}, 1};
  auto args = parse_args(argv, spec);
  if (!args) return usage(io, "validate", args.error().message, kValidateUsage);
  std::string format = args->get_or("--format", "text");
  if (format != "text" && format != "github")
    return usage(io, "validate", "--format must be text or github, got '" + format + "'",
                 kValidateUsage);
  if (args->has("--repo") && !args->positional.empty())
    return usage(io, "validate", "give either PATH or --repo, not both", kValidateUsage);
  if (args->has("--rev") && !args->has("--repo"))
    return usage(io, "validate", "--rev needs --repo (a PATH is read as it is on disk)",
                 kValidateUsage);

  std::string sub = args->get_or("--path", "");
  reconcile::RevisionState state;
  if (auto url = args->get("--repo")) {
    std::string rev = args->get_or("--rev", "HEAD");
    std::string branch = is_remote_url(*url) && rev != "HEAD" && !looks_like_commit(rev) ? rev : "";
    auto repo = Repo::open(*url, sub, branch);
    if (!repo) {
      io.err << "gitnsctl validate: " << repo.error().message << "\n";
      return kExitError;
    }
    std::string want = is_remote_url(*url) && (rev == "HEAD" || !branch.empty()) ? (*repo)->tip() : rev;
    auto id = (*repo)->resolve(want);
    if (!id) {
      io.err << "gitnsctl validate: " << id.error().message << "\n";
      return kExitError;
    }
    auto loaded = reconcile::load_revision((*repo)->source(), *id);
    if (!loaded) {
      io.err << "gitnsctl validate: " << loaded.error().message << "\n";
      return kExitError;
    }
    state = std::move(loaded).value();
  } else {
    std::string path = args->positional.empty() ? "." : args->positional[0];
    if (!sub.empty()) path = git::join_tree_path(path, sub);
    auto folder = read_folder(path);
    if (!folder) {
      io.err << "gitnsctl validate: " << folder.error().message << "\n";
      return kExitError;
    }
    state = load_folder(*folder);
  }

  for (const std::string& w : state.warnings) {
    if (format == "github")
      io.out << "::warning::" << gh_escape_data(w) << "\n";
    else
      io.err << w << "\n";
  }
  if (!state.ok()) {
    for (const manifest::Diagnostic& d : state.errors)
      io.out << (format == "github" ? github_annotation(d) : d.to_string()) << "\n";
    io.err << "invalid: " << state.errors.size() << " error(s)\n";
    return kExitFindings;
  }
  io.err << "valid: " << counts_line(state) << "\n";
  return kExitOk;
}

int cmd_diff(std::span<const std::string> argv, Io& io) {
  ArgSpec spec{{"--repo", "--from", "--to", "--path", "--output", "--max-records"},
               {},
               {{"-o", "--output"}},
               0};
  auto args = parse_args(argv, spec);
  if (!args) return usage(io, "diff", args.error().message, kDiffUsage);
  std::string output = args->get_or("--output", "text");
  if (output != "text" && output != "json" && output != "markdown")
    return usage(io, "diff", "-o must be text, json or markdown, got '" + output + "'", kDiffUsage);
  if (!args->has("--repo")) return usage(io, "diff", "--repo is required", kDiffUsage);
  if (!args->has("--from"))
    return usage(io, "diff", "--from is required (e.g. --from origin/main)", kDiffUsage);
  RenderOptions render;
  reconcile::PlanJsonOptions json_options;
  if (auto m = args->get("--max-records")) {
    try {
      size_t pos = 0;
      render.max_records = json_options.max_records = std::stoul(*m, &pos);
      if (pos != m->size()) throw std::invalid_argument(*m);
    } catch (const std::exception&) {
      return usage(io, "diff", "--max-records expects a number, got '" + *m + "'", kDiffUsage);
    }
  }

  std::string url = *args->get("--repo");
  auto repo = Repo::open(url, args->get_or("--path", ""));
  if (!repo) {
    io.err << "gitnsctl diff: " << repo.error().message << "\n";
    return kExitError;
  }
  auto from = (*repo)->resolve(*args->get("--from"));
  if (!from) {
    io.err << "gitnsctl diff: --from: " << from.error().message << "\n";
    return kExitError;
  }
  auto to = (*repo)->resolve(args->get_or("--to", "HEAD"));
  if (!to) {
    io.err << "gitnsctl diff: --to: " << to.error().message << "\n";
    return kExitError;
  }
  auto plan = reconcile::plan_revisions((*repo)->source(), *from, *to);
  if (!plan) {
    io.err << "gitnsctl diff: " << plan.error().message << "\n";
    return kExitError;
  }
  if (output == "json")
    io.out << reconcile::to_json(*plan, json_options).dump(2) << "\n";
  else if (output == "markdown")
    render_plan_markdown(*plan, io.out, render);
  else
    render_plan_text(*plan, io.out, render);
  if (!plan->valid()) {
    if (output != "text")
      for (const auto& e : plan->errors) io.err << e.to_string() << "\n";
    return kExitError;
  }
  return plan->changes() ? kExitFindings : kExitOk;
}

int cmd_import(std::span<const std::string> argv, Io& io) {
  constexpr const char* synopsis = "gitnsctl import zonefile FILE --zone NAME [-o OUT]";
  ArgSpec spec{{"--zone", "--output"}, {}, {{"-o", "--output"}}, 2};
  auto args = parse_args(argv, spec);
  if (!args) return usage(io, "import", args.error().message, synopsis);
  if (args->positional.size() != 2 || args->positional[0] != "zonefile")
    return usage(io, "import", "expected: zonefile FILE", synopsis);
  auto zone = args->get("--zone");
  if (!zone) return usage(io, "import", "--zone NAME is required (the zone's apex)", synopsis);
  wire::Name root;
  auto origin = wire::Name::from_text(*zone, &root);
  if (!origin) return usage(io, "import", "--zone: " + origin.error().message, synopsis);
  auto r = import_zone_file(args->positional[1], *origin);
  if (!r) {
    io.err << "gitnsctl import: " << r.error().message << "\n";
    return kExitError;
  }
  for (const auto& w : r->warnings) io.err << "warning: " << w << "\n";
  if (!r->ok()) {
    for (const auto& e : r->errors) io.err << "error: " << e << "\n";
    io.err << "gitnsctl import: the manifest would not serve the same data as the file; "
              "nothing written\n";
    return kExitFindings;
  }
  auto out_path = args->get("--output");
  if (!out_path || *out_path == "-") {
    io.out << r->yaml;
    return kExitOk;
  }
  std::ofstream f(*out_path, std::ios::binary | std::ios::trunc);
  f << r->yaml;
  f.close();
  if (!f) {
    io.err << "gitnsctl import: cannot write " << *out_path << "\n";
    return kExitError;
  }
  io.err << "wrote " << *out_path << "\n";
  return kExitOk;
}

int cmd_explain(std::span<const std::string> argv, Io& io) {
  constexpr const char* synopsis = "gitnsctl explain KIND[.field.path]  (e.g. zone.spec.soa)";
  ArgSpec spec{{}, {}, {}, 1};
  auto args = parse_args(argv, spec);
  if (!args) return usage(io, "explain", args.error().message, synopsis);
  if (args->positional.empty()) return usage(io, "explain", "which kind?", synopsis);
  auto s = explain(args->positional[0], io.out);
  if (!s) {
    io.err << "gitnsctl explain: " << s.error().message << "\n";
    return kExitFindings;
  }
  return kExitOk;
}

}  // namespace gitns::cli
