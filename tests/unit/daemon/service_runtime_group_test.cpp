// SPDX-License-Identifier: GPL-2.0-or-later
// A service with several entry points (keepalived's virtual_server_group) over the in-memory IPVS:
// one set of checks, every entry point holding the same servers, shown as one service, and a reload
// that adds or removes an entry point touching only it.
#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {
namespace {

const auto second_key = ipvs::service_key::inet(ipvs::protocol::tcp, ep("192.0.2.11:80"));
const auto third_key = ipvs::service_key::inet(ipvs::protocol::tcp, ep("192.0.2.12:80"));

std::string group(const std::string& addresses) {
  std::string text = service("", "on_failure = \"remove\"");
  const std::string single = "address = \"192.0.2.10:80\"";
  text.replace(text.find(single), single.size(), "address = [" + addresses + "]");
  return text;
}

std::size_t dests_of(const ipvs::table& t, const ipvs::service_key& k) {
  const auto it = t.find(k);
  return it == t.end() ? 0 : it->second.dests.size();
}

TEST_F(service_runtime_test, EveryEntryPointOfAGroupFollowsTheSameChecks) {
  apply(load(group(R"("192.0.2.10:80", "192.0.2.11:80")")));
  settle(2);
  const auto& k = kernel.fake.kernel();
  ASSERT_TRUE(run_until([&] { return dests_of(k, second_key) == 2; }));
  EXPECT_EQ(k.at(second_key).dests.at(dk("10.0.1.12:80")).attrs.weight, 2U);
  EXPECT_EQ(rt->checks().size(), 2U);  // one check per real server, not per entry point

  // The group is one service: its other entry point listed, the counts summed over both.
  kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.11:80")).counters.active = 3;
  kernel.fake.kernel().at(second_key).dests.at(dk("10.0.1.11:80")).counters.active = 4;
  rt->reconcile();
  const nlohmann::json s = rt->services();
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0]["service"], "tcp 192.0.2.10:80");
  EXPECT_EQ(s[0]["also"], nlohmann::json::array({"tcp 192.0.2.11:80"}));
  EXPECT_EQ(s[0]["real_servers"][0]["active_conns"], 7);
  EXPECT_EQ(s[0]["active_conns"], 7);

  // A failed server leaves every entry point at once (on_failure = remove).
  probes.down.insert(ep("10.0.1.11:80"));
  settle(1);
  ASSERT_TRUE(run_until([&] { return dests_of(k, second_key) == 1; }));
  EXPECT_EQ(k.at(second_key).dests.count(dk("10.0.1.12:80")), 1U);
}

TEST_F(service_runtime_test, ReloadAddingOrRemovingAnEntryPointTouchesOnlyIt) {
  apply(load(group(R"("192.0.2.10:80", "192.0.2.11:80")")));
  settle(2);
  const auto& k = kernel.fake.kernel();
  ASSERT_TRUE(run_until([&] { return dests_of(k, second_key) == 2; }));
  kernel.kinds.clear();
  apply(load(group(R"("192.0.2.10:80", "192.0.2.11:80", "192.0.2.12:80")")));
  ASSERT_TRUE(run_until([&] { return dests_of(k, third_key) == 2; }));
  // The new entry point and its servers; nothing deleted, the others' servers never left.
  for (auto kind : kernel.kinds) {
    EXPECT_TRUE(kind == ipvs::op_kind::add_service || kind == ipvs::op_kind::add_dest) << static_cast<int>(kind);
  }
  EXPECT_EQ(dests_of(k, web_key), 2U);
  EXPECT_EQ(dests_of(k, second_key), 2U);

  kernel.kinds.clear();
  apply(load(group(R"("192.0.2.10:80", "192.0.2.12:80")")));
  ASSERT_TRUE(run_until([&] { return k.count(second_key) == 0; }));
  EXPECT_EQ(kernel.kinds, std::vector<ipvs::op_kind>{ipvs::op_kind::del_service});
  EXPECT_EQ(dests_of(k, web_key), 2U);
  EXPECT_EQ(dests_of(k, third_key), 2U);
}

}  // namespace
}  // namespace lbd::daemon::test
