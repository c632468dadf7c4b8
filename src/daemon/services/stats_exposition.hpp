// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel's IPVS statistics as Prometheus text, written from the statistics snapshot at each
// scrape. Nothing is kept per series between scrapes: held in the metrics registry, 100,000 real
// servers made 700,000 series (and a set naming them all to drop those that went), hundreds of
// megabytes rebuilt at every scrape. Pure.
#include <string>
#include <string_view>
#include <vector>

#include "ipvs/model.hpp"

namespace lbd::daemon {

// One of lbd's services: its name, and its entry points (a group's count as one service).
struct stats_source {
  std::string_view name;
  const std::vector<ipvs::service_key>* keys = nullptr;
};

// lbd_ipvs_service_{connections,packets,bytes}_total{service[,direction]} and
// lbd_ipvs_realserver_{active,inactive}_connections and _{connections,packets,bytes}_total
// {service,server[,direction]}, each family's HELP and TYPE once; the counters are the kernel's
// totals as integers. Services the table does not hold have no series; "" when none has.
std::string render_ipvs_stats(const std::vector<stats_source>& services, const ipvs::table& kernel);

}  // namespace lbd::daemon
