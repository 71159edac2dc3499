#include "resolver/zone/zonefile.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "resolver/zone/zonefile_lexer.h"

namespace gitns::zone {

using base::Errc;
using base::fail;
using base::Result;
using base::Status;
using wire::Name;

namespace {

constexpr uint32_t kMaxTtl = 0x7fffffff;  // RFC 2181 section 8

bool starts_with_digit(std::string_view s) {
  return !s.empty() && s[0] >= '0' && s[0] <= '9';
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

// Shortens a token for an error message, so a megabyte of garbage stays one line.
std::string quote_token(std::string_view s) {
  constexpr size_t kMax = 40;
  if (s.size() <= kMax) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, kMax)) + "...'";
}

// Removes the escapes of a file name token: \X is X, \DDD is the byte DDD.
Result<std::string> unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      if (i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
          std::isdigit(static_cast<unsigned char>(s[i + 2])) &&
          std::isdigit(static_cast<unsigned char>(s[i + 3]))) {
        int v = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
        if (v > 255) return fail(Errc::syntax, "\\DDD escape over 255");
        c = static_cast<char>(v);
        i += 3;
      } else {
        c = s[++i];
      }
    }
    if (c == '\0') return fail(Errc::syntax, "a NUL byte cannot be part of a file name");
    out.push_back(c);
  }
  return out;
}

// The folder part of a path relative to the zone folder, as components.
std::vector<std::string> folder_of(const std::string& file) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t slash; (slash = file.find('/', start)) != std::string::npos; start = slash + 1) {
    std::string part = file.substr(start, slash - start);
    if (!part.empty() && part != ".") parts.push_back(std::move(part));
  }
  return parts;
}

// Resolves an $INCLUDE name against the including file's folder. The result is a
// normalised path relative to the zone folder; anything that leaves it fails.
Result<std::string> resolve_include(const std::string& including_file, const std::string& name) {
  std::string shown = quote_token(name);
  if (name.empty()) return fail(Errc::syntax, "$INCLUDE needs a file name");
  if (name[0] == '/') {
    return fail(Errc::syntax, "$INCLUDE " + shown +
                                  " escapes the zone folder: use a path relative to the including file");
  }
  std::vector<std::string> parts = folder_of(including_file);
  size_t start = 0;
  for (;;) {
    size_t slash = name.find('/', start);
    std::string part = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") {
      if (parts.empty()) return fail(Errc::syntax, "$INCLUDE " + shown + " escapes the zone folder");
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.empty() || name.back() == '/') {
    return fail(Errc::syntax, "$INCLUDE " + shown + " names a folder, expected a file");
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back('/');
    out += p;
  }
  return out;
}

class Parser {
 public:
  Parser(const ZoneFileOptions& options, ZoneFileResult& result)
      : opt_(options), result_(result), origin_(options.origin) {}

  void parse_text(std::string_view text, const std::string& file, size_t depth) {
    ZoneLexer lexer(text);
    parse_from(lexer, file, depth);
  }

  // The top file from a checkpoint up to the first entry boundary at or after `until`.
  ZoneFileCheckpoint parse_top(std::string_view text, const ZoneFileCheckpoint& from,
                               size_t until) {
    set_state(from.state);
    ZoneLexer lexer(text, from.offset, from.line);
    until_ = until;
    if (lexer.offset() < until) parse_from(lexer, opt_.file_name, 0);
    return {lexer.offset(), lexer.line(), state()};
  }

  bool included() const { return included_; }

  ZoneFileState state() const {
    return {origin_, last_owner_, owner_poisoned_, dollar_ttl_, last_explicit_ttl_};
  }

 private:
  void set_state(const ZoneFileState& s) {
    origin_ = s.origin;
    last_owner_ = s.last_owner;
    owner_poisoned_ = s.owner_poisoned;
    dollar_ttl_ = s.dollar_ttl;
    last_explicit_ttl_ = s.last_explicit_ttl;
  }

  void checkpoint(const ZoneLexer& lexer) {
    if (lexer.offset() < next_checkpoint_) return;
    opt_.checkpoints->push_back({lexer.offset(), lexer.line(), state()});
    next_checkpoint_ = lexer.offset() + std::max<size_t>(1, opt_.checkpoint_spacing);
  }

