#include "controller/cli/yaml_text.h"

#include <nlohmann/json.hpp>
#include <regex>

namespace gitns::cli {
namespace {

bool core_schema_non_string(std::string_view s) {
  static const std::regex special(
      "null|Null|NULL|~|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|"
      "[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|"
      "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|"
      "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  return std::regex_match(s.begin(), s.end(), special);
}

}  // namespace

bool plain_safe(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  // The first character must not be a YAML indicator; '-' only before a non-space.
  char f = s.front();
  if (!(std::isalnum(static_cast<unsigned char>(f)) || f == '_' || f == '.' || f == '/')) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
              c == '/' || c == '+' || c == '=' || c == ' ';
    if (!ok) return false;
    if (c == ' ' && i + 1 < s.size() && s[i + 1] == ' ') return false;  // keep exact spacing
  }
  return !core_schema_non_string(s);
}

std::string yaml_scalar(std::string_view s) {
  if (plain_safe(s)) return std::string(s);
  return nlohmann::json(std::string(s)).dump(-1, ' ', false,
                                             nlohmann::json::error_handler_t::replace);
}

}  // namespace gitns::cli
