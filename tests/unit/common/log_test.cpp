#include "common/log.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lbd::log {
namespace {

TEST(Log, SinkReceivesPrefixAndLevel) {
  std::vector<record> seen;
  set_sink([&](const record& r) { seen.push_back(r); });
  logger l("vrrp[web/51]");
  l.notice("BACKUP -> MASTER ({})", "master down timer expired");
  l.debug("not shown at the default threshold");
  reset_sink();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].lvl, level::notice);
  EXPECT_EQ(seen[0].prefix, "vrrp[web/51]");
  EXPECT_EQ(seen[0].message, "BACKUP -> MASTER (master down timer expired)");
}

}  // namespace
}  // namespace lbd::log
