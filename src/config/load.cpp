// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/load.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "common/text_file.hpp"
#include "config/include.hpp"
#include "config/json_to_toml.hpp"
#include "config/sections.hpp"
#include "config/toml_guard.hpp"

namespace lbd::config {
namespace detail {
namespace {

std::string hostname() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "localhost";
  std::string name(buf.data());
  // Only the host part, so the name stays a valid lbd name.
  if (auto dot = name.find('.'); dot != std::string::npos) name.resize(dot);
  return valid_name(name) ? name : "localhost";
}

// [[vrrp]], [[sync_group]] and [[virtual_server]]: arrays of tables. With `release`, each table is emptied once
// read (its reader keeps positions, not the table).
template <typename F>
void for_each_table(diagnostic_sink& sink, toml::table& root, std::string_view key, bool release, F&& read) {
  auto* n = root.get(key);
  if (n == nullptr) return;
  value_reader values(sink);
  auto* a = n->as_array();
  if (a == nullptr) {
    values.error(*n, key, fmt::format("expected an array of tables ([[{}]]), got {}", key, type_phrase(n->type())));
    return;
  }
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto* t = values.table(*a->get(i), fmt::format("{}[#{}]", key, i + 1));
    if (t == nullptr) continue;
    read(*t, i);
    if (release) a->get(i)->as_table()->clear();
  }
}

// The number of entries of an array of tables, to reserve room for them.
std::size_t array_size(const toml::table& root, std::string_view key) {
  const auto* a = root[key].as_array();
  return a == nullptr ? 0 : a->size();
}

config assemble(parsed_config&& pc) {
  config c;
  c.global = std::move(pc.global);
  c.ipvs = std::move(pc.ipvs);
  c.vrrp.reserve(pc.vrrp.size());
  for (auto& v : pc.vrrp) c.vrrp.push_back(std::move(v.model));
  c.sync_groups.reserve(pc.sync_groups.size());
  for (auto& g : pc.sync_groups) c.sync_groups.push_back(std::move(g.model));
  c.anycast.reserve(pc.anycast.size());
  for (auto& g : pc.anycast) c.anycast.push_back(std::move(g.model));
  c.virtual_servers.reserve(pc.virtual_servers.size());
  for (auto& p : pc.virtual_servers) c.virtual_servers.push_back(std::move(p.model));
  return c;
}

}  // namespace

load_result load_table(toml::table& root, diagnostic_sink& sink, const load_options& options) {
  parsed_config pc;
  std::string node_name = options.default_node_name.empty() ? hostname() : options.default_node_name;
  pc.global = read_global(sink, root.get("global"), node_name);
  pc.ipvs = read_ipvs(sink, root.get("ipvs"), &pc.sync_daemon_source);
  pc.vrrp.reserve(array_size(root, "vrrp"));
  pc.virtual_servers.reserve(array_size(root, "virtual_server"));
  for_each_table(sink, root, "vrrp", false,
                 [&](const toml::table& t, std::size_t i) { pc.vrrp.push_back(read_vrrp(sink, t, i)); });
  for_each_table(sink, root, "sync_group", false,
                 [&](const toml::table& t, std::size_t i) { pc.sync_groups.push_back(read_sync_group(sink, t, i)); });
  for_each_table(sink, root, "anycast", false,
                 [&](const toml::table& t, std::size_t i) { pc.anycast.push_back(read_anycast(sink, t, i)); });
  for_each_table(sink, root, "virtual_server", true, [&](const toml::table& t, std::size_t i) {
    pc.virtual_servers.push_back(read_virtual_server(sink, t, i));
  });
  table_reader(sink, root, "").finish({"global", "ipvs", "vrrp", "sync_group", "anycast", "virtual_server", "include"});
  cross_check(sink, pc);
  load_result result;
  if (!sink.has_errors()) result.cfg = assemble(std::move(pc));
  result.diagnostics = sink.take();
  // Cross-table checks run last; report in file order, which is how people fix files: the main
  // file first, then the included ones by name.
  const std::string& main_file = sink.file();
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [&](const diagnostic& a, const diagnostic& b) {
    const bool a_main = a.file == main_file;
    const bool b_main = b.file == main_file;
    if (a_main != b_main) return a_main;
    if (a.file != b.file) return a.file < b.file;
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return result;
}

}  // namespace detail

std::size_t load_result::error_count() const {
  return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                [](const diagnostic& d) { return d.level == severity::error; }));
}

std::size_t load_result::warning_count() const { return diagnostics.size() - error_count(); }

namespace {

load_result failure(const std::string& name, unsigned line, unsigned column, std::string message) {
  load_result r;
  r.diagnostics.push_back(diagnostic{severity::error, name, line, column, std::move(message)});
  return r;
}

// `owned`: the buffer `text` points into, if the caller gives it up; it is freed once parsed.
load_result load_text(std::string_view text, const std::string& name, const load_options& options, std::string* owned) {
  // Exceptions stop here: a bad file must yield diagnostics, never take the daemon down.
  try {
    if (auto unsafe = detail::find_unsafe_input(text)) {
      return failure(name, unsafe->line, unsafe->column, std::move(unsafe->message));
    }
    toml::table root;
    try {
      root = toml::parse(text, std::string_view(name));
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      return failure(name, where.line, where.column, std::string(e.description()));
    }
    if (owned != nullptr) std::string().swap(*owned);
    diagnostic_sink sink(name);
    detail::merge_includes(root, name, sink);
    return detail::load_table(root, sink, options);
  } catch (const std::exception& e) {
    return failure(name, 0, 0, fmt::format("internal error while loading: {}", e.what()));
  } catch (...) {
    return failure(name, 0, 0, "internal error while loading");
  }
}

}  // namespace

load_result load_string(std::string_view text, const std::string& name, const load_options& options) {
  return load_text(text, name, options, nullptr);
}

load_result load_file(const std::string& path, const load_options& options) {
  try {
    auto text = read_text_file(path);
    if (!text) return failure(path, 0, 0, text.error());
    return load_text(*text, path, options, &*text);
  } catch (const std::exception& e) {
    return failure(path, 0, 0, fmt::format("cannot read: {}", e.what()));
  }
}

load_result load_json(std::string_view text, const std::string& name, const load_options& options) {
  try {
    std::string why;
    auto root = detail::json_to_toml(text, why);
    if (!root) return failure(name, 0, 0, why);
    diagnostic_sink sink(name);
    return detail::load_table(*root, sink, options);
  } catch (const std::exception& e) {
    return failure(name, 0, 0, fmt::format("internal error while loading: {}", e.what()));
  } catch (...) {
    return failure(name, 0, 0, "internal error while loading");
  }
}

}  // namespace lbd::config
