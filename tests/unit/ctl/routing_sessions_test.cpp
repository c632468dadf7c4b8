// SPDX-License-Identifier: GPL-2.0-or-later
// `lbctl anycast`'s routing daemon part: the parsers fed with what the real programs printed, and
// which daemon lbctl asks. The data files were captured from Debian 12's BIRD 2.0.12 and FRR 8.4.4
// in network namespaces set up as tests/netns/anycast does: the director's daemon with a session
// Established to the upstream BIRD, one to an address nobody holds (10.99.0.253) and one shut down
// (BIRD `disabled`, FRR `neighbor ... shutdown`).
//   birdc -r -s SOCKET show protocols   > birdc-show-protocols.txt (-starting: right after start)
//   vtysh -c 'show bgp summary json'    > vtysh-show-bgp-summary.json (-no-router: no `router bgp`)
#include <gtest/gtest.h>

#include <set>

#include "common/text_file.hpp"
#include "ctl/routing_sessions.hpp"
#include "ctl/view/views.hpp"

namespace lbd::ctl::routing {
namespace {

std::string data(const std::string& name) {
  return read_text_file(std::string(LBD_CTL_TEST_DATA) + "/" + name).value();
}

TEST(ctl_routing_sessions, BirdKeepsItsBgpProtocols) {
  const auto text = data("birdc-show-protocols.txt");
  const auto sessions = parse_bird_protocols(text);
  ASSERT_TRUE(sessions) << sessions.error();
  const std::vector<bgp_session> expected{
      {"upstream", "Established", "05:41:28.498", ""},
      {"upstream6", "Established", "05:41:28.335", ""},
      // A name wider than BIRD's column shifts the rest of its line.
      {"backup_router", "Connect", "05:41:27.567", "Socket: No route to host"},
      {"spare", "down", "05:41:27.567", ""},  // disabled: no BGP state
  };
  EXPECT_EQ(*sessions, expected);
  EXPECT_EQ(bird_version(text), "2.0.12");
}

TEST(ctl_routing_sessions, BirdRightAfterStart) {
  const auto sessions = parse_bird_protocols(data("birdc-show-protocols-starting.txt"));
  ASSERT_TRUE(sessions) << sessions.error();
  ASSERT_EQ(sessions->size(), 4U);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ((*sessions)[i].state, "Active") << (*sessions)[i].name;
  EXPECT_EQ((*sessions)[3], (bgp_session{"spare", "down", "05:41:27.567", ""}));
}

TEST(ctl_routing_sessions, BirdSinceMayHoldASpace) {
  // `timeformat protocol iso long`: the date and the time, then BIRD's two blanks before Info.
  const auto sessions = parse_bird_protocols(
      "BIRD 2.0.12 ready.\n"
      "Name       Proto      Table      State  Since         Info\n"
      "upstream   BGP        ---        start  2026-12-07 05:12:01  Active        Socket: Connection refused\n");
  ASSERT_TRUE(sessions) << sessions.error();
  EXPECT_EQ(*sessions,
            (std::vector<bgp_session>{{"upstream", "Active", "2026-12-07 05:12:01", "Socket: Connection refused"}}));
}

TEST(ctl_routing_sessions, BirdOutputWithoutTheTableIsAnError) {
  EXPECT_FALSE(parse_bird_protocols(""));
  EXPECT_FALSE(parse_bird_protocols("BIRD 2.0.12 ready.\nAccess restricted\n"));
  EXPECT_EQ(bird_version("Access restricted\n"), "");
  // Only the BGP rows count: no session is not an error.
  const auto none = parse_bird_protocols(
      "Name       Proto      Table      State  Since         Info\n"
      "device1    Device     ---        up     05:41:27.567  \n");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(ctl_routing_sessions, FrrListsEachPeerOnceWithItsFamilies) {
  const auto sessions = parse_frr_bgp_summary(nlohmann::json::parse(data("vtysh-show-bgp-summary.json")));
  ASSERT_TRUE(sessions) << sessions.error();
  const std::vector<bgp_session> expected{
      {"10.99.0.252", "Idle (Admin)", "never", "ipv4: 0 received, 0 sent"},
      // Activated in both families: one row.
      {"10.99.0.253", "Active", "never", "ipv4: 0 received, 0 sent; ipv6: 0 received, 0 sent"},
      {"10.99.0.254", "Established", "00:00:04", "ipv4: 0 received, 1 sent"},
      {"fd99::254", "Established", "00:00:04", "ipv6: 0 received, 1 sent"},
  };
  EXPECT_EQ(*sessions, expected);
}

TEST(ctl_routing_sessions, FrrWithoutBgpInstanceHasNoSessions) {
  const auto sessions = parse_frr_bgp_summary(nlohmann::json::parse(data("vtysh-show-bgp-summary-no-router.json")));
  ASSERT_TRUE(sessions) << sessions.error();
  EXPECT_TRUE(sessions->empty());
  EXPECT_FALSE(parse_frr_bgp_summary(nlohmann::json::array()));
  EXPECT_FALSE(parse_frr_bgp_summary(nlohmann::json::parse(R"({"ipv4Unicast":{"peers":{"10.0.0.1":7}}})")));
}

TEST(ctl_routing_sessions, BirdFirstThenFrrWhenTheirSocketsExist) {
  const daemon_paths paths;
  auto with = [&](std::set<std::string> present) {
    return pick(paths, [present = std::move(present)](const std::string& p) { return present.count(p) > 0; });
  };
  const auto all = std::set<std::string>{paths.birdc, paths.bird_socket, paths.vtysh, paths.bgpd_vty};
  EXPECT_EQ(with(all), daemon_kind::bird);
  EXPECT_EQ(with({paths.birdc, paths.vtysh, paths.bgpd_vty}), daemon_kind::frr);  // BIRD installed, not running
  EXPECT_EQ(with({paths.bird_socket, paths.vtysh}), daemon_kind::none);           // no birdc; no bgpd
  EXPECT_EQ(with({}), daemon_kind::none);
}

TEST(ctl_routing_sessions, RenderedBelowTheGroups) {
  report r;
  r.daemon = daemon_kind::bird;
  r.version = "2.0.12";
  r.sessions = parse_bird_protocols(data("birdc-show-protocols.txt")).value();
  EXPECT_EQ(view::routing_daemon(r),
            "Routing daemon (BIRD 2.0.12, birdc):\n"
            "  SESSION        STATE        SINCE         INFO\n"
            "  upstream       Established  05:41:28.498\n"
            "  upstream6      Established  05:41:28.335\n"
            "  backup_router  Connect      05:41:27.567  Socket: No route to host\n"
            "  spare          down         05:41:27.567\n");
  r.sessions.clear();
  EXPECT_EQ(view::routing_daemon(r), "Routing daemon (BIRD 2.0.12, birdc): no BGP sessions\n");
  r.version.clear();
  r.error = "/usr/sbin/birdc: timed out, process group killed";
  EXPECT_EQ(view::routing_daemon(r),
            "Routing daemon (BIRD, birdc): sessions not read: /usr/sbin/birdc: timed out, process group killed\n");
  r = {};
  r.daemon = daemon_kind::frr;
  r.sessions = parse_frr_bgp_summary(nlohmann::json::parse(data("vtysh-show-bgp-summary.json"))).value();
  EXPECT_EQ(view::routing_daemon(r),
            "Routing daemon (FRR, vtysh):\n"
            "  SESSION      STATE         SINCE     INFO\n"
            "  10.99.0.252  Idle (Admin)  never     ipv4: 0 received, 0 sent\n"
            "  10.99.0.253  Active        never     ipv4: 0 received, 0 sent; ipv6: 0 received, 0 sent\n"
            "  10.99.0.254  Established   00:00:04  ipv4: 0 received, 1 sent\n"
            "  fd99::254    Established   00:00:04  ipv6: 0 received, 1 sent\n");
  r = {};
  r.bird_socket = "/run/bird/bird.ctl";
  EXPECT_EQ(view::routing_daemon(r),
            "Routing daemon: none found (birdc with /run/bird/bird.ctl, or vtysh with bgpd)\n");
}

}  // namespace
}  // namespace lbd::ctl::routing
