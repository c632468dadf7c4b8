// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The IPVS side of data-path checks (lbd.conf check.data_path): each real server with such a check
// gets a fwmark service of its own holding only that server, and its checks carry the mark, so
// that a probe sent to the VIP reaches exactly that server the way clients' traffic does. Pure:
// the marks and services follow from the config alone.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>

#include "config/model.hpp"
#include "daemon/services/overrides.hpp"
#include "healthcheck/check_spec.hpp"
#include "ipvs/desired.hpp"

namespace lbd::daemon {

using data_path_mark_map = std::map<server_ref, std::uint32_t>;

// The real servers of address services whose checks include a data-path one, with dr or tun
// forwarding (the loader refuses the others), each with its mark from cfg.ipvs.data_path. A mark
// is the first free one from a hash of (service name, server address), so it stays the same across
// reloads unless another server's hash claimed it first. Servers beyond the range get none: their
// data-path checks run as plain ones.
data_path_mark_map data_path_marks(const config::config& cfg);
// How many real servers want a mark: more than data_path_marks() gave means the range is too small.
std::size_t data_path_servers(const config::config& cfg);

// What the data-path checks of `rs` in `vs` are bound with; nullopt when the server has no mark.
std::optional<healthcheck::data_path_target> data_path_target_of(const data_path_mark_map& marks,
                                                                 const config::virtual_server& vs,
                                                                 const config::real_server& rs);

// The fwmark services of `marks` into `out` (table and ownership): one real server each, at weight
// 1 whatever its health or overrides say (its checks must still reach it to see it come back),
// round robin, no persistence, its own forwarding method. Never drained: a probe is a single
// short connection.
void add_data_path_services(const config::config& cfg, const data_path_mark_map& marks, ipvs::desired_state& out);

// Every IPVS service lbd owns for `cfg`: each virtual server's entry points and the data-path
// services of `marks` (data_path_marks(cfg)).
std::set<ipvs::service_key> owned_services(const config::config& cfg, const data_path_mark_map& marks);

}  // namespace lbd::daemon
