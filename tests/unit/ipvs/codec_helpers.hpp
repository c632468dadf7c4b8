// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The codec tests' tools: a request parsed back with libnl into its attributes, and one operation
// encoded as the reconciler sends it.
#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <array>
#include <memory>
#include <string>

#include "ipvs/netlink/codec.hpp"

namespace lbd::ipvs::netlink::test {

constexpr std::uint16_t fam = 0x23;

// One parsed request: header fields plus top-level and nested attributes.
struct parsed {
  bytes raw;
  nlmsghdr* hdr = nullptr;
  genlmsghdr* genl = nullptr;
  std::array<nlattr*, IPVS_CMD_ATTR_MAX + 1> cmd{};
  std::array<nlattr*, IPVS_SVC_ATTR_MAX + 1> svc{};
  std::array<nlattr*, IPVS_DEST_ATTR_MAX + 1> dst{};
  std::array<nlattr*, IPVS_DAEMON_ATTR_MAX + 1> dmn{};
};

inline std::unique_ptr<parsed> parse(bytes b) {
  auto p = std::make_unique<parsed>();
  p->raw = std::move(b);
  p->hdr = reinterpret_cast<nlmsghdr*>(p->raw.data());
  EXPECT_EQ(p->hdr->nlmsg_len, p->raw.size());
  p->genl = static_cast<genlmsghdr*>(nlmsg_data(p->hdr));
  EXPECT_EQ(genlmsg_parse(p->hdr, 0, p->cmd.data(), IPVS_CMD_ATTR_MAX, nullptr), 0);
  if (p->cmd[IPVS_CMD_ATTR_SERVICE] != nullptr) {
    EXPECT_EQ(nla_parse_nested(p->svc.data(), IPVS_SVC_ATTR_MAX, p->cmd[IPVS_CMD_ATTR_SERVICE], nullptr), 0);
  }
  if (p->cmd[IPVS_CMD_ATTR_DEST] != nullptr) {
    EXPECT_EQ(nla_parse_nested(p->dst.data(), IPVS_DEST_ATTR_MAX, p->cmd[IPVS_CMD_ATTR_DEST], nullptr), 0);
  }
  if (p->cmd[IPVS_CMD_ATTR_DAEMON] != nullptr) {
    EXPECT_EQ(nla_parse_nested(p->dmn.data(), IPVS_DAEMON_ATTR_MAX, p->cmd[IPVS_CMD_ATTR_DAEMON], nullptr), 0);
  }
  return p;
}

inline bytes one(const op& o, std::uint32_t seq = 77) {
  bytes b;
  append_op(b, o, fam, seq);
  return b;
}

inline std::string str(const nlattr* a) { return static_cast<const char*>(nla_data(a)); }

}  // namespace lbd::ipvs::netlink::test
