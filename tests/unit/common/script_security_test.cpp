// SPDX-License-Identifier: GPL-2.0-or-later
// The script-security rule over the facts of a path (pure), and the facts as stat(2) gives them.
#include "common/script_security.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace lbd::script_security {
namespace {

constexpr mode_t dir = S_IFDIR;
constexpr mode_t file = S_IFREG;

std::vector<path_fact> path_with(path_fact last) {
  return {{"/", 0, 0, dir | 0755}, {"/opt", 0, 0, dir | 0755}, std::move(last)};
}

TEST(script_security, roots_files_in_roots_directories_are_safe) {
  EXPECT_EQ(breach(path_with({"/opt/chk", 0, 0, file | 0755}), 0), std::nullopt);
  // Group-writable for root's group is still root's.
  EXPECT_EQ(breach(path_with({"/opt/chk", 0, 0, file | 0775}), 0), std::nullopt);
}

TEST(script_security, another_owner_group_or_everyone_breaks_it) {
  EXPECT_EQ(breach(path_with({"/opt/chk", 1000, 0, file | 0755}), 0), "/opt/chk is owned by uid 1000, not root");
  EXPECT_EQ(breach(path_with({"/opt/chk", 0, 1000, file | 0775}), 0), "/opt/chk is writable by group 1000");
  EXPECT_EQ(breach(path_with({"/opt/chk", 0, 0, file | 0757}), 0), "/opt/chk is writable by everyone");
  // A directory above counts as much as the file: whoever may write it may replace the file.
  std::vector<path_fact> facts{{"/", 0, 0, dir | 0755}, {"/opt", 0, 50, dir | 0775}, {"/opt/chk", 0, 0, file | 0755}};
  EXPECT_EQ(breach(facts, 0), "/opt is writable by group 50");
}

TEST(script_security, a_sticky_directory_protects_its_entries_but_not_a_sticky_file) {
  std::vector<path_fact> facts{{"/", 0, 0, dir | 0755}, {"/tmp", 0, 0, dir | 01777}, {"/tmp/chk", 0, 0, file | 0755}};
  EXPECT_EQ(breach(facts, 0), std::nullopt);
  facts[2].mode = file | 01777;
  EXPECT_EQ(breach(facts, 0), "/tmp/chk is writable by everyone");
}

TEST(script_security, the_user_lbd_runs_as_is_trusted_as_root) {
  EXPECT_EQ(breach(path_with({"/opt/chk", 1000, 1000, file | 0755}), 1000), std::nullopt);
}

TEST(script_security, facts_follow_the_path_from_the_root_down) {
  std::string error;
  const auto facts = facts_of("/bin//sh", error);
  ASSERT_TRUE(facts) << error;
  ASSERT_EQ(facts->size(), 3U);
  EXPECT_EQ(facts->at(0).path, "/");
  EXPECT_EQ(facts->at(1).path, "/bin");
  EXPECT_EQ(facts->at(2).path, "/bin//sh");
  EXPECT_TRUE(S_ISREG(facts->at(2).mode));  // the link /bin (merged /usr) and sh are followed
  EXPECT_FALSE(facts_of("/no/such/program", error));
  EXPECT_EQ(error, "/no: No such file or directory");
}

}  // namespace
}  // namespace lbd::script_security
