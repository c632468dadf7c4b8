// SPDX-License-Identifier: GPL-2.0-or-later
// lbd-ipvs: the IPVS part of lbd on the command line. Lists the kernel table like ipvsadm, applies a
// desired table from a JSON file through the same planner and netlink client lbd uses, and drives
// timeouts and the sync daemon. The kernel-tier tests run it inside a guest with real IPVS.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <array>
#include <iostream>

#include <malloc.h>
#include <unistd.h>

#include "common/cli.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/text_file.hpp"
#include "ipvs/json_table.hpp"
#include "ipvs/listing.hpp"
#include "ipvs/netlink/client.hpp"
#include "ipvs/netlink/kernel_listing.hpp"
#include "ipvs/reconciler.hpp"

namespace {

using namespace lbd::ipvs;

int fail(const std::string& msg) {
  std::cerr << "lbd-ipvs: " << msg << "\n";
  return 1;
}

lbd::result<table, std::string> load(const std::string& path) {
  auto text = lbd::read_text_file(path);
  if (!text) return lbd::unexpected("cannot read " + path + ": " + text.error());
  auto t = table_from_json(*text);
  if (!t) return lbd::unexpected(path + ": " + t.error());
  return t;
}

ownership keys_of(const table& t) {
  ownership o;
  for (const auto& [k, s] : t) o.insert(k);
  return o;
}

int run_reconcile(backend& b, const table& desired, const ownership& owned, bool dry_run, bool quiet) {
  if (dry_run) {
    auto snap = b.snapshot();
    if (!snap) return fail(snap.error().message);
    const auto ops = plan(*snap, desired, owned);
    for (const auto& o : ops) std::cout << describe(o) << "\n";
    std::cout << fmt::format("write ops: {}\n", ops.size());
    return 0;
  }
  lbd::metrics::registry m;
  reconciler r(b, m);
  auto snap = b.snapshot();
  if (!snap) return fail(snap.error().message);
  using ms = std::chrono::duration<double, std::milli>;
  const auto t0 = std::chrono::steady_clock::now();
  auto ops = plan(*snap, desired, owned);
  const auto t1 = std::chrono::steady_clock::now();
  const auto out = r.apply(std::move(ops));
  const auto t2 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < out.ops.size(); ++i) {
    const auto& res = out.results[i];
    if (quiet && res.ok()) continue;
    std::cout << describe(out.ops[i]) << ": " << (res.ok() ? "ok" : "FAILED: " + res.message) << "\n";
  }
  std::cout << fmt::format("write ops: {} errors: {}\n", out.ops.size(), out.errors);
  // Planning compares the whole kernel table with the desired one; applying sends the writes.
  std::cout << fmt::format("plan time: {:.1f} ms\n", ms(t1 - t0).count());
  std::cout << fmt::format("apply time: {:.1f} ms\n", ms(t2 - t1).count());
  return out.errors == 0 ? 0 : 1;
}

