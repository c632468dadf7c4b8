// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/toml_guard.hpp"

#include <string>

namespace lbd::config::detail {
namespace {

enum class state { normal, comment, basic, literal, multi_basic, multi_literal };

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80U; }

// A lexer just precise enough to know whether a byte is inside a string or a comment.
class scanner {
 public:
  explicit scanner(std::string_view text) : text_(text) {}

  std::optional<guard_finding> run() {
    while (i_ < text_.size()) {
      if (auto f = step()) return f;
    }
    return std::nullopt;
  }

 private:
  [[nodiscard]] bool at(std::string_view s) const { return text_.substr(i_, s.size()) == s; }

  void advance(std::size_t n = 1) {
    for (; n > 0 && i_ < text_.size(); --n, ++i_) {
      if (text_[i_] == '\n') {
        ++line_;
        column_ = 1;
      } else if (!is_continuation(text_[i_])) {
        ++column_;
      }
    }
  }

  // The parser reads a bare value (number, boolean, date) up to whitespace, ',', ']', '}' or '#',
  // quotes and brackets included, so a quote in there opens no string. Bare values occur where a
  // value is expected: after '=', and inside arrays.
  void track_structure(char c) {
    const bool terminator =
        c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']' || c == '}' || c == '#';
    if (bare_) {
      if (!terminator) return;
      bare_ = false;
    }
    const char top = nesting_.empty() ? '\0' : nesting_.back();
    switch (c) {
      case '=': value_ = true; break;
      case '[': nesting_.push_back(value_ ? 'a' : 'h'); break;  // an array, or a table header
      case '{':
        nesting_.push_back('t');
        value_ = false;
        break;
      case ']':
      case '}':
        if (!nesting_.empty()) nesting_.pop_back();
        value_ = !nesting_.empty() && nesting_.back() != 'h';
        break;
      case ',': value_ = top == 'a'; break;
      case '\n':
        if (top == '\0') value_ = false;
        break;
      case ' ':
      case '\t':
      case '\r':
      case '#':
      case '"':
      case '\'':
      case '.': break;
      default: bare_ = value_;
    }
  }

  // The closing delimiter may follow up to two quotes that belong to the string.
  void close_multi(char quote) {
    advance(3);
    for (int extra = 0; extra < 2 && i_ < text_.size() && text_[i_] == quote; ++extra) advance();
    state_ = state::normal;
  }

  std::optional<guard_finding> finding(std::string message) const {
    return guard_finding{line_, column_, std::move(message)};
  }

  std::optional<guard_finding> bad_escape() {
    advance();
    return finding("a backslash followed by a non-ASCII character is not a valid escape");
  }

  std::optional<guard_finding> step() {
    const char c = text_[i_];
    switch (state_) {
      case state::normal:
        if (is_non_ascii(c)) {
          return finding("non-ASCII character outside a string or comment (keys and values are ASCII; quote text)");
        }
        track_structure(c);
        if (!bare_ && c == '#') state_ = state::comment;
        if (!bare_ && c == '"') state_ = at("\"\"\"") ? state::multi_basic : state::basic;
        if (!bare_ && c == '\'') state_ = at("'''") ? state::multi_literal : state::literal;
        advance(state_ == state::multi_basic || state_ == state::multi_literal ? 3 : 1);
        return std::nullopt;
      case state::comment:
        if (c == '\n') state_ = state::normal;
        advance();
        return std::nullopt;
      case state::basic:
        if (c == '\\' && i_ + 1 < text_.size() && is_non_ascii(text_[i_ + 1])) return bad_escape();
        if (c == '\\') {
          advance(text_.substr(i_ + 1, 1) == "\n" ? 1 : 2);
          return std::nullopt;
        }
        if (c == '"' || c == '\n') state_ = state::normal;
        advance();
        return std::nullopt;
      case state::literal:
        if (c == '\'' || c == '\n') state_ = state::normal;
        advance();
        return std::nullopt;
      case state::multi_basic: return step_multi_basic(c);
      case state::multi_literal:
        if (at("'''")) {
          close_multi('\'');
        } else {
          advance();
        }
        return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<guard_finding> step_multi_basic(char c) {
    if (at("\"\"\"")) {
      close_multi('"');
      return std::nullopt;
    }
    if (c != '\\') {
      advance();
      return std::nullopt;
    }
    if (i_ + 1 < text_.size() && is_non_ascii(text_[i_ + 1])) return bad_escape();
    // A line-ending backslash trims the whitespace and line breaks after it.
    std::size_t j = i_ + 1;
    while (j < text_.size() && (text_[j] == ' ' || text_[j] == '\t' || text_[j] == '\r')) ++j;
    if (j >= text_.size() || text_[j] != '\n') {
      advance(2);  // an ordinary escape
      return std::nullopt;
    }
    while (j < text_.size() && (text_[j] == ' ' || text_[j] == '\t' || text_[j] == '\r' || text_[j] == '\n')) ++j;
    advance(j - i_);
    if (i_ < text_.size() && is_non_ascii(text_[i_])) {
      return finding(
          "non-ASCII character right after a line-ending backslash; start the line with an ASCII "
          "character or a \\u escape");
    }
    return std::nullopt;
  }

  std::string_view text_;
  std::size_t i_ = 0;
  unsigned line_ = 1;
  unsigned column_ = 1;
  state state_ = state::normal;
  bool value_ = false;   // a value, not a key, is expected or being read
  bool bare_ = false;    // inside a bare value
  std::string nesting_;  // open arrays 'a', inline tables 't', table headers 'h'
};

}  // namespace

std::optional<guard_finding> find_unsafe_input(std::string_view text) { return scanner(text).run(); }

}  // namespace lbd::config::detail
