// SPDX-License-Identifier: GPL-2.0-or-later
// FULLNAT in the daemon: the nftables table and sysctls a config asks for, and the runtime that
// keeps them (on an in-memory table and sysctls).
#include "daemon/services/fullnat.hpp"

#include <gtest/gtest.h>

#include <map>

#include "config_text.hpp"
#include "nft/fake_backend.hpp"

namespace lbd::daemon {
namespace {

using test::load;

const char* const pools = R"(
[ipvs]
fullnat_pool4 = "10.0.0.1-10.0.0.4"
fullnat_pool6 = "2001:db8::1"
)";

const char* const web = R"(
[[virtual_server]]
name = "web"
address = ["192.0.2.10:80", "192.0.2.11:80"]
forwarding = "fullnat"
[[virtual_server.real_server]]
address = "10.0.1.11:8080"
[[virtual_server]]
name = "dns"
address = "[2001:db8::10]:53"
protocol = "udp"
forwarding = "fullnat"
[[virtual_server.real_server]]
address = "[2001:db8:1::11]:53"
[[virtual_server]]
name = "plain"
address = "192.0.2.10:443"
[[virtual_server.real_server]]
address = "10.0.1.11:443"
)";

TEST(fullnat_table, holds_each_entry_point_of_the_fullnat_services_by_family_and_protocol) {
  const auto t = fullnat_table(load(std::string(pools) + web));
  ASSERT_TRUE(t.v4 && t.v6);
  EXPECT_EQ(t.v4->pool, (nft::lip_pool{"10.0.0.1", "10.0.0.4"}));
  EXPECT_EQ(t.v4->of(nft::protocol::tcp), (std::set<nft::vip>{{"192.0.2.10", 80}, {"192.0.2.11", 80}}));
  EXPECT_TRUE(t.v4->of(nft::protocol::udp).empty());
  EXPECT_EQ(t.v6->pool, (nft::lip_pool{"2001:db8::1", "2001:db8::1"}));
  EXPECT_EQ(t.v6->of(nft::protocol::udp), (std::set<nft::vip>{{"2001:db8::10", 53}}));
}

TEST(fullnat_table, is_empty_without_a_fullnat_service_even_with_pools) {
  EXPECT_TRUE(fullnat_table(load(pools)).empty());
}

TEST(fullnat_sysctls, conntrack_expiry_and_forwarding_of_the_families_in_use) {
  auto t = fullnat_table(load(std::string(pools) + web));
  const std::vector<sysctl_setting> both{{"net/ipv4/vs/conntrack", "1"},
                                         {"net/ipv4/vs/expire_nodest_conn", "1"},
                                         {"net/ipv4/vs/expire_quiescent_template", "1"},
                                         {"net/ipv4/ip_forward", "1"},
                                         {"net/ipv6/conf/all/forwarding", "1"}};
  EXPECT_EQ(fullnat_sysctls(t), both);
  t.v6.reset();
  EXPECT_EQ(fullnat_sysctls(t).size(), 4U);
  EXPECT_TRUE(fullnat_sysctls({}).empty());
}

// The runtime on a fake table and a map of sysctls, both kept here for the test to look at.
struct fullnat_runtime_test : ::testing::Test {
  metrics::registry metrics;
  nft::fake_backend* table = nullptr;
  std::map<std::string, std::string> sysctls{{"net/ipv4/vs/conntrack", "0\n"},
                                             {"net/ipv4/vs/expire_nodest_conn", "0\n"},
                                             {"net/ipv4/ip_forward", "1\n"},
                                             {"net/ipv6/conf/all/forwarding", "0\n"}};
  bool nf_tables_loaded = false;
  std::size_t opened = 0;

  fullnat_runtime make() {
    nft_access a{[this] {
                   ++opened;
                   auto b = std::make_unique<nft::fake_backend>();
                   table = b.get();
                   return b;
                 },
                 [this] { return nf_tables_loaded; },
                 sysctl_io{[this](const std::string& n) -> std::optional<std::string> {
                             auto it = sysctls.find(n);
                             return it == sysctls.end() ? std::nullopt : std::optional(it->second);
                           },
                           [this](const std::string& n, const std::string& v) {
                             sysctls[n] = v;
                             return true;
                           }}};
    return fullnat_runtime(std::move(a), metrics);
  }
};

