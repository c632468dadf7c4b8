// SPDX-License-Identifier: GPL-2.0-or-later
#include "status/json_text.hpp"

#include <stdexcept>

namespace lbd::api {
std::string dump_text(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

std::string spaces(int indent, int depth) {
  return indent < 0 ? std::string() : std::string(static_cast<std::size_t>(indent * depth), ' ');
}

}  // namespace

void append_json(std::string& out, const nlohmann::json& j, int indent, int depth) {
  const auto text = dump_text(j, indent);
  if (indent < 0 || depth == 0) {
    out += text;
    return;
  }
  // A pretty dump starts at depth 0; nested, each of its line breaks takes the depth's indent.
  // Strings cannot hold a raw line break (dump escapes it), so every '\n' is between lines.
  const auto prefix = spaces(indent, depth);
  for (const char c : text) {
    out += c;
    if (c == '\n') out += prefix;
  }
}

json_array_writer::json_array_writer(std::string& out, int indent, int depth, std::size_t expected)
    : out_(out), indent_(indent), depth_(depth), expected_(expected) {
  if (indent >= 0) inner_ = "\n" + std::string(static_cast<std::size_t>(indent * (depth + 1)), ' ');
  out_ += '[';
}

void json_array_writer::add(const nlohmann::json& element) {
  if (added_ != 0) out_ += ',';
  out_ += inner_;
  const auto before = out_.size();
  append_json(out_, element, indent_, depth_ + 1);
  // Room for the rest at the first one's size: growing by doubling would copy the text each time
  // and end with up to twice the room it needs.
  if (added_ == 0 && expected_ > 1) {
    out_.reserve(out_.size() + (out_.size() - before + inner_.size() + 1) * (expected_ - 1) * 9 / 8);
  }
  ++added_;
}

void json_array_writer::close() {
  if (added_ != 0 && indent_ >= 0) out_ += "\n" + std::string(static_cast<std::size_t>(indent_ * depth_), ' ');
  out_ += ']';
}

std::string dump_with(const nlohmann::json& object, std::string_view member, const member_text& write, int indent) {
  if (!object.is_object() || !object.contains(member)) {
    throw std::logic_error("dump_with: the object must hold the member it writes");
  }
  const bool pretty = indent >= 0;
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : object.items()) {
    out += first ? "" : ",";
    first = false;
    if (pretty) out += "\n" + spaces(indent, 1);
    out += dump_text(nlohmann::json(key), -1);
    out += pretty ? ": " : ":";
    if (key == member) {
      write(out, 1);
    } else {
      append_json(out, value, indent, 1);
    }
  }
  if (pretty) out += "\n";
  out += "}";
  return out;
}

}  // namespace lbd::api
