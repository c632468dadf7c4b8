// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/ipvs_command.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "ipvs/conn_table.hpp"
#include "ipvs/json_table.hpp"
#include "ipvs/listing.hpp"
#include "ipvs/netlink/client.hpp"

namespace lbd::ctl {
namespace {

// The kernel's connection table; ipvsadm reads the same file.
constexpr const char* conn_file = "/proc/net/ip_vs_conn";

struct ipvs_options {
  bool stats = false;
  bool rate = false;
  bool connections = false;
  bool json = false;
  std::string tcp;
  std::string udp;
  std::string sctp;
  std::uint32_t fwmark = 0;
  bool ipv6 = false;
};

result<std::optional<ipvs::service_key>, std::string> service_filter(const ipvs_options& o) {
  if (o.fwmark != 0) {
    return std::optional{
        ipvs::service_key::mark(o.ipv6 ? ipvs::address_family::ipv6 : ipvs::address_family::ipv4, o.fwmark)};
  }
  for (const auto& [text, proto] : {std::pair{o.tcp, ipvs::protocol::tcp}, std::pair{o.udp, ipvs::protocol::udp},
                                    std::pair{o.sctp, ipvs::protocol::sctp}}) {
    if (text.empty()) continue;
    auto e = parse_endpoint(text);
    if (!e) return unexpected(text + ": " + e.error());
    return std::optional{ipvs::service_key::inet(proto, *e)};
  }
  return std::optional<ipvs::service_key>{};
}

ipvs::table only(const ipvs::table& t, const std::optional<ipvs::service_key>& k) {
  if (!k) return t;
  ipvs::table out;
  if (auto it = t.find(*k); it != t.end()) out.insert(*it);
  return out;
}

result<std::string, std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return unexpected(fmt::format("cannot read {} (is the ip_vs module loaded?)", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

result<std::string, std::string> run(const ipvs_options& o) {
  auto filter = service_filter(o);
  if (!filter) return unexpected(filter.error());
  auto opened = ipvs::netlink::client::open();
  if (!opened) return unexpected(opened.error().message);
  auto& c = **opened;
  auto snap = c.snapshot();
  if (!snap) return unexpected(snap.error().message);
  if (*filter && !snap->contains(**filter)) return unexpected("no such service in the kernel's table");
  if (o.connections) {
    auto text = read_file(conn_file);
    if (!text) return unexpected(text.error());
    auto parsed = ipvs::parse_conn_table(*text);
    auto rows = *filter ? ipvs::connections_of(parsed.rows, **filter, *snap) : std::move(parsed.rows);
    if (o.json) return ipvs::connections_to_json(rows).dump(2) + "\n";
    return ipvs::format_connections(rows);
  }
  const auto t = only(*snap, *filter);
  if (o.json) return ipvs::table_to_json(t, o.stats || o.rate);
  auto i = c.get_info();
  if (!i) return unexpected(i.error().message);
  const auto f = o.stats  ? ipvs::listing_format::stats
                 : o.rate ? ipvs::listing_format::rate
                          : ipvs::listing_format::plain;
  return ipvs::format_listing(t, *i, f);
}

// VIP:PORT checked while parsing, so a bad one is a usage error (exit 2).
const CLI::Validator endpoint_check(
    [](const std::string& s) {
      auto e = parse_endpoint(s);
      return e ? std::string() : e.error();
    },
    "VIP:PORT");

}  // namespace

void add_ipvs_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("ipvs", "the kernel's IPVS table, counters or connections, like ipvsadm -Ln");
  auto o = std::make_shared<ipvs_options>();
  auto* s = cmd->add_flag("--stats", o->stats, "connection, packet and byte totals");
  auto* r = cmd->add_flag("--rate", o->rate, "rates")->excludes(s);
  cmd->add_flag("-c,--connections", o->connections, "the connection table, like ipvsadm -Lnc")->excludes(s, r);
  auto* t = cmd->add_option("-t,--tcp-service", o->tcp, "only this TCP service, VIP:PORT")->check(endpoint_check);
  auto* u = cmd->add_option("-u,--udp-service", o->udp, "only this UDP service, VIP:PORT")
                ->check(endpoint_check)
                ->excludes(t);
  auto* sc = cmd->add_option("--sctp-service", o->sctp, "only this SCTP service, VIP:PORT")
                 ->check(endpoint_check)
                 ->excludes(t, u);
  auto* f = cmd->add_option("-f,--fwmark-service", o->fwmark, "only this firewall-mark service")
                ->check(CLI::Range(1U, 0xffffffffU))
                ->excludes(t, u, sc);
  cmd->add_flag("-6,--ipv6", o->ipv6, "with -f: the IPv6 firewall-mark service")->needs(f);
  cmd->add_flag("--json", o->json, "as JSON (the table as lbd-ipvs dump-json writes it, or one object per connection)");
  cmd->callback([o, &exit_code] {
    auto text = run(*o);
    if (!text) {
      fmt::print(stderr, "lbctl ipvs: {}\n", text.error());
      exit_code = 1;
      return;
    }
    fmt::print("{}", *text);
  });
}

}  // namespace lbd::ctl
