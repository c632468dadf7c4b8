// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Where an IPVS table lives: the kernel (netlink client) or memory (fake, for tests). Calls are
// synchronous and bounded by a deadline inside the implementation; errors are values.
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ipvs/model.hpp"
#include "ipvs/plan.hpp"

namespace lbd::ipvs {

struct ipvs_error {
  int code = 0;         // errno value (ETIMEDOUT, ENOENT, ...)
  std::string message;  // names the object: "service tcp 192.0.2.10:80 already exists"
};

struct op_result {
  int code = 0;  // 0: done; otherwise the kernel's errno
  std::string message;
  [[nodiscard]] bool ok() const { return code == 0; }
};

class backend {
 public:
  backend() = default;
  backend(const backend&) = delete;
  backend& operator=(const backend&) = delete;
  virtual ~backend() = default;

  virtual result<table, ipvs_error> snapshot() = 0;
  // The services of `which` that the kernel has, with their destinations: what a pass scoped to a
  // few services reads instead of the whole table. By default the whole table, filtered.
  virtual result<table, ipvs_error> snapshot_of(const ownership& which) {
    auto all = snapshot();
    if (!all) return all;
    table out;
    for (const auto& key : which) {
      if (auto it = all->find(key); it != all->end()) out.insert(all->extract(it));
    }
    return out;
  }
  // One result per operation, in order. Later operations run even if earlier ones failed, as the
  // kernel does with a batch.
  virtual std::vector<op_result> apply(const std::vector<op>& ops) = 0;
  virtual result<ipvs::info, ipvs_error> get_info() = 0;
  virtual result<timeouts, ipvs_error> get_timeouts() = 0;
  virtual status<ipvs_error> set_timeouts(const timeouts& t) = 0;
  virtual result<std::vector<sync_daemon>, ipvs_error> daemons() = 0;
  virtual status<ipvs_error> start_daemon(const sync_daemon& d) = 0;
  virtual status<ipvs_error> stop_daemon(daemon_state s) = 0;
};

// The message for a kernel error on one operation, naming the object:
// EEXIST on add_service -> "service tcp 192.0.2.10:80 already exists".
std::string describe_error(const op& o, int code);
// "EEXIST", "ENOENT"... for metric labels; "E<number>" when unknown.
std::string errno_name(int code);

}  // namespace lbd::ipvs
