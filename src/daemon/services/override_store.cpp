// SPDX-License-Identifier: GPL-2.0-or-later
// The operator's overrides in lbd's state file: read once at start, rewritten on every change. A
// file that cannot be read or makes no sense is reported and left alone (lbd starts without the
// overrides rather than not at all); a failed write is reported and counted, and the override
// applies all the same.
#include <cerrno>
#include <filesystem>

#include "common/text_file.hpp"
#include "daemon/services/override_file.hpp"
#include "daemon/services/service_runtime_impl.hpp"

namespace lbd::daemon {
namespace {

void count_error(metrics::registry& m, const char* op) {
  m.get_counter("lbd_state_file_errors_total", "Failures to read or write lbd's state file (--state-file)",
                {{"op", op}})
      .inc();
}

void set_gauge(metrics::registry& m, const overrides& o) {
  m.get_gauge("lbd_overrides_active", "Real servers under an operator override")
      .set(static_cast<double>(o.entries().size()));
}

}  // namespace

void service_runtime::impl::load_overrides() {
  if (overrides_path_.empty()) return;
  std::error_code ec;
  if (!std::filesystem::exists(overrides_path_, ec)) {
    log_.info("state file {} does not exist yet: no override to restore", overrides_path_);
    return;
  }
  if (const auto size = std::filesystem::file_size(overrides_path_, ec); !ec && size > override_file_max_bytes) {
    log_.err("state file {}: {} bytes, more than {}: ignored, no override restored", overrides_path_, size,
             override_file_max_bytes);
    count_error(metrics_, "read");
    return;
  }
  auto text = read_text_file(overrides_path_);
  if (!text) {
    log_.err("state file {}: {}: no override restored", overrides_path_, text.error());
    count_error(metrics_, "read");
    return;
  }
  auto read = decode_state(*text);
  if (!read) {
    // Left in place for the operator to look at; the next change replaces it.
    log_.err("state file {}: {}: ignored, no override restored", overrides_path_, read.error());
    count_error(metrics_, "read");
    return;
  }
  overrides_ = std::move(read->ovr);
  // A ramp under way goes on from where the wall clock says it is, the time lbd was down included.
  std::map<server_ref, ramp> ramps;
  const auto wall = time_.wall();
  for (const auto& k : read->ramps) {
    const auto since = time_.now() - std::chrono::duration_cast<healthcheck::duration>(wall - k.since);
    ramps.emplace(k.server, ramp{since, k.window});
    log_.notice("slow start restored from {}: {} in {}: {}s of {}s done", overrides_path_, to_string(k.server.address),
                k.server.service, std::chrono::duration_cast<std::chrono::seconds>(wall - k.since).count(),
                std::chrono::duration_cast<std::chrono::seconds>(k.window).count());
  }
  ramps_.restore(std::move(ramps));
  for (const auto& [ref, e] : overrides_.entries()) {
    if (e.kind == override_kind::weight) {
      log_.notice("operator override restored from {}: {} in {}: weight {}", overrides_path_, to_string(ref.address),
                  ref.service, e.weight);
    } else {
      log_.notice("operator override restored from {}: {} in {}: drain", overrides_path_, to_string(ref.address),
                  ref.service);
    }
  }
  set_gauge(metrics_, overrides_);
}

void service_runtime::impl::save_overrides() {
  set_gauge(metrics_, overrides_);
  if (overrides_path_.empty()) return;
  std::vector<kept_ramp> ramps;
  const auto wall = time_.wall();
  const auto now = time_.now();
  for (const auto& [ref, r] : ramps_.ramps()) {
    ramps.push_back({ref, std::chrono::time_point_cast<std::chrono::system_clock::duration>(wall - (now - r.since)),
                     std::chrono::duration_cast<std::chrono::milliseconds>(r.window)});
  }
  if (auto w = replace_text_file(overrides_path_, encode_overrides(overrides_, ramps), 0600, durability::flushed); !w) {
    log_.err("state file: {}: the overrides hold until lbd stops, a restart will not restore them", w.error());
    count_error(metrics_, "write");
  }
}

}  // namespace lbd::daemon
