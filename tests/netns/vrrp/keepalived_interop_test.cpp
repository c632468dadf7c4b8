// lbd's VRRP runner and keepalived 2.2.7 in one VRID on the wire: each test runs in a fresh network
// namespace of its own with a veth pair, lbd on one end and keepalived on the other, and checks who
// holds the VIP, that neither side drops the other's adverts, and that failover works both ways.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "vrrp/io/instance_runner.hpp"
#include "vrrp/io/link_monitor.hpp"

namespace lbd::vrrp::io {
namespace {

using namespace std::chrono_literals;
namespace ip = boost::asio::ip;

int sh(const std::string& cmd, std::string* out = nullptr) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  std::array<char, 512> buf{};
  std::string o;
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) o += buf.data();
  if (out != nullptr) *out = o;
  return ::pclose(p);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// keepalived (VRRP only, foreground) in the current namespace, stopped by PID.
class keepalived {
 public:
  explicit keepalived(std::string base) : base_(std::move(base)) {}
  ~keepalived() {
    stop();
    for (const char* ext : {".conf", ".pid", "-vrrp.pid", "-chk.pid", ".log"}) ::unlink((base_ + ext).c_str());
  }
  keepalived(const keepalived&) = delete;
  keepalived& operator=(const keepalived&) = delete;

  // Returns an error text, empty on success.
  std::string start(const std::string& config) {
    std::ofstream(base_ + ".conf") << config;
    ::unlink((base_ + "-vrrp.pid").c_str());
    pid_ = ::fork();
    if (pid_ < 0) return std::strerror(errno);
    if (pid_ == 0) {
      const int fd = ::open((base_ + ".log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      const std::string conf = base_ + ".conf";
      const std::string pid = base_ + ".pid";
      const std::string vrrp_pid = base_ + "-vrrp.pid";
      const std::string chk_pid = base_ + "-chk.pid";
      ::execlp("keepalived", "keepalived", "-n", "-l", "-D", "-G", "-P", "-f", conf.c_str(), "-p", pid.c_str(), "-r",
               vrrp_pid.c_str(), "-c", chk_pid.c_str(), static_cast<char*>(nullptr));
      std::fprintf(stderr, "exec keepalived: %s\n", std::strerror(errno));
      ::_exit(127);
    }
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return "keepalived exited at startup (missing?): " + log();
      }
      if (!read_file(base_ + "-vrrp.pid").empty()) return {};
      ::usleep(10000);  // polling a file the child writes, with a deadline
    }
    return "keepalived did not start its VRRP process: " + log();
  }

  // Starts a graceful stop (the VRRP child sends priority 0) without waiting: keepalived takes about
  // a second to exit, and the test's own io_context must keep running meanwhile.
  void terminate() const {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
  }

  // Graceful stop and reap; SIGKILL to both processes if it hangs.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto end = std::chrono::steady_clock::now() + 5s;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > end) {
        const int child = std::atoi(read_file(base_ + "-vrrp.pid").c_str());
        if (child > 0) ::kill(child, SIGKILL);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      ::usleep(10000);
    }
    pid_ = -1;
  }

  [[nodiscard]] std::string log() const { return read_file(base_ + ".log"); }

 private:
  std::string base_;
  pid_t pid_ = -1;
};

// keepalived's log lines about packets it did not like (checksum, auth, addresses, interval, TTL).
std::string complaints(const std::string& log) {
  std::string found;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    std::string lower = line;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const char* word : {"checksum", "invalid", "mismatch", "not present", "wrong", "bad ", "ttl"}) {
      if (lower.find(word) != std::string::npos) {
        found += line + "\n";
        break;
      }
    }
  }
  return found;
}

struct mode {
  const char* name;
  version v;
  bool unicast;
  bool password;
  bool v6 = false;
};

