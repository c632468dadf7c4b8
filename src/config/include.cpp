// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/include.hpp"

#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "common/text_file.hpp"
#include "config/reader.hpp"
#include "config/toml_guard.hpp"

namespace lbd::config::detail {
namespace {

// More files than any director has services for; bounds what a stray pattern (`/*`) can load.
constexpr std::size_t max_included_files = 4096;

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool has_wildcard(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

// The files a pattern names, sorted; a pattern without wildcards names its one file, existing or not.
std::vector<std::string> expand(const std::string& pattern, std::string& why) {
  if (!has_wildcard(pattern)) return {pattern};
  glob_t g{};
  const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
  std::vector<std::string> out;
  if (rc == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  } else if (rc != GLOB_NOMATCH) {
    why = rc == GLOB_NOSPACE ? "out of memory" : "a directory of the pattern cannot be read";
  }
  ::globfree(&g);
  return out;  // no match: an empty conf.d is a director without extra services
}

// The tables of one included file appended to root's arrays.
void merge_file(toml::table& root, toml::table&& included, const std::string& file, diagnostic_sink& sink) {
  for (auto&& [key, node] : included) {
    const std::string name(key.str());
    const auto at = position_of(key.source());
    if (name != "vrrp" && name != "sync_group" && name != "virtual_server") {
      sink.error(
          at.line, at.column,
          fmt::format(
              "{}: only [[vrrp]], [[sync_group]] and [[virtual_server]] tables may be in an included file{}", name,
              name == "global" || name == "ipvs" || name == "include" ? " (this one belongs in the main file)" : ""),
          &file);
      continue;
    }
    auto* from = node.as_array();
    if (from == nullptr) {
      sink.error(at.line, at.column,
                 fmt::format("{}: expected an array of tables ([[{}]]), got {}", name, name, type_phrase(node.type())),
                 &file);
      continue;
    }
    auto* to = root[name].as_array();
    if (to == nullptr && root.get(name) == nullptr) to = root.insert(name, toml::array{}).first->second.as_array();
    if (to == nullptr) continue;  // the main file's own key has the wrong type: reported there
    for (auto& entry : *from) {
      if (auto* t = entry.as_table()) {
        to->push_back(std::move(*t));
      } else {
        const auto e = position_of(entry);
        sink.error(e.line, e.column, fmt::format("{}: expected a table, got {}", name, type_phrase(entry.type())),
                   &file);
      }
    }
  }
}

}  // namespace

void merge_includes(toml::table& root, const std::string& main_file, diagnostic_sink& sink) {
  const auto* node = root.get("include");
  if (node == nullptr) return;
  value_reader values(sink);
  const auto* patterns = node->as_array();
  if (patterns == nullptr) {
    values.error(*node, "include",
                 fmt::format("expected an array of file names or patterns, got {}", type_phrase(node->type())));
    return;
  }
  std::set<std::string> seen{main_file};
  std::size_t count = 0;
  for (std::size_t i = 0; i < patterns->size(); ++i) {
    const auto& entry = *patterns->get(i);
    const std::string where = fmt::format("include[{}]", i);
    auto pattern = values.string(entry, where);
    if (!pattern) continue;
    if (pattern->empty()) {
      values.error(entry, where, "is empty");
      continue;
    }
    if (pattern->front() != '/') pattern = directory_of(main_file) + "/" + *pattern;
    std::string why;
    const auto files = expand(*pattern, why);
    if (!why.empty()) values.error(entry, where, fmt::format("{}: {}", *pattern, why));
    for (const auto& file : files) {
      if (!seen.insert(file).second) {
        values.error(entry, where, fmt::format("{} is included twice (or is the main file)", file));
        continue;
      }
      if (++count > max_included_files) {
        values.error(entry, where, fmt::format("more than {} files are included", max_included_files));
        return;
      }
      // Included files are regular files: a pattern matching /dev/zero must not read forever.
      struct stat st {};
      if (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        values.error(entry, where, fmt::format("{}: not a regular file", file));
        continue;
      }
      auto text = read_text_file(file);
      if (!text) {
        values.error(entry, where, fmt::format("{}: {}", file, text.error()));
        continue;
      }
      if (auto unsafe = find_unsafe_input(*text)) {
        sink.error(unsafe->line, unsafe->column, std::move(unsafe->message), &file);
        continue;
      }
      try {
        merge_file(root, toml::parse(*text, std::string_view(file)), file, sink);
      } catch (const toml::parse_error& e) {
        sink.error(e.source().begin.line, e.source().begin.column, std::string(e.description()), &file);
      }
    }
  }
}

}  // namespace lbd::config::detail
