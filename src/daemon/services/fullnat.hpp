// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// FULLNAT beside the IPVS table (lbd.conf(5), "FULLNAT"; docs/development.md): a fullnat service is
// an IPVS nat service whose connections also get their source rewritten to the [ipvs] fullnat pool
// by lbd's nftables table, and the kernel needs a few sysctls for that to work.
//
// The table is desired state like the IPVS table: each reconcile pass reads it and writes only the
// difference (nft::reconciler), so a flush or an edit behind lbd's back is repaired by the next
// pass, a reload is one atomic batch, and a restart adopts the table without a change. It holds a
// service's VIP:port for as long as the service is in the config, whatever its real servers' health.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "config/model.hpp"
#include "nft/backend.hpp"
#include "nft/reconciler.hpp"

namespace lbd::daemon {

// Pure: the table the config's fullnat services add up to (empty: no fullnat service, no table).
nft::nat_table fullnat_table(const config::config& cfg);

// A sysctl a feature in use needs, as a path under /proc/sys.
struct sysctl_setting {
  std::string name;                      // "net/ipv4/vs/conntrack"
  std::string value;                     // "1"
  std::string why = "fullnat needs it";  // for the log
  friend bool operator==(const sysctl_setting&, const sysctl_setting&) = default;
};
// Pure: what `table` needs set. IPVS's own conntrack entries, so that the nat rule sees the
// connection; a connection to a removed real server or a stale persistence template ending at
// once; forwarding for the replies, which the kernel routes back to the client.
std::vector<sysctl_setting> fullnat_sysctls(const nft::nat_table& table);
// Pure: the IPVS sysctls [ipvs] sets itself (sloppy_tcp, sloppy_sctp); those it leaves unset are not
// touched.
std::vector<sysctl_setting> ipvs_sysctls(const config::ipvs_settings& s);

// Reading and writing /proc/sys (the daemon) or a map (tests). read: none when it does not exist.
struct sysctl_io {
  std::function<std::optional<std::string>(const std::string& name)> read;
  std::function<bool(const std::string& name, const std::string& value)> write;
  static sysctl_io proc();
};

// Where the nftables table lives: `open` makes the backend on first need; `loaded` says whether
// nf_tables may hold anything at all (with no fullnat service lbd looks for a table it left behind
// only then, so that a host without FULLNAT never gets the module loaded by lbd).
struct nft_access {
  std::function<std::unique_ptr<nft::backend>()> open;
  std::function<bool()> loaded;
  sysctl_io sysctls;
  static nft_access kernel();
  // Tests: an in-memory table (nft::fake_backend) and sysctls, none set.
  static nft_access memory();
};

class fullnat_runtime {
 public:
  fullnat_runtime(nft_access access, metrics::registry& m);

  // The table and sysctls for `cfg`. Run before the IPVS pass, so that a new service's VIP:port is
  // in the set before IPVS takes its first connection. False: the table could not be brought to
  // what `cfg` wants (logged and counted; the next pass tries again).
  bool reconcile(const config::config& cfg);
  // After the IPVS pass: the sysctls that only exist once ip_vs is loaded (fullnat's and [ipvs]'s
  // own), reported when missing.
  void settle(const config::config& cfg);
  // Exit policy remove: lbd's table goes (the sysctls stay as they are). Keep: nothing changes.
  bool stop(bool remove);

  [[nodiscard]] bool held() const { return held_.has_value(); }

 private:
  nft::reconciler& reconciler_for(const std::string& table);
  bool bring(const std::string& table, const nft::nat_table& want);
  void ensure(const std::vector<sysctl_setting>& wanted, bool report_missing);

  nft_access access_;
  metrics::registry& metrics_;
  std::unique_ptr<nft::backend> backend_;
  std::unique_ptr<nft::reconciler> reconciler_;
  std::optional<std::string> held_;       // the name of lbd's table while the kernel may hold it
  bool looked_ = false;                   // the first pass looked for a table left behind
  std::map<std::string, bool> reported_;  // sysctls whose failure was logged, until they are set
  log::logger log_{"fullnat"};
};

}  // namespace lbd::daemon
