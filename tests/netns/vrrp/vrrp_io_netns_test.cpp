// SPDX-License-Identifier: GPL-2.0-or-later
// The VRRP I/O adapters against the real kernel (fixture: vrrp_io_fixture.hpp).
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>

#include <optional>

#include "vrrp/io/address_manager.hpp"
#include "vrrp/io/vrrp_socket.hpp"
#include "vrrp/packet.hpp"
#include "vrrp_io_fixture.hpp"

namespace lbd::vrrp::io {
namespace {

using namespace test;

TEST_F(vrrp_io_netns, AddressManagerAddsAndRemovesVipsIdempotently) {
  auto m = address_manager::open();
  ASSERT_TRUE(m) << m.error();
  const unsigned idx = ::if_nametoindex(a_.c_str());
  const prefix v4{ip::make_address("192.0.2.10"), 24};
  const prefix v6{ip::make_address("2001:db8::10"), 64};
  ASSERT_TRUE((*m)->add(idx, v4, a_ + ":vip")) << "add v4";
  ASSERT_TRUE((*m)->add(idx, v6));
  EXPECT_TRUE((*m)->add(idx, v4));  // already there: fine
  auto shown = addresses(a_);
  EXPECT_NE(shown.find("inet 192.0.2.10/24"), std::string::npos) << shown;
  EXPECT_NE(shown.find(a_ + ":vip"), std::string::npos) << shown;
  EXPECT_NE(shown.find("inet6 2001:db8::10/64"), std::string::npos) << shown;
  const auto v6_line = shown.substr(shown.find("2001:db8::10"));
  EXPECT_EQ(v6_line.substr(0, v6_line.find('\n')).find("tentative"), std::string::npos)
      << "IPv6 VIP must skip DAD: " << shown;
  ASSERT_TRUE((*m)->remove(idx, v4));
  ASSERT_TRUE((*m)->remove(idx, v6));
  EXPECT_TRUE((*m)->remove(idx, v4));  // already gone: fine
  shown = addresses(a_);
  EXPECT_EQ(shown.find("192.0.2.10"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("2001:db8::10"), std::string::npos) << shown;
  EXPECT_FALSE((*m)->add(9999, v4));  // no such interface: an error value
}

void exchange(boost::asio::io_context& io, const std::string& a, const std::string& b, const ip_address& src,
              const ip_address& dst_src, bool multicast, version v,
              const std::function<bool(std::function<bool()>)>& wait) {
  auto tx = vrrp_socket::open(io, socket_config{a, src, multicast});
  ASSERT_TRUE(tx) << tx.error();
  auto rx = vrrp_socket::open(io, socket_config{b, dst_src, multicast});
  ASSERT_TRUE(rx) << rx.error();
  std::optional<advert> got;
  std::optional<received> meta;
  rx_expect expect;
  expect.version = v;
  expect.family = family_of(src);
  expect.vrids.set(77);
  std::string error;
  (*rx)->start(
      [&](const received& r) {
        rx_meta m{r.ttl, r.source, r.destination, (*rx)->ifindex(), b, expect};
        auto p = parse(r.payload, m);
        if (p) {
          got = *p;
          meta = r;
        } else {
          error = std::string(to_string(p.error()));
        }
      },
      [&](rx_drop d) { error = std::string(to_string(d)); },
      [&](boost::system::error_code ec) { error = ec.message(); });
  advert out;
  out.version = v;
  out.vrid = 77;
  out.priority = 150;
  out.max_advert_interval = v == version::v3 ? centiseconds(10) : centiseconds(100);
  out.addresses = {src.is_v4() ? ip::make_address("192.0.2.10") : ip::make_address("2001:db8::10")};
  const ip_address dst = multicast ? (*tx)->group() : dst_src;
  // A veth that just came up may drop the first frames (its qdisc is attached a moment later by
  // the kernel's link watch), so send until one arrives.
  int sent = 0;
  boost::system::error_code send_error;
  ASSERT_TRUE(wait([&] {
    if (got.has_value() || !error.empty()) return true;
    if (auto ec = (*tx)->send(build(out, src, dst), dst)) send_error = ec;
    ++sent;
    return false;
  })) << "no advert received after "
      << sent << " sends; last send error: " << send_error.message();
  ::testing::Test::RecordProperty("sends", sent);
  ASSERT_TRUE(got) << error;
  EXPECT_EQ(*got, out);
  EXPECT_EQ(meta->ttl, 255);
  EXPECT_EQ(meta->source, src);
  EXPECT_EQ(meta->destination, dst);
}

TEST_F(vrrp_io_netns, V3MulticastIpv4AdvertCrossesTheLink) {
  exchange(io_, a_, b_, ip::make_address("10.99.0.1"), ip::make_address("10.99.0.2"), true, version::v3,
           [this](const std::function<bool()>& f) { return run_until(f); });
}

TEST_F(vrrp_io_netns, V2UnicastIpv4AdvertCrossesTheLink) {
  exchange(io_, a_, b_, ip::make_address("10.99.0.1"), ip::make_address("10.99.0.2"), false, version::v2,
           [this](const std::function<bool()>& f) { return run_until(f); });
}

TEST_F(vrrp_io_netns, V3MulticastIpv6AdvertCrossesTheLink) {
  exchange(io_, a_, b_, ip::make_address("fe80::a"), ip::make_address("fe80::b"), true, version::v3,
           [this](const std::function<bool()>& f) { return run_until(f); });
}

TEST_F(vrrp_io_netns, LinkMonitorReportsCarrierLoss) {
  std::vector<link_event> seen;
  auto mon = link_monitor::open(
      io_, [&](const link_event& e) { seen.push_back(e); }, nullptr);
  ASSERT_TRUE(mon) << mon.error();
  EXPECT_EQ(link_is_up(a_), std::optional<bool>(true));
  ASSERT_NO_FATAL_FAILURE(must("ip link set " + b_ + " down"));  // a loses its carrier
  auto a_down = [&] {
    for (const auto& e : seen) {
      if (e.name == a_ && !e.up) return true;
    }
    return false;
  };
  EXPECT_TRUE(run_until(a_down));
  EXPECT_EQ(link_is_up(a_), std::optional<bool>(false));
  EXPECT_EQ(link_is_up("nonexistent0"), std::nullopt);
}

// Counts gratuitous ARPs for 10.99.0.100 arriving on `dev`.
class arp_watch {
 public:
  arp_watch(boost::asio::io_context& io, const std::string& dev) : sock_(io) {
    const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ARP));
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_ARP);
    ll.sll_ifindex = static_cast<int>(::if_nametoindex(dev.c_str()));
    ok_ = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof(ll)) == 0;
    if (fd >= 0) sock_.assign(fd);
    wait();
  }
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] int count() const { return count_; }

 private:
  void wait() {
    sock_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](boost::system::error_code ec) {
      if (ec) return;
      std::array<unsigned char, 128> b{};
      ssize_t n = 0;
      while ((n = ::recv(sock_.native_handle(), b.data(), b.size(), MSG_DONTWAIT)) > 0) {
        // ARP payload: sender IP at 14, target IP at 24 (no Ethernet header on a packet socket? yes:
        // SOCK_RAW keeps it, so offsets are 14 + 14 and 14 + 24).
        if (n >= 42 && std::memcmp(&b[28], "\x0a\x63\x00\x64", 4) == 0 && std::memcmp(&b[38], &b[28], 4) == 0) {
          ++count_;
        }
      }
      wait();
    });
  }
  boost::asio::posix::stream_descriptor sock_;
  bool ok_ = false;
  int count_ = 0;
};

