// SPDX-License-Identifier: GPL-2.0-or-later
// kernel_probe: asks the running kernel for its IPVS version over generic netlink, the way lbd's
// IPVS client talks to it (libnl-genl, family "IPVS", IPVS_CMD_GET_INFO). Prints
//   IPVS version 1.2.1 (size=4096)
// in the format of the first line of ipvsadm -Ln, so a guest script can compare the two, and exits
// non-zero when the family cannot be resolved (no IPVS in the kernel) or the reply is malformed.
// Built like every other test binary, so in the sanitizer build it also proves that sanitized
// binaries and their shared libraries run inside the kernel-test guest.
#include <linux/ip_vs.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>

namespace {

struct ipvs_info {
  std::uint32_t version = 0;
  std::uint32_t conn_table_size = 0;
};

struct socket_deleter {
  void operator()(nl_sock* sock) const { nl_socket_free(sock); }
};
struct message_deleter {
  void operator()(nl_msg* msg) const { nlmsg_free(msg); }
};
using socket_ptr = std::unique_ptr<nl_sock, socket_deleter>;
using message_ptr = std::unique_ptr<nl_msg, message_deleter>;

struct reply_state {
  std::optional<ipvs_info> info;
  bool malformed = false;
};

int on_info_reply(nl_msg* msg, void* arg) {
  auto* state = static_cast<reply_state*>(arg);
  std::array<nlattr*, IPVS_INFO_ATTR_MAX + 1> attrs{};
  std::array<nla_policy, IPVS_INFO_ATTR_MAX + 1> policy{};
  policy[IPVS_INFO_ATTR_VERSION].type = NLA_U32;
  policy[IPVS_INFO_ATTR_CONN_TAB_SIZE].type = NLA_U32;
  if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs.data(), IPVS_INFO_ATTR_MAX, policy.data()) < 0 ||
      attrs[IPVS_INFO_ATTR_VERSION] == nullptr || attrs[IPVS_INFO_ATTR_CONN_TAB_SIZE] == nullptr) {
    state->malformed = true;
    return NL_STOP;
  }
  state->info = ipvs_info{nla_get_u32(attrs[IPVS_INFO_ATTR_VERSION]), nla_get_u32(attrs[IPVS_INFO_ATTR_CONN_TAB_SIZE])};
  return NL_OK;
}

int fail(const char* what, int err) {
  std::fprintf(stderr, "kernel_probe: %s: %s\n", what, nl_geterror(err));
  return 1;
}

// Leaks one allocation on purpose and returns 0: in the sanitizer build, LeakSanitizer must turn
// that into a failure inside the guest, which shows that sanitizer reports there are not lost.
int leak_on_purpose() {
  const auto* leaked = new std::array<char, 64>{};
  std::printf("leaked 64 bytes at %p on purpose\n", static_cast<const void*>(leaked));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view{argv[1]} == "--leak-on-purpose") return leak_on_purpose();
  const socket_ptr sock{nl_socket_alloc()};
  if (!sock) {
    std::fprintf(stderr, "kernel_probe: nl_socket_alloc failed\n");
    return 1;
  }
  if (const int err = genl_connect(sock.get()); err < 0) return fail("genl_connect", err);
  const int family = genl_ctrl_resolve(sock.get(), IPVS_GENL_NAME);
  if (family < 0) return fail("resolving generic netlink family " IPVS_GENL_NAME, family);

  const message_ptr msg{nlmsg_alloc()};
  if (!msg || genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, IPVS_CMD_GET_INFO, IPVS_GENL_VERSION) ==
                  nullptr) {
    std::fprintf(stderr, "kernel_probe: cannot build the GET_INFO request\n");
    return 1;
  }
  reply_state state;
  if (const int err = nl_socket_modify_cb(sock.get(), NL_CB_VALID, NL_CB_CUSTOM, on_info_reply, &state); err < 0) {
    return fail("nl_socket_modify_cb", err);
  }
  if (const int err = nl_send_auto(sock.get(), msg.get()); err < 0) return fail("sending GET_INFO", err);
  if (const int err = nl_recvmsgs_default(sock.get()); err < 0) return fail("receiving the GET_INFO reply", err);
  if (state.malformed || !state.info) {
    std::fprintf(stderr, "kernel_probe: GET_INFO reply without version or table size\n");
    return 1;
  }
  const std::uint32_t version = state.info->version;
  std::printf("IPVS family id %d\n", family);
  std::printf("IP Virtual Server version %u.%u.%u (size=%u)\n", (version >> 16) & 0xffU, (version >> 8) & 0xffU,
              version & 0xffU, state.info->conn_table_size);
  return 0;
}