  void parse_from(ZoneLexer& lexer, const std::string& file, size_t depth) {
    const bool top = depth == 0;
    if (top && opt_.checkpoints && opt_.checkpoints->empty() && lexer.offset() == 0)
      opt_.checkpoints->push_back({0, 1, state()});
    if (top && opt_.checkpoints) next_checkpoint_ = lexer.offset() + opt_.checkpoint_spacing;
    LexEntry entry;
    while (!stopped_ && lexer.next(entry)) {
      if (entry.error) {
        error(file, entry.error->where, entry.error->message);
        // The owner of a broken line is unknown: blank-owner lines after it would
        // attach to the wrong name, and one error about it is enough.
        if (!entry.owner_omitted) owner_poisoned_ = true;
        continue;
      }
      const auto& first = entry.tokens[0];
      if (!entry.owner_omitted && !first.quoted && !first.text.empty() && first.text[0] == '$') {
        directive(entry, file, depth);
      } else {
        record(entry, file);
      }
      if (top && lexer.offset() >= until_) break;
      if (top && opt_.checkpoints) checkpoint(lexer);
    }
  }

  void error(const std::string& file, LexPos where, std::string message) {
    if (stopped_) return;
    result_.errors.push_back({{file, where.line, where.column}, std::move(message)});
    if (result_.errors.size() >= opt_.max_errors) {
      result_.errors.back().message += " (stopping after " + std::to_string(opt_.max_errors) + " errors)";
      stopped_ = true;
    }
  }

  // The position just after token i, for "expected X after this" errors.
  static LexPos after(const LexEntry& e, size_t i) {
    LexPos p = e.positions[i];
    p.column += static_cast<uint32_t>(e.tokens[i].text.size() + (e.tokens[i].quoted ? 2 : 0));
    return p;
  }

  void directive(const LexEntry& e, const std::string& file, size_t depth) {
    std::string name = upper(e.tokens[0].text);
    if (name == "$ORIGIN") {
      directive_origin(e, file);
    } else if (name == "$TTL") {
      directive_ttl(e, file);
    } else if (name == "$INCLUDE") {
      directive_include(e, file, depth);
    } else if (name == "$GENERATE") {
      error(file, e.positions[0], "$GENERATE is unsupported: write the records out instead");
    } else {
      error(file, e.positions[0],
            "unknown directive " + quote_token(e.tokens[0].text) + ": expected $ORIGIN, $TTL or $INCLUDE");
    }
  }

  // Checks a directive has between min and max arguments; reports otherwise.
  bool check_args(const LexEntry& e, const std::string& file, size_t min, size_t max,
                  const char* what) {
    size_t n = e.tokens.size() - 1;
    if (n < min) {
      error(file, after(e, e.tokens.size() - 1),
            upper(e.tokens[0].text) + " expects " + what + ", got the end of the line");
      return false;
    }
    if (n > max) {
      error(file, e.positions[max + 1],
            "unexpected " + quote_token(e.tokens[max + 1].text) + ": " + upper(e.tokens[0].text) +
                " takes " + what);
      return false;
    }
    return true;
  }

  void directive_origin(const LexEntry& e, const std::string& file) {
    if (!check_args(e, file, 1, 1, "a domain name")) return;
    auto n = Name::from_text(e.tokens[1].text, &origin_);
    if (!n) {
      error(file, e.positions[1], "bad $ORIGIN name " + quote_token(e.tokens[1].text) + ": " + n.error().message);
      return;
    }
    origin_ = *n;
  }

  void directive_ttl(const LexEntry& e, const std::string& file) {
    if (!check_args(e, file, 1, 1, "a TTL")) return;
    auto ttl = parse_ttl(e.tokens[1].text);
    if (!ttl) {
      error(file, e.positions[1], ttl.error().message);
      return;
    }
    dollar_ttl_ = *ttl;
  }

