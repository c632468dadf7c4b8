// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/doctor/findings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::ctl::doctor {

const char* to_string(severity s) {
  switch (s) {
    case severity::ok: return "ok";
    case severity::warning: return "warning";
    case severity::error: return "error";
  }
  return "?";
}

std::string render_text(const std::vector<finding>& findings) {
  std::size_t topic_width = 0;
  for (const auto& f : findings) topic_width = std::max(topic_width, f.topic.size());
  std::string out;
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& f : findings) {
    ++counts[static_cast<int>(f.level)];
    std::string level = f.level == severity::ok ? "ok" : f.level == severity::warning ? "WARNING" : "ERROR";
    out += fmt::format("{:<8} {:<{}}  {}\n", level, f.topic, topic_width, f.what);
    if (!f.fix.empty()) out += fmt::format("{:<8} {:<{}}  -> {}\n", "", "", topic_width, f.fix);
  }
  out += fmt::format("\n{} ok, {} warning{}, {} error{}\n", counts[0], counts[1], counts[1] == 1 ? "" : "s", counts[2],
                     counts[2] == 1 ? "" : "s");
  return out;
}

nlohmann::json render_json(const std::vector<finding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) {
    list.push_back({{"severity", to_string(f.level)}, {"topic", f.topic}, {"what", f.what}, {"fix", f.fix}});
  }
  return {{"ok", !any_error(findings)}, {"findings", list}};
}

bool any_error(const std::vector<finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const finding& f) { return f.level == severity::error; });
}

}  // namespace lbd::ctl::doctor
