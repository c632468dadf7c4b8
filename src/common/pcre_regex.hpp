// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbd's one regular-expression dialect: PCRE2 (Perl-compatible, the engine keepalived's HTTP
// checker uses), compiled with the same options where lbd.conf is validated and where a check
// matches, so a pattern `lbd --check` accepts is the pattern a check runs. Options: none, as in
// keepalived without `regex_options`: a search anywhere in the subject (no implicit anchoring),
// bytes rather than UTF-8, ^ and $ at the ends of the subject only, '.' not matching '\n'.
// A match is bounded (match_limit, heap_limit_kib, the JIT stack): a catastrophically backtracking
// pattern fails the check with a reason instead of spinning the event loop. PCRE2 bounds each
// attempt (start position), not their sum: work quadratic in the subject stays possible without
// the JIT (docs/lbd.conf.md says so).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace lbd {

struct regex_compile_error {
  std::string message;     // PCRE2's, e.g. "missing closing parenthesis"
  std::size_t offset = 0;  // in bytes from the start of the pattern, where PCRE2 stopped
};

enum class regex_outcome { match, no_match, limit, error };

struct regex_search_result {
  regex_outcome outcome = regex_outcome::no_match;
  std::string detail;  // for limit and error: what PCRE2 said
};

class pcre_regex {
 public:
  // Backtracking steps one match attempt (one start position) may take; PCRE2's default is
  // 10,000,000. An ordinary pattern stays far below it; a catastrophic one reaches it within
  // milliseconds.
  static constexpr std::uint32_t match_limit = 1'000'000;
  // Memory for the interpreter's backtracking frames, in KiB (PCRE2's default is 20 GB).
  static constexpr std::uint32_t heap_limit_kib = 16 * 1024;

  // `jit`: also JIT-compile when the library supports it (for matching; validation needs not).
  // A JIT compile that fails leaves the interpreter, which gives the same answers.
  static result<pcre_regex, regex_compile_error> compile(std::string_view pattern, bool jit = true);

  pcre_regex(pcre_regex&&) noexcept;
  pcre_regex& operator=(pcre_regex&&) noexcept;
  pcre_regex(const pcre_regex&) = delete;
  pcre_regex& operator=(const pcre_regex&) = delete;
  ~pcre_regex();

  [[nodiscard]] const std::string& pattern() const;
  [[nodiscard]] bool jit() const;

  // Does the pattern match anywhere in `subject`? Reuses one match-data block, so it is not
  // const: one thread at a time, as the probers of one event loop are.
  regex_search_result search(std::string_view subject);

 private:
  struct impl;
  explicit pcre_regex(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

// "missing closing parenthesis at offset 3 (after '(ok')": a compile error for a message.
std::string describe(const regex_compile_error& e, std::string_view pattern);

}  // namespace lbd
