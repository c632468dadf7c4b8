// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/body_regex.hpp"

#include <fmt/format.h>

namespace lbd::healthcheck {

const body_regex_cache::entry& body_regex_cache::get(const std::string& pattern) {
  auto it = entries_.find(pattern);
  if (it != entries_.end()) return it->second;
  entry e;
  if (!pattern.empty()) {
    auto re = pcre_regex::compile(pattern);
    if (re) {
      e.regex = std::make_shared<pcre_regex>(std::move(*re));
    } else {
      e.error = describe(re.error(), pattern);
    }
  }
  return entries_.emplace(pattern, std::move(e)).first->second;
}

probe_result invalid_body_regex(const std::string& pattern, const std::string& error) {
  return probe_fail("error", fmt::format("invalid body regex /{}/: {}", pattern, error), duration::zero());
}

std::optional<probe_result> judge_body_regex(pcre_regex& regex, std::string_view body, long status,
                                             const std::string& target, duration took) {  // NOLINT(google-runtime-int)
  const auto r = regex.search(body);
  switch (r.outcome) {
    case regex_outcome::match: return std::nullopt;
    case regex_outcome::no_match:
      return probe_fail(
          "body", fmt::format("body does not match /{}/ (HTTP {} from {})", regex.pattern(), status, target), took);
    case regex_outcome::limit:
      return probe_fail("body",
                        fmt::format("body regex /{}/ gave up on {} bytes: {} (HTTP {} from {})", regex.pattern(),
                                    body.size(), r.detail, status, target),
                        took);
    case regex_outcome::error: break;
  }
  return probe_fail(
      "body", fmt::format("body regex /{}/ failed: {} (HTTP {} from {})", regex.pattern(), r.detail, status, target),
      took);
}

}  // namespace lbd::healthcheck
