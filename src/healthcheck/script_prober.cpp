// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/script_prober.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/duration.hpp"

namespace lbd::healthcheck {
namespace {

std::string substitute(std::string arg, const endpoint& target) {
  const std::pair<std::string_view, std::string> vars[] = {{"{address}", target.address.to_string()},
                                                           {"{port}", std::to_string(target.port)}};
  for (const auto& [name, value] : vars) {
    for (auto pos = arg.find(name); pos != std::string::npos; pos = arg.find(name, pos + value.size())) {
      arg.replace(pos, name.size(), value);
    }
  }
  return arg;
}

unsigned clamp_weight(const script_params& p, long long w) {
  const long long lo = p.min_weight;
  const long long hi = std::max(p.min_weight, p.max_weight);
  return static_cast<unsigned>(std::clamp(w, lo, hi));
}

// The first line of stdout as a decimal integer (surrounding blanks allowed).
std::optional<long long> first_line_number(std::string_view out) {
  out = out.substr(0, out.find('\n'));
  while (!out.empty() && (out.front() == ' ' || out.front() == '\t')) out.remove_prefix(1);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\r')) out.remove_suffix(1);
  long long v = 0;
  const auto* end = out.data() + out.size();
  const auto r = std::from_chars(out.data(), end, v);
  if (out.empty() || r.ec != std::errc() || r.ptr != end) return std::nullopt;
  return v;
}

}  // namespace

probe_result judge_script(const script_params& p, const process::outcome& o, std::string_view timeout_text) {
  const std::string name = p.argv.empty() ? std::string("script") : p.argv[0];
  if (!o.started) return probe_fail("error", name + " " + process::describe(o), o.elapsed);
  if (o.timed_out) {
    return probe_fail("timeout", fmt::format("{} timed out after {}, process group killed", name, timeout_text),
                      o.elapsed);
  }
  if (!o.exit_code) return probe_fail("exit", name + " " + process::describe(o), o.elapsed);
  const int code = *o.exit_code;
  if (p.dynamic_weight == weight_source::exit_code && code >= 2) {
    probe_result r = probe_ok(fmt::format("{} exit {}", name, code), o.elapsed);
    r.weight = clamp_weight(p, code - 2);
    r.reason += fmt::format(": weight {}", *r.weight);
    return r;
  }
  if (code != 0) return probe_fail("exit", fmt::format("{} exit {}", name, code), o.elapsed);
  probe_result r = probe_ok(fmt::format("{} exit 0", name), o.elapsed);
  // keepalived's misc_dynamic: exit 0 means up with the weight the configuration gives.
  r.configured_weight = p.dynamic_weight == weight_source::exit_code;
  if (p.dynamic_weight == weight_source::stdout_line) {
    if (auto w = first_line_number(o.out)) {
      r.weight = clamp_weight(p, *w);
      r.reason += fmt::format(": weight {}", *r.weight);
    } else {
      r.reason += ": no weight on the first stdout line, weight unchanged";
    }
  }
  return r;
}

void script_prober::async_probe(const endpoint& target, const check_params& params, duration timeout,
                                probe_handler handler) {
  const auto* p = std::get_if<script_params>(&params);
  if (p == nullptr) {
    handler(probe_fail("error", "script prober given another check type", duration::zero()));
    return;
  }
  process::options opts;
  for (const auto& a : p->argv) opts.argv.push_back(substitute(a, target));
  opts.timeout = timeout;
  opts.capture_stdout = p->dynamic_weight == weight_source::stdout_line;
  opts.max_stdout = 256;
  // A check has no business leaving processes behind.
  opts.kill_group_on_exit = true;
  opts.user = p->user;
  opts.group = p->group;
  process::async_run(ex_, std::move(opts),
                     [params = *p, timeout_text = format_duration(timeout),
                      h = std::move(handler)](const process::outcome& o) { h(judge_script(params, o, timeout_text)); });
}

}  // namespace lbd::healthcheck
