// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A service's entry points (a virtual_server_group's addresses or fwmarks) as one service of the
// kernel's table, for what lbd shows: the statistics and each destination's counters summed over
// the entry points the table holds, the attributes of the first of them. Pure.
#include <optional>
#include <vector>

#include "ipvs/model.hpp"

namespace lbd::daemon {

class group_view {
 public:
  group_view(const ipvs::table& t, const std::vector<ipvs::service_key>& keys);
  group_view(const group_view&) = delete;
  group_view& operator=(const group_view&) = delete;

  // Null when the table holds none of the entry points.
  [[nodiscard]] const ipvs::service* get() const { return merged_ ? &*merged_ : single_; }

 private:
  const ipvs::service* single_ = nullptr;  // one entry point present: the table's own, not copied
  std::optional<ipvs::service> merged_;
};

void add_to(ipvs::stats& total, const ipvs::stats& s);

}  // namespace lbd::daemon
