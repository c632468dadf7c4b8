// SPDX-License-Identifier: GPL-2.0-or-later
#include "import/keepalived_tree.hpp"

#include <fmt/format.h>
#include <glob.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lbd::import {
namespace {

struct token {
  std::string text;
  unsigned line = 0;
  bool quoted = false;
};

std::vector<token> lex(const std::string& text) {
  std::vector<token> out;
  unsigned line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      out.push_back({"\n", line, false});
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '#' || c == '!') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '{' || c == '}') {
      out.push_back({std::string(1, c), line, false});
      ++i;
    } else if (c == '"') {
      std::size_t end = text.find('"', i + 1);
      if (end == std::string::npos || text.find('\n', i + 1) < end) end = text.find('\n', i + 1);
      if (end == std::string::npos) end = text.size();
      out.push_back({text.substr(i + 1, end - i - 1), line, true});
      i = end < text.size() && text[end] == '"' ? end + 1 : end;
    } else {
      std::size_t start = i;
      while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n' &&
             text[i] != '{' && text[i] != '}' && text[i] != '#' && text[i] != '!') {
        ++i;
      }
      out.push_back({text.substr(start, i - start), line, false});
    }
  }
  return out;
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream f(path);
  ok = static_cast<bool>(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class builder {
 public:
  builder(kad_parse_result& r, int depth) : result_(r), depth_(depth) {}

  void feed(const std::string& text, const std::string& file) {
    auto tokens = lex(text);
    std::vector<kad_node*> stack;
    std::vector<kad_node>* level = &result_.top;
    kad_node* current = nullptr;  // statement being filled on this line
    auto level_of = [&]() -> std::vector<kad_node>* { return stack.empty() ? &result_.top : &stack.back()->children; };
    for (const auto& t : tokens) {
      if (t.text == "\n" && !t.quoted) {
        current = nullptr;
        continue;
      }
      if (!t.quoted && t.text == "{") {
        if (current == nullptr) {
          // A "{" on a line of its own belongs to the statement before it.
          if (level->empty()) {
            result_.errors.push_back(fmt::format("{}:{}: '{{' without a statement", file, t.line));
            continue;
          }
          current = &level->back();
        }
        current->block = true;
        stack.push_back(current);
        level = &current->children;
        current = nullptr;
        continue;
      }
      if (!t.quoted && t.text == "}") {
        if (stack.empty()) {
          result_.errors.push_back(fmt::format("{}:{}: '}}' without a block to close", file, t.line));
        } else {
          stack.pop_back();
        }
        level = level_of();
        current = nullptr;
        continue;
      }
      if (current == nullptr) {
        if (!t.quoted && t.text == "include") {
          level->push_back(kad_node{"include", {}, {}, false, file, t.line});
          current = &level->back();
          continue;
        }
        level->push_back(kad_node{t.text, {}, {}, false, file, t.line});
        current = &level->back();
      } else {
        current->args.push_back(t.text);
      }
    }
    if (!stack.empty()) {
      result_.errors.push_back(fmt::format("{}: {} block(s) not closed, the first opened at line {}", file,
                                           stack.size(), stack.front()->line));
    }
    expand_includes(result_.top, file);
  }

 private:
  // Replaces top-level include statements with the statements of the files they name.
  void expand_includes(std::vector<kad_node>& nodes, const std::string& file) {
    std::vector<kad_node> out;
    for (auto& n : nodes) {
      if (n.keyword != "include" || n.file != file) {
        out.push_back(std::move(n));
        continue;
      }
      if (depth_ > 8) {
        result_.errors.push_back(fmt::format("{}: includes nested too deep", n.where()));
        continue;
      }
      for (const auto& pattern : n.args) {
        std::string full = pattern;
        if (!full.empty() && full[0] != '/') {
          full = (std::filesystem::path(file).parent_path() / pattern).string();
        }
        glob_t g{};
        if (::glob(full.c_str(), 0, nullptr, &g) == 0) {
          for (std::size_t i = 0; i < g.gl_pathc; ++i) {
            bool ok = false;
            std::string path = g.gl_pathv[i];
            auto text = read_file(path, ok);
            kad_parse_result sub;
            builder b(sub, depth_ + 1);
            if (ok) b.feed(text, path);
            for (auto& e : sub.errors) result_.errors.push_back(std::move(e));
            for (auto& s : sub.top) out.push_back(std::move(s));
          }
        } else {
          result_.errors.push_back(fmt::format("{}: include {} matches no file", n.where(), pattern));
        }
        ::globfree(&g);
      }
    }
    nodes = std::move(out);
  }

  kad_parse_result& result_;
  int depth_;
};

}  // namespace

const kad_node* kad_node::find(const std::string& kw) const {
  for (const auto& c : children) {
    if (c.keyword == kw) return &c;
  }
  return nullptr;
}

std::string kad_node::where() const { return fmt::format("{}:{}", file, line); }

std::string kad_node::joined_args() const { return fmt::format("{}", fmt::join(args, " ")); }

kad_parse_result parse_keepalived_text(const std::string& text, const std::string& file) {
  kad_parse_result r;
  builder b(r, 0);
  b.feed(text, file);
  return r;
}

kad_parse_result parse_keepalived_file(const std::string& path) {
  bool ok = false;
  auto text = read_file(path, ok);
  if (!ok) {
    kad_parse_result r;
    r.errors.push_back(fmt::format("{}: cannot read the file", path));
    return r;
  }
  return parse_keepalived_text(text, path);
}

}  // namespace lbd::import
