// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/view/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::ctl::view {

std::string span(std::chrono::seconds d) {
  auto s = d.count();
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m", s / 60);
  if (s < 86400)
    return s % 3600 / 60 == 0 ? fmt::format("{}h", s / 3600) : fmt::format("{}h{}m", s / 3600, s % 3600 / 60);
  return s % 86400 / 3600 == 0 ? fmt::format("{}d", s / 86400) : fmt::format("{}d{}h", s / 86400, s % 86400 / 3600);
}

std::string ago(clock_point then, clock_point now) {
  auto d = std::chrono::duration_cast<std::chrono::seconds>(now - then);
  if (d.count() < -1) return "in the future";
  if (d.count() < 1) return "just now";
  return span(d) + " ago";
}

std::string table::render(std::string_view indent) const {
  std::vector<std::size_t> width;
  for (const auto& row : rows_) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line(indent);
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace lbd::ctl::view
