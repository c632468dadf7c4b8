// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/journal_sink.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common/log.hpp"

namespace lbd::log {

bool stderr_is_journal() {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (env == nullptr) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return journal_stream_matches(env, st.st_dev, st.st_ino);
}

void use_journal(std::string identifier) {
  set_sink([identifier = std::move(identifier)](const record& r) {
    const auto entry = journal_entry(r, identifier);
    std::vector<iovec> iov;
    iov.reserve(entry.size());
    for (const auto& e : entry) {
      // sd_journal_sendv does not write through the pointers; iovec just has no const.
      iov.push_back(iovec{const_cast<char*>(e.data()), e.size()});  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    }
    if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0) return;
    const auto line = fmt::format("<{}>{}: {}\n", static_cast<int>(r.lvl), r.prefix, r.message);
    std::fwrite(line.data(), 1, line.size(), stderr);
  });
}

bool use_journal_if_stderr_is_journal(std::string identifier) {
  if (!stderr_is_journal()) return false;
  use_journal(std::move(identifier));
  return true;
}

}  // namespace lbd::log
