// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// "did you mean 'priority'?" for misspelt keys and values.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lbd::config {

// Optimal string alignment distance (Levenshtein plus adjacent transposition), so "priorty" and
// "prioirty" are both one edit away from "priority".
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate when it is close enough to be a plausible typo.
std::optional<std::string> closest(std::string_view word, std::span<const std::string_view> candidates);

// "; did you mean 'x'?" or "; expected one of a, b, c" (empty when there are no candidates).
std::string suggestion(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace lbd::config
