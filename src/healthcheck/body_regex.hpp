// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The body regex of http and https checks (PCRE2, common/pcre_regex.hpp): each prober compiles a
// pattern once and matches every body of its checks with it, on its one thread, reusing the
// pattern's match data. The verdict is the same for the curl and the socket prober.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/pcre_regex.hpp"
#include "healthcheck/prober.hpp"

namespace lbd::healthcheck {

class body_regex_cache {
 public:
  struct entry {
    std::shared_ptr<pcre_regex> regex;  // nullptr when the pattern does not compile
    std::string error;                  // then why, with the offset in the pattern
  };
  // The compiled pattern, compiled on first use; an empty pattern gives an empty entry.
  const entry& get(const std::string& pattern);

 private:
  std::map<std::string, entry, std::less<>> entries_;
};

// The failure reason of a check whose regex does not compile.
probe_result invalid_body_regex(const std::string& pattern, const std::string& error);

// nullopt when the body matches; otherwise the failed check: no match, or the match gave up
// (match limit) or failed, each with its reason. `target` and `status` are for the message.
std::optional<probe_result> judge_body_regex(pcre_regex& regex, std::string_view body, long status,
                                             const std::string& target, duration took);  // NOLINT(google-runtime-int)

}  // namespace lbd::healthcheck
