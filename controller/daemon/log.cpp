#include "controller/daemon/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace gitns::daemon {
namespace {

const char* level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

// Bare when the value is a plain token, quoted (with \" \\ \n escaped) otherwise, so a
// line always splits back into its keys and values.
void append_value(std::string& out, std::string_view v, bool always_quote = false) {
  bool plain = !v.empty() && !always_quote;
  for (char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) plain = false;
  }
  if (plain) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (static_cast<unsigned char>(c) < ' ') out += '?';
    else out += c;
  }
  out += '"';
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];  // room for any int the format could print
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

std::string format_line(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  std::string line = "level=";
  line += level_name(level);
  line += " msg=";
  append_value(line, msg, true);
  for (const Field& f : fields) {
    line += ' ';
    line += f.first;
    line += '=';
    append_value(line, f.second);
  }
  return line;
}

void log(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  std::string line = "ts=" + timestamp() + " " + format_line(level, msg, fields) + "\n";
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // nowhere left to report a logging failure
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace gitns::daemon
