#include "controller/cli/fmt.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "controller/cli/workspace.h"
#include "controller/manifest/yaml.h"

namespace gitns::cli {
namespace {

using manifest::Diagnostic;
using manifest::PositionMap;
using manifest::YamlDocument;
using nlohmann::json;

// Top-level keys in the order Kubernetes tools write them.
const std::vector<std::string> kTopOrder = {"apiVersion", "kind", "metadata", "spec"};

struct Checker {
  const std::string& file;
  FmtReport& r;
  std::vector<std::string_view> lines;  // of the text, for the character at a position

  void split(std::string_view text) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  }

  // True when the node written at `pos` is a flow collection ({...} or [...]): its
  // members may wrap anywhere and are not checked for indentation.
  bool is_flow(manifest::Position pos) const {
    if (!pos.known() || size_t(pos.line) > lines.size()) return false;
    std::string_view l = lines[size_t(pos.line) - 1];
    size_t i = size_t(pos.column) - 1;
    return i < l.size() && (l[i] == '{' || l[i] == '[');
  }

  void add(int line, int col, std::string message, bool fixable) {
    r.findings.push_back({Diagnostic{file, {line, col}, "", std::move(message)}, fixable});
  }

  void text_checks(std::string_view text) {
    int line = 1;
    size_t start = 0;
    size_t crlf = 0;
    int first_crlf = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      bool last = end == std::string_view::npos;
      std::string_view l = text.substr(start, last ? std::string_view::npos : end - start);
      if (!l.empty() && l.back() == '\r') {
        if (crlf++ == 0) first_crlf = line;
        l.remove_suffix(1);
      }
      line_checks(line, l);
      if (last) break;
      start = end + 1;
      ++line;
    }
    if (crlf)
      add(first_crlf, 1, std::to_string(crlf) + " line(s) end with CRLF; use LF", true);
    if (!text.empty() && text.back() != '\n')
      add(line, 1, "no newline at the end of the file", true);
    size_t blank_tail = 0;
    for (size_t i = text.size(); i > 0 && (text[i - 1] == '\n' || text[i - 1] == '\r'); --i)
      blank_tail += text[i - 1] == '\n';
    if (blank_tail > 1) add(line, 1, "blank lines at the end of the file", true);
  }

  void line_checks(int line, std::string_view l) {
    size_t indent = l.find_first_not_of(' ');
    if (indent == std::string_view::npos) indent = l.size();
    if (size_t tab = l.find('\t'); tab != std::string_view::npos)
      add(line, int(tab) + 1, "tab character; indent and align with spaces", false);
    bool comment_or_empty = indent == l.size() || l[indent] == '#';
    if (!comment_or_empty && indent % 2 != 0)
      add(line, 1, "indented by " + std::to_string(indent) + " spaces; use steps of 2", false);
    size_t trail = l.size();
    while (trail > 0 && (l[trail - 1] == ' ' || l[trail - 1] == '\t')) --trail;
    if (trail < l.size() && trail > 0) add(line, int(trail) + 1, "trailing whitespace", true);
    else if (trail == 0 && !l.empty()) add(line, 1, "whitespace on an empty line", true);
  }

  // Block maps nest by exactly 2 columns; the top-level keys come in Kubernetes order.
  void structure_checks(const YamlDocument& doc) {
    if (!doc.value.is_object()) return;
    key_order(doc, PositionMap::root_key(), doc.value, kTopOrder);
    auto meta = doc.value.find("metadata");
    if (meta != doc.value.end() && meta->is_object())
      key_order(doc, PositionMap::child_key(PositionMap::root_key(), "metadata"), *meta,
                {"name", "labels", "annotations"});
    nesting(doc, PositionMap::root_key(), doc.value, 0, 0);
  }

