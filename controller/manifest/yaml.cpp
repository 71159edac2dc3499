// YAML -> JSON through yaml-cpp's event interface rather than YAML::Node: events carry
// every node's mark and whether a scalar was plain, and building the JSON ourselves is
// where duplicate keys, alias expansion and nesting depth can be checked.
#include "controller/manifest/yaml.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>

namespace gitns::manifest {
namespace {

using nlohmann::json;

Position to_position(const YAML::Mark& m) {
  if (m.is_null() || m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

// ---- YAML 1.2 core schema (section 10.3.2) for plain scalars -------------------------

bool all_of(std::string_view s, size_t from, bool (*pred)(char)) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i) {
    if (!pred(s[i])) return false;
  }
  return true;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::optional<json> core_bool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return json(true);
  if (s == "false" || s == "False" || s == "FALSE") return json(false);
  return std::nullopt;
}

bool core_null(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<json> unsigned_in_base(std::string_view digits, int base) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return json(static_cast<int64_t>(v));
  }
  return json(v);
}

std::optional<json> core_int(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_of(s, 2, is_octal)) {
    return unsigned_in_base(s.substr(2), 8);
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_of(s, 2, is_hex)) {
    return unsigned_in_base(s.substr(2), 16);
  }
  size_t sign = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (!all_of(s, sign, is_digit)) return std::nullopt;
  std::string_view digits = s.substr(s[0] == '+' ? 1 : 0);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc() && p == digits.data() + digits.size()) return json(v);
  if (s[0] != '-') {
    if (auto u = unsigned_in_base(digits, 10)) return u;
  }
  // Beyond 64 bits the core schema still says "integer"; JSON has only a float for it.
  return json(std::strtod(std::string(s).c_str(), nullptr));
}