  void directive_include(const LexEntry& e, const std::string& file, size_t depth) {
    if (!check_args(e, file, 1, 2, "a file name and an optional origin")) return;
    auto raw = unescape(e.tokens[1].text);
    if (!raw) {
      error(file, e.positions[1], "bad $INCLUDE file name: " + raw.error().message);
      return;
    }
    auto path = resolve_include(file, *raw);
    if (!path) {
      error(file, e.positions[1], path.error().message);
      return;
    }
    Name include_origin = origin_;
    if (e.tokens.size() == 3) {
      auto n = Name::from_text(e.tokens[2].text, &origin_);
      if (!n) {
        error(file, e.positions[2], "bad $INCLUDE origin " + quote_token(e.tokens[2].text) + ": " + n.error().message);
        return;
      }
      include_origin = *n;
    }
    if (depth + 1 > opt_.max_include_depth) {
      error(file, e.positions[0],
            "$INCLUDE nested more than " + std::to_string(opt_.max_include_depth) +
                " files deep (does a file include itself?)");
      return;
    }
    if (!opt_.include) {
      error(file, e.positions[0], "$INCLUDE is unsupported here: no include reader was given");
      return;
    }
    included_ = true;
    auto text = opt_.include(*path);
    if (!text) {
      error(file, e.positions[1], "cannot read $INCLUDE " + quote_token(*path) + ": " + text.error().message);
      return;
    }
    // RFC 1035 5.1: the include has its own origin; ours comes back afterwards, and so
    // does the previous owner (the included file starts without one).
    Name saved_origin = origin_;
    std::optional<Name> saved_owner = last_owner_;
    bool saved_poisoned = owner_poisoned_;
    origin_ = include_origin;
    last_owner_.reset();
    owner_poisoned_ = false;
    parse_text(*text, *path, depth + 1);
    origin_ = saved_origin;
    last_owner_ = saved_owner;
    owner_poisoned_ = saved_poisoned;
  }

  // What may still come before the type, for "expected ..." messages.
  static std::string slot_words(bool have_ttl, bool have_class) {
    std::string s = "expected a ";
    if (!have_ttl) s += "TTL or ";
    if (!have_class) s += "class or ";
    return s + "type";
  }

  static bool is_ttl_class_or_type(const wire::TextToken& t) {
    if (t.quoted) return false;
    if (starts_with_digit(t.text)) return parse_ttl(t.text).ok();
    return wire::class_from_text(t.text).ok() || wire::type_from_text(t.text).ok();
  }

  bool record_owner(const LexEntry& e, const std::string& file, Name& owner) {
    if (e.owner_omitted) {
      if (owner_poisoned_) return false;  // the line that set the owner was reported
      if (!last_owner_) {
        error(file, e.positions[0],
              "expected an owner name: the line starts with a blank but no record came before it");
        return false;
      }
      owner = *last_owner_;
      return true;
    }
    const auto& t = e.tokens[0];
    owner_poisoned_ = true;
    if (t.quoted) {
      error(file, e.positions[0], "expected an owner name, got a quoted string");
      return false;
    }
    auto n = Name::from_text(t.text, &origin_);
    if (!n) {
      error(file, e.positions[0], "bad owner name " + quote_token(t.text) + ": " + n.error().message);
      return false;
    }
    owner = *n;
    last_owner_ = owner;
    owner_poisoned_ = false;
    return true;
  }

