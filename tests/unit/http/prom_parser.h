// A strict parser of the Prometheus text exposition format 0.0.4, for the metrics tests.
// It refuses what Prometheus would refuse and what the format documentation forbids:
// bad names, bad escapes, a TYPE after its samples or given twice, samples of a family
// split by another family, duplicate series, histograms without le="+Inf", non-cumulative
// buckets, or _count different from the +Inf bucket.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gitns::http::test {

struct PromSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;

  std::string label(std::string_view n) const {
    for (const auto& [k, v] : labels) {
      if (k == n) return v;
    }
    return {};
  }
};

struct PromFamily {
  std::string name;
  std::string type = "untyped";
  std::string help;
  std::vector<PromSample> samples;
};

struct PromParse {
  std::vector<PromFamily> families;
  std::string error;  // empty: valid

  const PromFamily* family(std::string_view name) const {
    for (const auto& f : families) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
};

namespace detail {

inline bool name_char(char c, bool first, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
         (!first && c >= '0' && c <= '9');
}

inline std::size_t scan_name(std::string_view s, bool colon) {
  std::size_t i = 0;
  while (i < s.size() && name_char(s[i], i == 0, colon)) ++i;
  return i;
}

inline bool parse_value(std::string_view s, double& out) {
  if (s == "NaN") {
    out = NAN;
    return true;
  }
  if (s == "+Inf" || s == "Inf") {
    out = INFINITY;
    return true;
  }
  if (s == "-Inf") {
    out = -INFINITY;
    return true;
  }
  if (s.empty()) return false;
  std::string text(s);
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(out);
}

// Unescapes \\, \" (when quotes) and \n; anything else after a backslash is an error.
inline bool unescape(std::string_view s, bool quotes, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (i + 1 >= s.size()) return false;
    char n = s[++i];
    if (n == '\\')
      out += '\\';
    else if (n == 'n')
      out += '\n';
    else if (n == '"' && quotes)
      out += '"';
    else
      return false;
  }
  return true;
}

inline std::string family_of(const std::string& sample,
                             const std::map<std::string, std::string>& types) {
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (sample.size() > suffix.size() && sample.ends_with(suffix)) {
      std::string base = sample.substr(0, sample.size() - suffix.size());
      auto t = types.find(base);
      if (t != types.end() &&
          (t->second == "histogram" || (t->second == "summary" && suffix != "_bucket"))) {
        return base;
      }
    }
  }
  return sample;
}

inline std::string parse_sample(std::string_view line, PromSample& s) {
  std::size_t n = scan_name(line, true);
  if (n == 0) return "sample does not start with a metric name";
  s.name = std::string(line.substr(0, n));
  line.remove_prefix(n);
  if (!line.empty() && line[0] == '{') {
    line.remove_prefix(1);
    std::set<std::string> seen;
    while (true) {
      if (!line.empty() && line[0] == '}') {
        line.remove_prefix(1);
        break;
      }
      std::size_t ln = scan_name(line, false);
      if (ln == 0) return "bad label name";
      std::string lname(line.substr(0, ln));
      if (lname.starts_with("__")) return "reserved label name " + lname;
      if (!seen.insert(lname).second) return "label " + lname + " twice";
      line.remove_prefix(ln);
      if (line.size() < 2 || line[0] != '=' || line[1] != '"')
        return "expected =\" after label " + lname;
      line.remove_prefix(2);
      std::size_t end = 0;
      while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
      if (end >= line.size()) return "unterminated label value";
      std::string value;
      if (!unescape(line.substr(0, end), true, value)) return "bad escape in label value";
      s.labels.emplace_back(lname, value);
      line.remove_prefix(end + 1);
      if (!line.empty() && line[0] == ',') {
        line.remove_prefix(1);
        continue;
      }
      if (!line.empty() && line[0] == '}') {
        line.remove_prefix(1);
        break;
      }
      return "expected , or } after a label";
    }
  }
  if (line.empty() || line[0] != ' ') return "expected a space before the value";
  line.remove_prefix(1);
  auto sp = line.find(' ');
  if (!parse_value(line.substr(0, sp), s.value))
    return "bad value \"" + std::string(line.substr(0, sp)) + "\"";
  if (sp != std::string_view::npos) {
    std::string_view ts = line.substr(sp + 1);
    long long t = 0;
    auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
    if (ec != std::errc() || p != ts.data() + ts.size()) return "bad timestamp";
  }
  return {};
}

