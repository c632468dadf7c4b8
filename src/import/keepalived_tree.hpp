// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// keepalived.conf as a tree of statements. keepalived's syntax is line-based: a statement is a
// keyword and its arguments up to the end of the line; "{" opens a block of the statement before
// it, "}" closes it, and both may share a line with other words ("unicast_peer { 10.0.0.2 }").
// Comments start with '#' or '!'. "include GLOB" splices other files in, relative to the including
// file's directory.
#include <string>
#include <vector>

namespace lbd::import {

struct kad_node {
  std::string keyword;
  std::vector<std::string> args;
  std::vector<kad_node> children;
  bool block = false;
  std::string file;
  unsigned line = 0;

  // First child with this keyword, or nullptr.
  [[nodiscard]] const kad_node* find(const std::string& kw) const;
  // "file:line" for messages.
  [[nodiscard]] std::string where() const;
  // The arguments as one line, separated by single spaces (a command, a regex with blanks).
  [[nodiscard]] std::string joined_args() const;
};

struct kad_parse_result {
  std::vector<kad_node> top;
  std::vector<std::string> errors;  // "file:line: message"
};

kad_parse_result parse_keepalived_text(const std::string& text, const std::string& file);
kad_parse_result parse_keepalived_file(const std::string& path);

}  // namespace lbd::import
