// SPDX-License-Identifier: GPL-2.0-or-later
// Logs the way lbd does: the journal sink when stderr is the journal, then one real-server-down line
// with lbd's fields. Exits 3 when stderr is not the journal, so the test sees which path was taken.
#include <cstdio>
#include <string>

#include "common/journal_sink.hpp"
#include "common/log.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: journal_probe SERVER\n");
    return 2;
  }
  const bool journal = lbd::log::use_journal_if_stderr_is_journal("lbd");
  const std::string server = argv[1];
  namespace log = lbd::log;
  log::logger l("service[web]", {{log::service_field, "web"}});
  l.with({{log::event_field, "server_down"}, {log::server_field, server}, {log::reason_field, "connection refused"}})
      .notice("real server {} down (connection refused)", server);
  return journal ? 0 : 3;
}
