// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/pcre_regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include <algorithm>
#include <array>

namespace lbd {
namespace {

// The options of every compile: none (see the header). Kept in one place so the validation in
// lbd.conf and the checks cannot drift apart.
constexpr std::uint32_t compile_options = 0;

// JIT stack: 32 KiB to start, up to 1 MiB; a match needing more is a limit, not a crash.
constexpr std::size_t jit_stack_start = 32 * 1024;
constexpr std::size_t jit_stack_max = 1024 * 1024;

std::string pcre_message(int code) {
  std::array<PCRE2_UCHAR, 256> buf{};
  if (pcre2_get_error_message(code, buf.data(), buf.size()) < 0) return fmt::format("PCRE2 error {}", code);
  return {reinterpret_cast<const char*>(buf.data())};  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

bool jit_available() {
  std::uint32_t yes = 0;
  return pcre2_config(PCRE2_CONFIG_JIT, &yes) >= 0 && yes == 1;
}

}  // namespace

struct pcre_regex::impl {
  std::string pattern;
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_match_data* data = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  bool jit = false;

  impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
  ~impl() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(jit_stack);
    pcre2_code_free(code);
  }
};

pcre_regex::pcre_regex(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
pcre_regex::pcre_regex(pcre_regex&&) noexcept = default;
pcre_regex& pcre_regex::operator=(pcre_regex&&) noexcept = default;
pcre_regex::~pcre_regex() = default;

result<pcre_regex, regex_compile_error> pcre_regex::compile(std::string_view pattern, bool jit) {
  auto p = std::make_unique<impl>();
  p->pattern = std::string(pattern);
  int code = 0;
  PCRE2_SIZE offset = 0;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): PCRE2 takes unsigned bytes
  p->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), compile_options, &code, &offset,
                          nullptr);
  if (p->code == nullptr) return unexpected(regex_compile_error{pcre_message(code), offset});
  p->context = pcre2_match_context_create(nullptr);
  p->data = pcre2_match_data_create_from_pattern(p->code, nullptr);
  if (p->context == nullptr || p->data == nullptr) return unexpected(regex_compile_error{"out of memory", 0});
  pcre2_set_match_limit(p->context, match_limit);
  pcre2_set_depth_limit(p->context, match_limit);
  pcre2_set_heap_limit(p->context, heap_limit_kib);
  if (jit && jit_available() && pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE) == 0) {
    p->jit_stack = pcre2_jit_stack_create(jit_stack_start, jit_stack_max, nullptr);
    if (p->jit_stack != nullptr) pcre2_jit_stack_assign(p->context, nullptr, p->jit_stack);
    p->jit = true;  // without a stack of its own the JIT uses its 32 KiB one on the machine stack
  }
  return pcre_regex(std::move(p));
}

const std::string& pcre_regex::pattern() const { return impl_->pattern; }

bool pcre_regex::jit() const { return impl_->jit; }

regex_search_result pcre_regex::search(std::string_view subject) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): PCRE2 takes unsigned bytes
  const int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                             impl_->data, impl_->context);
  if (rc >= 0) return {regex_outcome::match, {}};
  switch (rc) {
    case PCRE2_ERROR_NOMATCH: return {regex_outcome::no_match, {}};
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT: return {regex_outcome::limit, pcre_message(rc)};
    default: return {regex_outcome::error, pcre_message(rc)};
  }
}

std::string describe(const regex_compile_error& e, std::string_view pattern) {
  const std::size_t at = std::min(e.offset, pattern.size());
  if (at == 0) return fmt::format("{} at offset 0", e.message);
  constexpr std::size_t shown = 24;
  const std::string_view before = pattern.substr(at > shown ? at - shown : 0, std::min(at, shown));
  return fmt::format("{} at offset {} (after '{}{}')", e.message, e.offset, at > shown ? "..." : "", before);
}

}  // namespace lbd
