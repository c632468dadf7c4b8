// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The saved VRRP state (vrrp/resume.hpp) on disk: one file per instance, `vrrp-<name>.state`, in the
// runtime directory (/run/lbd under systemd, which keeps it across an automatic restart and removes
// it on a final stop; a tmpfs, so a write is a few microseconds and nothing survives a reboot).
// Written whole to a temporary file and renamed over the old one, so a reader (the next lbd, or
// `lbd --release-vips` after a crash) sees the old or the new content, never a mix.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "vrrp/resume.hpp"

namespace lbd::vrrp::io {

// Where the files go. Set once at startup, before any VRRP thread runs; empty disables saving.
void set_state_directory(std::string dir);
const std::string& state_directory();

// The file of `instance` in `dir`; empty when the name cannot be a file name.
std::string state_path(const std::string& dir, const std::string& instance);

status<std::string> save_state(const std::string& path, const saved_state& s);
// Absent file: no value, no error.
result<std::optional<saved_state>, std::string> load_state(const std::string& path);

// `lbd --release-vips`: the VIPs every state file in `dir` says lbd added leave the kernel. Those of
// a MASTER whose last advert is recent enough get an address lifetime instead (release_hold() in
// resume.hpp): the kernel removes them before any peer may take over, unless a restarted lbd
// resumes MASTER first. The others are removed now, and the file records that they are gone (role
// and last advert are kept). Addresses lbd did not add are never touched, nor re-created. One line
// per action or problem in `report`; false when a VIP could not be removed.
bool release_vips(const std::string& dir, std::vector<std::string>& report);

}  // namespace lbd::vrrp::io
