// SPDX-License-Identifier: GPL-2.0-or-later
// A health-check table: common keys, then the keys of its type.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "common/pcre_regex.hpp"
#include "common/quote.hpp"
#include "config/read_check_datagram.hpp"
#include "config/read_check_script.hpp"
#include "config/sections.hpp"

namespace lbd::config::detail {
namespace {

namespace hc = healthcheck;

struct type_keys {
  std::string_view key;
  std::string_view types;  // for the message: "http and https checks"
  std::array<check_type, 2> valid;
};

// Every type-specific key and the types that accept it.
constexpr std::array<type_keys, 20> specific_keys{{
    {"send", "tcp and udp checks", {check_type::tcp, check_type::udp}},
    {"expect", "tcp and udp checks", {check_type::tcp, check_type::udp}},
    {"method", "http and https checks", {check_type::http, check_type::https}},
    {"path", "http and https checks", {check_type::http, check_type::https}},
    {"host", "http and https checks", {check_type::http, check_type::https}},
    {"headers", "http and https checks", {check_type::http, check_type::https}},
    {"expect_status", "http and https checks", {check_type::http, check_type::https}},
    {"body_regex", "http and https checks", {check_type::http, check_type::https}},
    {"body_sha256", "http and https checks", {check_type::http, check_type::https}},
    {"max_body_bytes", "http and https checks", {check_type::http, check_type::https}},
    {"tls", "https checks", {check_type::https, check_type::https}},
    {"command", "script checks", {check_type::script, check_type::script}},
    {"dynamic_weight", "script checks", {check_type::script, check_type::script}},
    {"user", "script checks", {check_type::script, check_type::script}},
    {"group", "script checks", {check_type::script, check_type::script}},
    {"name", "dns checks", {check_type::dns, check_type::dns}},
    {"query_type", "dns checks", {check_type::dns, check_type::dns}},
    {"expect_rcode", "dns checks", {check_type::dns, check_type::dns}},
    {"require_answer", "dns checks", {check_type::dns, check_type::dns}},
    {"require_reply", "udp checks", {check_type::udp, check_type::udp}},
}};

// A fresh http/https check: lbd.conf expects exactly 200 unless expect_status says otherwise.
hc::http_params default_http(bool https) {
  hc::http_params h;
  h.tls = https;
  h.expect_status = {hc::status_range{200, 200}};
  return h;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' || c == '+' ||
           c == '^' || c == '`' || c == '|' || c == '~';
  });
}

bool is_header_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

// [200, "200-299", 301]
std::optional<std::vector<hc::status_range>> read_statuses(const table_reader& r) {
  const auto* a = r.array("expect_status");
  if (a == nullptr) return std::nullopt;
  if (a->empty()) {
    r.error("expect_status", "must list at least one status");
    return std::nullopt;
  }
  std::vector<hc::status_range> out;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& n = *a->get(i);
    std::string where = fmt::format("{}[{}]", r.where("expect_status"), i);
    if (n.is_integer()) {
      auto v = r.values().integer(n, where, 100, 599);
      if (v) out.push_back({static_cast<unsigned>(*v), static_cast<unsigned>(*v)});
      ok = ok && v.has_value();
      continue;
    }
    const auto* s = n.as_string();
    if (s == nullptr) {
      r.values().error(n, where,
                       fmt::format("expected a status or a \"200-299\" range, got {}", type_phrase(n.type())));
      ok = false;
      continue;
    }
    std::string_view text = s->get();
    auto dash = text.find('-');
    unsigned lo = 0;
    unsigned hi = 0;
    bool parsed = dash != std::string_view::npos;
    if (parsed) {
      auto a1 = std::from_chars(text.data(), text.data() + dash, lo);
      auto a2 = std::from_chars(text.data() + dash + 1, text.data() + text.size(), hi);
      parsed = a1.ec == std::errc{} && a1.ptr == text.data() + dash && a2.ec == std::errc{} &&
               a2.ptr == text.data() + text.size();
    }
    if (!parsed || lo < 100 || hi > 599 || lo > hi) {
      r.values().error(n, where,
                       fmt::format("{} is not a range of statuses like \"200-299\" within 100-599", quote_value(text)));
      ok = false;
      continue;
    }
    out.push_back({lo, hi});
  }
  if (!ok) return std::nullopt;
  return out;
}

