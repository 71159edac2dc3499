#include "controller/cli/cli.h"

#include <functional>
#include <iostream>
#include <map>

#include "controller/cli/explain.h"
#include "controller/cli/fmt.h"
#include "controller/cli/import_zone.h"
#include "controller/cli/offline.h"

namespace gitns::cli {
namespace {

std::string g_version = "unknown";

constexpr const char* kHelp = R"(gitnsctl: the command-line client of gitns, a GitOps DNS server.

Offline (no server; for CI pipelines):
  validate [PATH | --repo URL [--rev REV]] [--path SUBDIR] [--format text|github]
                         parse + schema + semantic checks of the manifests, as gitnsd runs them
                         exit 0 valid, 1 invalid (every error as file:line:col: message), 2 usage/IO
  diff --repo PATH --from REV [--to REV] [-o text|json|markdown]
                         per-zone plan between two revisions with the safety verdict
                         exit 0 no change, 1 changes, 2 error (as kubectl diff)
  fmt [--check] [PATH...]
                         layout checks (tabs, trailing spaces, CRLF, final newline, 2-space
                         nesting, apiVersion/kind/metadata/spec order); without --check it
                         fixes the whitespace ones in place (never re-emits YAML: comments stay)
  import zonefile FILE --zone NAME [-o OUT]
                         an RFC 1035 master file as a Zone manifest
  explain KIND[.field.path]
                         the schema documentation of a kind or field

Online (a running gitnsd with --http; contexts in ~/.config/gitns/config):
  login --server URL [--username U] [--password-stdin] [--totp CODE] [--context NAME]
  config get-contexts | use-context NAME | current-context
  get zones|objects|revisions|history|records ZONE [-o wide|yaml|json]
  describe zone NAME
  reconcile [--wait]     suspend [OBJECT]     resume [OBJECT]
  rollback --to REV      history              query NAME [TYPE]
  diff --server [--repo PATH] [--rev REV]     the working tree or REV vs the applied revision

Global flags for online verbs: --context NAME, --server URL, --token TOKEN,
  --insecure-skip-tls-verify, --ca-file FILE.
)";

}  // namespace

std::string version() { return g_version; }
void set_version(std::string v) { g_version = std::move(v); }

int run(std::span<const std::string> argv, Io& io) {
  if (argv.empty()) {
    io.err << kHelp;
    return kExitError;
  }
  const std::string& verb = argv[0];
  auto rest = argv.subspan(1);
  if (verb == "help" || verb == "--help" || verb == "-h") {
    io.out << kHelp;
    return kExitOk;
  }
  if (verb == "version" || verb == "--version") {
    io.out << "gitnsctl " << g_version << "\n";
    return kExitOk;
  }
  if (verb == "validate") return cmd_validate(rest, io);
  if (verb == "diff") return cmd_diff(rest, io);
  if (verb == "fmt") return cmd_fmt(rest, io);
  if (verb == "import") return cmd_import(rest, io);
  if (verb == "explain") return cmd_explain(rest, io);
  io.err << "gitnsctl: unknown command '" << verb << "' (run gitnsctl help)\n";
  return kExitError;
}

}  // namespace gitns::cli
