// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace lbd {

result<std::string, std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(fmt::format("cannot open: {}", std::strerror(errno)));
  std::string text;
  in.seekg(0, std::ios::end);
  if (const auto size = static_cast<std::streamoff>(in.tellg()); size > 0) text.reserve(static_cast<std::size_t>(size));
  // A file of /proc cannot seek to its end (nor tell a size): the stream fails, and must be cleared
  // to read at all.
  in.clear();
  in.seekg(0, std::ios::beg);
  std::array<char, 65536> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (in.eof()) break;
  }
  if (in.bad()) return unexpected(std::string("read error"));
  return text;
}

status<std::string> replace_text_file(const std::string& path, std::string_view text, mode_t mode, durability durable) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return unexpected(fmt::format("{}: {}", tmp, std::strerror(errno)));
  auto fail = [&](const std::string& what, int err) -> status<std::string> {
    ::unlink(tmp.c_str());
    return unexpected(fmt::format("{}: {}", what, err != 0 ? std::strerror(err) : "short write"));
  };
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : 0;
      ::close(fd);
      return fail(tmp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || (durable == durability::flushed && ::fsync(fd) != 0)) {
    const int err = errno;
    ::close(fd);
    return fail(tmp, err);
  }
  if (::close(fd) != 0) return fail(tmp, errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(path, errno);
  if (durable == durability::rename_only) return ok;
  // The rename itself reaches the disk with the directory.
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return ok;
}

}  // namespace lbd