// Where PCRE2 stopped, when the value is written as it reads (a literal string, or a basic one
// without escapes, on one line): the column within the pattern; otherwise the value's start.
position regex_error_position(const toml::node& n, std::string_view pattern, std::size_t offset) {
  const auto& src = n.source();
  position at = position_of(n);
  const bool as_read = src.begin.line == src.end.line && src.end.column - src.begin.column == pattern.size() + 2;
  if (as_read) at.column += static_cast<unsigned>(1 + std::min(offset, pattern.size()));
  return at;
}

void read_tls(const table_reader& r, hc::http_params& tls) {
  if (auto v = r.boolean("verify")) tls.verify = *v;
  if (auto v = r.word("ca_file")) tls.ca_file = *v;
  if (auto v = r.word("sni")) tls.sni = *v;
  if (auto v = r.word("client_cert")) tls.client_cert = *v;
  if (auto v = r.word("client_key")) tls.client_key = *v;
  if (tls.client_cert.empty() != tls.client_key.empty()) {
    r.error(tls.client_cert.empty() ? "client_key" : "client_cert", "client_cert and client_key go together");
  }
  r.finish({"verify", "ca_file", "sni", "client_cert", "client_key"});
}

void read_http(const table_reader& r, hc::http_params& h, bool https) {
  if (auto v = r.string("method")) {
    if (is_token(*v) && v->size() <= 16) {
      h.method = *v;
    } else {
      r.error("method", fmt::format("{} is not an HTTP method", quote_value(*v)));
    }
  }
  if (auto v = r.string("path")) {
    if (v->empty() || v->front() != '/' || !is_header_value(*v) || v->find(' ') != std::string::npos) {
      r.error("path", fmt::format("{} must start with '/' and contain no spaces or line breaks", quote_value(*v)));
    } else {
      h.path = *v;
    }
  }
  if (auto v = r.word("host")) h.host = *v;
  if (const auto* t = r.subtable("headers")) {
    h.headers.clear();
    for (auto&& [k, node] : *t) {
      std::string where = fmt::format("{}.{}", r.where("headers"), k.str());
      if (!is_token(k.str())) {
        r.values().error(position_of(k.source()), where, "is not a valid header name");
        continue;
      }
      auto value = r.values().string(node, where);
      if (value && !is_header_value(*value)) {
        r.values().error(node, where, "header values must not contain line breaks");
      } else if (value) {
        h.headers.push_back(fmt::format("{}: {}", k.str(), *value));
      }
    }
  }
  if (auto v = read_statuses(r)) h.expect_status = std::move(*v);
  if (auto v = r.string("body_regex")) {
    // Compiled as the check compiles it (common/pcre_regex), so what passes here also runs.
    if (v->size() > 1024) {
      r.error("body_regex", "is longer than 1024 bytes");
    } else if (auto re = pcre_regex::compile(*v, false); !re) {
      r.values().error(regex_error_position(*r.get("body_regex"), *v, re.error().offset), r.where("body_regex"),
                       "is not a valid PCRE2 regular expression: " + describe(re.error(), *v));
    } else {
      h.body_regex = *v;
    }
  }
  if (auto v = r.string("body_sha256")) {
    bool hex = v->size() == 64 && std::all_of(v->begin(), v->end(), [](char c) {
                 return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
               });
    if (!hex) {
      r.error("body_sha256", "must be 64 hexadecimal digits");
    } else {
      h.body_sha256 = *v;
      std::transform(h.body_sha256.begin(), h.body_sha256.end(), h.body_sha256.begin(),
                     [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c; });
    }
  }
  if (auto v = r.integer("max_body_bytes", 1, std::int64_t{16} * 1024 * 1024))
    h.max_body = static_cast<std::size_t>(*v);
  if (https) {
    if (const auto* t = r.subtable("tls")) read_tls(table_reader(r.values().sink(), *t, r.where("tls")), h);
  }
}