std::optional<json> core_float(std::string_view s) {
  std::string_view body = s;
  double sign = 1;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    if (body[0] == '-') sign = -1;
    body.remove_prefix(1);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    return json(sign * std::numeric_limits<double>::infinity());
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return json(std::numeric_limits<double>::quiet_NaN());
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  size_t i = 0, int_digits = 0, frac_digits = 0;
  while (i < body.size() && is_digit(body[i])) ++i, ++int_digits;
  bool dot = i < body.size() && body[i] == '.';
  if (dot) {
    ++i;
    while (i < body.size() && is_digit(body[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '-' || body[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < body.size() && is_digit(body[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  return json(std::strtod(std::string(s).c_str(), nullptr));
}

json resolve_plain(const std::string& s) {
  if (core_null(s)) return json(nullptr);
  if (auto b = core_bool(s)) return *b;
  if (auto i = core_int(s)) return *i;
  if (auto f = core_float(s)) return *f;
  return json(s);
}

constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";

std::string short_tag(const std::string& tag) {
  if (tag.compare(0, kCoreTag.size(), kCoreTag) == 0) return "!!" + tag.substr(kCoreTag.size());
  return tag;
}

void append_path_key(std::string& out, std::string_view key);

// ---- the event handler -------------------------------------------------------------

// Thrown from the handler to stop yaml-cpp when a limit is hit.
struct Abort {
  Diagnostic diagnostic;
};

class JsonBuilder final : public YAML::EventHandler {
 public:
  JsonBuilder(std::string_view text, const YamlLimits& limits, YamlParse& out)
      : text_(text), limits_(limits), out_(out) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 can fail to consume a stray character (e.g. a line starting with
    // ',', upstream issue #1040) and then yields empty documents at the same place
    // forever, allocating each time. Documents must move forward through the text.
    if (documents_ > 0 && mark.pos <= last_document_pos_) {
      // The empty document yielded at this place before is the same junk.
      if (!out_.documents.empty() && out_.documents.back().value.is_null()) out_.documents.pop_back();
      throw Abort{{{}, to_position(mark), {}, "YAML syntax error: unexpected character; the parser cannot "
                                              "continue here"}};
    }
    if (++documents_ > limits_.max_documents) {
      throw Abort{{{}, to_position(mark), {}, "more than " + std::to_string(limits_.max_documents) +
                                              " documents in one file"}};
    }
    last_document_pos_ = mark.pos;
    doc_ = YamlDocument{};
    doc_.start = to_position(mark);
    stack_.clear();
    anchors_.clear();
    has_root_ = false;
  }

  void OnDocumentEnd() override {
    // Errors about a whole document point at its content, not at the "---" before it.
    if (has_root_) doc_.start = doc_.positions.find("").value;
    else doc_.positions.set(PositionMap::root_key(), {doc_.start, {}});
    out_.documents.push_back(std::move(doc_));
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (expecting_key()) {
      error(mark, "a map key is empty or null; keys must be non-empty scalars");
      begin_key_error();
      return;
    }
    complete(json(nullptr), mark, anchor, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      throw Abort{{{}, to_position(mark), current_path(), "alias refers to an anchor that is not complete yet (a recursive alias)"}};
    }
    if (expecting_key()) {
      if (!it->second.value.is_string()) {
        error(mark, "an alias used as a map key must name a string");
        begin_key_error();
        return;
      }
      take_key(it->second.value.get<std::string>(), mark);
      return;
    }
    alias_nodes_ += it->second.nodes;
    if (alias_nodes_ > limits_.max_alias_nodes) {
      throw Abort{{{}, to_position(mark), current_path(),
                   "aliases expand to more than " + std::to_string(limits_.max_alias_nodes) +
                       " nodes; refusing (an alias bomb?)"}};
    }
    complete(it->second.value, mark, 0, it->second.nodes);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (tag == "!") check_quote_closed(mark);
    if (expecting_key()) {
      if (tag != "?" && tag != "!" && tag != std::string(kCoreTag) + "str") {
        error(mark, "map key has tag " + short_tag(tag) + "; keys are strings");
      }
      if (anchor != 0) anchors_[anchor] = {json(value), 1};
      take_key(value, mark);
      return;
    }
    complete(typed_scalar(mark, tag, value), mark, anchor, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check_collection_tag(mark, tag, "seq");
    begin(json::array(), mark, anchor);
  }
  void OnSequenceEnd() override { end(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check_collection_tag(mark, tag, "map");
    begin(json::object(), mark, anchor);
  }
  void OnMapEnd() override { end(); }

 private:
  // yaml-cpp 0.7 ends a quoted scalar at the end of the input without complaint when
  // the file ends with a newline ("a: \"oops\n" reads as "oops "), so one forgotten
  // quote would swallow the rest of a file silently. Marks are byte offsets.
  void check_quote_closed(const YAML::Mark& mark) {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size()) return;
    char q = text_[mark.pos];
    if (q != '"' && q != '\'') return;
    for (size_t i = mark.pos + 1; i < text_.size(); ++i) {
      char c = text_[i];
      if (q == '"' && c == '\\') {
        ++i;
      } else if (c == q) {
        if (q == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;  // '' is an escaped quote
          continue;
        }
        return;
      }
    }
    throw Abort{{{}, to_position(mark), current_path(),
                 std::string("YAML syntax error: the ") + (q == '"' ? "double" : "single") +
                     "-quoted string starting here is not closed"}};
  }

  struct Frame {
    json value;
    PositionMap::Key pointer = 0;  // hash of the JSON pointer
    Position position;
    YAML::anchor_t anchor = 0;
    size_t nodes = 1;
    bool discard = false;      // a duplicate key's value or a complex key: not kept
    bool is_key = false;       // a map or list used as a map key (an error): dropped whole
    // Maps only: the pending key.
    bool have_key = false;
    bool key_ok = false;
    std::string key;
    Position key_position;
    json* slot = nullptr;  // the member inserted for `key`, filled when its value ends
  };
  struct Anchored {
    json value;
    size_t nodes;
  };

  bool expecting_key() const {
    return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().have_key;
  }

  // The display path of the node about to be added (for messages during parsing).
  std::string current_path() const {
    std::string out;
    for (const Frame& f : stack_) {
      if (f.value.is_array()) {
        out += "[" + std::to_string(f.value.size()) + "]";
      } else if (f.have_key) {
        append_path_key(out, f.key);
      } else {
        break;
      }
    }
    return out;
  }

  void error(const YAML::Mark& mark, std::string message) {
    out_.errors.push_back({{}, to_position(mark), current_path(), std::move(message)});
  }

  // A complex or null key: its value must still be consumed, but is not kept.
  void begin_key_error() {
    Frame& top = stack_.back();
    top.have_key = true;
    top.key_ok = false;
  }

  void take_key(const std::string& key, const YAML::Mark& mark) {
    Frame& top = stack_.back();
    top.have_key = true;
    top.key = key;
    top.key_position = to_position(mark);
    top.key_ok = !top.discard;
    top.slot = nullptr;
    if (top.discard) return;
    // Insert now: one lookup finds a duplicate and gives the slot to fill later.
    auto [it, inserted] = top.value.get_ref<json::object_t&>().emplace(key, nullptr);
    if (inserted) {
      top.slot = &it->second;
      return;
    }
    const NodePosition* first = doc_.positions.find_exact(PositionMap::child_key(top.pointer, key));
    std::string where = first && first->key.known() ? "line " + std::to_string(first->key.line) + ", column " +
                                                          std::to_string(first->key.column)
                                                    : "an earlier line";
    top.have_key = false;  // so current_path() names the map, not the member
    error(mark, "duplicate key \"" + key + "\" (first defined at " + where + ")");
    top.have_key = true;
    top.key_ok = false;
  }

  json typed_scalar(const YAML::Mark& mark, const std::string& tag, const std::string& value) {
    if (tag == "?") return resolve_plain(value);
    if (tag == "!") return json(value);
    if (tag.compare(0, kCoreTag.size(), kCoreTag) == 0) {
      std::string_view kind = std::string_view(tag).substr(kCoreTag.size());
      if (kind == "str") return json(value);
      std::optional<json> v;
      if (kind == "int") v = core_int(value);
      if (kind == "float") v = core_int(value) ? json(std::strtod(value.c_str(), nullptr)) : core_float(value);
      if (kind == "bool") v = core_bool(value);
      if (kind == "null" && core_null(value)) v = json(nullptr);
      if (v) return *v;
      error(mark, "value \"" + value + "\" does not fit its tag " + short_tag(tag));
      return json(value);
    }
    error(mark, "unsupported tag " + short_tag(tag) + " (only the core !!str, !!int, !!float, "
                "!!bool and !!null tags are understood)");
    return json(value);
  }

  void check_collection_tag(const YAML::Mark& mark, const std::string& tag, std::string_view kind) {
    if (tag == "?" || tag == "!" || tag == std::string(kCoreTag) + std::string(kind)) return;
    error(mark, "unsupported tag " + short_tag(tag) + " on a " + (kind == "map" ? "map" : "list"));
  }

  // Where the next node goes, and whether it is kept.
  void child_slot(PositionMap::Key& pointer, NodePosition& pos, bool& keep, const YAML::Mark& mark) const {
    pos.value = to_position(mark);
    keep = true;
    if (stack_.empty()) {
      pointer = PositionMap::root_key();
      return;
    }
    const Frame& top = stack_.back();
    if (top.value.is_object()) {
      pointer = PositionMap::child_key(top.pointer, top.key);
      pos.key = top.key_position;
      keep = top.key_ok;
    } else {
      pointer = PositionMap::child_key(top.pointer, top.value.size());
      keep = !top.discard;
    }
  }

  void begin(json empty, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (stack_.size() >= limits_.max_depth) {
      throw Abort{{{}, to_position(mark), current_path(),
                   "maps and lists nest deeper than " + std::to_string(limits_.max_depth) + " levels"}};
    }
    Frame f;
    f.value = std::move(empty);
    f.anchor = anchor;
    f.position = to_position(mark);
    NodePosition pos;
    bool keep = true;
    if (expecting_key()) {
      error(mark, "a map key is a map or a list; keys must be scalars");
      begin_key_error();
      keep = false;
      f.is_key = true;
    } else {
      child_slot(f.pointer, pos, keep, mark);
    }
    f.discard = !keep;
    if (keep) doc_.positions.set(f.pointer, pos);
    stack_.push_back(std::move(f));
  }

  void end() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.anchor != 0) anchors_[f.anchor] = {f.value, f.nodes};
    if (f.is_key) return;  // the parent already expects the value of this (bad) key
    attach(std::move(f.value), f.nodes, !f.discard);
  }

  // A scalar or an alias copy. An alias records only its own position: the nodes it
  // copies fall back to it in PositionMap::find.
  void complete(json value, const YAML::Mark& mark, YAML::anchor_t anchor, size_t nodes) {
    PositionMap::Key pointer = 0;
    NodePosition pos;
    bool keep = true;
    child_slot(pointer, pos, keep, mark);
    if (keep) doc_.positions.set(pointer, pos);
    if (anchor != 0) anchors_[anchor] = {value, nodes};
    attach(std::move(value), nodes, keep);
  }

  // Adds a finished node to its parent (or makes it the document root).
  void attach(json value, size_t nodes, bool keep) {
    if (stack_.empty()) {
      doc_.value = std::move(value);
      has_root_ = true;
      return;
    }
    Frame& top = stack_.back();
    top.nodes += nodes;
    if (top.value.is_object()) {
      if (keep && top.key_ok && top.slot) *top.slot = std::move(value);
      top.have_key = false;
      top.key_ok = false;
      top.slot = nullptr;
    } else if (keep) {
      top.value.push_back(std::move(value));
    } else {
      top.value.push_back(nullptr);  // keeps later indexes where the text has them
    }
  }

  std::string_view text_;
  const YamlLimits& limits_;
  YamlParse& out_;
  YamlDocument doc_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;
  size_t alias_nodes_ = 0;
  bool has_root_ = false;
  size_t documents_ = 0;
  int last_document_pos_ = -1;
};

bool plain_identifier(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void append_quoted(std::string& out, std::string_view s, size_t max_bytes) {
  out += '"';
  size_t n = 0;
  for (char c : s) {
    if (n >= max_bytes && (static_cast<uint8_t>(c) & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    ++n;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<uint8_t>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<uint8_t>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// ".key" for identifiers, ["*.dev"] for anything else (dots would be ambiguous).
void append_path_key(std::string& out, std::string_view key) {
  if (plain_identifier(key)) {
    if (!out.empty()) out += '.';
    out += key;
  } else {
    out += '[';
    append_quoted(out, key, 200);
    out += ']';
  }
}

std::string unescape_segment(std::string_view seg) {
  std::string out;
  for (size_t i = 0; i < seg.size(); ++i) {
    if (seg[i] == '~' && i + 1 < seg.size()) {
      out += seg[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += seg[i];
    }
  }
  return out;
}

}  // namespace

namespace {
constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;
inline uint64_t fnv(uint64_t h, char c) { return (h ^ static_cast<uint8_t>(c)) * kFnvPrime; }
// 0 marks an empty slot.
inline PositionMap::Key nonzero(uint64_t h) { return h == 0 ? 1 : h; }
}  // namespace

PositionMap::Key PositionMap::root_key() { return nonzero(kFnvOffset); }

PositionMap::Key PositionMap::key_of(std::string_view pointer) {
  uint64_t h = kFnvOffset;
  for (char c : pointer) h = fnv(h, c);
  return nonzero(h);
}

PositionMap::Key PositionMap::child_key(Key parent, std::string_view member) {
  uint64_t h = fnv(parent, '/');
  for (char c : member) {
    if (c == '~') {
      h = fnv(fnv(h, '~'), '0');
    } else if (c == '/') {
      h = fnv(fnv(h, '~'), '1');
    } else {
      h = fnv(h, c);
    }
  }
  return nonzero(h);
}

PositionMap::Key PositionMap::child_key(Key parent, size_t index) {
  char digits[24];
  int n = std::snprintf(digits, sizeof digits, "%zu", index);
  return child_key(parent, std::string_view(digits, static_cast<size_t>(n)));
}

void PositionMap::grow() {
  std::vector<Slot> old = std::move(slots_);
  bits_ = old.empty() ? 6 : bits_ + 1;
  slots_.assign(size_t{1} << bits_, Slot{});
  used_ = 0;
  for (const Slot& s : old) {
    if (s.key != 0) set(s.key, s.position);
  }
}

// FNV's low bits are weak; the index comes from the high bits of a multiplicative mix.
size_t PositionMap::index_of(Key key) const {
  return static_cast<size_t>((key * 11400714819323198485ull) >> (64 - bits_));
}

void PositionMap::set(Key key, NodePosition position) {
  if ((used_ + 1) * 4 > slots_.size() * 3) grow();
  size_t mask = slots_.size() - 1;
  for (size_t i = index_of(key);; i = (i + 1) & mask) {
    if (slots_[i].key == key) {
      slots_[i].position = position;
      return;
    }
    if (slots_[i].key == 0) {
      slots_[i] = {key, position};
      ++used_;
      return;
    }
  }
}

const NodePosition* PositionMap::find_exact(Key key) const {
  if (slots_.empty()) return nullptr;
  size_t mask = slots_.size() - 1;
  for (size_t i = index_of(key); slots_[i].key != 0; i = (i + 1) & mask) {
    if (slots_[i].key == key) return &slots_[i].position;
  }
  return nullptr;
}

NodePosition PositionMap::find(std::string_view pointer) const {
  while (true) {
    if (const NodePosition* p = find_exact(key_of(pointer))) return *p;
    if (pointer.empty()) return {};
    pointer = pointer.substr(0, pointer.rfind('/'));
  }
}

std::string path_append(std::string path, std::string_view key) {
  append_path_key(path, key);
  return path;
}

std::string path_append(std::string path, size_t index) {
  path += '[';
  path += std::to_string(index);
  path += ']';
  return path;
}

std::string pointer_append(const std::string& pointer, std::string_view key) {
  std::string out = pointer;
  out.reserve(pointer.size() + key.size() + 1);
  out += '/';
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string pointer_append(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::string display_path(const nlohmann::json& root, std::string_view pointer) {
  std::string out;
  const json* node = &root;
  size_t i = 0;
  while (i < pointer.size()) {
    size_t next = pointer.find('/', i + 1);
    if (next == std::string_view::npos) next = pointer.size();
    std::string seg = unescape_segment(pointer.substr(i + 1, next - i - 1));
    i = next;
    if (node && node->is_array()) {
      out += "[" + seg + "]";
      size_t idx = std::strtoul(seg.c_str(), nullptr, 10);
      node = idx < node->size() ? &(*node)[idx] : nullptr;
      continue;
    }
    append_path_key(out, seg);
    if (node && node->is_object()) {
      auto it = node->find(seg);
      node = it != node->end() ? &*it : nullptr;
    } else {
      node = nullptr;
    }
  }
  return out;
}

std::string describe_value(const nlohmann::json& value) {
  switch (value.type()) {
    case json::value_t::string: {
      std::string out;
      append_quoted(out, value.get_ref<const std::string&>(), 60);
      return out;
    }
    case json::value_t::object: return value.empty() ? "an empty map" : "a map";
    case json::value_t::array: return value.empty() ? "an empty list" : "a list";
    case json::value_t::null: return "null";
    case json::value_t::number_float: {
      double d = value.get<double>();
      if (std::isnan(d)) return ".nan";
      if (std::isinf(d)) return d < 0 ? "-.inf" : ".inf";
      return value.dump();
    }
    default: return value.dump();
  }
}

namespace {

// Offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or npos. YAML streams are Unicode, and everything
// downstream assumes valid UTF-8: valijson's string length reads past the end of a bad
// sequence and nlohmann::json::dump throws on one, so bad bytes stop here with a position.
size_t first_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

Position position_of_offset(std::string_view text, size_t offset) {
  Position p{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

}  // namespace

YamlParse parse_yaml(std::string_view text, const YamlLimits& limits) {
  YamlParse out;
  if (text.size() > limits.max_bytes) {
    out.errors.push_back({{}, {}, {}, "file is " + std::to_string(text.size()) +
                                          " bytes; the limit is " + std::to_string(limits.max_bytes)});
    return out;
  }
  // Marks are offsets into what yaml-cpp decodes; keep that the text itself.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.substr(0, 2) == "\xFE\xFF" || text.substr(0, 2) == "\xFF\xFE" || text.find('\0') != std::string_view::npos) {
    out.errors.push_back({{}, {}, {}, "expected UTF-8 text (found a UTF-16/32 byte order mark or NUL bytes)"});
    return out;
  }
  if (size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    out.errors.push_back({{}, position_of_offset(text, bad), {},
                          std::string("expected UTF-8 text, found the byte ") + hex +
                              " that does not start or continue a valid UTF-8 sequence"});
    return out;
  }
  std::istringstream in{std::string(text)};
  JsonBuilder builder(text, limits, out);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const Abort& a) {
    out.errors.push_back(a.diagnostic);
  } catch (const YAML::Exception& e) {
    out.errors.push_back({{}, to_position(e.mark), {}, "YAML syntax error: " + e.msg});
  } catch (const std::exception& e) {
    out.errors.push_back({{}, {}, {}, std::string("YAML could not be read: ") + e.what()});
  }
  return out;
}

}  // namespace gitns::manifest
