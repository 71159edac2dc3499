#include "resolver/zone/zonefile_lexer.h"

namespace gitns::zone {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Characters that end an unquoted token unless escaped with a backslash.
bool is_delimiter(char c) {
  return is_blank(c) || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"';
}

}  // namespace

ZoneLexer::ZoneLexer(std::string_view text) : text_(text) {
  // Editors on Windows start UTF-8 files with a byte order mark; columns count after it.
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = line_start_ = 3;
}

ZoneLexer::ZoneLexer(std::string_view text, size_t offset, uint32_t line) : ZoneLexer(text) {
  if (offset == 0) return;
  pos_ = line_start_ = offset < text_.size() ? offset : text_.size();
  line_ = line;
}

void LexEntry::clear() {
  tokens.clear();
  positions.clear();
  owner_omitted = false;
  start = {};
  error.reset();
}

void ZoneLexer::advance() {
  if (text_[pos_] == '\n') {
    ++line_;
    line_start_ = pos_ + 1;
  }
  ++pos_;
}

bool ZoneLexer::at_line_end() const {
  if (at_end() || peek() == '\n') return true;
  // A CR of a CRLF line end counts as the end, so "\\" before it escapes nothing.
  return peek() == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n');
}

void ZoneLexer::skip_to_line_end() {
  while (!at_end() && peek() != '\n') ++pos_;
}

void ZoneLexer::set_error(LexEntry& out, LexPos where, std::string message) {
  if (!out.error) out.error = LexError{where, std::move(message)};
}

bool ZoneLexer::next(LexEntry& out) {
  for (;;) {
    out.clear();
    if (at_end()) return false;
    out.start = here();
    out.owner_omitted = peek() == ' ' || peek() == '\t';
    int depth = 0;           // parentheses are not nested in RFC 1035
    LexPos open_paren{};
    for (;;) {
      if (at_end()) {
        if (depth > 0) set_error(out, open_paren, "unbalanced '(': no ')' before the end of the file");
        break;
      }
      char c = peek();
      if (c == '\n') {
        advance();
        if (depth == 0) break;
      } else if (is_blank(c)) {
        advance();
      } else if (c == ';') {
        skip_to_line_end();
      } else if (c == '(') {
        if (depth > 0) set_error(out, here(), "nested '(': parentheses do not nest in zone files");
        open_paren = here();
        depth = 1;
        advance();
      } else if (c == ')') {
        if (depth == 0) set_error(out, here(), "unbalanced ')': no '(' before it");
        depth = 0;
        advance();
      } else if (c == '"') {
        read_quoted(out);
      } else {
        read_word(out);
      }
    }
    if (!out.tokens.empty() || out.error) return true;
  }
}

void ZoneLexer::read_quoted(LexEntry& out) {
  LexPos start = here();
  advance();  // the opening quote
  std::string text;
  for (;;) {
    if (at_line_end()) {
      set_error(out, start, "unterminated quoted string: expected '\"' before the end of the line");
      break;
    }
    char c = peek();
    if (c == '"') {
      advance();
      break;
    }
    if (c == '\\') {
      // Keep the escape raw; only make sure it does not swallow the closing quote
      // or the line end.
      advance();
      if (at_line_end()) {
        set_error(out, start, "unterminated quoted string: a backslash escapes the end of the line");
        break;
      }
      text.push_back('\\');
      c = peek();
    }
    text.push_back(c);
    advance();
  }
  out.tokens.push_back({std::move(text), true});
  out.positions.push_back(start);
}

void ZoneLexer::read_word(LexEntry& out) {
  LexPos start = here();
  size_t begin = pos_;
  while (!at_end() && !is_delimiter(peek())) {
    if (peek() == '\\') {
      advance();
      if (at_line_end()) {
        set_error(out, here(), "a backslash at the end of a line escapes nothing");
        break;
      }
    }
    advance();
  }
  out.tokens.push_back({std::string(text_.substr(begin, pos_ - begin)), false});
  out.positions.push_back(start);
}

}  // namespace gitns::zone
