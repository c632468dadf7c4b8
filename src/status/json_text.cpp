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
