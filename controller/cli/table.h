// Output helpers of the online verbs: kubectl-style aligned tables, ages ("5m", "3d"),
// and YAML for `-o yaml`.
#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gitns::cli {

// Columns left-aligned, separated by 3 spaces (kubectl's tabwriter padding), no trailing
// blanks; headers as given (upper case by convention).
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  size_t size() const { return rows_.size(); }
  void print(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Seconds since the epoch of an RFC 3339 time ("2026-11-28T12:00:00Z", fractions and
// offsets accepted); nullopt when it does not parse.
std::optional<int64_t> parse_rfc3339(const std::string& text);

// kubectl's human duration: 45s, 2m30s, 12m, 3h20m, 20h, 3d4h, 12d, 2y.
std::string human_duration(int64_t seconds);
// The age of an RFC 3339 time at `now` ("<unknown>" when it does not parse).
std::string age(const nlohmann::json& time, int64_t now);
int64_t unix_now();

// YAML for a JSON value (block style; scalars quoted when needed).
std::string to_yaml(const nlohmann::json& value);

// A JSON value as table text: strings as they are, null as "<none>", others dumped.
std::string cell(const nlohmann::json& v);

}  // namespace gitns::cli