TEST_F(vrrp_io_netns, TwoRunnersElectOneMasterAndFailOver) {
  metrics::registry reg_a;
  metrics::registry reg_b;
  auto ra = instance_runner::open(io_, runner_config(a_, "10.99.0.1", 150), reg_a, {});
  ASSERT_TRUE(ra) << ra.error();
  auto rb = instance_runner::open(io_, runner_config(b_, "10.99.0.2", 100), reg_b, {});
  ASSERT_TRUE(rb) << rb.error();
  arp_watch arp_on_b(io_, b_);
  ASSERT_TRUE(arp_on_b.ok());
  (*rb)->start();
  (*ra)->start();
  auto a_master = [&] { return (*ra)->fsm().current_state() == state::master; };
  ASSERT_TRUE(run_until(a_master, 3s));
  EXPECT_EQ((*rb)->fsm().current_state(), state::backup);
  EXPECT_NE(addresses(a_).find("10.99.0.100/24"), std::string::npos);
  EXPECT_EQ(addresses(b_).find("10.99.0.100"), std::string::npos);
  // Stable: a few hundred milliseconds later still one master, adverts flowing, nothing dropped.
  run_until([] { return false; }, 500ms);
  EXPECT_EQ((*rb)->fsm().current_state(), state::backup);
  EXPECT_GE(reg_b.value("lbd_vrrp_adverts_received_total", {{"vrrp_instance", "web"}}), 3);
  EXPECT_TRUE(run_until([&] { return arp_on_b.count() >= 2; }, 2s)) << "GARPs seen: " << arp_on_b.count();

  // Graceful stop of the master: priority 0, the backup takes over after Skew_Time (~61 ms).
  const auto stop = std::chrono::steady_clock::now();
  (*ra)->stop();
  EXPECT_EQ(addresses(a_).find("10.99.0.100"), std::string::npos);
  auto b_master = [&] { return (*rb)->fsm().current_state() == state::master; };
  ASSERT_TRUE(run_until(b_master, 2s));
  const auto took = std::chrono::steady_clock::now() - stop;
  EXPECT_LT(took, 300ms) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_NE(addresses(b_).find("10.99.0.100/24"), std::string::npos);
  EXPECT_EQ(reg_b.value("lbd_vrrp_rx_dropped_total", {{"vrrp_instance", "web"}, {"reason", "bad_checksum"}}), 0);
  (*rb)->stop();
  EXPECT_EQ(addresses(b_).find("10.99.0.100"), std::string::npos);
}

