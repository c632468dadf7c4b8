// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/outliers.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/duration.hpp"

namespace lbd::daemon {
namespace {

// A real server of a fwmark service may be written without a port (port 0): its connections go to
// whatever port the client asked for.
bool serves(const endpoint& server, const endpoint& destination) {
  return server.address == destination.address && (server.port == 0 || server.port == destination.port);
}

std::string reads_text(std::size_t n) { return n == 1 ? "the last read" : fmt::format("the last {} reads", n); }

}  // namespace

const char* to_string(outlier_event::kind k) {
  switch (k) {
    case outlier_event::kind::ejected: return "ejected";
    case outlier_event::kind::returned: return "returned";
    case outlier_event::kind::held: return "held";
  }
  return "?";
}

outlier_detector::outlier_detector(config::outlier_settings s, std::vector<endpoint> servers) {
  configure(s, std::move(servers));
}

void outlier_detector::configure(config::outlier_settings s, std::vector<endpoint> servers) {
  settings_ = s;
  servers_ = std::move(servers);
  std::map<endpoint, server_state> kept;
  for (const auto& server : servers_) {
    auto it = state_.find(server);
    kept[server] = it != state_.end() ? std::move(it->second) : server_state{};
  }
  state_ = std::move(kept);
}

void outlier_detector::observe(server_state& st, std::vector<std::pair<conn_id, bool>>& now_rows) {
  // now_rows: this server's connections at this read, with "still in SYN_RECV".
  std::sort(now_rows.begin(), now_rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!st.primed) {
    // The first read (or the first since an ejection): the rows are of unknown age; only the
    // connections that appear from now on are judged.
    st.seen.clear();
    for (const auto& row : now_rows) st.seen.push_back(row.first);
    st.waiting.clear();
    st.primed = true;
    return;
  }
  judged j;
  std::vector<conn_id> seen;
  std::vector<conn_id> waiting;
  seen.reserve(now_rows.size());
  auto old_seen = st.seen.begin();
  auto old_waiting = st.waiting.begin();
  for (const auto& [id, syn_recv] : now_rows) {
    seen.push_back(id);
    while (old_waiting != st.waiting.end() && *old_waiting < id) ++old_waiting;  // gone: not judged
    if (old_waiting != st.waiting.end() && *old_waiting == id) {
      ++(syn_recv ? j.unanswered : j.answered);
      continue;
    }
    while (old_seen != st.seen.end() && *old_seen < id) ++old_seen;
    if (old_seen != st.seen.end() && *old_seen == id) continue;  // judged before, or older than the detector
    // New since the last read: answered already, or to be judged at the next one.
    if (!syn_recv) {
      ++j.answered;
    } else {
      waiting.push_back(id);
    }
  }
  st.seen = std::move(seen);
  st.waiting = std::move(waiting);
  st.history.push_back(j);
  while (st.history.size() > window_reads) st.history.pop_front();
}

std::optional<outlier_detector::verdict> outlier_detector::judge(const endpoint& server, const server_state& st) const {
  unsigned answered = 0;
  unsigned unanswered = 0;
  for (std::size_t n = 1; n <= st.history.size(); ++n) {
    const auto& j = st.history[st.history.size() - n];
    answered += j.answered;
    unanswered += j.unanswered;
    const unsigned total = answered + unanswered;
    if (unanswered >= settings_.min_connections &&
        std::uint64_t{unanswered} * 100 >= std::uint64_t{settings_.unanswered_percent} * total) {
      return verdict{server, static_cast<double>(unanswered) / total,
                     fmt::format("{} of {} new connections unanswered for {} or more ({})", unanswered, total,
                                 format_duration(settings_.interval), reads_text(n))};
    }
  }
  return std::nullopt;
}

std::string outlier_detector::eject(server_state& st, outlier_clock::time_point now) {
  // In a row: back for less time than it was last out.
  const bool again = st.in_a_row > 0 && now - st.returned_at < st.last_out;
  st.in_a_row = again ? st.in_a_row + 1 : 1;
  auto length = std::chrono::duration_cast<outlier_clock::duration>(settings_.base_ejection_time);
  const auto longest = std::chrono::duration_cast<outlier_clock::duration>(settings_.max_ejection_time);
  for (unsigned k = 1; k < st.in_a_row && length < longest; ++k) length *= 2;
  length = std::min(length, longest);
  st.out_until = now + length;
  st.last_out = length;
  st.history.clear();
  st.primed = false;
  return fmt::format("; out for {} (ejection {} in a row)",
                     format_duration(std::chrono::duration_cast<duration>(length)), st.in_a_row);
}

std::vector<outlier_event> outlier_detector::on_read(const std::vector<ipvs::connection>& rows,
                                                     outlier_clock::time_point now) {
  std::vector<outlier_event> out;
  std::map<endpoint, std::vector<std::pair<conn_id, bool>>> per_server;
  for (const auto& c : rows) {
    if (c.proto != "TCP") continue;
    for (const auto& server : servers_) {
      if (!serves(server, c.destination)) continue;
      per_server[server].push_back({conn_id{c.client, c.virtual_address}, c.state == "SYN_RECV"});
      break;
    }
  }
  std::vector<verdict> bad;
  std::size_t out_now = 0;
  for (const auto& server : servers_) {
    auto& st = state_[server];
    if (st.out_until && now >= *st.out_until) {
      st.out_until.reset();
      st.returned_at = now;
      out.push_back({outlier_event::kind::returned, server,
                     fmt::format("back after {}", format_duration(std::chrono::duration_cast<duration>(st.last_out)))});
    }
    auto& mine = per_server[server];
    if (st.out_until) {
      ++out_now;
      continue;
    }
    observe(st, mine);
    if (auto v = judge(server, st)) {
      bad.push_back(std::move(*v));
    } else {
      st.held = false;
    }
  }
  if (bad.empty()) return out;

  const std::size_t n = servers_.size();
  const std::size_t cap = std::max<std::size_t>(1, n * settings_.max_ejection_percent / 100);
  const bool majority = 2 * (bad.size() + out_now) > n;
  std::stable_sort(bad.begin(), bad.end(), [](const verdict& a, const verdict& b) { return a.share > b.share; });
  for (auto& v : bad) {
    auto& st = state_[v.server];
    if (!majority && settings_.max_ejection_percent > 0 && out_now < cap) {
      v.evidence += eject(st, now);
      st.held = false;
      ++out_now;
      out.push_back({outlier_event::kind::ejected, v.server, std::move(v.evidence)});
      continue;
    }
    if (st.held) continue;
    st.held = true;
    const std::string why =
        majority ? fmt::format(
                       "{} of {} servers look bad at once: the fault is taken to be the director's or the "
                       "network's, none is ejected",
                       bad.size() + out_now, n)
        : settings_.max_ejection_percent == 0 ? std::string("max_ejection_percent is 0")
                                              : fmt::format("{} of {} servers already out (max_ejection_percent {})",
                                                            out_now, n, settings_.max_ejection_percent);
    out.push_back({outlier_event::kind::held, v.server, v.evidence + "; kept in: " + why});
  }
  return out;
}

std::optional<ejection_view> outlier_detector::ejection(const endpoint& server) const {
  auto it = state_.find(server);
  if (it == state_.end() || !it->second.out_until) return std::nullopt;
  return ejection_view{*it->second.out_until, it->second.in_a_row};
}

std::size_t outlier_detector::ejected_count() const {
  return static_cast<std::size_t>(
      std::count_if(state_.begin(), state_.end(), [](const auto& kv) { return kv.second.out_until.has_value(); }));
}

}  // namespace lbd::daemon
