// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The lbd.conf spelling of every enumerated value, one table per enum, used by the reader, the JSON
// printer and the diff so the three can never disagree.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "config/model.hpp"

namespace lbd::config {

// A check's lbd.conf type; the settings hold it as the kind of their parameters.
enum class check_type { none, tcp, http, https, script, udp, dns };
check_type type_of(const check_params& p);
inline check_type type_of(const check_settings& c) { return type_of(c.params); }

template <typename E>
struct named {
  E value;
  std::string_view name;
};

inline constexpr std::array<named<address_family>, 2> family_names{
    {{address_family::inet, "inet"}, {address_family::inet6, "inet6"}}};
inline constexpr std::array<named<notify_arguments>, 2> notify_arguments_names{
    {{notify_arguments::lbd, "lbd"}, {notify_arguments::keepalived, "keepalived"}}};
// `none` is no spelling: a check without dynamic_weight has none.
inline constexpr std::array<named<healthcheck::weight_source>, 2> weight_source_names{
    {{healthcheck::weight_source::stdout_line, "stdout"}, {healthcheck::weight_source::exit_code, "exit_code"}}};
inline constexpr std::array<named<exit_policy>, 2> exit_policy_names{
    {{exit_policy::keep, "keep"}, {exit_policy::remove, "remove"}}};
inline constexpr std::array<named<log::level>, 5> log_level_names{{{log::level::debug, "debug"},
                                                                   {log::level::info, "info"},
                                                                   {log::level::notice, "notice"},
                                                                   {log::level::warning, "warning"},
                                                                   {log::level::err, "error"}}};
inline constexpr std::array<named<check_type>, 7> check_type_names{{{check_type::none, "none"},
                                                                    {check_type::tcp, "tcp"},
                                                                    {check_type::http, "http"},
                                                                    {check_type::https, "https"},
                                                                    {check_type::script, "script"},
                                                                    {check_type::udp, "udp"},
                                                                    {check_type::dns, "dns"}}};
inline constexpr std::array<named<protocol>, 3> protocol_names{
    {{protocol::tcp, "tcp"}, {protocol::udp, "udp"}, {protocol::sctp, "sctp"}}};
inline constexpr std::array<named<scheduler>, 14> scheduler_names{{{scheduler::rr, "rr"},
                                                                   {scheduler::wrr, "wrr"},
                                                                   {scheduler::lc, "lc"},
                                                                   {scheduler::wlc, "wlc"},
                                                                   {scheduler::lblc, "lblc"},
                                                                   {scheduler::lblcr, "lblcr"},
                                                                   {scheduler::dh, "dh"},
                                                                   {scheduler::sh, "sh"},
                                                                   {scheduler::sed, "sed"},
                                                                   {scheduler::nq, "nq"},
                                                                   {scheduler::fo, "fo"},
                                                                   {scheduler::ovf, "ovf"},
                                                                   {scheduler::mh, "mh"},
                                                                   {scheduler::twos, "twos"}}};
inline constexpr std::array<named<forwarding>, 4> forwarding_names{
    {{forwarding::nat, "nat"}, {forwarding::dr, "dr"}, {forwarding::tun, "tun"}, {forwarding::fullnat, "fullnat"}}};
inline constexpr std::array<named<tunnel_type>, 3> tunnel_type_names{
    {{tunnel_type::ipip, "ipip"}, {tunnel_type::gue, "gue"}, {tunnel_type::gre, "gre"}}};
inline constexpr std::array<named<tunnel_checksum>, 3> tunnel_checksum_names{
    {{tunnel_checksum::nocsum, "nocsum"}, {tunnel_checksum::csum, "csum"}, {tunnel_checksum::remcsum, "remcsum"}}};
inline constexpr std::array<named<failure_action>, 3> failure_action_names{
    {{failure_action::drain, "drain"}, {failure_action::remove, "remove"}, {failure_action::inhibit, "inhibit"}}};
inline constexpr std::array<named<healthcheck::agent_unreachable>, 3> agent_unreachable_names{
    {{healthcheck::agent_unreachable::checks_only, "checks"},
     {healthcheck::agent_unreachable::keep_last, "keep"},
     {healthcheck::agent_unreachable::down, "down"}}};

template <typename E, std::size_t N>
constexpr std::string_view name_of(const std::array<named<E>, N>& table, E value) {
  for (const auto& n : table) {
    if (n.value == value) return n.name;
  }
  return "?";
}

template <typename E, std::size_t N>
constexpr std::optional<E> value_of(const std::array<named<E>, N>& table, std::string_view name) {
  for (const auto& n : table) {
    if (n.name == name) return n.value;
  }
  return std::nullopt;
}

inline std::string_view to_string(address_family v) { return name_of(family_names, v); }
inline std::string_view to_string(exit_policy v) { return name_of(exit_policy_names, v); }
inline std::string_view to_string(check_type v) { return name_of(check_type_names, v); }
// protocol and tunnel_type are IPVS's: ipvs::to_string names them as lbd.conf does.
inline std::string_view to_string(scheduler v) { return name_of(scheduler_names, v); }
inline std::string_view to_string(forwarding v) { return name_of(forwarding_names, v); }
inline std::string_view to_string(tunnel_checksum v) { return name_of(tunnel_checksum_names, v); }
inline std::string_view to_string(failure_action v) { return name_of(failure_action_names, v); }
inline std::string_view to_string(healthcheck::agent_unreachable v) { return name_of(agent_unreachable_names, v); }

inline address_family family_of(const ip_address& a) {
  return a.is_v4() ? address_family::inet : address_family::inet6;
}

}  // namespace lbd::config
