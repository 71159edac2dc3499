// gitnsctl's entry point as a function, so tests run verbs in-process.
#pragma once

#include <span>
#include <string>

#include "controller/cli/args.h"

namespace gitns::cli {

// argv without the program name. Returns the exit code.
int run(std::span<const std::string> argv, Io& io);

std::string version();
void set_version(std::string v);

}  // namespace gitns::cli