inline std::string check_histogram(const PromFamily& f) {
  std::map<std::string, std::vector<const PromSample*>> groups;  // labels without le -> samples
  for (const auto& s : f.samples) {
    std::string key;
    for (const auto& [k, v] : s.labels) {
      if (k != "le") key += k + "=" + v + ",";
    }
    groups[key].push_back(&s);
  }
  for (const auto& [key, samples] : groups) {
    double last_le = -INFINITY, last_count = 0, inf_count = -1, count = -1;
    bool sum = false;
    for (const PromSample* s : samples) {
      if (s->name == f.name + "_bucket") {
        double le = 0;
        if (!parse_value(s->label("le"), le) && s->label("le") != "+Inf")
          return f.name + ": bucket without a valid le";
        if (s->label("le") == "+Inf") le = INFINITY;
        if (!(le > last_le)) return f.name + ": buckets not in increasing le order";
        if (s->value < last_count) return f.name + ": bucket counts not cumulative";
        last_le = le;
        last_count = s->value;
        if (std::isinf(le)) inf_count = s->value;
      } else if (s->name == f.name + "_sum") {
        sum = true;
      } else if (s->name == f.name + "_count") {
        count = s->value;
      } else {
        return f.name + ": unexpected sample " + s->name + " in a histogram";
      }
    }
    if (inf_count < 0) return f.name + ": no le=\"+Inf\" bucket";
    if (count != inf_count) return f.name + ": _count differs from the +Inf bucket";
    if (!sum) return f.name + ": no _sum";
  }
  return {};
}

}  // namespace detail

inline PromParse parse_prometheus_text(std::string_view text) {
  PromParse out;
  auto fail = [&](std::size_t line_no, const std::string& why) {
    out.error = "line " + std::to_string(line_no) + ": " + why;
    return out;
  };
  if (!text.empty() && text.back() != '\n')
    return fail(0, "the exposition must end with a newline");
  std::map<std::string, std::string> types;
  std::map<std::string, std::size_t> index;  // family name -> position in out.families
  std::set<std::string> closed;              // families whose samples ended
  std::set<std::string> series;
  std::string current;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.empty()) continue;
    if (line[0] == '#') {
      bool help = line.starts_with("# HELP ");
      bool type = line.starts_with("# TYPE ");
      if (!help && !type) continue;  // a plain comment
      std::string_view rest = line.substr(7);
      std::size_t n = detail::scan_name(rest, true);
      if (n == 0 || (n < rest.size() && rest[n] != ' ') || (n == rest.size() && type)) {
        return fail(line_no, "bad metric name in HELP/TYPE");
      }
      std::string name(rest.substr(0, n));
      std::string_view arg = n < rest.size() ? rest.substr(n + 1) : std::string_view();
      if (!index.contains(name)) {
        index[name] = out.families.size();
        out.families.push_back({name, "untyped", "", {}});
      }
      PromFamily& f = out.families[index[name]];
      if (!f.samples.empty() || closed.contains(name))
        return fail(line_no, name + ": HELP/TYPE after its samples");
      if (help) {
        if (!f.help.empty()) return fail(line_no, name + ": HELP twice");
        if (!detail::unescape(arg, false, f.help))
          return fail(line_no, name + ": bad escape in HELP");
        if (f.help.empty()) f.help = " ";  // mark as seen
      } else {
        if (types.contains(name)) return fail(line_no, name + ": TYPE twice");
        static const std::set<std::string_view> kTypes = {"counter", "gauge", "histogram",
                                                          "summary", "untyped"};
        if (!kTypes.contains(arg))
          return fail(line_no, name + ": unknown type " + std::string(arg));
        types[name] = std::string(arg);
        f.type = std::string(arg);
      }
      continue;
    }
    PromSample s;
    if (auto why = detail::parse_sample(line, s); !why.empty()) return fail(line_no, why);
    std::string fam = detail::family_of(s.name, types);
    if (fam != current) {
      if (!current.empty()) closed.insert(current);
      if (closed.contains(fam)) return fail(line_no, fam + ": samples split by another family");
      current = fam;
    }
    if (!index.contains(fam)) {
      index[fam] = out.families.size();
      out.families.push_back({fam, "untyped", "", {}});
    }
    PromFamily& f = out.families[index[fam]];
    if (f.type == "counter" && (s.value < 0 || std::isnan(s.value)))
      return fail(line_no, fam + ": negative counter");
    if (f.type == "histogram" && s.name == fam)
      return fail(line_no, fam + ": bare sample in a histogram");
    auto sorted = s.labels;
    std::sort(sorted.begin(), sorted.end());
    std::string key = s.name;
    for (const auto& [k, v] : sorted) key += "\x01" + k + "\x02" + v;
    if (!series.insert(key).second) return fail(line_no, "duplicate series " + s.name);
    f.samples.push_back(std::move(s));
  }
  for (auto& f : out.families) {
    if (f.help == " ") f.help.clear();
    if (f.type == "histogram") {
      if (auto why = detail::check_histogram(f); !why.empty()) return fail(0, why);
    }
  }
  return out;
}

}  // namespace gitns::http::test
