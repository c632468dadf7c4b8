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

// A JSON array written one element at a time, each element's tree alive only while it is written:
// the elements may be made one at a time too (the daemon's services, one service per call).
// `expected`: how many elements will come, to make room for all at the first one's size.
class json_array_writer {
 public:
  json_array_writer(std::string& out, int indent, int depth, std::size_t expected);
  void add(const nlohmann::json& element);
  // Writes the closing bracket; nothing may be added after.
  void close();

 private:
  std::string& out_;
  int indent_;
  int depth_;
  std::size_t expected_;
  std::size_t added_ = 0;
  std::string inner_;  // what precedes an element: nothing, or a newline and its indent
};

template <typename T>
void append_json_array(std::string& out, const std::vector<T>& items, int indent, int depth) {
  json_array_writer array(out, indent, depth, items.size());
  for (const auto& item : items) array.add(nlohmann::json(item));
  array.close();
}

// Writes the text of member `member` of an object at `depth`.
using member_text = std::function<void(std::string& out, int depth)>;

// `object` as the text of a whole document (depth 0), except its member `member` (which it must
// hold, as a placeholder that fixes its place among the others), whose text `write` appends.
std::string dump_with(const nlohmann::json& object, std::string_view member, const member_text& write, int indent);

}  // namespace lbd::api
