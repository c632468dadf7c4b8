// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// An in-memory IPVS that answers like the kernel: EEXIST for a duplicate, ESRCH for a missing
// service, ENOENT for a missing destination or scheduler, ERANGE for inverted thresholds. Tests of
// the reconciler run against it; tests can also change its table behind the reconciler's back.
#include <set>

#include "ipvs/backend.hpp"

namespace lbd::ipvs {

class fake_backend final : public backend {
 public:
  fake_backend();

  result<table, ipvs_error> snapshot() override;
  result<table, ipvs_error> snapshot_of(const ownership& which) override;
  std::vector<op_result> apply(const std::vector<op>& ops) override;
  result<ipvs::info, ipvs_error> get_info() override { return info_; }
  result<timeouts, ipvs_error> get_timeouts() override { return timeouts_; }
  status<ipvs_error> set_timeouts(const timeouts& t) override;
  result<std::vector<sync_daemon>, ipvs_error> daemons() override { return daemons_; }
  status<ipvs_error> start_daemon(const sync_daemon& d) override;
  status<ipvs_error> stop_daemon(daemon_state s) override;

  table& kernel() { return table_; }
  std::set<std::string>& schedulers() { return schedulers_; }
  std::set<std::string>& persistence_engines() { return pes_; }
  [[nodiscard]] std::size_t apply_calls() const { return apply_calls_; }
  // Reads of the whole table, and of some services only.
  [[nodiscard]] std::size_t snapshots() const { return snapshots_; }
  [[nodiscard]] std::size_t scoped_snapshots() const { return scoped_snapshots_; }
  [[nodiscard]] std::size_t ops_applied() const { return ops_applied_; }

 private:
  int apply_one(const op& o);

  table table_;
  ipvs::info info_{0x010201, 4096};
  timeouts timeouts_{900, 120, 300};
  std::vector<sync_daemon> daemons_;
  std::set<std::string> schedulers_;
  std::set<std::string> pes_;
  std::size_t apply_calls_ = 0;
  std::size_t snapshots_ = 0;
  std::size_t scoped_snapshots_ = 0;
  std::size_t ops_applied_ = 0;
};

}  // namespace lbd::ipvs
