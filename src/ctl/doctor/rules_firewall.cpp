// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/doctor/rules_firewall.hpp"

#include <fmt/format.h>

#include <string>

namespace lbd::ctl::doctor {
namespace {

std::string fix_for(const firewall::block& b, const std::string& accept_nft, const std::string& accept_ipt) {
  if (b.where.rfind("nft", 0) == 0) {
    // "nft table inet filter chain input" -> "nft insert rule inet filter input ..."
    auto rest = b.where.substr(std::string("nft table ").size());
    auto chain_at = rest.find(" chain ");
    return fmt::format("nft insert rule {} {} {}", rest.substr(0, chain_at), rest.substr(chain_at + 7), accept_nft);
  }
  auto chain_at = b.where.find(" chain ");
  return fmt::format("iptables -I {} {}", b.where.substr(chain_at + 7), accept_ipt);
}

void report_block(const std::optional<firewall::block>& b, const std::string& topic, const std::string& what,
                  const std::string& accept_nft, const std::string& accept_ipt, std::vector<finding>& out) {
  if (!b) return;
  out.push_back({b->certain ? severity::error : severity::warning, topic,
                 fmt::format("{} {} by {}: {}", what, b->certain ? "is dropped" : "may be dropped", b->where, b->rule),
                 fix_for(*b, accept_nft, accept_ipt)});
}

}  // namespace

void check_firewall(const config::config& cfg, const facts& f, const survey& s, std::vector<finding>& out) {
  if (!f.firewall.inspected) {
    std::string why = f.firewall.problems.empty() ? std::string("no tool to read them")
                                                  : fmt::format("{}", fmt::join(f.firewall.problems, "; "));
    out.push_back({severity::warning, "firewall", fmt::format("firewall rules not checked: {}", why),
                   "install nftables (nft) so doctor can read the rules"});
    return;
  }
  for (const auto& w : f.firewall.problems) out.push_back({severity::warning, "firewall", w, ""});
  for (const auto& v : cfg.vrrp) {
    firewall::packet in;
    in.family = v.family == config::address_family::inet ? 4 : 6;
    in.l4proto = 112;
    in.iif = v.advert_interface();
    firewall::packet outgoing = in;
    outgoing.where = firewall::hook::output;
    outgoing.iif.reset();
    outgoing.oif = v.advert_interface();
    std::vector<std::optional<ip_address>> peers;
    if (v.unicast()) {
      for (const auto& p : v.unicast_peers) peers.emplace_back(p);
    } else {
      peers.emplace_back(boost::asio::ip::make_address(in.family == 4 ? "224.0.0.18" : "ff02::12"));
    }
    auto nft_accept =
        fmt::format("iifname \"{}\" {} vrrp accept", v.interface, in.family == 4 ? "ip protocol" : "ip6 nexthdr");
    auto ipt_accept = fmt::format("-i {} -p vrrp -j ACCEPT", v.interface);
    std::optional<firewall::block> blocked;
    std::optional<firewall::block> blocked_out;
    for (const auto& peer : peers) {
      if (v.unicast()) in.saddr = peer;
      if (!v.unicast()) in.daddr = peer;
      outgoing.daddr = peer;
      if (!blocked) blocked = firewall::find_block(f.firewall.rules, in);
      if (!blocked_out) blocked_out = firewall::find_block(f.firewall.rules, outgoing);
    }
    report_block(blocked, "firewall-vrrp",
                 fmt::format("VRRP (protocol 112) arriving on {} for vrrp {}", v.interface, v.name), nft_accept,
                 ipt_accept, out);
    report_block(
        blocked_out, "firewall-vrrp", fmt::format("VRRP (protocol 112) sent on {} by vrrp {}", v.interface, v.name),
        fmt::format("oifname \"{}\" {} vrrp accept", v.interface, in.family == 4 ? "ip protocol" : "ip6 nexthdr"),
        fmt::format("-o {} -p vrrp -j ACCEPT", v.interface), out);
    if (!blocked && !blocked_out) {
      out.push_back({severity::ok, "firewall-vrrp",
                     fmt::format("no firewall rule drops VRRP on {} (vrrp {})", v.interface, v.name), ""});
    }
  }
  std::size_t clear = 0;
  for (const auto& target : s.probes) {
    firewall::packet syn;
    syn.where = firewall::hook::output;
    syn.family = target.address.is_v4() ? 4 : 6;
    syn.l4proto = 6;
    syn.daddr = target.address;
    syn.dport = target.port;
    firewall::packet reply;
    reply.where = firewall::hook::input;
    reply.family = syn.family;
    reply.l4proto = 6;
    reply.saddr = target.address;
    reply.sport = target.port;
    reply.ct_state = "established";
    auto addr = to_string(target);
    auto ip = target.address.to_string();
    auto b1 = firewall::find_block(f.firewall.rules, syn);
    auto b2 = firewall::find_block(f.firewall.rules, reply);
    report_block(b1, "firewall-checks", fmt::format("health-check connection to {}", addr),
                 fmt::format("{} daddr {} tcp dport {} accept", syn.family == 4 ? "ip" : "ip6", ip, target.port),
                 fmt::format("-d {} -p tcp --dport {} -j ACCEPT", ip, target.port), out);
    report_block(b2, "firewall-checks", fmt::format("reply of {} to a health check", addr),
                 fmt::format("ct state established,related accept"),
                 fmt::format("-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"), out);
    if (!b1 && !b2) ++clear;
  }
  if (!s.probes.empty() && clear == s.probes.size()) {
    out.push_back({severity::ok, "firewall-checks",
                   fmt::format("no firewall rule drops health-check connections to the {} real server endpoints",
                               s.probes.size()),
                   ""});
  }
}

}  // namespace lbd::ctl::doctor
