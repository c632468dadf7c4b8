// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/fullnat.hpp"

#include <filesystem>
#include <utility>

#include "common/sysctl.hpp"

#include "nft/fake_backend.hpp"
#include "nft/libnftables_backend.hpp"

namespace lbd::daemon {
namespace {

nft::protocol protocol_of(config::protocol p) {
  switch (p) {
    case config::protocol::tcp: return nft::protocol::tcp;
    case config::protocol::udp: return nft::protocol::udp;
    case config::protocol::sctp: return nft::protocol::sctp;
    case config::protocol::none: break;  // lbd.conf never gives it
  }
  return nft::protocol::tcp;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// "net/ipv4/vs/conntrack" -> "net.ipv4.vs.conntrack", as sysctl(8) and the docs name it.
std::string dotted(std::string name) {
  for (auto& c : name) {
    if (c == '/') c = '.';
  }
  return name;
}

}  // namespace

nft::nat_table fullnat_table(const config::config& cfg) {
  nft::nat_table t;
  for (const auto& vs : cfg.virtual_servers) {
    if (vs.method != config::forwarding::fullnat || !vs.address) continue;
    const auto& pool = cfg.ipvs.fullnat.pool_of(vs.family);
    if (!pool) continue;  // the loader refuses it; nothing to match against without a pool
    auto& family = t.of(vs.family == config::address_family::inet ? nft::ip_family::ipv4 : nft::ip_family::ipv6);
    if (!family) family.emplace(nft::family_nat{{pool->first.to_string(), pool->last.to_string()}, {}});
    auto& set = family->of(protocol_of(vs.proto));
    set.insert({vs.address->address.to_string(), vs.address->port});
    for (const auto& more : vs.more_addresses) set.insert({more.address.to_string(), more.port});
  }
  return t;
}

std::vector<sysctl_setting> fullnat_sysctls(const nft::nat_table& table) {
  if (table.empty()) return {};
  std::vector<sysctl_setting> out{{"net/ipv4/vs/conntrack", "1"},
                                  {"net/ipv4/vs/expire_nodest_conn", "1"},
                                  {"net/ipv4/vs/expire_quiescent_template", "1"}};
  if (table.v4) out.push_back({"net/ipv4/ip_forward", "1"});
  if (table.v6) out.push_back({"net/ipv6/conf/all/forwarding", "1"});
  return out;
}

std::vector<sysctl_setting> ipvs_sysctls(const config::ipvs_settings& s) {
  std::vector<sysctl_setting> out;
  if (s.sloppy_tcp) out.push_back({"net/ipv4/vs/sloppy_tcp", *s.sloppy_tcp ? "1" : "0", "[ipvs] sloppy_tcp"});
  if (s.sloppy_sctp) out.push_back({"net/ipv4/vs/sloppy_sctp", *s.sloppy_sctp ? "1" : "0", "[ipvs] sloppy_sctp"});
  return out;
}

sysctl_io sysctl_io::proc() {
  return {[](const std::string& name) { return read_sysctl(name); },
          [](const std::string& name, const std::string& value) { return write_sysctl(name, value); }};
}

nft_access nft_access::kernel() {
  return {[] { return std::make_unique<nft::libnftables_backend>(); },
          [] {
            std::error_code ec;
            return std::filesystem::exists("/sys/module/nf_tables", ec);
          },
          sysctl_io::proc()};
}

nft_access nft_access::memory() {
  auto values = std::make_shared<std::map<std::string, std::string>>();
  return {[] { return std::make_unique<nft::fake_backend>(); }, [] { return false; },
          sysctl_io{[values](const std::string& name) -> std::optional<std::string> {
                      const auto it = values->find(name);
                      if (it == values->end()) return std::nullopt;
                      return it->second;
                    },
                    [values](const std::string& name, const std::string& value) {
                      (*values)[name] = value;
                      return true;
                    }}};
}

fullnat_runtime::fullnat_runtime(nft_access access, metrics::registry& m) : access_(std::move(access)), metrics_(m) {}

nft::reconciler& fullnat_runtime::reconciler_for(const std::string& table) {
  if (!backend_) backend_ = access_.open();
  if (!reconciler_ || reconciler_->table_name() != table) {
    reconciler_ = std::make_unique<nft::reconciler>(*backend_, metrics_, table, log_);
  }
  return *reconciler_;
}

bool fullnat_runtime::bring(const std::string& table, const nft::nat_table& want) {
  auto out = reconciler_for(table).reconcile(want);  // logs and counts what it did or why not
  if (!out) {
    if (!want.empty()) held_ = table;  // a refused batch may have left it half way: still lbd's to fix
    return false;
  }
  if (want.empty()) {
    held_.reset();
  } else {
    held_ = table;
  }
  return true;
}

bool fullnat_runtime::reconcile(const config::config& cfg) {
  const auto want = fullnat_table(cfg);
  const std::string& name = cfg.ipvs.fullnat.table;
  bool ok = true;
  // The table a previous config named differently is still lbd's: it goes.
  if (held_ && *held_ != name) ok = bring(*held_, {});
  // With nothing wanted, the kernel is read only while lbd may have a table there: one it made, or
  // at start one a previous lbd left (looked for once, and only when nf_tables is loaded at all).
  if (!want.empty() || held_ || (!looked_ && access_.loaded())) ok = bring(name, want) && ok;
  looked_ = true;
  std::size_t vips = 0;
  for (const auto* family : {&want.v4, &want.v6}) {
    if (!*family) continue;
    for (const auto& set : (*family)->services) vips += set.size();
  }
  metrics_.get_gauge("lbd_fullnat_services", "VIP:port entries in lbd's nftables table (fullnat services)")
      .set(static_cast<double>(vips));
  ensure(fullnat_sysctls(want), false);
  return ok;
}

void fullnat_runtime::settle(const config::config& cfg) {
  auto wanted = fullnat_sysctls(fullnat_table(cfg));
  for (auto& s : ipvs_sysctls(cfg.ipvs)) wanted.push_back(std::move(s));
  ensure(wanted, true);
}

void fullnat_runtime::ensure(const std::vector<sysctl_setting>& wanted, bool report_missing) {
  for (const auto& s : wanted) {
    auto now = access_.sysctls.read(s.name);
    if (!now) {
      // net/ipv4/vs/* appear with the ip_vs module, which the IPVS pass loads.
      if (report_missing && !std::exchange(reported_[s.name], true)) {
        log_.err("sysctl {} does not exist; {} = {}", dotted(s.name), s.why, s.value);
      }
      continue;
    }
    const auto was = trimmed(*now);
    if (was == s.value) continue;
    if (!access_.sysctls.write(s.name, s.value)) {
      if (!std::exchange(reported_[s.name], true)) {
        log_.err("sysctl {}: cannot set {} (is {}); {}", dotted(s.name), s.value, was, s.why);
      }
      continue;
    }
    reported_.erase(s.name);
    log_.notice("sysctl {}: {} -> {} ({})", dotted(s.name), was, s.value, s.why);
    metrics_
        .get_counter("lbd_sysctl_writes_total", "sysctls lbd set because a feature in use needs them",
                     {{"name", dotted(s.name)}})
        .inc();
  }
}

bool fullnat_runtime::stop(bool remove) {
  if (!remove || !held_) return true;
  const std::string table = *held_;
  return bring(table, {});
}

}  // namespace lbd::daemon