  void key_order(const YamlDocument& doc, PositionMap::Key parent, const json& obj,
                 const std::vector<std::string>& order) {
    int last_line = 0;
    std::string last_key;
    for (const std::string& k : order) {
      if (!obj.contains(k)) continue;
      const auto* p = doc.positions.find_exact(PositionMap::child_key(parent, k));
      if (!p || !p->key.known()) continue;
      if (p->key.line < last_line)
        add(p->key.line, p->key.column,
            k + " is written before " + last_key + "; write " + join(order) + " in that order", false);
      else
        last_line = p->key.line, last_key = k;
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  // `col`: the parent key's column (0 for the document root), `line` its line.
  void nesting(const YamlDocument& doc, PositionMap::Key key, const json& node, int col, int line) {
    if (node.is_object()) {
      for (const auto& [k, v] : node.items()) {
        PositionMap::Key child = PositionMap::child_key(key, k);
        const auto* p = doc.positions.find_exact(child);
        if (!p || !p->key.known()) continue;
        bool block = p->key.line > line;  // compact maps sit on their parent's line
        int want = col == 0 ? 1 : col + 2;
        if (block && col >= 0 && p->key.column != want)
          add(p->key.line, p->key.column,
              "key '" + k + "' at column " + std::to_string(p->key.column) + "; nested keys go " +
                  "2 columns right of their parent (column " + std::to_string(want) + ")", false);
        if (is_flow(p->value)) continue;
        nesting(doc, child, v, block ? p->key.column : -1, p->key.line);
      }
    } else if (node.is_array()) {
      for (size_t i = 0; i < node.size(); ++i) {
        // Maps inside list items are not checked against the parent key (both "- " styles
        // are common); their own children are.
        PositionMap::Key child = PositionMap::child_key(key, i);
        const auto* p = doc.positions.find_exact(child);
        if (p && is_flow(p->value)) continue;
        int item_line = p && p->value.known() ? p->value.line - 1 : line;
        nesting_in_item(doc, child, node[i], item_line);
      }
    }
  }

  void nesting_in_item(const YamlDocument& doc, PositionMap::Key key, const json& node, int line) {
    if (!node.is_object()) {
      nesting(doc, key, node, -1, line);
      return;
    }
    for (const auto& [k, v] : node.items()) {
      PositionMap::Key child = PositionMap::child_key(key, k);
      const auto* p = doc.positions.find_exact(child);
      if (!p || !p->key.known() || is_flow(p->value)) continue;
      nesting(doc, child, v, p->key.column, p->key.line);
    }
  }
};

// Line ends to LF, one final newline; with `trailing`, trailing blanks removed too.
std::string fix_text(std::string_view text, bool trailing) {
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view l = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    while (trailing && !l.empty() && (l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    out.append(l);
    out.push_back('\n');
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  if (out == "\n") out.clear();
  return out;
}

std::vector<json> values_of(const manifest::YamlParse& p) {
  std::vector<json> out;
  for (const auto& d : p.documents) out.push_back(d.value);
  return out;
}

}  // namespace

FmtReport check_format(const std::string& file, std::string_view text) {
  FmtReport r;
  manifest::YamlParse parsed = manifest::parse_yaml(text);
  if (!parsed.errors.empty()) {
    for (Diagnostic d : parsed.errors) {
      d.file = file;
      r.errors.push_back(std::move(d));
    }
    return r;
  }
  Checker c{file, r, {}};
  c.split(text);
  c.text_checks(text);
  for (const YamlDocument& d : parsed.documents) c.structure_checks(d);
  std::stable_sort(r.findings.begin(), r.findings.end(), [](const FmtFinding& a, const FmtFinding& b) {
    return std::pair(a.where.position.line, a.where.position.column) <
           std::pair(b.where.position.line, b.where.position.column);
  });
  bool fixable = std::any_of(r.findings.begin(), r.findings.end(), [](const auto& f) { return f.fixable; });
  if (!fixable) return r;
  auto same = [&](const std::string& t) {
    manifest::YamlParse again = manifest::parse_yaml(t);
    return again.errors.empty() && values_of(again) == values_of(parsed);
  };
  std::string fixed = fix_text(text, true);
  if (!same(fixed)) {
    r.unfixable_reason = "removing it would change a value (a block scalar keeps trailing spaces)";
    fixed = fix_text(text, false);
    if (!same(fixed)) return r;
  }
  if (fixed != text) r.fixed = std::move(fixed);
  return r;
}

namespace {

constexpr const char* kFmtUsage = "gitnsctl fmt [--check] [PATH...]";

base::Status write_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".gitnsctl-fmt.tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.flush()) return base::fail(base::Errc::io, "cannot write " + tmp);
  }
  std::error_code ec;
  auto perms = std::filesystem::status(path, ec).permissions();
  if (!ec) std::filesystem::permissions(tmp, perms, ec);
  std::filesystem::rename(tmp, path, ec);
  if (ec) return base::fail(base::Errc::io, "cannot replace " + path + ": " + ec.message());
  return {};
}

}  // namespace

int cmd_fmt(std::span<const std::string> argv, Io& io) {
  ArgSpec spec{{}, {"--check"}, {}, SIZE_MAX};
  auto args = parse_args(argv, spec);
  if (!args) {
    io.err << "gitnsctl fmt: " << args.error().message << "\nusage: " << kFmtUsage << "\n";
    return kExitError;
  }
  bool check = args->has("--check");
  std::vector<std::string> paths = args->positional;
  if (paths.empty()) paths.push_back(".");
  size_t left = 0, fixed_files = 0, errors = 0, files = 0;
  for (const std::string& path : paths) {
    auto folder = read_folder(path);
    if (!folder) {
      io.err << "gitnsctl fmt: " << folder.error().message << "\n";
      ++errors;
      continue;
    }
    for (const manifest::SourceFile& f : folder->files) {
      ++files;
      std::string shown = folder->show(f.path);
      FmtReport r = check_format(shown, f.content);
      for (const auto& e : r.errors) io.out << e.to_string() << "\n";
      errors += r.errors.size();
      if (!check && r.fixed) {
        std::string disk = (std::filesystem::path(folder->root) / f.path).string();
        if (auto st = write_file(disk, *r.fixed); !st) {
          io.err << "gitnsctl fmt: " << st.error().message << "\n";
          ++errors;
        } else {
          io.err << "fixed " << shown << "\n";
          ++fixed_files;
          std::string reason = r.unfixable_reason;
          r = check_format(shown, *r.fixed);  // what is left
          r.unfixable_reason = reason;
        }
      }
      for (const FmtFinding& x : r.findings) {
        bool note = !check && x.fixable && !r.unfixable_reason.empty();
        io.out << x.where.to_string() << (note ? " (not fixed: " + r.unfixable_reason + ")" : "") << "\n";
        ++left;
      }
    }
  }
  if (errors) return kExitError;
  if (left) {
    io.err << left << " formatting finding(s) in " << files << " file(s)"
           << (check ? "" : "; fmt fixes only line ends, trailing whitespace and the final newline "
                            "(rewriting YAML would lose comments): fix the rest by hand")
           << "\n";
    return kExitFindings;
  }
  return kExitOk;
}

}  // namespace gitns::cli