TEST_F(vrrp_io_netns, SplitBrainHealsToOneMasterWithinOneAdvertInterval) {
  metrics::registry reg_a;
  metrics::registry reg_b;
  auto ra = instance_runner::open(io_, runner_config(a_, "10.99.0.1", 150), reg_a, {});
  ASSERT_TRUE(ra) << ra.error();
  auto rb = instance_runner::open(io_, runner_config(b_, "10.99.0.2", 100), reg_b, {});
  ASSERT_TRUE(rb) << rb.error();
  (*ra)->start();
  (*rb)->start();
  auto a_state = [&] { return (*ra)->fsm().current_state(); };
  auto b_state = [&] { return (*rb)->fsm().current_state(); };
  ASSERT_TRUE(run_until([&] { return a_state() == state::master && b_state() == state::backup; }, 5s));

  // Partition without touching link state (which tracking would turn into FAULT): a FIFO of
  // length 0 on each end's egress drops every frame (this kernel has no netem or tc drop action).
  ASSERT_NO_FATAL_FAILURE(must("tc qdisc add dev " + a_ + " root pfifo limit 0"));
  ASSERT_NO_FATAL_FAILURE(must("tc qdisc add dev " + b_ + " root pfifo limit 0"));
  ASSERT_TRUE(run_until([&] { return b_state() == state::master; }, 3s)) << "no split brain";
  EXPECT_EQ(a_state(), state::master);
  EXPECT_NE(addresses(b_).find("10.99.0.100/24"), std::string::npos);
  const double garps_before = reg_a.value("lbd_vrrp_garp_sent_total", {{"vrrp_instance", "web"}});

  ASSERT_NO_FATAL_FAILURE(must("tc qdisc del dev " + a_ + " root"));
  ASSERT_NO_FATAL_FAILURE(must("tc qdisc del dev " + b_ + " root"));
  const auto heal = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return b_state() == state::backup; }, 2s));
  const auto took = std::chrono::steady_clock::now() - heal;
  // One advert interval (100 ms) plus scheduling slack on a loaded machine.
  EXPECT_LT(took, 250ms) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_EQ(a_state(), state::master);
  EXPECT_EQ(addresses(b_).find("10.99.0.100"), std::string::npos);
  // The survivor repeats its gratuitous ARPs once the conflict is over (2 frames per burst).
  EXPECT_TRUE(run_until(
      [&] {
        return reg_a.value("lbd_vrrp_garp_sent_total", {{"vrrp_instance", "web"}}) >= garps_before + 2;
      },
      2s));
  EXPECT_GE(reg_a.value("lbd_vrrp_master_conflicts_total", {{"vrrp_instance", "web"}}), 1);
  run_until([] { return false; }, 500ms);
  EXPECT_EQ(a_state(), state::master);
  EXPECT_EQ(b_state(), state::backup);
  ::testing::Test::RecordProperty(
      "heal_ms", static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  (*ra)->stop();
  (*rb)->stop();
}

