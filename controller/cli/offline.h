// The verbs that need no server: what CI pipelines run on every pull request.
#pragma once

#include <span>
#include <string>

#include "controller/cli/args.h"
#include "controller/manifest/diagnostic.h"

namespace gitns::cli {

// gitnsctl validate [PATH | --repo URL [--rev REV]] [--path SUBDIR] [--format text|github]
int cmd_validate(std::span<const std::string> argv, Io& io);
// gitnsctl diff --repo PATH --from REV [--to REV] [--path SUBDIR] [-o text|json|markdown]
int cmd_diff(std::span<const std::string> argv, Io& io);

// gitnsctl import zonefile FILE --zone NAME [-o OUT]
int cmd_import(std::span<const std::string> argv, Io& io);
// gitnsctl explain KIND[.field.path]
int cmd_explain(std::span<const std::string> argv, Io& io);

// A GitHub Actions workflow command for one diagnostic:
// "::error file=F,line=L,col=C::message" (values escaped as GitHub documents).
std::string github_annotation(const manifest::Diagnostic& d, std::string_view level = "error");

}  // namespace gitns::cli
