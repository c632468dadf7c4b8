// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/io/state_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/interface_address.hpp"
#include "common/text_file.hpp"
#include "vrrp/io/vip_lifetime.hpp"

namespace lbd::vrrp::io {
namespace {

std::string& directory() {
  static std::string dir;
  return dir;
}

constexpr std::string_view prefix_name = "vrrp-";
constexpr std::string_view suffix_name = ".state";

bool present(const std::vector<netif::interface_address>& have, const prefix& p) {
  return std::any_of(have.begin(), have.end(), [&](const auto& a) { return a.address == p; });
}

// A MASTER that died within its window: its VIPs stay until shortly before a peer may take over (the
// kernel removes them then), so a restart that resumes finds them and makes them permanent again.
bool hold_vips(const saved_state& s, std::chrono::seconds hold, std::vector<std::string>& report) {
  auto have = netif::list_addresses(s.interface);
  if (!have) {
    report.push_back(fmt::format("instance {}: {}", s.instance, have.error()));
    return false;
  }
  for (const auto& vip : s.vips) {
    if (!present(*have, vip)) continue;  // never re-create what is gone
    if (auto r = set_vip_lifetime(s.interface, vip, {}, hold); !r) {
      report.push_back(fmt::format("instance {}: {}", s.instance, r.error()));
      return false;
    }
    report.push_back(fmt::format("instance {}: {} on {} expires in {} s unless lbd resumes MASTER by then", s.instance,
                                 to_string(vip), s.interface, hold.count()));
  }
  return true;
}

}  // namespace

void set_state_directory(std::string dir) { directory() = std::move(dir); }
const std::string& state_directory() { return directory(); }

std::string state_path(const std::string& dir, const std::string& instance) {
  const bool plain =
      !instance.empty() && instance.size() <= 64 && instance.front() != '.' &&
      std::all_of(instance.begin(), instance.end(), [](char c) { return c > ' ' && c < 0x7f && c != '/'; });
  if (dir.empty() || !plain) return {};
  return fmt::format("{}/{}{}{}", dir, prefix_name, instance, suffix_name);
}

status<std::string> save_state(const std::string& path, const saved_state& s) {
  // Written after every advert, into /run: the rename is what matters, a disk flush would only make
  // the VRRP thread wait.
  return replace_text_file(path, encode(s), 0600, durability::rename_only);
}

result<std::optional<saved_state>, std::string> load_state(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<saved_state>();
    return unexpected(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  std::string text(saved_state_max_bytes + 1, '\0');
  std::size_t have = 0;
  while (have < text.size()) {
    const ssize_t n = ::read(fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(have);
  auto s = parse_saved_state(text);
  if (!s) return unexpected(fmt::format("{}: {}", path, s.error()));
  return std::optional<saved_state>(std::move(*s));
}

bool release_vips(const std::string& dir, std::vector<std::string>& report) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    // No directory: no lbd ran here since boot (or systemd removed it after a final stop).
    report.push_back(fmt::format("{}: {}: nothing to release", dir, ec.message()));
    return true;
  }
  bool all_ok = true;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix_name) || !name.ends_with(suffix_name)) continue;
    auto loaded = load_state(entry.path().string());
    if (!loaded) {
      report.push_back(fmt::format("skipped: {}", loaded.error()));
      continue;
    }
    if (!*loaded || (*loaded)->vips.empty()) continue;
    saved_state s = std::move(**loaded);
    if (auto hold = release_hold(s, clock::now())) {
      if (hold_vips(s, *hold, report)) continue;
      all_ok = false;  // could not hold them: removed below instead
    }
    std::vector<prefix> kept;
    for (const auto& vip : s.vips) {
      if (auto r = netif::delete_address(s.interface, vip); !r) {
        report.push_back(fmt::format("instance {}: {} on {}: {}", s.instance, to_string(vip), s.interface, r.error()));
        kept.push_back(vip);
        all_ok = false;
      } else {
        report.push_back(fmt::format("instance {}: released {} from {}", s.instance, to_string(vip), s.interface));
      }
    }
    s.vips = std::move(kept);
    if (auto w = save_state(entry.path().string(), s); !w) report.push_back(w.error());
  }
  return all_ok;
}

}  // namespace lbd::vrrp::io