TEST_F(vrrp_io_netns, MasterRepeatsItsGarpBurstOnceAfterTheMasterDelay) {
  metrics::registry reg;
  auto c = runner_config(a_, "10.99.0.1", 150);
  c.garp.repeat = 2;
  c.garp.second_burst = 400ms;
  auto r = instance_runner::open(io_, c, reg, {});
  ASSERT_TRUE(r) << r.error();
  (*r)->start();
  auto garps = [&] { return reg.value("lbd_vrrp_garp_sent_total", {{"vrrp_instance", "web"}}); };
  ASSERT_TRUE(run_until([&] { return garps() >= 2; }, 3s));
  const auto first = std::chrono::steady_clock::now();
  EXPECT_EQ(garps(), 2);
  ASSERT_TRUE(run_until([&] { return garps() >= 4; }, 3s));
  // A timer never fires early; the first burst was seen within one 5 ms poll of its end.
  EXPECT_GE(std::chrono::steady_clock::now() - first, 390ms);
  // Once only: refresh is off.
  run_until([] { return false; }, 600ms);
  EXPECT_EQ(garps(), 4);
  (*r)->stop();
}

TEST_F(vrrp_io_netns, CarrierLossPutsRunnerInFaultAndBack) {
  metrics::registry reg;
  auto c = runner_config(a_, "10.99.0.1", 150);
  c.track_scripts = {{"chk", -100, 1, 2, true}};
  auto r = instance_runner::open(io_, c, reg, {});
  ASSERT_TRUE(r) << r.error();
  (*r)->start();
  auto st = [&] { return (*r)->fsm().current_state(); };
  ASSERT_TRUE(run_until([&] { return st() == state::master; }, 3s));
  ASSERT_TRUE(run_until([&] { return addresses(a_).find("10.99.0.100/24") != std::string::npos; }, 1s));

  ASSERT_NO_FATAL_FAILURE(must("ip link set " + b_ + " down"));  // a_ loses carrier
  ASSERT_TRUE(run_until([&] { return st() == state::fault; }, 3s));
  EXPECT_EQ(addresses(a_).find("10.99.0.100"), std::string::npos);
  ASSERT_NO_FATAL_FAILURE(must("ip link set " + b_ + " up"));
  ASSERT_TRUE(run_until([&] { return st() == state::master; }, 5s));
  EXPECT_EQ(reg.value("lbd_vrrp_transitions_total", {{"vrrp_instance", "web"}, {"from", "fault"}, {"to", "backup"}}),
            1);

  // A track script with fall 2 and weight -100: the priority drops after the second failure.
  (*r)->script_result("chk", false);
  EXPECT_EQ((*r)->fsm().priority(), 150);
  (*r)->script_result("chk", false);
  EXPECT_EQ((*r)->fsm().priority(), 50);
  (*r)->stop();
}

}  // namespace
}  // namespace lbd::vrrp::io
