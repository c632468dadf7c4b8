// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/quote.hpp"

namespace lbd::config::detail {

position position_of(const toml::source_region& r) { return position{r.begin.line, r.begin.column, r.path}; }

std::string_view type_phrase(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

namespace {

std::string expected(std::string_view what, const toml::node& n) {
  return fmt::format("expected {}, got {}", what, type_phrase(n.type()));
}

// A backstop for messages that quote a value in full (the readers quote with quote_value): a
// diagnostic stays a line, whatever the size of the value.
constexpr std::size_t max_message_bytes = 400;

std::string capped(std::string_view what) {
  if (what.size() <= max_message_bytes) return std::string(what);
  std::size_t cut = max_message_bytes;
  while (cut > 0 && (static_cast<unsigned char>(what[cut]) & 0xC0U) == 0x80U) --cut;
  return fmt::format("{}… ({} bytes)", what.substr(0, cut), what.size());
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

void value_reader::error(const toml::node& at, std::string_view where, std::string_view what) const {
  error(position_of(at), where, what);
}

void value_reader::error(position at, std::string_view where, std::string_view what) const {
  sink_->error(at.line, at.column, capped(fmt::format("{}: {}", where, what)), at.file.get());
}

void value_reader::warning(position at, std::string_view where, std::string_view what) const {
  sink_->warning(at.line, at.column, capped(fmt::format("{}: {}", where, what)), at.file.get());
}

std::optional<std::string> value_reader::string(const toml::node& n, std::string_view where) const {
  if (const auto* s = n.as_string()) return s->get();
  error(n, where, expected("a string", n));
  return std::nullopt;
}

std::optional<std::string> value_reader::word(const toml::node& n, std::string_view where) const {
  auto s = string(n, where);
  if (!s) return std::nullopt;
  if (s->empty()) {
    error(n, where, "must not be empty");
    return std::nullopt;
  }
  if (has_control(*s)) {
    error(n, where, "must not contain control characters");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> value_reader::integer(const toml::node& n, std::string_view where, std::int64_t min,
                                                  std::int64_t max) const {
  const auto* i = n.as_integer();
  if (i == nullptr) {
    error(n, where, expected("an integer", n));
    return std::nullopt;
  }
  std::int64_t v = i->get();
  if (v < min || v > max) {
    error(n, where, fmt::format("{} is out of range {}-{}", v, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> value_reader::boolean(const toml::node& n, std::string_view where) const {
  if (const auto* b = n.as_boolean()) return b->get();
  error(n, where, expected("a boolean (true or false)", n));
  return std::nullopt;
}

std::optional<duration> value_reader::duration_value(const toml::node& n, std::string_view where) const {
  const auto* s = n.as_string();
  if (s == nullptr) {
    error(n, where, expected("a duration string such as \"2s\"", n));
    return std::nullopt;
  }
  auto d = parse_duration(s->get());
  if (!d) {
    error(n, where, d.error());
    return std::nullopt;
  }
  return *d;
}

std::optional<ip_address> value_reader::address(const toml::node& n, std::string_view where) const {
  auto s = string(n, where);
  if (!s) return std::nullopt;
  auto a = parse_address(*s);
  if (!a) {
    error(n, where, a.error());
    return std::nullopt;
  }
  return *a;
}

std::optional<endpoint> value_reader::endpoint_value(const toml::node& n, std::string_view where,
                                                     bool port_required) const {
  auto s = string(n, where);
  if (!s) return std::nullopt;
  auto e = parse_endpoint(*s, port_required);
  if (!e) {
    error(n, where, e.error());
    return std::nullopt;
  }
  if (port_required && e->port == 0) {
    error(n, where, fmt::format("{}: port 0 is not allowed here", quote_value(*s)));
    return std::nullopt;
  }
  return *e;
}

std::optional<prefix> value_reader::prefix_value(const toml::node& n, std::string_view where) const {
  auto s = string(n, where);
  if (!s) return std::nullopt;
  auto p = parse_prefix(*s);
  if (!p) {
    error(n, where, p.error());
    return std::nullopt;
  }
  return *p;
}

std::optional<argv> value_reader::command(const toml::node& n, std::string_view where) const {
  const auto* a = n.as_array();
  if (a == nullptr) {
    error(n, where, expected("a command as an array of strings, e.g. [\"/usr/bin/true\"]", n));
    return std::nullopt;
  }
  if (a->empty()) {
    error(n, where, "the command must not be empty");
    return std::nullopt;
  }
  argv out;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& e = *a->get(i);
    auto s = string(e, fmt::format("{}[{}]", where, i));
    if (!s) {
      ok = false;
      continue;
    }
    if (s->find('\0') != std::string::npos) {
      error(e, where, "arguments must not contain NUL characters");
      ok = false;
    }
    out.push_back(std::move(*s));
  }
  if (ok && (out.front().empty() || out.front().front() != '/')) {
    error(*a->get(0), where,
          fmt::format("{} must be an absolute path (commands run without a shell or PATH search)",
                      quote_value(out.front())));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

const toml::table* value_reader::table(const toml::node& n, std::string_view where) const {
  if (const auto* t = n.as_table()) return t;
  error(n, where, expected("a table", n));
  return nullptr;
}

const toml::array* value_reader::array(const toml::node& n, std::string_view where) const {
  if (const auto* a = n.as_array()) return a;
  error(n, where, expected("an array", n));
  return nullptr;
}

// ------------------------------------------------------------------------------------------------

std::string table_reader::where(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return fmt::format("{}.{}", path_, key);
}

position table_reader::pos(std::string_view key) const {
  if (const auto* n = get(key)) return position_of(*n);
  return table_position();
}

void table_reader::error(std::string_view key, std::string_view what) const {
  values_.error(pos(key), where(key), what);
}

void table_reader::warning(std::string_view key, std::string_view what) const {
  values_.warning(pos(key), where(key), what);
}

void table_reader::missing(std::string_view key) const {
  values_.error(table_position(), path_, fmt::format("missing required key '{}'", key));
}

std::optional<std::string> table_reader::string(std::string_view key) const {
  const auto* n = get(key);
  return n == nullptr ? std::nullopt : values_.string(*n, where(key));
}

std::optional<std::string> table_reader::word(std::string_view key) const {
  const auto* n = get(key);
  return n == nullptr ? std::nullopt : values_.word(*n, where(key));
}

std::optional<std::int64_t> table_reader::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  const auto* n = get(key);
  return n == nullptr ? std::nullopt : values_.integer(*n, where(key), min, max);
}

std::optional<bool> table_reader::boolean(std::string_view key) const {
  const auto* n = get(key);
  return n == nullptr ? std::nullopt : values_.boolean(*n, where(key));
}

std::optional<duration> table_reader::duration_value(std::string_view key) const {
  const auto* n = get(key);
  return n == nullptr ? std::nullopt : values_.duration_value(*n, where(key));
}

std::optional<duration> table_reader::positive_duration(std::string_view key) const {
  auto d = duration_value(key);
  if (d && d->count() <= 0) {
    error(key, "must be longer than 0s");
    return std::nullopt;
  }
  return d;
}

std::optional<duration> table_reader::duration_at_least(std::string_view key, duration min,
                                                        std::string_view why) const {
  auto d = duration_value(key);
  if (d && *d < min) {
    error(key, fmt::format("{} is below the minimum {} ({})", format_duration(*d), format_duration(min), why));
    return std::nullopt;
  }
  return d;
}

std::optional<ip_address> table_reader::address(std::string_view key) const {
  const auto* n = get(key);
  return n == nullptr ? std::nullopt : values_.address(*n, where(key));
}

std::optional<endpoint> table_reader::endpoint_value(std::string_view key, bool port_required) const {
  const auto* n = get(key);
  return n == nullptr ? std::nullopt : values_.endpoint_value(*n, where(key), port_required);
}

std::optional<argv> table_reader::command(std::string_view key) const {
  const auto* n = get(key);
  return n == nullptr ? std::nullopt : values_.command(*n, where(key));
}

const toml::table* table_reader::subtable(std::string_view key) const {
  const auto* n = get(key);
  return n == nullptr ? nullptr : values_.table(*n, where(key));
}

const toml::array* table_reader::array(std::string_view key) const {
  const auto* n = get(key);
  return n == nullptr ? nullptr : values_.array(*n, where(key));
}

bool table_reader::is_known(std::string_view key, std::initializer_list<std::string_view> known) {
  return std::find(known.begin(), known.end(), key) != known.end();
}

void table_reader::report_unknown(const toml::key& k, std::initializer_list<std::string_view> known) const {
  std::span<const std::string_view> candidates(known.begin(), known.size());
  values_.error(position_of(k.source()), where(k.str()), "unknown key" + suggestion(k.str(), candidates));
}

void table_reader::finish(std::initializer_list<std::string_view> known) const {
  finish(known, [](std::string_view) { return std::string(); });
}

}  // namespace lbd::config::detail