  // Reads [TTL] [class] type in either order from token i on; i ends on the first rdata
  // token. Reports and returns false on failure.
  bool record_head(const LexEntry& e, const std::string& file, size_t& i,
                   std::optional<uint32_t>& ttl, uint16_t& type) {
    bool have_class = false;
    for (; i < e.tokens.size(); ++i) {
      const auto& t = e.tokens[i];
      if (!t.quoted && !ttl && starts_with_digit(t.text)) {
        auto v = parse_ttl(t.text);
        if (!v) {
          error(file, e.positions[i], v.error().message);
          return false;
        }
        ttl = *v;
        continue;
      }
      if (!t.quoted && !have_class) {
        if (auto c = wire::class_from_text(t.text)) {
          if (*c != wire::rrclass::IN) {
            error(file, e.positions[i], "class " + quote_token(t.text) + " is not supported: only IN");
            return false;
          }
          have_class = true;
          continue;
        }
      }
      if (!t.quoted) {
        if (auto ty = wire::type_from_text(t.text)) {
          if (wire::is_meta_type(*ty)) {
            error(file, e.positions[i], "type " + quote_token(t.text) + " is a meta type, not data: expected a record type");
            return false;
          }
          type = *ty;
          ++i;
          return true;
        }
      }
      // A bad word followed by a good type was meant as a TTL or class; otherwise it
      // was meant as the type.
      bool slot_left = !ttl || !have_class;
      if (i == 0 && e.owner_omitted && !t.quoted && !t.text.empty() && t.text[0] == '$') {
        error(file, e.positions[i], "directive " + quote_token(t.text) + " must start in the first column");
      } else if (slot_left && i + 1 < e.tokens.size() && is_ttl_class_or_type(e.tokens[i + 1])) {
        error(file, e.positions[i], slot_words(ttl.has_value(), have_class) + ", got " + quote_token(t.text));
      } else if (t.quoted) {
        error(file, e.positions[i], slot_words(ttl.has_value(), have_class) + ", got a quoted string");
      } else {
        error(file, e.positions[i], "unknown type " + quote_token(t.text));
      }
      return false;
    }
    size_t last = e.tokens.size() - 1;
    error(file, after(e, last),
          slot_words(ttl.has_value(), have_class) + " after " + quote_token(e.tokens[last].text) +
              ", got the end of the line");
    return false;
  }

  // The codec does not say which token failed, but its messages quote it ("got 'x'",
  // "unexpected 'x'") or say "end of rdata": point there when that is unambiguous,
  // else at the first rdata token.
  static LexPos rdata_error_position(const LexEntry& e, size_t first, const std::string& message) {
    if (first == e.tokens.size() || message.find("end of rdata") != std::string::npos) {
      return after(e, e.tokens.size() - 1);
    }
    size_t found = e.tokens.size();
    for (size_t k = first; k < e.tokens.size(); ++k) {
      if (message.find("'" + e.tokens[k].text + "'") == std::string::npos) continue;
      if (found != e.tokens.size()) return e.positions[first];  // two candidates
      found = k;
    }
    return e.positions[found != e.tokens.size() ? found : first];
  }

  void record(const LexEntry& e, const std::string& file) {
    Name owner;
    if (!record_owner(e, file, owner)) return;
    size_t i = e.owner_omitted ? 0 : 1;
    std::optional<uint32_t> ttl;
    uint16_t type = 0;
    if (!record_head(e, file, i, ttl, type)) return;

    if (ttl) last_explicit_ttl_ = *ttl;
    uint32_t effective_ttl = ttl           ? *ttl
                             : dollar_ttl_ ? *dollar_ttl_
                             : last_explicit_ttl_ ? *last_explicit_ttl_
                                                  : opt_.default_ttl;

    auto rdata_tokens = std::span<const wire::TextToken>(e.tokens).subspan(i);
    auto rdata = wire::rdata_from_text(type, rdata_tokens, origin_);
    if (!rdata) {
      std::string message = rdata.error().message;
      std::string type_text = wire::type_to_text(type);
      if (message.compare(0, type_text.size(), type_text) != 0) message = type_text + " rdata: " + message;
      error(file, rdata_error_position(e, i, rdata.error().message), std::move(message));
      return;
    }
    if (!owner.is_subdomain_of(opt_.origin)) {
      error(file, e.positions[0],
            "record owner " + quote_token(owner.to_text()) + " is outside the zone " +
                quote_token(opt_.origin.to_text()));
      return;
    }
    if (record_count_ >= opt_.max_records) {
      error(file, e.positions[0],
            "more than " + std::to_string(opt_.max_records) + " records: the zone is over its size limit");
      stopped_ = true;
      return;
    }
    ZoneFileRecord rec;
    rec.rr.owner = owner;
    rec.rr.type = type;
    rec.rr.rclass = wire::rrclass::IN;
    rec.rr.ttl = effective_ttl;
    rec.rr.rdata = std::move(*rdata);
    rec.where = {file, e.positions[0].line, e.positions[0].column};
    ++record_count_;
    if (opt_.on_record) {
      opt_.on_record(std::move(rec));
    } else {
      result_.records.push_back(std::move(rec));
    }
  }

