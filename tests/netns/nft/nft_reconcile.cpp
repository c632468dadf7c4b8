// SPDX-License-Identifier: GPL-2.0-or-later
// One reconcile pass of lbd's nftables table in the current network namespace, for the netns test:
//   nft_reconcile --table lbd --pool4 10.0.0.1-10.0.0.4 --service tcp,192.0.2.10,80 ...
// Prints {"kind": "create", "commands": [...]} (the batch applied) and exits 0, or the error on
// stderr and exits 1. No pool: that family is not wanted; no pool at all: no table.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "nft/libnftables_backend.hpp"
#include "nft/reconciler.hpp"

namespace {

using lbd::nft::ip_family;

lbd::nft::lip_pool parse_pool(ip_family f, const std::string& text) {
  const auto dash = text.find('-');
  const std::string first = text.substr(0, dash);
  const std::string last = dash == std::string::npos ? first : text.substr(dash + 1);
  auto a = lbd::nft::canonical_address(f, first);
  auto b = lbd::nft::canonical_address(f, last);
  if (!a || !b) throw CLI::ValidationError("pool", text);
  lbd::nft::lip_pool pool{*a, *b};
  if (!lbd::nft::validate(f, pool)) throw CLI::ValidationError("pool", text);
  return pool;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("one reconcile pass of lbd's nftables table");
  std::string table = "lbd";
  std::string pool4;
  std::string pool6;
  std::vector<std::string> services;
  app.add_option("--table", table);
  app.add_option("--pool4", pool4);
  app.add_option("--pool6", pool6);
  app.add_option("--service", services, "protocol,address,port");
  CLI11_PARSE(app, argc, argv);

  lbd::nft::nat_table want;
  try {
    if (!pool4.empty()) want.v4 = lbd::nft::family_nat{parse_pool(ip_family::ipv4, pool4), {}};
    if (!pool6.empty()) want.v6 = lbd::nft::family_nat{parse_pool(ip_family::ipv6, pool6), {}};
  } catch (const CLI::Error& e) {
    std::cerr << "bad pool: " << e.what() << '\n';
    return 2;
  }
  for (const auto& s : services) {
    const auto c1 = s.find(',');
    const auto c2 = s.rfind(',');
    const auto proto = lbd::nft::parse_protocol(s.substr(0, c1));
    if (c1 == std::string::npos || c1 == c2 || !proto) {
      std::cerr << "bad service " << s << '\n';
      return 2;
    }
    const std::string addr = s.substr(c1 + 1, c2 - c1 - 1);
    const ip_family f = addr.find(':') == std::string::npos ? ip_family::ipv4 : ip_family::ipv6;
    auto canon = lbd::nft::canonical_address(f, addr);
    auto& fam = want.of(f);
    if (!canon || !fam) {
      std::cerr << "bad service " << s << " (no pool for its family?)\n";
      return 2;
    }
    fam->of(*proto).insert({*canon, static_cast<std::uint16_t>(std::stoul(s.substr(c2 + 1)))});
  }

  lbd::nft::libnftables_backend backend;
  lbd::metrics::registry metrics;
  lbd::nft::reconciler r(backend, metrics, table);
  auto o = r.reconcile(want);
  if (!o) {
    std::cerr << o.error() << '\n';
    return 1;
  }
  nlohmann::json out = {{"kind", lbd::nft::to_string(o->applied.kind)}, {"commands", o->applied.commands}};
  std::cout << out.dump() << '\n';
  return 0;
}
