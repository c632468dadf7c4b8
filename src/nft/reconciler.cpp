// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/reconciler.hpp"

#include <fmt/format.h>

namespace lbd::nft {

reconciler::reconciler(backend& b, std::string table_name, log::logger l)
    : backend_(b), name_(std::move(table_name)), log_(std::move(l)) {}

result<reconciler::outcome, std::string> reconciler::reconcile(const nat_table& desired) {
  auto kernel = backend_.read(name_);
  if (!kernel) {
    log_.err("reading nftables table inet {} failed: {}", name_, kernel.error());
    return unexpected(fmt::format("reading table inet {}: {}", name_, kernel.error()));
  }
  outcome o{plan(name_, *kernel, desired), std::move(kernel).value()};
  if (o.applied.empty()) return o;
  if (auto st = backend_.apply(o.applied); !st) {
    log_.err("nftables table inet {}: {} batch of {} commands refused: {}", name_, to_string(o.applied.kind),
             o.applied.commands.size(), st.error());
    return unexpected(fmt::format("table inet {}: {}", name_, st.error()));
  }
  log_.notice("nftables table inet {}: {} ({} commands)", name_, to_string(o.applied.kind), o.applied.commands.size());
  return o;
}

}  // namespace lbd::nft
