#include "controller/cli/cli.h"

#include <functional>
#include <iostream>
#include <map>

#include "controller/cli/explain.h"
#include "controller/cli/fmt.h"
#include "controller/cli/import_zone.h"
#include "controller/cli/offline.h"
#include "controller/cli/online.h"

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
                         (the password also from $GITNS_PASSWORD; $GITNS_TOKEN overrides contexts)
  logout
  config get-contexts | use-context NAME | current-context | delete-context NAME | view
  get zones [NAME]|objects|revisions|history|records ZONE [--name N] [--type T] [-o wide|yaml|json]
  describe zone NAME
  reconcile [--wait [--timeout 30s]]   suspend [OBJECT] [--reason R]   resume [OBJECT]
                         OBJECT: Zone/NAME (or just NAME); none: the whole source
  rollback --to REV      history              query NAME [TYPE] [--dnssec] [--tcp]
  plan [-o json|yaml]    the last plan gitnsd made (why a revision is held)
  diff --server [--repo PATH] [--rev REV] [-o text|json|markdown]
                         the working tree (or REV) vs the revision the server applied

Global flags for online verbs: --context NAME, --server URL, --token TOKEN,
  --ca-file FILE, --insecure-skip-tls-verify (login also --pin-sha256 HEX).
Config file: $GITNS_CONFIG, else $XDG_CONFIG_HOME/gitns/config, else ~/.config/gitns/config.
Exit codes: validate/diff/fmt 0 ok, 1 findings, 2 errors; online verbs 0 ok, 1 error.
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
  for (const std::string& a : rest) {
    if (a == "--help" || a == "-h") {
      io.out << kHelp;
      return kExitOk;
    }
    if (a == "--") break;
  }
  if (verb == "version" || verb == "--version") {
    io.out << "gitnsctl " << g_version << "\n";
    return kExitOk;
  }
  if (verb == "validate") return cmd_validate(rest, io);
  if (verb == "diff") {
    bool server = false;
    for (const std::string& a : rest) server |= a == "--server" || a.rfind("--server=", 0) == 0;
    return server ? cmd_diff_server(rest, io) : cmd_diff(rest, io);
  }
  if (verb == "login") return cmd_login(rest, io);
  if (verb == "logout") return cmd_logout(rest, io);
  if (verb == "config") return cmd_config(rest, io);
  if (verb == "get") return cmd_get(rest, io);
  if (verb == "describe") return cmd_describe(rest, io);
  if (verb == "reconcile") return cmd_reconcile(rest, io);
  if (verb == "suspend") return cmd_suspend(rest, io, false);
  if (verb == "resume") return cmd_suspend(rest, io, true);
  if (verb == "rollback") return cmd_rollback(rest, io);
  if (verb == "history") return cmd_history(rest, io);
  if (verb == "query") return cmd_query(rest, io);
  if (verb == "plan") return cmd_plan(rest, io);
  if (verb == "fmt") return cmd_fmt(rest, io);
  if (verb == "import") return cmd_import(rest, io);
  if (verb == "explain") return cmd_explain(rest, io);
  io.err << "gitnsctl: unknown command '" << verb << "' (run gitnsctl help)\n";
  return kExitError;
}

}  // namespace gitns::cli
