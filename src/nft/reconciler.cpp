// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/reconciler.hpp"

#include <fmt/format.h>

namespace lbd::nft {

reconciler::reconciler(backend& b, metrics::registry& m, std::string table_name, log::logger l)
    : backend_(b), metrics_(m), name_(std::move(table_name)), log_(std::move(l)) {}

void reconciler::count_error(const char* stage) {
  metrics_
      .get_counter("lbd_nft_errors_total", "nftables reads that failed and batches the kernel refused, by stage",
                   {{"stage", stage}})
      .inc();
}

result<reconciler::outcome, std::string> reconciler::reconcile(const nat_table& desired) {
  auto kernel = backend_.read(name_);
  if (!kernel) {
    log_.err("reading nftables table inet {} failed: {}", name_, kernel.error());
    count_error("read");
    return unexpected(fmt::format("reading table inet {}: {}", name_, kernel.error()));
  }
  if (!kernel->unreadable.empty()) {
    log_.warning("nftables table inet {} is unreadable ({}); replacing it", name_, kernel->unreadable);
  }
  outcome o{plan(name_, *kernel, desired), std::move(kernel).value()};
  if (o.applied.empty()) return o;
  if (auto st = backend_.apply(o.applied); !st) {
    log_.err("nftables table inet {}: {} batch of {} commands refused: {}", name_, to_string(o.applied.kind),
             o.applied.commands.size(), st.error());
    count_error("apply");
    return unexpected(fmt::format("table inet {}: {}", name_, st.error()));
  }
  log_.notice("nftables table inet {}: {} ({} commands)", name_, to_string(o.applied.kind), o.applied.commands.size());
  metrics_
      .get_counter("lbd_nft_batches_total", "Batches applied to lbd's nftables table, by kind",
                   {{"kind", std::string(to_string(o.applied.kind))}})
      .inc();
  return o;
}

}  // namespace lbd::nft
