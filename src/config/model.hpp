// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The typed, immutable model of lbd.conf. Every default is resolved by the loader, so consumers
// (VRRP, health checks, IPVS planner, daemon) read plain values and never look at TOML.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/address.hpp"
#include "common/duration.hpp"
#include "common/log.hpp"
#include "common/route_spec.hpp"
#include "healthcheck/agent_spec.hpp"
#include "healthcheck/check_spec.hpp"
#include "healthcheck/failure_action.hpp"
#include "ipvs/model.hpp"

namespace lbd::config {

// A command run without a shell: argv[0] is an absolute path. Empty = no command.
using argv = std::vector<std::string>;

enum class address_family { inet, inet6 };

// ---------------------------------------------------------------------------------------- [global]
// Where lbd puts the routes of the VIPs it announces over BGP ([[anycast]]): host routes through a
// TUN device that lives exactly as long as lbd, tagged with this route protocol number, in this
// table, for the routing daemon (FRR, BIRD) to redistribute.
struct anycast_routes {
  std::string device = "lbd-anycast";
  std::uint8_t protocol = 245;
  std::uint32_t table = 254;  // main
  // Graceful stop: the routes are withdrawn first, then lbd waits this long (for the upstream routers
  // to move the flows to the other directors) before its services and VIPs go.
  duration stop_delay = std::chrono::seconds(5);
  friend bool operator==(const anycast_routes&, const anycast_routes&) = default;
};

enum class exit_policy { keep, remove };  // what happens to lbd's IPVS services when lbd stops

struct global_settings {
  std::string node_name;
  std::string control_socket = "/run/lbd/lbd.sock";
  std::optional<endpoint> metrics_listen;  // none: no metrics endpoint
  log::level log_level = log::level::info;
  duration reconcile_interval = std::chrono::seconds(30);
  exit_policy on_exit = exit_policy::keep;
  duration drain_timeout = std::chrono::minutes(5);
  // The VRRP thread under SCHED_RR at this priority (1-99); 0: the normal scheduler.
  unsigned vrrp_realtime_priority = 0;
  // mlockall: no page of lbd is ever swapped out.
  bool lock_memory = false;
  // keepalived's script-security rule on every program lbd runs (common/script_security).
  bool script_security = true;
  // The account lbd's programs run as (common/script_user); "": lbd-script when it exists, else
  // root. script_group "": the account's own groups.
  std::string script_user;
  std::string script_group;
  anycast_routes anycast;
};

// ------------------------------------------------------------------------------------------ [ipvs]
struct ipvs_timeouts {  // none: leave the kernel's value as it is
  std::optional<duration> tcp;
  std::optional<duration> tcp_fin;
  std::optional<duration> udp;
};

struct sync_daemon_settings {
  std::string interface;
  std::uint8_t sync_id = 0;
  std::string follow;  // vrrp instance whose MASTER/BACKUP role the sync daemon takes
  std::optional<std::uint16_t> maxlen;
  std::optional<ip_address> mcast_group;
  std::optional<std::uint16_t> mcast_port;
  std::optional<std::uint8_t> mcast_ttl;
};

// The firewall marks lbd gives its data-path services (check.data_path): one fwmark service per
// real server with such a check. lbd owns the range; no configured service may use a mark in it.
struct data_path_marks {
  std::uint32_t base = 0x4c420000;  // "LB" in the high half, far from the small marks operators pick
  std::uint32_t count = 65536;
  [[nodiscard]] bool contains(std::uint32_t mark) const { return mark >= base && mark - base < count; }
  friend bool operator==(const data_path_marks&, const data_path_marks&) = default;
};

// FULLNAT's local addresses (lbd.conf(5), "FULLNAT"): connections to a fullnat service leave the
// director from first..last (one address when equal), with fully random source ports.
struct address_pool {
  ip_address first;
  ip_address last;
  friend bool operator==(const address_pool&, const address_pool&) = default;
};

// "10.0.0.1-10.0.0.4", or one address when first == last.
std::string to_string(const address_pool& p);

struct fullnat_settings {
  std::optional<address_pool> pool4;
  std::optional<address_pool> pool6;
  std::string table = "lbd";  // nftables table `inet <table>`, lbd's alone
  [[nodiscard]] const std::optional<address_pool>& pool_of(address_family f) const {
    return f == address_family::inet ? pool4 : pool6;
  }
  friend bool operator==(const fullnat_settings&, const fullnat_settings&) = default;
};

struct ipvs_settings {
  ipvs_timeouts timeouts;
  std::optional<sync_daemon_settings> sync_daemon;
  data_path_marks data_path;
  fullnat_settings fullnat;
  // net.ipv4.vs.sloppy_tcp / sloppy_sctp: IPVS accepts a connection's packets from its middle, as a
  // director must when a flow moves to it from another (active/active); none: left as it is.
  std::optional<bool> sloppy_tcp;
  std::optional<bool> sloppy_sctp;
};

// ---------------------------------------------------------------------------------------- [[vrrp]]
struct virtual_ip {
  prefix address;
  std::string label;  // IPv4 only; empty = none
};

struct garp_settings {
  unsigned repeat = 5;                  // gratuitous ARPs / unsolicited NAs sent on becoming MASTER
  duration delay = duration::zero();    // between two of them
  duration refresh = duration::zero();  // re-announce period while MASTER; zero = off
  // One more burst this long after the first (keepalived's garp_master_delay, same default); zero = off.
  duration master_delay = std::chrono::seconds(5);
};

// weight 0: FAULT while the interface is down / the script fails. Otherwise a positive weight is
// added to the priority while it is up / succeeds, a negative one while it is down / fails.
struct tracked_interface {
  std::string name;
  int weight = 0;
};

struct track_script {
  std::string name;
  argv command;
  duration interval = std::chrono::seconds(2);
  duration timeout = std::chrono::seconds(1);
  unsigned rise = 1;
  unsigned fall = 1;
  int weight = 0;
  // The account it runs as; "": global.script_user.
  std::string user;
  std::string group;
  friend bool operator==(const track_script&, const track_script&) = default;
};

// The arguments lbd appends to vrrp.notify commands (lbd.conf reference, vrrp.notify).
enum class notify_arguments { lbd, keepalived };

struct vrrp_notify {
  argv master;
  argv backup;
  argv fault;
  argv stop;
  argv any;  // run on every transition with the new state as the last argument
  // keepalived: master..stop get no arguments, any gets `INSTANCE NAME STATE PRIORITY` (STATE in
  // capitals), so that scripts written for keepalived run unchanged.
  notify_arguments arguments = notify_arguments::lbd;
  // Above zero: on becoming MASTER, `master` runs first and the VIPs (and their gratuitous ARPs)
  // wait until it exits, at most this long (conntrackd must commit its states before traffic comes).
  duration master_wait = duration::zero();
  friend bool operator==(const vrrp_notify&, const vrrp_notify&) = default;
};

struct vrrp_instance {
  std::string name;
  std::string interface;
  std::uint8_t vrid = 0;
  std::uint8_t priority = 100;  // 255 = address owner
  int version = 3;
  address_family family = address_family::inet;  // inferred from virtual_ips
  duration advert_interval = std::chrono::seconds(1);
  bool preempt = true;
  duration preempt_delay = duration::zero();
  bool accept_mode = false;
  std::vector<virtual_ip> virtual_ips;
  std::vector<ip_address> unicast_peers;  // empty = multicast
  // Unicast: drop adverts whose TTL / hop limit is not 255 (multicast adverts always are; unicast
  // ones are accepted from any distance by default, as keepalived does).
  bool unicast_require_ttl_255 = false;
  std::optional<ip_address> unicast_source;
  std::optional<ip_address> mcast_source;
  garp_settings garp;
  std::vector<tracked_interface> track_interfaces;
  std::vector<track_script> track_scripts;
  // Added once the VIPs are (after them), removed before they go (keepalived's virtual_routes and
  // virtual_rules).
  std::vector<netif::route_spec> virtual_routes;
  std::vector<netif::rule_spec> virtual_rules;
  // use_vmac (RFC 5798 section 7.3, keepalived's keyword): the VIPs on a macvlan of `interface`
  // with the virtual router MAC, named this (default "vrrp.VRID"); unset without use_vmac.
  std::optional<std::string> vmac_interface;
  bool vmac_xmit_base = false;  // adverts from `interface`, not from the macvlan
  std::optional<std::string> sync_group;
  vrrp_notify notify;
  std::optional<std::string> auth_password;  // VRRPv2 simple password authentication