  const ZoneFileOptions& opt_;
  ZoneFileResult& result_;
  Name origin_;
  std::optional<Name> last_owner_;
  bool owner_poisoned_ = false;
  std::optional<uint32_t> dollar_ttl_;
  std::optional<uint32_t> last_explicit_ttl_;
  bool stopped_ = false;
  size_t record_count_ = 0;
  size_t until_ = SIZE_MAX;  // the top file stops at the first entry boundary at or after it
  size_t next_checkpoint_ = 0;
  bool included_ = false;
};

}  // namespace

std::string ZoneFileError::to_string() const {
  std::string out;
  if (!where.file.empty()) out = where.file + ":";
  out += std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message;
  return out;
}

Result<uint32_t> parse_ttl(std::string_view text) {
  auto bad = [&] {
    return fail(Errc::syntax, "bad TTL " + quote_token(text) +
                                  ": expected seconds or a duration like 1h30m (units w, d, h, m, s)");
  };
  auto too_big = [&] {
    return fail(Errc::syntax, "TTL " + quote_token(text) + " is over 2147483647 (RFC 2181 section 8)");
  };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (text.empty()) return bad();
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!digit(text[i])) return bad();
    uint64_t n = 0;
    for (; i < text.size() && digit(text[i]); ++i) {
      n = n * 10 + static_cast<uint64_t>(text[i] - '0');
      if (n > kMaxTtl) return too_big();
    }
    uint64_t unit = 1;  // a number without a unit (only possible last) is seconds
    if (i < text.size()) {
      switch (text[i]) {
        case 'w': case 'W': unit = 7 * 86400; break;
        case 'd': case 'D': unit = 86400; break;
        case 'h': case 'H': unit = 3600; break;
        case 'm': case 'M': unit = 60; break;
        case 's': case 'S': unit = 1; break;
        default: return bad();
      }
      ++i;
    }
    total += n * unit;
    if (total > kMaxTtl) return too_big();
  }
  return static_cast<uint32_t>(total);
}

bool ZoneFileState::operator==(const ZoneFileState& o) const {
  auto same = [](const std::optional<Name>& a, const std::optional<Name>& b) {
    return a.has_value() == b.has_value() && (!a || a->equals_exact(*b));
  };
  return origin.equals_exact(o.origin) && same(last_owner, o.last_owner) &&
         owner_poisoned == o.owner_poisoned && dollar_ttl == o.dollar_ttl &&
         last_explicit_ttl == o.last_explicit_ttl;
}

ZoneFileRange parse_zone_file_range(std::string_view text, const ZoneFileCheckpoint& from,
                                    size_t until, const ZoneFileOptions& options) {
  ZoneFileRange out;
  ZoneFileOptions o = options;
  o.checkpoints = nullptr;
  o.on_record = nullptr;  // the slice's records are the result
  Parser parser(o, out.result);
  out.end = parser.parse_top(text, from, until);
  out.included = parser.included();
  return out;
}

ZoneFileResult parse_zone_file(std::string_view text, const ZoneFileOptions& options) {
  ZoneFileResult result;
  Parser parser(options, result);
  parser.parse_text(text, options.file_name, 0);
  return result;
}

IncludeReader filesystem_reader(const std::string& root_dir) {
  return [root_dir](const std::string& path) -> Result<std::string> {
    namespace fs = std::filesystem;
    if (path.empty() || path[0] == '/') return fail(Errc::syntax, "include path must be relative");
    std::error_code ec;
    fs::path root = fs::weakly_canonical(fs::path(root_dir.empty() ? "." : root_dir), ec);
    if (ec) return fail(Errc::io, "zone folder '" + root_dir + "': " + ec.message());
    fs::path full = fs::weakly_canonical(root / path, ec);
    if (ec) return fail(Errc::io, ec.message());
    // Symlinks may point anywhere: check where the file really is.
    fs::path rel = full.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") {
      return fail(Errc::syntax, "'" + path + "' resolves outside the zone folder");
    }
    if (!fs::is_regular_file(full, ec)) return fail(Errc::not_found, "no such file");
    std::ifstream in(full, std::ios::binary);
    if (!in) return fail(Errc::io, std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return fail(Errc::io, "read error");
    return buf.str();
  };
}