class keepalived_interop : public ::testing::TestWithParam<mode> {
 protected:
  void SetUp() override {
    ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << "needs root: " << std::strerror(errno);
    const auto pid = std::to_string(::getpid());
    lbd_if_ = "la" + pid;
    ka_if_ = "ka" + pid;
    std::string out;
    for (const std::string& cmd : std::vector<std::string>{
             "ip link set lo up", "ip link add " + lbd_if_ + " type veth peer name " + ka_if_,
             "ip addr add 10.98.0.1/24 dev " + lbd_if_, "ip addr add 10.98.0.2/24 dev " + ka_if_,
             // Only our fixed link-local addresses: an autoconfigured one is tentative (DAD) for a
             // second, and sending from it fails with EINVAL.
             "ip link set " + lbd_if_ + " addrgenmode none", "ip link set " + ka_if_ + " addrgenmode none",
             "ip addr add fe80::98:1/64 dev " + lbd_if_ + " nodad",
             "ip addr add fe80::98:2/64 dev " + ka_if_ + " nodad", "sysctl -qw net.ipv4.conf.all.accept_local=1",
             "sysctl -qw net.ipv4.conf." + lbd_if_ + ".accept_local=1",
             "sysctl -qw net.ipv4.conf." + ka_if_ + ".accept_local=1", "sysctl -qw net.ipv4.conf.all.rp_filter=0",
             "ip link set " + lbd_if_ + " up", "ip link set " + ka_if_ + " up"}) {
      ASSERT_EQ(sh(cmd, &out), 0) << cmd << ": " << out;
    }
    ASSERT_TRUE(run_until([this] { return link_is_up(lbd_if_) == true && link_is_up(ka_if_) == true; }));
    ka_ = std::make_unique<keepalived>("/tmp/lbd-vrrp-interop-" + pid);
  }
  void TearDown() override {
    if (runner_) runner_->stop();
    ka_.reset();
  }

  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds deadline = 5s) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
      if (std::chrono::steady_clock::now() > end) return false;
      io_.restart();
      io_.run_for(5ms);
    }
    return true;
  }

  bool has_vip(const std::string& dev) {
    std::string out;
    if (sh("ip -o addr show dev " + dev, &out) != 0) ADD_FAILURE() << "ip -o addr show dev " << dev << ": " << out;
    return out.find(GetParam().v6 ? "2001:db8:98::100/64" : "10.98.0.100/24") != std::string::npos;
  }

  std::string keepalived_config(std::uint8_t priority) const {
    const mode& m = GetParam();
    std::string c = "global_defs {\n  router_id ka\n  vrrp_version " + std::string(m.v == version::v3 ? "3" : "2") +
                    "\n}\nvrrp_instance VI_1 {\n  state BACKUP\n  interface " + ka_if_ +
                    "\n  virtual_router_id 61\n  priority " + std::to_string(priority) + "\n  advert_int " +
                    (m.v == version::v3 ? "0.1" : "1") + "\n  virtual_ipaddress {\n    " +
                    (m.v6 ? "2001:db8:98::100/64" : "10.98.0.100/24") + " dev " + ka_if_ + "\n  }\n";
    if (m.unicast && !m.v6) c += "  unicast_src_ip 10.98.0.2\n  unicast_peer {\n    10.98.0.1\n  }\n";
    if (m.unicast && m.v6) c += "  unicast_src_ip fe80::98:2\n  unicast_peer {\n    fe80::98:1\n  }\n";
    if (m.password) c += "  authentication {\n    auth_type PASS\n    auth_pass s3cret\n  }\n";
    return c + "}\n";
  }

  void start_lbd(std::uint8_t priority) {
    const mode& m = GetParam();
    instance_config c;
    c.name = "interop";
    c.interface = lbd_if_;
    c.vrid = 61;
    c.version = m.v;
    c.priority = priority;
    c.advert_interval = m.v == version::v3 ? centiseconds(10) : centiseconds(100);
    c.primary_address = ip::make_address(m.v6 ? "fe80::98:1" : "10.98.0.1");
    c.virtual_ips = {m.v6 ? prefix{ip::make_address("2001:db8:98::100"), 64}
                          : prefix{ip::make_address("10.98.0.100"), 24}};
    if (m.unicast) c.unicast_peers = {ip::make_address(m.v6 ? "fe80::98:2" : "10.98.0.2")};
    if (m.password) c.auth = v2_auth::simple_password("s3cret");
    auto r = instance_runner::open(io_, c, metrics_, {});
    ASSERT_TRUE(r) << r.error();
    runner_ = std::move(*r);
    runner_->start();
  }

  [[nodiscard]] double dropped() const {
    double n = 0;
    for (auto e : all_parse_errors) {
      n +=
          metrics_.value("lbd_vrrp_rx_dropped_total", {{"instance", "interop"}, {"reason", std::string(to_string(e))}});
    }
    return n + metrics_.value("lbd_vrrp_rx_dropped_total", {{"instance", "interop"}, {"reason", "not_a_peer"}});
  }
  [[nodiscard]] std::chrono::milliseconds advert() const { return GetParam().v == version::v3 ? 100ms : 1000ms; }

  boost::asio::io_context io_;
  metrics::registry metrics_;
  std::string lbd_if_;
  std::string ka_if_;
  std::unique_ptr<keepalived> ka_;
  std::unique_ptr<instance_runner> runner_;
};

