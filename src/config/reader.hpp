// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Typed access to TOML values with diagnostics. Every reader reports a problem (wrong TOML type,
// bad address, out of range ...) at the value's line:column under a dotted path such as
// "vrrp[web].priority", and returns nullopt so the caller keeps going and every error is collected.
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/quote.hpp"
#include "config/diagnostic.hpp"
#include "config/model.hpp"
#include "config/names.hpp"
#include "config/suggest.hpp"

namespace lbd::config::detail {

struct position {
  unsigned line = 0;
  unsigned column = 0;
  // The file the node was read from (an included one, see include.hpp); null: the sink's file.
  std::shared_ptr<const std::string> file;
};

position position_of(const toml::source_region& r);
inline position position_of(const toml::node& n) { return position_of(n.source()); }

// "a string", "an integer", ...
std::string_view type_phrase(toml::node_type t);

// Readers for one value; `where` is the dotted path used in messages.
class value_reader {
 public:
  explicit value_reader(diagnostic_sink& sink) : sink_(&sink) {}

  void error(const toml::node& at, std::string_view where, std::string_view what) const;
  void error(position at, std::string_view where, std::string_view what) const;
  void warning(position at, std::string_view where, std::string_view what) const;

  std::optional<std::string> string(const toml::node& n, std::string_view where) const;
  // Non-empty string without control characters (names, interfaces, paths).
  std::optional<std::string> word(const toml::node& n, std::string_view where) const;
  std::optional<std::int64_t> integer(const toml::node& n, std::string_view where, std::int64_t min,
                                      std::int64_t max) const;
  std::optional<bool> boolean(const toml::node& n, std::string_view where) const;
  std::optional<duration> duration_value(const toml::node& n, std::string_view where) const;
  std::optional<ip_address> address(const toml::node& n, std::string_view where) const;
  std::optional<endpoint> endpoint_value(const toml::node& n, std::string_view where, bool port_required) const;
  std::optional<prefix> prefix_value(const toml::node& n, std::string_view where) const;
  // A command: non-empty array of strings, the first an absolute path.
  std::optional<argv> command(const toml::node& n, std::string_view where) const;
  const toml::table* table(const toml::node& n, std::string_view where) const;
  const toml::array* array(const toml::node& n, std::string_view where) const;

  template <typename E, std::size_t N>
  std::optional<E> choice(const toml::node& n, std::string_view where, const std::array<named<E>, N>& names) const {
    auto s = string(n, where);
    if (!s) return std::nullopt;
    if (auto v = value_of(names, *s)) return v;
    std::vector<std::string_view> candidates;
    candidates.reserve(N);
    for (const auto& x : names) candidates.push_back(x.name);
    error(n, where, quote_value(*s) + " is not valid" + suggestion(*s, candidates));
    return std::nullopt;
  }

  [[nodiscard]] diagnostic_sink& sink() const { return *sink_; }

 private:
  diagnostic_sink* sink_;
};

// One TOML table of the schema: `known` keys are the table's schema; finish() reports the others.
class table_reader {
 public:
  table_reader(diagnostic_sink& sink, const toml::table& t, std::string path)
      : values_(sink), table_(&t), path_(std::move(path)) {}

  [[nodiscard]] const std::string& path() const { return path_; }
  void rename(std::string path) { path_ = std::move(path); }
  [[nodiscard]] std::string where(std::string_view key) const;
  [[nodiscard]] const value_reader& values() const { return values_; }
  [[nodiscard]] const toml::table& table() const { return *table_; }
  [[nodiscard]] position table_position() const { return position_of(*table_); }

  [[nodiscard]] const toml::node* get(std::string_view key) const { return table_->get(key); }
  [[nodiscard]] bool has(std::string_view key) const { return get(key) != nullptr; }
  // Position of the key's value, or of the table when the key is absent.
  [[nodiscard]] position pos(std::string_view key) const;

  void error(std::string_view key, std::string_view what) const;
  void warning(std::string_view key, std::string_view what) const;
  void missing(std::string_view key) const;

  std::optional<std::string> string(std::string_view key) const;
  std::optional<std::string> word(std::string_view key) const;
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<duration> duration_value(std::string_view key) const;
  // A duration strictly above zero.
  std::optional<duration> positive_duration(std::string_view key) const;
  // A duration of at least `min` (> 0); `why` is the rule's reason, for the message.
  std::optional<duration> duration_at_least(std::string_view key, duration min, std::string_view why) const;
  std::optional<ip_address> address(std::string_view key) const;
  std::optional<endpoint> endpoint_value(std::string_view key, bool port_required) const;
  std::optional<argv> command(std::string_view key) const;
  const toml::table* subtable(std::string_view key) const;
  const toml::array* array(std::string_view key) const;

  template <typename E, std::size_t N>
  std::optional<E> choice(std::string_view key, const std::array<named<E>, N>& names) const {
    const auto* n = get(key);
    return n == nullptr ? std::nullopt : values_.choice(*n, where(key), names);
  }

  // Reports every key that is not in `known` (with a did-you-mean). `elsewhere` may explain keys
  // that exist in the schema but not here (e.g. an http key on a tcp check); it returns an empty
  // string for keys it does not know.
  void finish(std::initializer_list<std::string_view> known) const;
  template <typename F>
  void finish(std::initializer_list<std::string_view> known, F&& elsewhere) const {
    for (auto&& [k, v] : *table_) {
      if (is_known(k.str(), known)) continue;
      std::string why = elsewhere(k.str());
      if (why.empty()) {
        report_unknown(k, known);
      } else {
        values_.error(position_of(k.source()), where(k.str()), why);
      }
    }
  }

 private:
  static bool is_known(std::string_view key, std::initializer_list<std::string_view> known);
  void report_unknown(const toml::key& k, std::initializer_list<std::string_view> known) const;

  value_reader values_;
  const toml::table* table_;
  std::string path_;
};

}  // namespace lbd::config::detail
