// SPDX-License-Identifier: GPL-2.0-or-later
// Entities are compared through their JSON form, so a field is "changed" exactly when --print
// would show a different value, and a new key can never be forgotten here.
#include "config/diff.hpp"

#include <algorithm>
#include <map>
#include <type_traits>

#include "config/to_json.hpp"

namespace lbd::config {
namespace {

// Top-level keys whose values differ, in the order of `next` then keys only in `old`.
std::vector<std::string> changed_fields(const json& old_j, const json& next_j, std::string_view skip = {}) {
  std::vector<std::string> out;
  for (const auto& [k, v] : next_j.items()) {
    if (k == skip) continue;
    if (!old_j.contains(k) || old_j[k] != v) out.push_back(k);
  }
  for (const auto& [k, v] : old_j.items()) {
    if (k != skip && !next_j.contains(k)) out.push_back(k);
  }
  return out;
}

// Added/changed in `next` order, then removed in `old` order. Lookups go through an index: a
// reload of 10,000 services must not compare every name with every other (that took 20 s).
template <typename T, typename KeyOf, typename Emit>
void compare_lists(const std::vector<T>& old_list, const std::vector<T>& next_list, KeyOf key_of, Emit emit) {
  using key = std::decay_t<decltype(key_of(old_list.front()))>;
  std::map<key, const T*> old_index;
  std::map<key, const T*> next_index;
  for (const auto& o : old_list) old_index.emplace(key_of(o), &o);
  for (const auto& n : next_list) next_index.emplace(key_of(n), &n);
  for (const auto& n : next_list) {
    const auto it = old_index.find(key_of(n));
    emit(it == old_index.end() ? static_cast<const T*>(nullptr) : it->second, &n);
  }
  for (const auto& o : old_list) {
    if (next_index.count(key_of(o)) == 0) emit(&o, static_cast<const T*>(nullptr));
  }
}

void diff_real_servers(const virtual_server& o, const virtual_server& n, config_diff& out) {
  auto key_of = [](const real_server& rs) { return rs.address; };
  compare_lists(o.real_servers, n.real_servers, key_of, [&](const real_server* a, const real_server* b) {
    if (a == nullptr) {
      out.real_servers.push_back({change_kind::added, n.name, b->address, {}});
    } else if (b == nullptr) {
      out.real_servers.push_back({change_kind::removed, n.name, a->address, {}});
    } else if (*a == *b) {
      // Equal values have equal JSON forms; skipping them keeps a large reload cheap.
    } else if (auto f = changed_fields(to_json(*a), to_json(*b)); !f.empty()) {
      out.real_servers.push_back({change_kind::changed, n.name, b->address, std::move(f)});
    }
  });
}

// Sections matched by name whose changes are their changed keys.
template <typename T>
void diff_named(const std::vector<T>& old_list, const std::vector<T>& next_list, std::vector<change>& out) {
  compare_lists(
      old_list, next_list, [](const T& x) { return x.name; },
      [&](const T* a, const T* b) {
        if (a == nullptr) {
          out.push_back({change_kind::added, b->name, {}});
        } else if (b == nullptr) {
          out.push_back({change_kind::removed, a->name, {}});
        } else if (auto f = changed_fields(to_json(*a), to_json(*b)); !f.empty()) {
          out.push_back({change_kind::changed, b->name, std::move(f)});
        }
      });
}

}  // namespace

config_diff diff(const config& old_config, const config& new_config) {
  config_diff out;
  out.global = changed_fields(to_json(old_config.global), to_json(new_config.global));
  out.ipvs = changed_fields(to_json(old_config.ipvs), to_json(new_config.ipvs));

  diff_named(old_config.vrrp, new_config.vrrp, out.vrrp);
  diff_named(old_config.sync_groups, new_config.sync_groups, out.sync_groups);
  diff_named(old_config.anycast, new_config.anycast, out.anycast);

  auto vs_key = [](const virtual_server& v) { return v.name; };
  compare_lists(old_config.virtual_servers, new_config.virtual_servers, vs_key,
                [&](const virtual_server* a, const virtual_server* b) {
                  if (a == nullptr) {
                    out.virtual_servers.push_back({change_kind::added, b->name, {}});
                    return;
                  }
                  if (b == nullptr) {
                    out.virtual_servers.push_back({change_kind::removed, a->name, {}});
                    return;
                  }
                  if (*a == *b) return;  // the common case of a reload; no JSON needed
                  if (auto f = changed_fields(to_json(*a), to_json(*b), "real_server"); !f.empty()) {
                    out.virtual_servers.push_back({change_kind::changed, b->name, std::move(f)});
                  }
                  diff_real_servers(*a, *b, out);
                });
  return out;
}

bool changes_service_key(const change& c) {
  if (c.kind != change_kind::changed) return true;
  return std::any_of(c.fields.begin(), c.fields.end(), [](const std::string& f) {
    return f == "address" || f == "fwmark" || f == "family" || f == "protocol";
  });
}

std::string_view to_string(change_kind k) {
  switch (k) {
    case change_kind::added: return "added";
    case change_kind::removed: return "removed";
    case change_kind::changed: return "changed";
  }
  return "?";
}

}  // namespace lbd::config
