// gitnsctl explain KIND[.field.path]: the documentation of a kind or field, read from the
// JSON Schemas compiled into the binary (schemas/ is the one definition of the format).
#pragma once

#include <ostream>
#include <string>

#include "resolver/base/result.h"

namespace gitns::cli {

// Writes the explanation, or fails naming the kinds or the fields that exist.
base::Status explain(const std::string& what, std::ostream& out);

}  // namespace gitns::cli