TEST_F(fullnat_runtime_test, creates_the_table_sets_the_sysctls_and_then_writes_nothing) {
  auto rt = make();
  const auto cfg = load(std::string(pools) + web);
  ASSERT_TRUE(rt.reconcile(cfg));
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->applied.size(), 1U);
  EXPECT_EQ(table->applied[0].kind, nft::batch_kind::create);
  EXPECT_EQ(table->table.content, fullnat_table(cfg));
  EXPECT_EQ(sysctls["net/ipv4/vs/conntrack"], "1");
  EXPECT_EQ(sysctls["net/ipv4/ip_forward"], "1\n");  // already set: left alone
  EXPECT_EQ(sysctls["net/ipv6/conf/all/forwarding"], "1");
  EXPECT_EQ(sysctls.count("net/ipv4/vs/expire_quiescent_template"), 0U);  // missing: not created
  ASSERT_TRUE(rt.reconcile(cfg));
  EXPECT_EQ(table->applied.size(), 1U);
  EXPECT_EQ(metrics.get_gauge("lbd_fullnat_services", "").value(), 3.0);
}

TEST_F(fullnat_runtime_test, a_flushed_table_is_repaired_by_the_next_pass) {
  auto rt = make();
  const auto cfg = load(std::string(pools) + web);
  ASSERT_TRUE(rt.reconcile(cfg));
  table->table = nft::kernel_table{true, true, {}, {}};  // nft flush table inet lbd
  ASSERT_TRUE(rt.reconcile(cfg));
  EXPECT_EQ(table->table.content, fullnat_table(cfg));
}

TEST_F(fullnat_runtime_test, a_reload_without_fullnat_deletes_the_table_then_leaves_nftables_alone) {
  auto rt = make();
  ASSERT_TRUE(rt.reconcile(load(std::string(pools) + web)));
  ASSERT_TRUE(rt.reconcile(load(pools)));
  EXPECT_FALSE(table->table.exists);
  EXPECT_EQ(table->applied.back().kind, nft::batch_kind::remove);
  const auto reads = table->reads;
  ASSERT_TRUE(rt.reconcile(load(pools)));
  EXPECT_EQ(table->reads, reads);
}

TEST_F(fullnat_runtime_test, a_new_table_name_moves_the_table) {
  auto rt = make();
  ASSERT_TRUE(rt.reconcile(load(std::string(pools) + web)));
  ASSERT_TRUE(rt.reconcile(load(std::string(pools) + "fullnat_table = \"other\"\n" + web)));
  const auto& batches = table->applied;
  ASSERT_EQ(batches.size(), 3U);
  EXPECT_EQ(batches[1].kind, nft::batch_kind::remove);
  EXPECT_EQ(batches[1].commands, std::vector<std::string>{"delete table inet lbd"});
  EXPECT_EQ(batches[2].kind, nft::batch_kind::create);
  EXPECT_EQ(batches[2].commands.front(), "add table inet other");
}

TEST_F(fullnat_runtime_test, stop_removes_the_table_under_remove_and_keeps_it_under_keep) {
  auto keep = make();
  ASSERT_TRUE(keep.reconcile(load(std::string(pools) + web)));
  ASSERT_TRUE(keep.stop(false));
  EXPECT_TRUE(table->table.exists);
  auto remove = make();
  table->table = nft::kernel_table{};
  ASSERT_TRUE(remove.reconcile(load(std::string(pools) + web)));
  ASSERT_TRUE(remove.stop(true));
  EXPECT_FALSE(table->table.exists);
}

TEST_F(fullnat_runtime_test, without_fullnat_a_left_table_is_looked_for_only_when_nf_tables_is_loaded) {
  auto quiet = make();
  ASSERT_TRUE(quiet.reconcile(load(pools)));
  EXPECT_EQ(opened, 0U);
  nf_tables_loaded = true;
  auto looking = make();
  ASSERT_TRUE(looking.reconcile(load(pools)));
  ASSERT_EQ(opened, 1U);
  EXPECT_EQ(table->reads, 1U);
  ASSERT_TRUE(looking.reconcile(load(pools)));
  EXPECT_EQ(table->reads, 1U);  // once, at start
}

}  // namespace
}  // namespace lbd::daemon
