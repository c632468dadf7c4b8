// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/listing.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "listing_fixture.hpp"
#include "nft/plan.hpp"
#include "tables.hpp"

namespace lbd::nft {
namespace {

using json = nlohmann::json;
using testing::dual_listing;
using testing::dual_table;

json listing() { return json::parse(dual_listing); }

// The fixture with its "nftables" array changed by `edit`.
template <typename F>
std::string edited(F edit) {
  json j = listing();
  edit(j["nftables"]);
  return j.dump();
}

TEST(NftListing, KernelListingOfCreatedTableIsTheDesiredTable) {
  auto k = parse_listing(dual_listing, "lbd");
  ASSERT_TRUE(k) << k.error();
  EXPECT_TRUE(k->exists);
  EXPECT_TRUE(k->exact);
  EXPECT_EQ(k->content, dual_table());
  EXPECT_TRUE(plan("lbd", *k, dual_table()).empty());
}

// Without /etc/protocols (no netbase) nft prints `meta l4proto 6`: still lbd's own rules, nothing to
// rewrite. A protocol number that does not match the set is foreign.
TEST(NftListing, ProtocolNumbersReadLikeTheirNames) {
  const std::map<std::string, int> numbers{{"tcp", 6}, {"udp", 17}, {"sctp", 132}};
  const auto numbered = [&](int shift) {
    return edited([&](json& items) {
      for (auto& item : items) {
        if (!item.contains("rule")) continue;
        auto& right = item["rule"]["expr"][0]["match"]["right"];
        right = numbers.at(right.get<std::string>()) + shift;
      }
    });
  };
  auto k = parse_listing(numbered(0), "lbd");
  ASSERT_TRUE(k) << k.error();
  EXPECT_TRUE(k->exact);
  EXPECT_EQ(k->content, dual_table());
  auto wrong = parse_listing(numbered(1), "lbd");
  ASSERT_TRUE(wrong) << wrong.error();
  EXPECT_FALSE(wrong->exact);
  // A protocol match of three members without "right" (found by the fuzzer): foreign, not a crash.
  auto no_right = parse_listing(edited([](json& items) {
                                  for (auto& item : items) {
                                    if (!item.contains("rule")) continue;
                                    auto& match = item["rule"]["expr"][0]["match"];
                                    match.erase("right");
                                    match["x"] = 6;
                                  }
                                }),
                                "lbd");
  ASSERT_TRUE(no_right) << no_right.error();
  EXPECT_FALSE(no_right->exact);
}

TEST(NftListing, EmptyTableIsExactAndEmpty) {
  auto k = parse_listing(
      R"({"nftables": [{"metainfo": {}}, {"table": {"family": "inet", "name": "lbd", "handle": 1}}]})", "lbd");
  ASSERT_TRUE(k) << k.error();
  EXPECT_TRUE(k->exists);
  EXPECT_TRUE(k->exact);
  EXPECT_TRUE(k->content.empty());
}

TEST(NftListing, MalformedInputIsAnError) {
  for (const char* text :
       {"", "{", "[]", "{}", R"({"nftables": 1})", R"({"nftables": [1]})", R"({"nftables": [{"table": 1}]})",
        R"({"nftables": [{"table": {}, "set": {}}]})", R"({"nftables": [{"metainfo": {}}]})",
        R"({"nftables": [{"table": {"family": "ip", "name": "lbd"}}]})",
        R"({"nftables": [{"table": {"family": "inet", "name": "other"}}]})",
        R"({"nftables": [{"table": {"family": "inet", "name": 5}}]})"}) {
    EXPECT_FALSE(parse_listing(text, "lbd")) << text;
  }
}

TEST(NftListing, SetWithoutTypeOrWithBadAddressIsAnError) {
  EXPECT_FALSE(parse_listing(edited([](json& a) { a[2]["set"].erase("type"); }), "lbd"));
  EXPECT_FALSE(parse_listing(edited([](json& a) { a[2]["set"]["elem"][0]["concat"][0] = "2001:db8::1"; }), "lbd"));
  EXPECT_FALSE(parse_listing(edited([](json& a) { a[2]["set"]["elem"] = 3; }), "lbd"));
}

TEST(NftListing, ForeignContentIsNotExact) {
  const auto not_exact = [](const std::string& text) {
    auto k = parse_listing(text, "lbd");
    return k && k->exists && !k->exact;
  };
  // A rule removed, a rule added, a rule changed, a chain added, a set of another type, a foreign
  // element, a foreign object, the chain's priority changed.
  EXPECT_TRUE(not_exact(edited([](json& a) { a.erase(a.size() - 1); })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a.push_back(a[a.size() - 1]); })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a[a.size() - 1]["rule"]["expr"][2]["snat"]["flags"] = "random"; })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a[a.size() - 1]["rule"]["expr"][0]["match"]["right"] = "udp"; })));
  EXPECT_TRUE(not_exact(edited([](json& a) {
    json c = a[8];
    c["chain"]["name"] = "extra";
    a.push_back(c);
  })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a[2]["set"]["type"] = "ipv4_addr"; })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a[2]["set"]["elem"].push_back({{"elem", {{"val", 1}}}}); })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a.push_back({{"counter", {{"family", "inet"}, {"table", "lbd"}}}}); })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a[8]["chain"]["prio"] = 0; })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a.erase(2); })));
  EXPECT_TRUE(not_exact(edited([](json& a) { a[1]["table"]["flags"] = "dormant"; })));
}

TEST(NftListing, FixtureShapeIsWhatTheTestsEdit) {
  const json a = listing()["nftables"];
  ASSERT_TRUE(a[2].contains("set"));
  ASSERT_TRUE(a[8].contains("chain"));
  ASSERT_TRUE(a[a.size() - 1].contains("rule"));
}

TEST(NftListing, PoolsAndElementsAreRead) {
  auto k = parse_listing(edited([](json& a) {
                           a[2]["set"]["elem"] = json::array({{{"concat", {"192.0.2.99", 8080}}}});
                         }),
                         "lbd");
  ASSERT_TRUE(k) << k.error();
  ASSERT_TRUE(k->exact);
  EXPECT_EQ(k->content.v4->of(protocol::tcp), (std::set<vip>{{"192.0.2.99", 8080}}));
  EXPECT_EQ(k->content.v4->pool, (lip_pool{"10.0.0.1", "10.0.0.4"}));
  EXPECT_EQ(k->content.v6->pool, (lip_pool{"2001:db8::1", "2001:db8::1"}));
}

TEST(NftListing, TableList) {
  EXPECT_TRUE(lists_table("table inet lbd\n", "lbd").value());
  EXPECT_TRUE(lists_table("table ip other\ntable inet lbd\n", "lbd").value());
  EXPECT_FALSE(lists_table("table ip lbd\ntable inet lbd2\n", "lbd").value());
  EXPECT_FALSE(lists_table("", "lbd").value());
  EXPECT_FALSE(lists_table("table inet\n", "lbd"));
  EXPECT_FALSE(lists_table("chain inet lbd\n", "lbd"));
  EXPECT_FALSE(lists_table("table inet lbd extra\n", "lbd"));
  EXPECT_FALSE(lists_table(R"({"nftables": []})", "lbd"));
}

}  // namespace
}  // namespace lbd::nft