std::string daemon_line(const sync_daemon& d) {
  std::string s = fmt::format("{} sync daemon (mcast={}, syncid={}", to_string(d.state), d.mcast_ifname, d.sync_id);
  if (d.sync_maxlen != 0) s += fmt::format(", maxlen={}", d.sync_maxlen);
  if (d.mcast_group) s += fmt::format(", group={}", d.mcast_group->to_string());
  if (d.mcast_port != 0) s += fmt::format(", port={}", d.mcast_port);
  if (d.mcast_ttl != 0) s += fmt::format(", ttl={}", d.mcast_ttl);
  return s + ")";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lbd-ipvs: read and program the kernel IPVS table the way lbd does"};
  lbd::cli::add_version(app, "lbd-ipvs");
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `apply --batch 7 FILE`
  unsigned timeout_ms = 5000;
  std::size_t batch = 512;
  app.add_option("--timeout-ms", timeout_ms, "deadline for each netlink call")->check(CLI::Range(1U, 600000U));
  app.add_option("--batch", batch, "requests per sendmsg")->check(CLI::Range(std::size_t{1}, std::size_t{65536}));
  int rcvbuf = 8 << 20;
  app.add_option("--rcvbuf", rcvbuf, "socket receive buffer in bytes (tests use a tiny one to force ENOBUFS)")
      ->check(CLI::Range(1024, 1 << 30));

  auto* list = app.add_subcommand("list", "print the kernel table like ipvsadm -Ln");
  bool stats = false;
  bool rate = false;
  list->add_flag("--stats", stats, "totals");
  list->add_flag("--rate", rate, "rates")->excludes(list->get_option("--stats"));

  auto* apply = app.add_subcommand("apply", "make the kernel match FILE for the services FILE lists");
  std::string file;
  std::string previous;
  bool dry_run = false;
  apply->add_option("file", file, "desired table (JSON)")->required();
  apply->add_option("--previous", previous, "the table applied before: its services are owned too (reload)");
  apply->add_flag("--dry-run", dry_run, "print the plan only");
  bool quiet = false;
  apply->add_flag("--quiet", quiet, "print only failed operations and the summary, not one line per operation");
  bool hold = false;
  apply->add_flag("--hold", hold,
                  "after applying, keep the process (and the desired table) alive until a signal ends it, so that "
                  "benchmarks can read its memory use");

  auto* flush = app.add_subcommand("flush-owned", "delete the services FILE lists, and only those");
  flush->add_option("file", file, "table (JSON)")->required();

  auto* dump = app.add_subcommand("dump-json", "print the kernel table as JSON, counters included");
  std::string only;
  dump->add_option("--only", only,
                   "read only the services this table (JSON) lists, one request each, as a pass of changes does");
  auto* snapshot_cmd =
      app.add_subcommand("snapshot", "read the kernel table the way the reconciler does; print its size and the time");
  auto* info_cmd = app.add_subcommand("info", "IPVS version and connection table size");

  auto* config = app.add_subcommand("config", "connection timeouts");
  config->require_subcommand(1);
  auto* config_get = config->add_subcommand("get", "print tcp tcp_fin udp timeouts");
  auto* config_set = config->add_subcommand("set", "set timeouts (seconds; 0 or absent: unchanged)");
  timeouts t;
  config_set->add_option("--tcp", t.tcp);
  config_set->add_option("--tcp-fin", t.tcp_fin);
  config_set->add_option("--udp", t.udp);

  auto* daemon = app.add_subcommand("daemon", "the connection sync daemon");
  daemon->require_subcommand(1);
  auto* d_start = daemon->add_subcommand("start", "start a sync daemon");
  auto* d_stop = daemon->add_subcommand("stop", "stop a sync daemon");
  auto* d_show = daemon->add_subcommand("show", "list running sync daemons");
  std::string state;
  sync_daemon sd;
  std::string group;
  unsigned ttl = 0;
  for (auto* c : {d_start, d_stop}) {
    c->add_option("state", state, "master or backup")->required()->check(CLI::IsMember({"master", "backup"}));
  }
  d_start->add_option("--ifname", sd.mcast_ifname, "multicast interface")->required();
  d_start->add_option("--sync-id", sd.sync_id, "sync id");
  d_start->add_option("--maxlen", sd.sync_maxlen, "UDP payload size");
  d_start->add_option("--group", group, "multicast group (IPv4 or IPv6)");
  d_start->add_option("--port", sd.mcast_port, "multicast port");
  d_start->add_option("--ttl", ttl, "multicast TTL")->check(CLI::Range(0U, 255U));

  if (auto done = lbd::cli::parse(app, "lbd-ipvs", argc, argv)) return *done;

  table file_table;
  if (!file.empty()) {
    auto loaded = load(file);
    if (!loaded) return fail(loaded.error());
    file_table = std::move(loaded).value();
  }
  ownership owned = keys_of(file_table);
  if (!previous.empty()) {
    auto prev = load(previous);
    if (!prev) return fail(prev.error());
    for (const auto& k : keys_of(*prev)) owned.insert(k);
  }
  if (!group.empty()) {
    auto g = lbd::parse_address(group);
    if (!g) return fail("--group: " + g.error());
    sd.mcast_group = *g;
  }
  sd.mcast_ttl = static_cast<std::uint8_t>(ttl);
  lbd::log::set_threshold(lbd::log::level::warning);

  netlink::client_options opts;
  opts.timeout = std::chrono::milliseconds(timeout_ms);
  opts.batch = batch;
  opts.rcvbuf = rcvbuf;
  auto opened = netlink::client::open(opts);
  if (!opened) return fail(opened.error().message);
  netlink::client& c = **opened;

  if (*list || *info_cmd) {
    auto i = c.get_info();
    if (!i) return fail(i.error().message);
    if (*info_cmd) {
      std::cout << fmt::format("IP Virtual Server version {}.{}.{} (size={})\n", (i->version >> 16) & 0xff,
                               (i->version >> 8) & 0xff, i->version & 0xff, i->conn_tab_size);
      return 0;
    }
    const auto f = stats ? listing_format::stats : rate ? listing_format::rate : listing_format::plain;
    auto text = netlink::kernel_listing(c, f);
    if (!text) return fail(text.error());
    std::cout << *text;
    return 0;
  }
  if (*snapshot_cmd) {
    const auto t0 = std::chrono::steady_clock::now();
    auto snap = c.snapshot();
    const auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
    if (!snap) return fail(snap.error().message);
    std::size_t dests = 0;
    for (const auto& [k, s] : *snap) dests += s.dests.size();
    std::cout << fmt::format("services: {} destinations: {} read time: {:.1f} ms\n", snap->size(), dests, took.count());
    return 0;
  }
  if (*dump) {
    ownership which;
    if (!only.empty()) {
      auto listed = load(only);
      if (!listed) return fail(listed.error());
      which = keys_of(*listed);
    }
    auto snap = only.empty() ? c.snapshot() : c.snapshot_of(which);
    if (!snap) return fail(snap.error().message);
    std::cout << table_to_json(*snap, true);
    return 0;
  }
  if (*apply) {
    const int rc = run_reconcile(c, file_table, owned, dry_run, quiet);
    if (!hold || rc != 0) return rc;
    // What parsing, planning and applying allocated is free now; give it back to the kernel so that
    // the resident size is what holding the desired table costs.
    malloc_trim(0);
    std::cout << fmt::format("holding {} services, pid {}", file_table.size(), getpid()) << std::endl;
    for (;;) pause();  // SIGTERM's default action ends the process
  }
  if (*flush) return run_reconcile(c, table{}, owned, false, false);
  if (*config_get) {
    auto got = c.get_timeouts();
    if (!got) return fail(got.error().message);
    std::cout << fmt::format("Timeout (tcp tcpfin udp): {} {} {}\n", got->tcp, got->tcp_fin, got->udp);
    return 0;
  }
  if (*config_set) {
    auto s = c.set_timeouts(t);
    return s ? 0 : fail(s.error().message);
  }
  if (*d_show) {
    auto ds = c.daemons();
    if (!ds) return fail(ds.error().message);
    for (const auto& d : *ds) std::cout << daemon_line(d) << "\n";
    return 0;
  }
  if (*d_start) {
    sd.state = state == "master" ? daemon_state::master : daemon_state::backup;
    auto s = c.start_daemon(sd);
    return s ? 0 : fail(s.error().message);
  }
  if (*d_stop) {
    auto s = c.stop_daemon(state == "master" ? daemon_state::master : daemon_state::backup);
    return s ? 0 : fail(s.error().message);
  }
  return fail("nothing to do");
}
