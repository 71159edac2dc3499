// Structured log lines on stderr: `ts=... level=info msg="serving" zones=3 listen=...`.
// One write(2) per line, so lines from several threads never interleave.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gitns::daemon {

enum class Level { debug, info, warn, error };

using Field = std::pair<std::string_view, std::string>;

// The line without its timestamp, for tests: `level=info msg="serving" zones=3`.
std::string format_line(Level level, std::string_view msg, std::initializer_list<Field> fields);

void log(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

}  // namespace gitns::daemon