// The parameters kept from `c` when they are of type T, else T's defaults.
template <typename T>
T inherited(const check_settings& c, T fresh_value = T{}) {
  const auto* p = std::get_if<T>(&c.params);
  return p != nullptr ? *p : fresh_value;
}

// `fresh`: the parameters start from defaults (not inherited), so required ones must be here.
void read_params(const table_reader& r, check_settings& c, check_type type, bool fresh) {
  switch (type) {
    case check_type::none: c.params = hc::no_check{}; break;
    case check_type::tcp: {
      auto p = inherited<hc::tcp_params>(c);
      if (auto v = r.string("send")) p.send = *v;
      if (auto v = r.string("expect")) p.expect = *v;
      c.params = std::move(p);
      break;
    }
    case check_type::udp: {
      auto p = inherited<hc::udp_params>(c);
      read_udp(r, p, fresh);
      c.params = std::move(p);
      break;
    }
    case check_type::http:
    case check_type::https: {
      bool https = type == check_type::https;
      auto p = inherited<hc::http_params>(c, default_http(https));
      p.tls = https;
      read_http(r, p, https);
      c.params = std::move(p);
      break;
    }
    case check_type::script: {
      auto p = inherited<hc::script_params>(c);
      read_script(r, p, fresh);
      c.params = std::move(p);
      break;
    }
    case check_type::dns: {
      auto p = inherited<hc::dns_params>(c);
      read_dns(r, p, fresh);
      c.params = std::move(p);
      break;
    }
  }
}

bool accepts(const type_keys& k, check_type t) { return k.valid[0] == t || k.valid[1] == t; }

}  // namespace

bool check_needs_port(check_type t) { return t != check_type::none && t != check_type::script; }

