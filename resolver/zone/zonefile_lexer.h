// Tokenizer for RFC 1035 master files (section 5.1). It turns text into entries: one
// entry is one logical line, i.e. a physical line or several joined by parentheses.
// Tokens keep their escapes raw (\DDD, \X) because names and rdata decode them
// themselves; quotes are removed and remembered. The lexer knows nothing of
// directives or record syntax, so the parser and its tests can treat it as data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/wire/rdata.h"

namespace gitns::zone {

struct LexPos {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in bytes (a tab counts as one)
};

struct LexError {
  LexPos where;
  std::string message;
};

struct LexEntry {
  // Parallel vectors: tokens_ is handed to the rdata codec as a span without copying.
  std::vector<wire::TextToken> tokens;
  std::vector<LexPos> positions;
  // The entry's first physical line started with a blank: RFC 1035 says the owner is
  // then the previous record's owner.
  bool owner_omitted = false;
  LexPos start;
  // The first syntax error seen while reading the entry; the parser reports it and
  // skips the entry, then goes on with the next one.
  std::optional<LexError> error;

  void clear();
};

class ZoneLexer {
 public:
  explicit ZoneLexer(std::string_view text);
  // Starts at `offset`, which must be an entry boundary of `text` (0, or where next()
  // stopped in an earlier pass over the same bytes) on line `line`.
  ZoneLexer(std::string_view text, size_t offset, uint32_t line);

  // Where the next entry starts reading: after next() returned, the start of the line
  // after the entry (outside parentheses), or the end of the text.
  size_t offset() const { return pos_; }
  uint32_t line() const { return line_; }

  // Reads the next entry holding at least one token (or an error). Blank and
  // comment-only lines are skipped. Returns false at the end of the input.
  bool next(LexEntry& out);

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  LexPos here() const { return {line_, static_cast<uint32_t>(pos_ - line_start_ + 1)}; }
  bool at_line_end() const;
  void advance();  // one byte, tracking lines
  void skip_to_line_end();
  void read_quoted(LexEntry& out);
  void read_word(LexEntry& out);
  static void set_error(LexEntry& out, LexPos where, std::string message);

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  uint32_t line_ = 1;
};

}  // namespace gitns::zone
