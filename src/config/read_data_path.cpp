// SPDX-License-Identifier: GPL-2.0-or-later
// Whether a real server can carry its data-path checks (check.data_path): the check is sent to the
// service's address and steered to the server by IPVS, which only a dr or tun server answers as
// clients are answered (a nat server never holds the VIP, and its plain check already goes where
// traffic goes), and only a service with an address has one to send it to.
#include <fmt/format.h>

#include <algorithm>

#include "config/sections.hpp"

namespace lbd::config::detail {
namespace {

// The `data_path = true` of a check node (a table, or one of an array of tables) and its path;
// nullptr when the node sets none.
const toml::node* data_path_key(const toml::node* check, const std::string& path, std::string& where) {
  if (check == nullptr) return nullptr;
  auto in_table = [](const toml::node& n) -> const toml::node* {
    const auto* t = n.as_table();
    const auto* v = t == nullptr ? nullptr : t->get("data_path");
    return v != nullptr && v->value_or(false) ? v : nullptr;
  };
  if (const auto* v = in_table(*check)) {
    where = path + ".data_path";
    return v;
  }
  if (const auto* a = check->as_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (const auto* v = in_table(*a->get(i))) {
        where = fmt::format("{}[{}].data_path", path, i);
        return v;
      }
    }
  }
  return nullptr;
}

}  // namespace

void check_data_path(const table_reader& service_table, const toml::table& server_table, const std::string& where,
                     const real_server& rs, const virtual_server& vs, bool& service_reported) {
  const auto& checks = *rs.checks;
  if (std::none_of(checks.begin(), checks.end(), [](const check_settings& c) { return c.data_path; })) return;
  std::string why;
  if (!vs.address) {
    why = "needs a service with an address, not a fwmark: the check is sent to that address";
  } else if (family_of(rs.address.address) != vs.family) {
    // The probe leaves from this host's address towards the server, which must be of the VIP's
    // family for the socket to take it.
    why = fmt::format("needs a real server of the service's family, and {} is {}", to_string(rs.address),
                      to_string(family_of(rs.address.address)));
  } else if (translates_port(rs.method)) {
    why = fmt::format(
        "needs dr or tun forwarding, and {} forwards by {}: only a dr or tun real server answers "
        "for the virtual server's address",
        to_string(rs.address), to_string(rs.method));
  } else {
    return;
  }
  const auto& values = service_table.values();
  std::string at;
  if (const auto* own = data_path_key(server_table.get("check"), where + ".check", at)) {
    values.error(*own, at, why);
    return;
  }
  // Inherited from the service: said once at the service's key, unless this server alone turned
  // to nat.
  if (const auto* f = server_table.get("forwarding"); f != nullptr && !translates_port(vs.method)) {
    values.error(*f, where + ".forwarding",
                 "nat cannot carry the service's data_path check (dr and tun only): give this server its own check");
    return;
  }
  if (service_reported) return;
  if (const auto* inherited = data_path_key(service_table.get("check"), service_table.where("check"), at)) {
    values.error(*inherited, at, why);
    service_reported = true;
  }
}

}  // namespace lbd::config::detail