namespace {

// Reads `path` and parses it with $INCLUDE confined to its folder; errors joined.
Status load_into(const std::string& path, const Name& origin,
                 std::function<void(ZoneFileRecord&&)> sink, ZoneFileResult& result) {
  namespace fs = std::filesystem;
  fs::path p(path);
  ZoneFileOptions options;
  options.origin = origin;
  options.file_name = p.filename().string();
  options.include = filesystem_reader(p.has_parent_path() ? p.parent_path().string() : ".");
  options.on_record = std::move(sink);
  auto text = options.include(options.file_name);
  if (!text) return fail(text.error().code, "cannot read zone file '" + path + "': " + text.error().message);
  result = parse_zone_file(*text, options);
  if (result.errors.empty()) return {};
  constexpr size_t kShown = 20;
  std::string message;
  for (size_t i = 0; i < result.errors.size() && i < kShown; ++i) {
    if (i) message.push_back('\n');
    message += result.errors[i].to_string();
  }
  if (result.errors.size() > kShown) {
    message += "\n(" + std::to_string(result.errors.size() - kShown) + " more errors)";
  }
  return fail(Errc::syntax, std::move(message));
}

}  // namespace

Result<std::vector<ZoneFileRecord>> load_zone_file(const std::string& path, const Name& origin) {
  ZoneFileResult result;
  GITNS_CHECK(load_into(path, origin, nullptr, result));
  return std::move(result.records);
}

Status load_zone_file(const std::string& path, const Name& origin,
                      std::function<void(ZoneFileRecord&&)> sink) {
  ZoneFileResult result;
  return load_into(path, origin, std::move(sink), result);
}

namespace {

// Writing a name relative to the origin drops the case of its origin part, so only
// names whose origin part is byte-equal to the origin may be written relative.
bool relative_keeps_case(const Name& name, const Name& origin) {
  if (!name.is_subdomain_of(origin)) return true;  // written absolute anyway
  return name.suffix(origin.label_count()).equals_exact(origin);
}

bool rdata_relative_keeps_case(const wire::RR& rr, const Name& origin) {
  std::array<wire::RdataName, 16> names;
  size_t n = wire::rdata_names(rr.type, rr.rdata.bytes, names);
  if (n == names.size()) return false;  // maybe more than we looked at
  for (size_t i = 0; i < n; ++i) {
    auto name = Name::from_wire(std::span(rr.rdata.bytes).subspan(names[i].offset, names[i].size));
    if (!name || !relative_keeps_case(*name, origin)) return false;
  }
  return true;
}

}  // namespace

std::string print_zone_file(const Name& origin, std::span<const wire::RR> records) {
  std::vector<const wire::RR*> order;
  order.reserve(records.size());
  for (const auto& rr : records) order.push_back(&rr);
  auto is_apex_soa = [&](const wire::RR* rr) {
    return rr->type == wire::rrtype::SOA && rr->owner == origin;
  };
  std::stable_sort(order.begin(), order.end(), [&](const wire::RR* a, const wire::RR* b) {
    bool sa = is_apex_soa(a), sb = is_apex_soa(b);
    if (sa != sb) return sa;
    if (int c = a->owner.canonical_compare(b->owner)) return c < 0;
    if (a->type != b->type) return a->type < b->type;
    return a->rdata < b->rdata;
  });
  std::string out = "$ORIGIN " + origin.to_text() + "\n";
  for (const wire::RR* rr : order) {
    out += relative_keeps_case(rr->owner, origin) ? rr->owner.to_text_relative(origin) : rr->owner.to_text();
    out += '\t';
    out += std::to_string(rr->ttl);
    out += '\t';
    out += wire::class_to_text(rr->rclass);
    out += '\t';
    out += wire::type_to_text(rr->type);
    std::string rdata =
        wire::rdata_to_text(rr->type, rr->rdata, rdata_relative_keeps_case(*rr, origin) ? &origin : nullptr);
    if (!rdata.empty()) {
      out += '\t';
      out += rdata;
    }
    out += '\n';
  }
  return out;
}

}  // namespace gitns::zone
