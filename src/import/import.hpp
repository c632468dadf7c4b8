// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Importers into lbd.conf: `lbd import keepalived FILE` and `lbd import ipvsadm FILE`.
// Each returns the lbd.conf text and what it could not carry over, named by source line, so the
// operator knows exactly what to review. The text is meant to pass `lbd --check` as it is.
#include <string>
#include <vector>

namespace lbd::import {

struct import_result {
  std::string toml;
  // What does not behave as in the input: "refused: keepalived.conf:12: digest: why" (dropped) or
  // "changed: keepalived.conf:40: notify: why" (converted, behaves differently).
  std::vector<std::string> not_converted;
  std::vector<std::string> errors;  // the input could not be read or parsed
};

// What of the machine the import runs on decides what keepalived would do there.
struct import_host {
  bool keepalived_script_account = false;  // keepalived's default script user exists
};
import_host this_host();

import_result import_keepalived_file(const std::string& path, const import_host& host = this_host());
import_result import_keepalived_text(const std::string& text, const std::string& name,
                                     const import_host& host = this_host());
// `ipvsadm -Sn` (or -S) output.
import_result import_ipvsadm_text(const std::string& text, const std::string& name);
import_result import_ipvsadm_file(const std::string& path);

}  // namespace lbd::import
