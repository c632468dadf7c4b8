// SPDX-License-Identifier: GPL-2.0-or-later
// The one regex dialect: what lbd.conf validation accepts is what a check matches, with PCRE2's
// error and offset for a pattern that does not compile and a bounded match.
#include "common/pcre_regex.hpp"

#include <gtest/gtest.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <chrono>

namespace lbd {
namespace {

regex_outcome search(std::string_view pattern, std::string_view subject, bool jit = true) {
  auto re = pcre_regex::compile(pattern, jit);
  EXPECT_TRUE(re.has_value()) << pattern;
  return re ? re->search(subject).outcome : regex_outcome::error;
}

TEST(PcreRegex, CompileErrorsGiveMessageAndOffset) {
  auto r = pcre_regex::compile("(ok");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "missing closing parenthesis");
  EXPECT_EQ(r.error().offset, 3U);
  EXPECT_EQ(describe(r.error(), "(ok"), "missing closing parenthesis at offset 3 (after '(ok')");
  r = pcre_regex::compile("ab[c");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().offset, 4U);
  r = pcre_regex::compile("a\\");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "\\ at end of pattern");
  r = pcre_regex::compile("*a");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(describe(r.error(), "*a"), "quantifier does not follow a repeatable item at offset 0");
  // A long pattern is quoted by its last characters before the offset only.
  const std::string long_pattern = std::string(100, 'x') + ")";
  r = pcre_regex::compile(long_pattern);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(describe(r.error(), long_pattern),
            "unmatched closing parenthesis at offset 100 (after '...xxxxxxxxxxxxxxxxxxxxxxxx')");
}

TEST(PcreRegex, NestedBoundsAreRefusedNotExpanded) {
  auto r = pcre_regex::compile("((a{1,100}){1,100}){1,100}");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "regular expression is too large");
}

// "o{,3}k": POSIX regcomp refused it, std::regex (ECMAScript) threw; PCRE2 decides once, and the
// validation (no JIT) and the check (JIT) agree. PCRE2 10.43 reads {,3} as {0,3}; before, literally.
TEST(PcreRegex, SameAnswerWithAndWithoutJit) {
  const bool zero_to_three = PCRE2_MAJOR > 10 || (PCRE2_MAJOR == 10 && PCRE2_MINOR >= 43);
  for (bool jit : {false, true}) {
    EXPECT_EQ(search("o{,3}k", "xo{,3}kx", jit), zero_to_three ? regex_outcome::no_match : regex_outcome::match);
    EXPECT_EQ(search("o{,3}k", "ook", jit), zero_to_three ? regex_outcome::match : regex_outcome::no_match);
    // A ']' first in a class is a member (ECMAScript: an empty class, then a literal "k]").
    EXPECT_EQ(search("o[]k]", "ok", jit), regex_outcome::match);
    EXPECT_EQ(search("o[]k]", "o]", jit), regex_outcome::match);
    EXPECT_EQ(search("o[]k]", "ok]", jit), regex_outcome::match);
    EXPECT_EQ(search("o[]k]", "o", jit), regex_outcome::no_match);
  }
}

TEST(PcreRegex, SearchesAnywhereInBytesWithoutMultiline) {
  EXPECT_EQ(search("build [0-9]+", "<p>build 42</p>"), regex_outcome::match);
  EXPECT_EQ(search("^healthy$", "healthy"), regex_outcome::match);
  EXPECT_EQ(search("^healthy$", "status\nhealthy\n"), regex_outcome::no_match);  // not multiline
  EXPECT_EQ(search("(?m)^healthy$", "status\nhealthy\n"), regex_outcome::match);
  EXPECT_EQ(search("a.b", "a\nb"), regex_outcome::no_match);
  EXPECT_EQ(search("OK", "ok"), regex_outcome::no_match);
  EXPECT_EQ(search("(?i)OK", "ok"), regex_outcome::match);
  // Bytes, not UTF-8: a body that is not valid UTF-8 is still searched.
  EXPECT_EQ(search("ok", std::string_view("\xff\xfe ok", 5)), regex_outcome::match);
  EXPECT_EQ(search("a\\x00b", std::string_view("a\0b", 3)), regex_outcome::match);
}

TEST(PcreRegex, CatastrophicPatternHitsTheMatchLimit) {
  for (bool jit : {false, true}) {
    auto re = pcre_regex::compile("(a+)+$", jit);
    ASSERT_TRUE(re.has_value());
    const auto started = std::chrono::steady_clock::now();
    auto r = re->search(std::string(64, 'a') + "!");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(r.outcome, regex_outcome::limit) << jit;
    EXPECT_EQ(r.detail, "match limit exceeded");
  }
}

TEST(PcreRegex, MatchDataIsReusedAcrossSearches) {
  auto re = pcre_regex::compile("(x)(y)?z");
  ASSERT_TRUE(re.has_value());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(re->search("..xyz..").outcome, regex_outcome::match);
    EXPECT_EQ(re->search("..xy..").outcome, regex_outcome::no_match);
    EXPECT_EQ(re->search("xz").outcome, regex_outcome::match);
  }
  pcre_regex moved = std::move(*re);
  EXPECT_EQ(moved.search("xz").outcome, regex_outcome::match);
  EXPECT_EQ(moved.pattern(), "(x)(y)?z");
}

}  // namespace
}  // namespace lbd
