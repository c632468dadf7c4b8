// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/reconciler.hpp"

#include <gtest/gtest.h>

#include "common/metrics.hpp"
#include "nft/fake_backend.hpp"
#include "tables.hpp"

namespace lbd::nft {
namespace {

using testing::dual_table;
using testing::holding;
using testing::v4_table;

TEST(NftReconciler, CreatesThenWritesNothingWhenEqual) {
  fake_backend fake;
  metrics::registry m;
  reconciler r(fake, m, "lbd");
  auto first = r.reconcile(dual_table());
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->applied.kind, batch_kind::create);
  EXPECT_EQ(fake.table, holding(dual_table()));
  auto second = r.reconcile(dual_table());
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(fake.applied.size(), 1U);
  EXPECT_EQ(fake.reads, 2U);
  EXPECT_EQ(m.value("lbd_nft_batches_total", {{"kind", "create"}}), 1.0);
}

TEST(NftReconciler, AdoptsAnExistingTableWithoutWriting) {
  fake_backend fake;
  fake.table = holding(v4_table());
  metrics::registry m;
  reconciler r(fake, m, "lbd");
  auto o = r.reconcile(v4_table());
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->applied.empty());
  EXPECT_TRUE(fake.applied.empty());
}

TEST(NftReconciler, RepairsATableEditedFromOutside) {
  fake_backend fake;
  fake.table = holding(v4_table());
  fake.table.exact = false;
  metrics::registry m;
  reconciler r(fake, m, "lbd");
  auto o = r.reconcile(v4_table());
  ASSERT_TRUE(o);
  EXPECT_EQ(o->applied.kind, batch_kind::replace);
  EXPECT_EQ(fake.table, holding(v4_table()));
}

TEST(NftReconciler, RefusedBatchIsAnErrorAndChangesNothing) {
  fake_backend fake;
  fake.fail_apply = "Operation not permitted";
  metrics::registry m;
  reconciler r(fake, m, "lbd");
  auto o = r.reconcile(v4_table());
  ASSERT_FALSE(o);
  EXPECT_NE(o.error().find("Operation not permitted"), std::string::npos);
  EXPECT_FALSE(fake.table.exists);
  EXPECT_EQ(m.value("lbd_nft_errors_total", {{"stage", "apply"}}), 1.0);
}

TEST(NftReconciler, EmptyDesiredRemovesTheTable) {
  fake_backend fake;
  fake.table = holding(v4_table());
  metrics::registry m;
  reconciler r(fake, m, "lbd");
  auto o = r.reconcile(nat_table{});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->applied.kind, batch_kind::remove);
  EXPECT_FALSE(fake.table.exists);
}

}  // namespace
}  // namespace lbd::nft