  [[nodiscard]] bool unicast() const { return !unicast_peers.empty(); }
  // Where the VIPs live: the macvlan with use_vmac. Where adverts come and go: the macvlan too,
  // unless vmac_xmit_base or unicast peers (vrrp/instance_config.hpp decides the same).
  [[nodiscard]] const std::string& vip_interface() const { return vmac_interface ? *vmac_interface : interface; }
  [[nodiscard]] const std::string& advert_interface() const {
    return vmac_interface && !vmac_xmit_base && !unicast() ? *vmac_interface : interface;
  }
};

// [[sync_group]]: the hooks of a sync group (the [[vrrp]] instances whose sync_group names it), run
// when the group as a whole changes state (lbd.conf reference, sync_group).
struct sync_group_settings {
  std::string name;
  vrrp_notify notify;
  friend bool operator==(const sync_group_settings&, const sync_group_settings&) = default;
};

// ------------------------------------------------------------------------------------- [[anycast]]
// VIPs announced over BGP by the routing daemon (active/active): on every director at once, each
// director's route announced while its services are healthy enough (Seesaw's watermarks).
struct anycast_group {
  std::string name;
  std::vector<ip_address> virtual_ips;  // host addresses, added to `interface` and announced as /32, /128
  std::string interface = "lo";
  // Per cent of the services' configured weight that must be live: announce at or above high, withdraw
  // below low; both 0: announced while any real server has live weight.
  unsigned high_watermark = 0;
  unsigned low_watermark = 0;
  friend bool operator==(const anycast_group&, const anycast_group&) = default;
};

// ----------------------------------------------------------------------------------------- checks
// A check table reads straight into the health checker's own value type. A real server has a list
// of checks and is up while every one of them is (`check` as an array of tables: several). Real
// servers whose resolved list is the same share one (a service's servers almost always do), so the
// checks' settings are held once per distinct list rather than once per server.
using check_settings = healthcheck::check_settings;
using check_params = healthcheck::check_params;
// Never empty; a single entry of type none is "no check" (the server is always up); an entry of
// type none is never one of several.
using check_list = std::vector<check_settings>;
using shared_checks = std::shared_ptr<const check_list>;

// lbd.conf's defaults of a check table: every 2s, 1s timeout, rise 2, fall 3, initially down, a
// failed probe retried after the interval, type none.
check_settings default_check();
// One shared list of default_check(): what a server's checks are before a table sets them.
const shared_checks& default_shared_checks();

// --------------------------------------------------------------------------------- virtual servers
// IPVS's own values (leaf types, src/ipvs/model.hpp): the config produces what the IPVS model holds,
// with no mapping between the two. lbd.conf accepts tcp, udp and sctp (names.hpp), never `none`.
using protocol = ipvs::protocol;
enum class scheduler { rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos };
// fullnat: IPVS masquerading (nat) plus source NAT to [ipvs] fullnat_pool4/6 through lbd's nftables
// table; a service's, never a single real server's.
enum class forwarding { nat, dr, tun, fullnat };
// nat and fullnat rewrite the destination port to the real server's; dr and tun keep the packet's.
constexpr bool translates_port(forwarding f) { return f == forwarding::nat || f == forwarding::fullnat; }
using tunnel_type = ipvs::tunnel_type;
enum class tunnel_checksum { nocsum, csum, remcsum };
using failure_action = healthcheck::failure_action;

// IPVS scheduler flags. fallback and port are the kernel's SCHED1/SCHED2 bits, named
// sh-fallback/sh-port or mh-fallback/mh-port in lbd.conf depending on the scheduler.
struct scheduler_flags {
  bool fallback = false;
  bool port = false;
  bool one_packet = false;
  friend bool operator==(const scheduler_flags&, const scheduler_flags&) = default;
};

struct tunnel_settings {
  tunnel_type type = tunnel_type::ipip;
  std::uint16_t port = 0;  // gue only
  tunnel_checksum checksum = tunnel_checksum::nocsum;
  friend bool operator==(const tunnel_settings&, const tunnel_settings&) = default;
};

struct persistence_settings {
  duration timeout = std::chrono::seconds(300);
  unsigned netmask_length = 32;  // /32 (v4) or /128 (v6) = per client address
  std::string pe;                // persistence engine, "sip" or empty
  friend bool operator==(const persistence_settings&, const persistence_settings&) = default;
};

struct quorum_settings {
  std::uint32_t min_weight = 1;
  std::uint32_t hysteresis = 0;
  argv up;
  argv down;
  friend bool operator==(const quorum_settings&, const quorum_settings&) = default;
};

// Passive outlier detection (lbd.conf(5), "Outlier detection"): a real server whose new connections
// stay unanswered (IPVS keeps them in SYN_RECV) is ejected like a failed check, for a time that
// doubles at each ejection in a row; at most max_ejection_percent of the servers at once.
struct outlier_settings {
  duration interval = std::chrono::seconds(1);
  std::uint32_t min_connections = 10;
  std::uint32_t unanswered_percent = 50;
  std::uint32_t max_ejection_percent = 10;
  duration base_ejection_time = std::chrono::seconds(5);
  duration max_ejection_time = std::chrono::hours(1);
  friend bool operator==(const outlier_settings&, const outlier_settings&) = default;
};

struct real_server_notify {
  argv up;
  argv down;
  friend bool operator==(const real_server_notify&, const real_server_notify&) = default;
};

struct real_server {
  endpoint address;  // port 0: fwmark service, same port as the packet
  std::uint32_t weight = 1;
  std::uint32_t upper_threshold = 0;  // 0 = none
  std::uint32_t lower_threshold = 0;
  forwarding method = forwarding::nat;  // resolved: the service's unless overridden
  // Resolved: the service's default list, or the server's own (a table overrides fields of the
  // service's single check; an array replaces the list); never null. Shared with the other servers
  // of the service that resolve to the same list. connect_to unset: this server's address.
  shared_checks checks = default_shared_checks();
  real_server_notify notify;
  // Resolved: the server's own agent table, else its service's; none: no agent check.
  std::optional<healthcheck::agent_settings> agent;
  // Resolved: the server's own slow_start, else its service's; zero: none (lbd.conf(5), "Slow start").
  duration slow_start{};
  // Compares the checks' settings, not where they are held.
  friend bool operator==(const real_server& a, const real_server& b);
};

struct virtual_server {
  std::string name;
  std::optional<endpoint> address;  // exactly one of address and fwmark: the first entry point
  std::optional<std::uint32_t> fwmark;
  // keepalived's virtual_server_group: the service's other entry points, of the first one's kind
  // (addresses with its port, or fwmarks of its family). Each is a service of its own in IPVS with
  // the same real servers; the checks, quorum and hooks are this service's and run once.
  std::vector<endpoint> more_addresses;
  std::vector<std::uint32_t> more_fwmarks;
  address_family family = address_family::inet;
  protocol proto = protocol::tcp;
  scheduler sched = scheduler::wlc;
  scheduler_flags flags;
  forwarding method = forwarding::nat;
  std::optional<tunnel_settings> tunnel;  // set when the service or a real server uses tun
  std::optional<persistence_settings> persistence;
  failure_action on_failure = failure_action::drain;
  std::optional<quorum_settings> quorum;
  std::optional<outlier_settings> outliers;  // off unless configured
  duration slow_start{};                     // the default for the real servers; zero: none
  std::optional<endpoint> sorry_server;
  shared_checks checks = default_shared_checks();    // the default for the real servers; never null
  std::optional<healthcheck::agent_settings> agent;  // the default for the real servers
  std::optional<std::string> vrrp;
  std::optional<std::string> anycast;  // the [[anycast]] group announcing its VIP over BGP
  std::vector<real_server> real_servers;
  friend bool operator==(const virtual_server& a, const virtual_server& b);
};

// "tcp 192.0.2.10:80", "fwmark 5 inet": each entry point of the service, the first one first.
std::vector<std::string> entry_points(const virtual_server& vs);

// -------------------------------------------------------------------------------------- the whole
struct config {
  global_settings global;
  ipvs_settings ipvs;
  std::vector<vrrp_instance> vrrp;
  std::vector<sync_group_settings> sync_groups;
  std::vector<anycast_group> anycast;
  std::vector<virtual_server> virtual_servers;

  [[nodiscard]] const vrrp_instance* find_vrrp(std::string_view name) const;
  [[nodiscard]] const virtual_server* find_virtual_server(std::string_view name) const;
};

}  // namespace lbd::config
