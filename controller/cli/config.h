// gitnsctl's contexts (kubectl's kubeconfig): which server to talk to and with which
// token. The file is $GITNS_CONFIG, else $XDG_CONFIG_HOME/gitns/config, else
// ~/.config/gitns/config; JSON (YAML is read too), mode 0600 because it holds tokens.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "resolver/base/result.h"

namespace gitns::cli {

struct Context {
  std::string name;
  std::string server;  // http://127.0.0.1:8053
  std::string token;
  std::string user;
  std::string expires_at;  // RFC 3339, as the login answered
  std::string ca_file;
  std::string pinned_sha256;
  bool insecure_skip_verify = false;
};

struct Config {
  std::string current;
  std::vector<Context> contexts;

  const Context* find(const std::string& name) const;
  // Replaces the context of the same name, or adds it.
  void upsert(Context c);
  bool remove(const std::string& name);

  nlohmann::json to_json() const;
  static base::Result<Config> from_json(const nlohmann::json& j);
};

// From the environment as described above; Errc::not_found when no HOME is known either.
base::Result<std::string> config_path();

// A missing file is an empty config. A file readable by others is read but `warning`
// says so (tokens in it are as good as passwords).
base::Result<Config> load_config(const std::string& path, std::string* warning = nullptr);
// Creates the folder (0700), writes a temporary file with mode 0600 and renames it.
base::Status save_config(const std::string& path, const Config& config);

}  // namespace gitns::cli
