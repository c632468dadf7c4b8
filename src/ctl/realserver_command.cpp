// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/realserver_command.hpp"

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "ctl/realserver/host.hpp"
#include "ctl/realserver/plan.hpp"

namespace lbd::ctl {
namespace {

struct options {
  std::string vip;
  std::string mode = "dr";
  bool dry_run = false;
  bool json = false;
};

int run(const options& o, bool setup) {
  auto vip = parse_address(o.vip);
  if (!vip) {
    fmt::print(stderr, "lbctl: --vip: {}\n", vip.error());
    return 2;
  }
  realserver::request r{o.mode == "tun" ? realserver::mode::tun : realserver::mode::dr, *vip};
  auto host = realserver::read_host(r);
  if (!host) {
    fmt::print(stderr, "lbctl: {}\n", host.error());
    return 1;
  }
  auto changes = setup ? realserver::plan_setup(r, *host) : realserver::plan_teardown(r, *host);
  nlohmann::json report = nlohmann::json::array();
  int rc = 0;
  for (const auto& c : changes) {
    std::string text = realserver::describe(c);
    std::string error;
    if (!o.dry_run) {
      auto applied = realserver::apply(c);
      if (!applied) {
        error = applied.error();
        rc = 1;
      }
    }
    report.push_back({{"change", text}, {"applied", !o.dry_run && error.empty()}, {"error", error}});
    if (!o.json) {
      if (!error.empty()) {
        fmt::print(stderr, "failed: {}: {}\n", text, error);
      } else {
        fmt::print("{}{}\n", o.dry_run ? "would " : "", text);
      }
    }
    if (rc != 0) break;  // later steps assume the earlier ones happened
  }
  if (o.json) {
    fmt::print(
        "{}\n",
        nlohmann::json{{"vip", vip->to_string()}, {"mode", o.mode}, {"dry_run", o.dry_run}, {"changes", report}}.dump(
            2));
  } else if (changes.empty()) {
    fmt::print("nothing to change: this host is already {} for {} ({})\n", setup ? "set up" : "clear of",
               vip->to_string(), o.mode);
  }
  if (!setup && !o.json && rc == 0) {
    fmt::print("arp_ignore, arp_announce and rp_filter are left as they are: other VIPs may need them\n");
  }
  return rc;
}

}  // namespace

void add_realserver_command(CLI::App& app, int& exit_code) {
  auto* rs = app.add_subcommand("realserver", "prepare this host as a real server behind an LVS director (DR or TUN)");
  rs->require_subcommand(1);
  auto opts = std::make_shared<options>();
  for (bool setup : {true, false}) {
    auto* sub = rs->add_subcommand(
        setup ? "setup" : "teardown",
        setup ? "put the VIP on lo (DR) or the tunnel device (TUN) and quiet ARP for it" : "remove the VIP");
    sub->add_option("--vip", opts->vip, "the virtual IP address")->required();
    sub->add_option("--mode", opts->mode, "dr or tun")->check(CLI::IsMember({"dr", "tun"}));
    sub->add_flag("--dry-run", opts->dry_run, "print what would change, change nothing");
    sub->add_flag("--json", opts->json, "machine-readable output");
    sub->callback([opts, setup, &exit_code] { exit_code = run(*opts, setup); });
  }
}

}  // namespace lbd::ctl
