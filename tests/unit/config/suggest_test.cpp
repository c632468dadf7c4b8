// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <array>

#include "config/suggest.hpp"

namespace lbd::config {
namespace {

TEST(config_suggest, edit_distance_counts_transpositions_as_one) {
  EXPECT_EQ(edit_distance("priority", "priority"), 0U);
  EXPECT_EQ(edit_distance("priorty", "priority"), 1U);
  EXPECT_EQ(edit_distance("prioirty", "priority"), 1U);
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
}

TEST(config_suggest, suggests_only_plausible_typos) {
  constexpr std::array<std::string_view, 3> keys{"priority", "preempt", "vrid"};
  EXPECT_EQ(closest("preemt", keys), "preempt");
  EXPECT_EQ(closest("vird", keys), "vrid");
  EXPECT_FALSE(closest("colour", keys).has_value());
  EXPECT_EQ(suggestion("colour", keys), "; expected one of priority, preempt, vrid");
  EXPECT_EQ(suggestion("prio", std::span<const std::string_view>()), "");
}

}  // namespace
}  // namespace lbd::config
