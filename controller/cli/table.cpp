#include "controller/cli/table.h"

#include <ctime>
#include <sstream>

#include "controller/cli/yaml_text.h"

namespace gitns::cli {

void Table::print(std::ostream& out, const std::string& indent) const {
  std::vector<size_t> width(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
  };
  measure(headers_);
  for (const auto& r : rows_) measure(r);
  auto line = [&](const std::vector<std::string>& row) {
    std::string l = indent;
    for (size_t i = 0; i < width.size(); ++i) {
      std::string c = i < row.size() ? row[i] : "";
      l += c;
      if (i + 1 < width.size()) l += std::string(width[i] - c.size() + 3, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out << l << "\n";
  };
  line(headers_);
  for (const auto& r : rows_) line(r);
}

std::optional<int64_t> parse_rfc3339(const std::string& t) {
  std::tm tm{};
  int y, mo, d, h, mi, s;
  char tsep;
  int consumed = 0;
  if (std::sscanf(t.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &tsep, &h, &mi, &s, &consumed) != 7)
    return std::nullopt;
  if (tsep != 'T' && tsep != 't' && tsep != ' ') return std::nullopt;
  size_t i = size_t(consumed);
  if (i < t.size() && t[i] == '.')
    while (++i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
    }
  int64_t offset = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(t.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (t[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else if (i >= t.size() || (t[i] != 'Z' && t[i] != 'z')) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return int64_t(timegm(&tm)) - offset;
}

std::string human_duration(int64_t s) {
  if (s < 0) s = 0;
  auto n = [](int64_t v) { return std::to_string(v); };
  if (s < 120) return n(s) + "s";
  int64_t m = s / 60;
  if (m < 10) return n(m) + "m" + (s % 60 ? n(s % 60) + "s" : "");
  if (m < 180) return n(m) + "m";
  int64_t h = s / 3600;
  if (h < 8) return n(h) + "h" + (m % 60 ? n(m % 60) + "m" : "");
  if (h < 48) return n(h) + "h";
  int64_t d = h / 24;
  if (h < 8 * 24) return n(d) + "d" + (h % 24 ? n(h % 24) + "h" : "");
  if (d < 365 * 2) return n(d) + "d";
  return n(d / 365) + "y";
}

std::string age(const nlohmann::json& time, int64_t now) {
  if (!time.is_string()) return "<unknown>";
  auto t = parse_rfc3339(time.get<std::string>());
  return t ? human_duration(now - *t) : "<unknown>";
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "<none>";
  if (v.is_string()) return v.get<std::string>().empty() ? "<none>" : v.get<std::string>();
  return v.dump();
}

namespace {

std::string scalar(const nlohmann::json& v) {
  if (v.is_string()) return yaml_scalar(v.get<std::string>());
  if (v.is_null()) return "null";
  return v.dump();
}

void emit(const nlohmann::json& v, int indent, std::ostringstream& out) {
  std::string pad(size_t(indent), ' ');
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      out << pad << yaml_scalar(k) << ":";
      if ((x.is_object() || x.is_array()) && !x.empty()) {
        out << "\n";
        emit(x, indent + 2, out);
      } else {
        out << " " << (x.is_object() ? "{}" : x.is_array() ? "[]" : scalar(x)) << "\n";
      }
    }
  } else if (v.is_array()) {
    for (const auto& x : v) {
      if (x.is_object() && !x.empty()) {
        std::ostringstream inner;
        emit(x, indent + 2, inner);
        std::string s = inner.str();
        out << pad << "- " << s.substr(size_t(indent) + 2);  // first key on the dash line
      } else if (x.is_array() && !x.empty()) {
        out << pad << "-\n";
        emit(x, indent + 2, out);
      } else {
        out << pad << "- " << (x.is_object() ? "{}" : x.is_array() ? "[]" : scalar(x)) << "\n";
      }
    }
  } else {
    out << pad << scalar(v) << "\n";
  }
}

}  // namespace

std::string to_yaml(const nlohmann::json& value) {
  std::ostringstream out;
  emit(value, 0, out);
  return out.str();
}

}  // namespace gitns::cli
