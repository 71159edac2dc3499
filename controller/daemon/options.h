// gitnsd's command line.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::daemon {

// A --zone argument as given: a file, optionally with the origin it is served at.
struct ZoneArg {
  std::string origin;  // empty: derived from the file name
  std::string path;
};

// --repo mode: serve what a git repository of manifests says (DESIGN.md "Reconcile").
struct RepoOptions {
  std::string url;        // a local path, file://, https://, ssh://; empty: not in repo mode
  std::string branch;     // empty: the remote's HEAD
  std::string path;       // sub-path holding the manifests
  std::string state_dir;  // store, git cache and status.json
  std::chrono::milliseconds poll{30'000};  // 0: no polling, SIGHUP only
  // Credentials (files and variable names only; secrets are read at each fetch).
  std::string username;
  std::string token_file;
  std::string token_env;
  std::string ssh_key;
  std::string ssh_known_hosts;
};

// The HTTP API, status page and metrics (controller/http, controller/api).
struct HttpOptions {
  std::string http_listen;   // --http ADDR:PORT; loopback only unless allow_remote
  std::string https_listen;  // --https ADDR:PORT
  std::string tls_cert;      // --tls-cert/--tls-key; both empty: self-signed in <state>/tls
  std::string tls_key;
  bool allow_remote = false;        // --http-allow-remote
  std::string admin_password_file;  // else $GITNS_ADMIN_PASSWORD, else generated and printed
  std::string webhook_secret_file;
  std::string webhook_secret_env;
  bool enabled() const { return !http_listen.empty() || !https_listen.empty(); }
};

// True for 127.0.0.0/8, ::1, localhost and a bare ":PORT" (which binds loopback).
bool is_loopback_listen(std::string_view addr_port);

struct Options {
  RepoOptions repo;
  HttpOptions http;
  std::vector<ZoneArg> zones;
  std::vector<std::string> zone_dirs;
  std::vector<std::string> listen;  // default {"127.0.0.1:1053"} when none given
  unsigned threads = 0;             // 0 = one per core
  bool help = false;
  bool version = false;
};

// "30s", "500ms", "2m", "1h", or plain seconds; 0 is allowed (no polling).
base::Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// args excludes the program name. Errc::syntax with a message that names the flag and
// says what was expected.
base::Result<Options> parse_options(const std::vector<std::string_view>& args);

std::string usage();

}  // namespace gitns::daemon
