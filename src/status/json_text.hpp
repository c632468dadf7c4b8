// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// JSON text written the way nlohmann's dump writes it (same bytes), but a large array one element at
// a time: a tree of 100,000 real servers costs about 2.5 KB each (250 MB, and seconds to build and
// free on the daemon's loop), while one element's tree is a few kilobytes. Bytes that are not UTF-8
// (reasons can carry a real server's answer) become U+FFFD instead of an exception.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace lbd::api {

// j.dump(indent), with bytes that are not UTF-8 written as U+FFFD (never an exception).
std::string dump_text(const nlohmann::json& j, int indent = -1);

// indent < 0: compact, as dump(); otherwise as dump(indent). depth: the nesting level `j` is
// written at (its continuation lines are indented by depth levels).
void append_json(std::string& out, const nlohmann::json& j, int indent, int depth);

template <typename T>
void append_json_array(std::string& out, const std::vector<T>& items, int indent, int depth) {
  if (items.empty()) {
    out += "[]";
    return;
  }
  const bool pretty = indent >= 0;
  const std::string inner = pretty ? "\n" + std::string(static_cast<std::size_t>(indent * (depth + 1)), ' ') : "";
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? "" : ",";
    out += inner;
    const auto before = out.size();
    append_json(out, nlohmann::json(items[i]), indent, depth + 1);
    // Room for the rest at the first one's size: growing by doubling would copy the text each time
    // and end with up to twice the room it needs.
    if (i == 0) out.reserve(out.size() + (out.size() - before + inner.size() + 1) * (items.size() - 1) * 9 / 8);
  }
  if (pretty) out += "\n" + std::string(static_cast<std::size_t>(indent * depth), ' ');
  out += ']';
}

// Writes the text of member `member` of an object at `depth`.
using member_text = std::function<void(std::string& out, int depth)>;

// `object` as the text of a whole document (depth 0), except its member `member` (which it must
// hold, as a placeholder that fixes its place among the others), whose text `write` appends.
std::string dump_with(const nlohmann::json& object, std::string_view member, const member_text& write, int indent);

}  // namespace lbd::api