check_settings read_check(const value_reader& values, const toml::table& t, const std::string& path,
                          const check_settings* base) {
  table_reader r(values.sink(), t, path);
  check_settings c = base != nullptr ? *base : default_check();
  check_type type = type_of(c);
  bool type_known = true;
  bool fresh = base == nullptr;
  if (auto v = r.choice("type", check_type_names)) {
    if (base == nullptr || *v != type_of(*base)) {
      fresh = true;
      // A different type inherits only the common keys.
      c.params = hc::no_check{};
      c.connect_to.reset();
    }
    type = *v;
  } else if (!r.has("type")) {
    if (base == nullptr) r.missing("type");
    type_known = base != nullptr;
  } else {
    type_known = false;
  }
  // Lower bounds: probes every 2ns (or a 1ns timeout, failing every probe at once) keep the event
  // loop busy for nothing; 10ms is already 100 probes a second per real server.
  using std::chrono::milliseconds;
  constexpr std::string_view spin = "a check more often than this only keeps the daemon busy";
  bool retry_given = false;
  if (auto v = r.duration_at_least("interval", milliseconds(10), spin)) {
    // follows interval by default
    if (base == nullptr || c.timing.retry_delay == base->timing.interval) c.timing.retry_delay = *v;
    c.timing.interval = *v;
  }
  if (auto v = r.duration_at_least("timeout", milliseconds(1), "no real server answers sooner")) c.timing.timeout = *v;
  if (auto v = r.duration_at_least("retry_delay", milliseconds(10), spin)) {
    c.timing.retry_delay = *v;
    retry_given = true;
  }
  if (base == nullptr && !retry_given) c.timing.retry_delay = c.timing.interval;
  // An inherited pair was judged on the service's check already.
  if (c.timing.timeout >= c.timing.interval && (base == nullptr || r.has("timeout") || r.has("interval"))) {
    r.error(r.has("timeout") ? "timeout" : "interval",
            fmt::format("timeout {} must be shorter than interval {}", format_duration(c.timing.timeout),
                        format_duration(c.timing.interval)));
  }
  if (auto v = r.integer("rise", 1, 65535)) c.thresholds.rise = static_cast<unsigned>(*v);
  if (auto v = r.integer("fall", 1, 65535)) c.thresholds.fall = static_cast<unsigned>(*v);
  if (const auto* n = r.get("initial_state")) {
    auto s = values.string(*n, r.where("initial_state"));
    if (s && (*s == "up" || *s == "down")) {
      c.thresholds.initial = *s == "up" ? hc::health::up : hc::health::down;
    } else if (s) {
      values.error(*n, r.where("initial_state"), fmt::format("{} is not valid; expected up or down", quote_value(*s)));
    }
  }
  if (auto v = r.endpoint_value("connect_to", true)) c.connect_to = *v;
  if (fresh && base != nullptr) c.data_path = false;  // a different type inherits only the common keys
  const bool routed_type = type == check_type::tcp || type == check_type::http || type == check_type::https;
  if (routed_type || !type_known) {
    if (auto v = r.boolean("data_path")) c.data_path = *v;
  }
  if (type_known) read_params(r, c, type, fresh);
  auto elsewhere = [&](std::string_view key) -> std::string {
    if (key == "data_path" && type_known && !routed_type) {
      return fmt::format("is only valid for tcp, http and https checks, not for a {} check", to_string(type));
    }
    for (const auto& k : specific_keys) {
      if (k.key == key) {
        if (!type_known || accepts(k, type)) return {};  // unknown type: not worth a second error
        return fmt::format("is only valid for {}, not for a {} check", k.types, to_string(type));
      }
    }
    return {};
  };
  if (!type_known) {
    // Without a type the specific keys cannot be judged; accept them silently rather than pile up errors.
    r.finish({"type",           "interval",      "timeout",        "rise",           "fall",       "initial_state",
              "retry_delay",    "connect_to",    "data_path",      "send",           "expect",     "method",
              "path",           "host",          "headers",        "expect_status",  "body_regex", "body_sha256",
              "max_body_bytes", "tls",           "command",        "dynamic_weight", "name",       "query_type",
              "expect_rcode",   "require_reply", "require_answer", "user",           "group"});
    return c;
  }
  switch (type) {
    case check_type::none:
      r.finish({"type", "interval", "timeout", "rise", "fall", "initial_state", "retry_delay", "connect_to"},
               elsewhere);
      break;
    case check_type::tcp:
      r.finish({"type", "interval", "timeout", "rise", "fall", "initial_state", "retry_delay", "connect_to",
                "data_path", "send", "expect"},
               elsewhere);
      break;
    case check_type::udp:
      r.finish({"type", "interval", "timeout", "rise", "fall", "initial_state", "retry_delay", "connect_to", "send",
                "expect", "require_reply"},
               elsewhere);
      break;
    case check_type::http:
      r.finish(
          {"type", "interval", "timeout", "rise", "fall", "initial_state", "retry_delay", "connect_to", "data_path",
           "method", "path", "host", "headers", "expect_status", "body_regex", "body_sha256", "max_body_bytes"},
          elsewhere);
      break;
    case check_type::https:
      r.finish(
          {"type", "interval", "timeout", "rise", "fall", "initial_state", "retry_delay", "connect_to", "data_path",
           "method", "path", "host", "headers", "expect_status", "body_regex", "body_sha256", "max_body_bytes", "tls"},
          elsewhere);
      break;
    case check_type::script:
      r.finish({"type", "interval", "timeout", "rise", "fall", "initial_state", "retry_delay", "command",
                "dynamic_weight", "user", "group"},
               elsewhere);
      break;
    case check_type::dns:
      r.finish({"type", "interval", "timeout", "rise", "fall", "initial_state", "retry_delay", "connect_to", "name",
                "query_type", "expect_rcode", "require_answer"},
               elsewhere);
      break;
  }
  return c;
}

}  // namespace lbd::config::detail
