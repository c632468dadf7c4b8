// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// IPVS generic-netlink messages as bytes: requests are built (with libnl) and appended to a batch
// buffer; replies are decoded from their attributes into the model. No sockets here, so every
// encoding can be checked by a unit test that parses it back.
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ipvs/model.hpp"
#include "ipvs/plan.hpp"

struct nlattr;
struct nlmsghdr;

namespace lbd::ipvs::netlink {

using bytes = std::vector<std::uint8_t>;

// Appends one request for `o` (NEW/SET/DEL_SERVICE or _DEST) with NLM_F_ACK and sequence `seq`.
void append_op(bytes& out, const op& o, std::uint16_t family, std::uint32_t seq);

bytes get_family_request(const std::string& name, std::uint32_t seq);                      // CTRL_CMD_GETFAMILY
bytes get_services_request(std::uint16_t family, std::uint32_t seq);                       // dump
bytes get_service_request(const service_key& k, std::uint16_t family, std::uint32_t seq);  // one
bytes get_dests_request(const service_key& k, std::uint16_t family, std::uint32_t seq);    // dump
bytes get_info_request(std::uint16_t family, std::uint32_t seq);
bytes get_config_request(std::uint16_t family, std::uint32_t seq);
bytes set_config_request(const timeouts& t, std::uint16_t family, std::uint32_t seq);
bytes get_daemons_request(std::uint16_t family, std::uint32_t seq);  // dump
bytes new_daemon_request(const sync_daemon& d, std::uint16_t family, std::uint32_t seq);
bytes del_daemon_request(daemon_state s, std::uint16_t family, std::uint32_t seq);

// Decoders take one whole generic-netlink message (header included) as the kernel sent it.
result<std::uint16_t, std::string> decode_family_id(nlmsghdr* msg);
result<std::pair<service_key, service>, std::string> decode_service(nlmsghdr* msg);
// `svc_family`: the service's family, the default when the kernel gives no IPVS_DEST_ATTR_ADDR_FAMILY.
result<std::pair<dest_key, dest>, std::string> decode_dest(nlmsghdr* msg, address_family svc_family);
result<info, std::string> decode_info(nlmsghdr* msg);
result<timeouts, std::string> decode_config(nlmsghdr* msg);
result<sync_daemon, std::string> decode_daemon(nlmsghdr* msg);

// Nested-attribute decoders, shared with the message decoders and the fuzz target.
result<std::pair<service_key, service>, std::string> decode_service_attrs(nlattr* nested);
result<std::pair<dest_key, dest>, std::string> decode_dest_attrs(nlattr* nested, address_family svc_family);

}  // namespace lbd::ipvs::netlink