// lbd has the higher priority: keepalived must stay backup (it accepts our adverts), and take over
// when lbd stops (it accepts our priority-0 advert).
TEST_P(keepalived_interop, LbdMasterKeepalivedBackup) {
  ASSERT_EQ(ka_->start(keepalived_config(100)), "");
  ASSERT_NO_FATAL_FAILURE(start_lbd(150));
  ASSERT_TRUE(run_until([&] { return runner_->fsm().current_state() == state::master; }, 15s)) << ka_->log();
  // Longer than keepalived's Master_Down_Interval: if it ignored our adverts it would be master now.
  run_until([] { return false; }, 5 * advert());
  EXPECT_TRUE(has_vip(lbd_if_));
  EXPECT_FALSE(has_vip(ka_if_)) << ka_->log();
  EXPECT_EQ(runner_->fsm().current_state(), state::master);
  EXPECT_EQ(dropped(), 0);

  const auto stop = std::chrono::steady_clock::now();
  runner_->stop();
  EXPECT_FALSE(has_vip(lbd_if_));
  ASSERT_TRUE(run_until([&] { return has_vip(ka_if_); }, 3 * advert() + 2s)) << ka_->log();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stop);
  // keepalived takes over after its Skew_Time (v3: 61 ms, v2: 609 ms), not Master_Down_Interval.
  EXPECT_LT(took, GetParam().v == version::v3 ? 300ms : 1200ms) << took.count() << " ms";
  RecordProperty("keepalived_takeover_ms", static_cast<int>(took.count()));
  const auto log = ka_->log();
  EXPECT_NE(log.find("Backup received priority 0 advertisement"), std::string::npos) << log;
  EXPECT_EQ(complaints(log), "");
}

// keepalived has the higher priority: lbd must accept its adverts (checksum, auth, interval) and
// stay backup, then take over after keepalived's priority-0 advert.
TEST_P(keepalived_interop, KeepalivedMasterLbdBackup) {
  ASSERT_EQ(ka_->start(keepalived_config(200)), "");
  ASSERT_TRUE(run_until([&] { return has_vip(ka_if_); }, 3 * advert() + 10s)) << ka_->log();
  ASSERT_NO_FATAL_FAILURE(start_lbd(100));
  run_until([] { return false; }, 6 * advert());
  EXPECT_EQ(runner_->fsm().current_state(), state::backup);
  EXPECT_FALSE(has_vip(lbd_if_));
  EXPECT_GE(metrics_.value("lbd_vrrp_adverts_received_total", {{"instance", "interop"}}), 4);
  EXPECT_EQ(dropped(), 0) << metrics_.render();
  if (GetParam().v == version::v3) {
    EXPECT_EQ(runner_->fsm().timers().master_adver_interval, 100ms);
  }

  const auto stop = std::chrono::steady_clock::now();
  ka_->terminate();
  ASSERT_TRUE(run_until([&] { return runner_->fsm().current_state() == state::master; }, 3 * advert() + 2s));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stop);
  EXPECT_TRUE(has_vip(lbd_if_));
  // Skew_Time after keepalived's priority-0 advert (v3: 61 ms, v2: 609 ms).
  EXPECT_LT(took, GetParam().v == version::v3 ? 300ms : 1200ms) << took.count() << " ms";
  RecordProperty("lbd_takeover_ms", static_cast<int>(took.count()));
}

// keepalived restarts with a higher priority while lbd is master: lbd yields (preemption).
TEST_P(keepalived_interop, KeepalivedPreemptsLbd) {
  ASSERT_NO_FATAL_FAILURE(start_lbd(100));
  ASSERT_TRUE(run_until([&] { return runner_->fsm().current_state() == state::master; }, 3 * advert() + 10s));
  ASSERT_EQ(ka_->start(keepalived_config(200)), "");
  ASSERT_TRUE(run_until([&] { return runner_->fsm().current_state() == state::backup; }, 4 * advert() + 10s))
      << ka_->log();
  EXPECT_FALSE(has_vip(lbd_if_));
  EXPECT_TRUE(run_until([&] { return has_vip(ka_if_); }, 5s));
  EXPECT_EQ(dropped(), 0);
  EXPECT_EQ(complaints(ka_->log()), "");
}

INSTANTIATE_TEST_SUITE_P(modes, keepalived_interop,
                         ::testing::Values(mode{"v3_multicast", version::v3, false, false},
                                           mode{"v3_unicast", version::v3, true, false},
                                           mode{"v2_multicast", version::v2, false, false},
                                           mode{"v2_password", version::v2, false, true},
                                           mode{"v3_ipv6_multicast", version::v3, false, false, true},
                                           mode{"v3_ipv6_unicast", version::v3, true, false, true}),
                         [](const ::testing::TestParamInfo<mode>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace lbd::vrrp::io
