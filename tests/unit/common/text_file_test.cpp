// SPDX-License-Identifier: GPL-2.0-or-later
// read_text_file on a regular file and on a file of /proc, which cannot seek to its end.
#include "common/text_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace lbd {
namespace {

TEST(text_file, reads_a_regular_file_whole) {
  char name[] = "/tmp/lbd-text-file-XXXXXX";
  const int fd = ::mkstemp(name);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::string text(200000, 'x');
  ASSERT_TRUE(replace_text_file(name, text, 0600, durability::rename_only));
  auto back = read_text_file(name);
  ::unlink(name);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, text);
}

TEST(text_file, reads_a_proc_file_that_has_no_size) {
  // /proc/net/ip_vs_conn is read so by outlier detection; /proc/self/status is one of its kind
  // on every kernel.
  auto text = read_text_file("/proc/self/status");
  ASSERT_TRUE(text) << text.error();
  EXPECT_NE(text->find("Name:"), std::string::npos);
}

TEST(text_file, names_why_a_file_cannot_be_read) {
  auto text = read_text_file("/nonexistent/lbd");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error(), "cannot open: No such file or directory");
}

}  // namespace
}  // namespace lbd
