// SPDX-License-Identifier: GPL-2.0-or-later
// config_bench: where a cold start and a reload of a big lbd.conf spend time and memory, natively
// (no IPVS needed). See bench/README.md, section "config".
//
//   config_bench CONFIG [CHANGED] [--results FILE] [--label TEXT]
//
// Phases, each timed on its own: load CONFIG (read, parse, validate), translate it to the desired
// IPVS table (every real server up, as the daemon starts them without checks), plan that table
// against an empty kernel, render the normalised JSON (`lbd --check --print`). With CHANGED (the
// same file with a small edit): load it too and plan the old desired table against the new one, as
// a reload does; prints the number of write operations. Then the daemon's part: its service
// runtime (health policy, desired table, reconciler) started on CONFIG over the in-memory IPVS
// (fake_backend), and with CHANGED reloaded on it, each timed with its write operations. Peak RSS
// (VmHWM) is read after the cold phases, before the reload phase loads a second configuration, and
// at the end.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "../common/bench_process.hpp"
#include "common/metrics.hpp"
#include "config/diff.hpp"
#include "config/load.hpp"
#include "config/to_json.hpp"
#include "daemon/services/desired_table.hpp"
#include "daemon/services/service_runtime.hpp"
#include "ipvs/fake_backend.hpp"
#include "ipvs/plan.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

using lbd::bench::ms_since;
using lbd::bench::status_kb;

lbd::ipvs::desired_state desired_of(const lbd::config::config& cfg) {
  std::map<std::string, lbd::healthcheck::desired_service> health;
  for (const auto& vs : cfg.virtual_servers) {
    auto& h = health[vs.name];
    h.quorum = true;
    h.servers.reserve(vs.real_servers.size());
    for (const auto& rs : vs.real_servers) h.servers.push_back({rs.address, rs.weight, false});
  }
  return lbd::daemon::build_desired(cfg, health, {});
}

std::optional<lbd::config::config> load(const std::string& path) {
  auto r = lbd::config::load_file(path);
  if (!r.ok()) {
    for (const auto& d : r.diagnostics) {
      if (d.level == lbd::config::severity::error) std::fprintf(stderr, "%s\n", lbd::config::format(d).c_str());
    }
    return std::nullopt;
  }
  return std::move(r.cfg);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::string results;
  std::string label = "config";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--results" || a == "--label") && i + 1 < argc) {
      (a == "--results" ? results : label) = argv[++i];
    } else {
      files.push_back(a);
    }
  }
  if (files.empty() || files.size() > 2) {
    std::fprintf(stderr, "usage: config_bench CONFIG [CHANGED] [--results FILE] [--label TEXT]\n");
    return 2;
  }
  const std::string host_load = lbd::bench::load_average();
  // As under the generated lbd.conf's log_level: no line per IPVS write.
  lbd::log::set_threshold(lbd::log::level::warning);

  auto t = clock_type::now();
  auto cfg = load(files[0]);
  const double load_ms = ms_since(t);
  if (!cfg) return 1;
  std::size_t reals = 0;
  for (const auto& vs : cfg->virtual_servers) reals += vs.real_servers.size();
  const long loaded_rss = status_kb("VmRSS");
  const long load_hwm = status_kb("VmHWM");

  t = clock_type::now();
  auto desired = desired_of(*cfg);
  const double translate_ms = ms_since(t);

  t = clock_type::now();
  const auto ops = lbd::ipvs::plan({}, desired.services, desired.owned);
  const double plan_ms = ms_since(t);

  t = clock_type::now();
  const std::size_t json_bytes = lbd::config::to_json(*cfg).dump(2).size();
  const double json_ms = ms_since(t);
  const long cold_hwm = status_kb("VmHWM");

  std::string line = fmt::format(
      "{} services={} real_servers={} load_ms={:.0f} translate_ms={:.0f} plan_ms={:.0f} cold_ops={} json_ms={:.0f} "
      "json_bytes={} load_peak_rss_kb={} loaded_rss_kb={} peak_rss_kb={}",
      label, cfg->virtual_servers.size(), reals, load_ms, translate_ms, plan_ms, ops.size(), json_ms, json_bytes,
      load_hwm, loaded_rss, cold_hwm);

  if (files.size() == 2) {
    const auto reload_start = clock_type::now();
    t = reload_start;
    auto changed = load(files[1]);
    const double reload_load_ms = ms_since(t);
    if (!changed) return 1;
    t = clock_type::now();
    auto next = desired_of(*changed);
    const auto reload_ops = lbd::ipvs::plan(desired.services, next.services, next.owned);
    const double reload_plan_ms = ms_since(t);
    line += fmt::format(" reload_ops={} reload_load_ms={:.0f} reload_plan_ms={:.0f} reload_ms={:.0f}",
                        reload_ops.size(), reload_load_ms, reload_plan_ms, ms_since(reload_start));

    boost::asio::io_context io;
    lbd::metrics::registry metrics;
    lbd::ipvs::fake_backend kernel;
    lbd::daemon::service_runtime runtime(io, metrics, kernel);
    t = clock_type::now();
    const auto started = runtime.apply(*cfg, lbd::config::diff(lbd::config::config{}, *cfg));
    const double start_ms = ms_since(t);
    t = clock_type::now();
    const auto reloaded = runtime.apply(*changed, lbd::config::diff(*cfg, *changed));
    const double runtime_reload_ms = ms_since(t);
    line += fmt::format(" runtime_start_ms={:.0f} runtime_start_ops={} runtime_reload_ms={:.0f} runtime_reload_ops={}",
                        start_ms, started.ops, runtime_reload_ms, reloaded.ops);
  }
  line += fmt::format(" final_peak_rss_kb={}", status_kb("VmHWM"));

  std::printf("%s\n", line.c_str());
  if (!results.empty()) lbd::bench::append_result(results, host_load, line);
  return 0;
}
