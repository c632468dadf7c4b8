// SPDX-License-Identifier: GPL-2.0-or-later
// Whom lbd's programs run as, from lbd.conf's script_user/script_group and an account database
// (a fake one here): the configured account; unset, lbd-script when it exists and root (with a
// warning) when not, as keepalived falls back from keepalived_script to root.
#include "common/script_user.hpp"

#include <gtest/gtest.h>

#include <map>

namespace lbd::script_user {
namespace {

accounts fake(std::map<std::string, account> users, std::map<std::string, gid_t> groups) {
  return {[users](const std::string& u) -> std::optional<account> {
            auto it = users.find(u);
            if (it == users.end()) return std::nullopt;
            return it->second;
          },
          [groups](const std::string& g) -> std::optional<gid_t> {
            auto it = groups.find(g);
            if (it == groups.end()) return std::nullopt;
            return it->second;
          }};
}

const account root_account{0, 0, "root", {0}};
const account script_account{998, 998, "lbd-script", {998, 4}};

TEST(script_user, unset_is_the_default_account_when_it_exists) {
  const auto r = resolve("", "", fake({{"root", root_account}, {"lbd-script", script_account}}, {}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->who, (identity{"lbd-script", "lbd-script", 998, 998, {998, 4}}));
  EXPECT_TRUE(r->warning.empty());
  EXPECT_FALSE(r->who.privileged());
}

TEST(script_user, unset_without_the_default_account_is_root_with_a_warning) {
  const auto r = resolve("", "", fake({{"root", root_account}}, {}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->who.user, "root");
  EXPECT_TRUE(r->who.privileged());
  EXPECT_EQ(r->warning, "no account lbd-script for scripts: they run as root (create it, or set global.script_user)");
}

TEST(script_user, a_configured_account_must_exist) {
  const auto db =
      fake({{"root", root_account}, {"lbd-script", script_account}, {"haproxy", {110, 115, "haproxy", {115}}}},
           {{"adm", 4}});
  const auto r = resolve("haproxy", "", db);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->who.uid, 110U);
  EXPECT_EQ(r->who.gid, 115U);
  const auto missing = resolve("hapoxy", "", db);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "no account 'hapoxy' on this system");
}

TEST(script_user, script_group_replaces_every_group) {
  const auto db = fake({{"lbd-script", script_account}}, {{"adm", 4}});
  const auto r = resolve("", "adm", db);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->who.gid, 4U);
  EXPECT_EQ(r->who.group, "adm");
  EXPECT_EQ(r->who.groups, std::vector<gid_t>{4});
  EXPECT_FALSE(resolve("", "admin", db));
}

TEST(script_user, roots_group_is_privileged_too) {
  const auto r = resolve("lbd-script", "root", fake({{"lbd-script", script_account}}, {{"root", 0}}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->who.privileged());  // may write what root's group may: the rule applies
}

}  // namespace
}  // namespace lbd::script_user
