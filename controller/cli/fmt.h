// gitnsctl fmt: the canonical layout of manifest files. yaml-cpp drops comments when it
// writes YAML, and manifests carry comments people rely on, so fmt never re-emits a file:
// it fixes only what can be fixed in the text itself (CRLF line ends, trailing spaces,
// the final newline), proves the fix changes no value by parsing both texts, and
// reports the rest (tabs, indentation, key order) for a person to fix.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "controller/cli/args.h"
#include "controller/manifest/diagnostic.h"

namespace gitns::cli {

struct FmtFinding {
  manifest::Diagnostic where;  // file, line, column, message (path empty)
  bool fixable = false;        // fmt (without --check) fixes it in place
};

struct FmtReport {
  std::vector<FmtFinding> findings;       // sorted by position
  std::vector<manifest::Diagnostic> errors;  // YAML that does not parse: nothing checked
  // The text with the fixable findings fixed, when that changes no parsed value.
  std::optional<std::string> fixed;
  std::string unfixable_reason;  // why `fixed` is absent although something is fixable
};

// Checks one file's text; `file` is used in the diagnostics.
FmtReport check_format(const std::string& file, std::string_view text);

// gitnsctl fmt [--check] [PATH...]: exit 0 canonical (or fixed), 1 findings left, 2 errors.
int cmd_fmt(std::span<const std::string> argv, Io& io);

}  // namespace gitns::cli
