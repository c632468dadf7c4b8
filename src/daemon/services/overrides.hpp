// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Runtime overrides set with lbctl (drain, weight), keyed by virtual server name and real server
// address. They survive a reload while the real server stays in its service. Pure.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"
#include "config/model.hpp"

namespace lbd::daemon {

struct server_ref {
  std::string service;  // virtual_server name
  endpoint address;
  friend bool operator==(const server_ref&, const server_ref&) = default;
  friend bool operator<(const server_ref& a, const server_ref& b) {
    if (a.service != b.service) return a.service < b.service;
    return a.address < b.address;
  }
};

enum class override_kind { drain, weight };
std::string_view to_string(override_kind k);  // "drain", "weight"

struct override_entry {
  override_kind kind = override_kind::drain;
  unsigned weight = 0;  // weight only
  friend bool operator==(const override_entry&, const override_entry&) = default;
};

// The real servers `server` ("ip:port" as in lbd.conf) names, in config order; `service` narrows
// the search to one virtual server. Errors name the problem.
result<std::vector<server_ref>, std::string> find_servers(const config::config& cfg, const std::string& server,
                                                          const std::optional<std::string>& service);

class overrides {
 public:
  void set(const server_ref& s, override_entry e) { entries_[s] = e; }
  // True when there was one.
  bool clear(const server_ref& s) { return entries_.erase(s) != 0; }
  [[nodiscard]] const override_entry* find(const server_ref& s) const;
  [[nodiscard]] bool any_drain(const std::string& service) const;
  // Drops the overrides of real servers that are no longer in `cfg`; returns them.
  std::vector<server_ref> prune(const config::config& cfg);
  [[nodiscard]] const std::map<server_ref, override_entry>& entries() const { return entries_; }

 private:
  std::map<server_ref, override_entry> entries_;
};

}  // namespace lbd::daemon
