#include "ctl/ipvs_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "ipvs/netlink/kernel_listing.hpp"

namespace lbd::ctl {

void add_ipvs_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("ipvs", "list the kernel's IPVS table the way ipvsadm -Ln does");
  auto stats = std::make_shared<bool>(false);
  auto rate = std::make_shared<bool>(false);
  auto* s = cmd->add_flag("--stats", *stats, "connection, packet and byte totals");
  cmd->add_flag("--rate", *rate, "rates")->excludes(s);
  cmd->callback([stats, rate, &exit_code] {
    auto f = *stats ? ipvs::listing_format::stats : *rate ? ipvs::listing_format::rate : ipvs::listing_format::plain;
    auto text = ipvs::netlink::kernel_listing(f);
    if (!text) {
      fmt::print(stderr, "lbctl: {}\n", text.error());
      exit_code = 1;
      return;
    }
    fmt::print("{}", *text);
  });
}

}  // namespace lbd::ctl
