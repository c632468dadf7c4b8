// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The log sink that sends each record to the journal as a structured entry (sd_journal_sendv), so
// lbd's fields (LBD_SERVER, LBD_EVENT, ...) can be queried with journalctl. Used only when stderr is
// the journal's stream: under anything else (a terminal, a file, a pipe to another logger) the
// stderr lines stay as they are.
#include <string>

namespace lbd::log {

// Whether JOURNAL_STREAM names stderr's device and inode.
bool stderr_is_journal();

// Sends every record to the journal with SYSLOG_IDENTIFIER=identifier. A record the journal does not
// take is written to stderr with its "<N>" prefix instead, so nothing is lost.
void use_journal(std::string identifier);

// use_journal(identifier) if stderr_is_journal(); returns whether it did.
bool use_journal_if_stderr_is_journal(std::string identifier);

}  // namespace lbd::log
