// SPDX-License-Identifier: GPL-2.0-or-later
// An `agent` table (the agent check, HAProxy's agent-check) of a service or a real server.
#include <fmt/format.h>

#include "config/read_virtual_server_parts.hpp"

namespace lbd::config::detail {

std::optional<healthcheck::agent_settings> read_agent(const value_reader& values, const toml::node& n,
                                                      const std::string& where,
                                                      const std::optional<healthcheck::agent_settings>& base) {
  // `agent = false` on a real server: no agent check, whatever its service has.
  if (const auto* b = n.as_boolean(); b != nullptr) {
    if (b->get()) values.error(n, where, "true is not an agent; write its table, or false for none");
    return std::nullopt;
  }
  const auto* t = values.table(n, where);
  if (t == nullptr) return std::nullopt;
  table_reader r(values.sink(), *t, where);
  // A real server's table changes only the fields it gives of its service's.
  healthcheck::agent_settings a = base.value_or(healthcheck::agent_settings{});
  bool ok = true;
  if (auto v = r.integer("port", 1, 65535)) {
    a.port = static_cast<std::uint16_t>(*v);
  } else if (!r.has("port") && !base) {
    r.missing("port");
    ok = false;
  } else if (r.has("port")) {
    ok = false;
  }
  if (auto v = r.string("send")) {
    if (v->size() > healthcheck::max_agent_send) {
      r.error("send", fmt::format("is {} bytes long, above the limit of {}", v->size(), healthcheck::max_agent_send));
      ok = false;
    } else {
      a.send = std::move(*v);
    }
  }
  using std::chrono::milliseconds;
  if (auto v = r.duration_at_least("interval", milliseconds(10), "an agent asked more often only keeps it busy")) {
    a.interval = *v;
  }
  if (auto v = r.duration_at_least("timeout", milliseconds(1), "no agent answers sooner")) a.timeout = *v;
  // One query at a time: the next starts only once this one ended.
  if (a.timeout >= a.interval) {
    r.error(r.has("timeout") ? "timeout" : "interval",
            fmt::format("timeout {} must be shorter than interval {}", format_duration(a.timeout),
                        format_duration(a.interval)));
    ok = false;
  }
  if (auto v = r.choice("unreachable", agent_unreachable_names)) a.unreachable = *v;
  r.finish({"port", "send", "interval", "timeout", "unreachable"});
  if (!ok) return std::nullopt;
  return a;
}

}  // namespace lbd::config::detail
