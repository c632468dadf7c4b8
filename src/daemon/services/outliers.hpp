// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Passive outlier detection of one virtual server, pure: from successive reads of the kernel's
// connection table to ejections of real servers whose new connections go unanswered.
//
// Why connection states and not the per-destination counters: the kernel folds those every 2 s,
// so their evidence is 2 to 4 s old, and they cannot tell a connection the server answered from
// one it ignored. IPVS keeps a TCP connection in SYN_RECV until the client's ACK, which follows
// the server's SYN-ACK (the director sees it under NAT, and under DR/TUN the client's ACK passes
// the director too). So a connection that is new at one read and still SYN_RECV at the next
// (an interval later) was not answered within the interval; one past SYN_RECV was.
//
// The verdict on a server looks at its last reads (at most `window_reads`): the shortest run of
// latest reads with at least min_connections unanswered making at least unanswered_percent of
// those judged. An ejection lasts base_ejection_time, doubled for each ejection in a row (one
// that comes before the server stayed in as long as it was last out), at most max_ejection_time.
// At most max_ejection_percent of the servers are out at once (at least one); and when more than
// half of them look bad together the fault is taken to be the director's or the network's, and
// none is ejected (Envoy's panic rule, which a 50% cap alone would not give).
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "config/model.hpp"
#include "ipvs/conn_table.hpp"

namespace lbd::daemon {

using outlier_clock = std::chrono::steady_clock;

struct outlier_event {
  enum class kind { ejected, returned, held };
  kind what;
  endpoint server;
  std::string evidence;  // "35 of 35 new connections unanswered for 1s or more (the last read); out for 5s ..."
};
const char* to_string(outlier_event::kind k);

// What lbctl shows of an ejected server.
struct ejection_view {
  outlier_clock::time_point until;
  unsigned in_a_row = 0;
};

class outlier_detector {
 public:
  static constexpr std::size_t window_reads = 5;

  outlier_detector(config::outlier_settings s, std::vector<endpoint> servers);

  // A new config: settings and servers; servers that stay keep their history and ejection.
  void configure(config::outlier_settings s, std::vector<endpoint> servers);
  [[nodiscard]] const config::outlier_settings& settings() const { return settings_; }

  // One read of the table at `now`: the rows of this service (any other rows are ignored). Returns
  // what changed: ejections ended (returned) first, then new ejections, then servers that would
  // have been ejected but were held by the cap or the majority rule (once per episode).
  std::vector<outlier_event> on_read(const std::vector<ipvs::connection>& rows, outlier_clock::time_point now);

  [[nodiscard]] std::optional<ejection_view> ejection(const endpoint& server) const;
  [[nodiscard]] std::size_t ejected_count() const;

 private:
  // A connection of one server, told apart by client and virtual address.
  struct conn_id {
    endpoint client;
    endpoint vip;
    friend bool operator==(const conn_id&, const conn_id&) = default;
    friend bool operator<(const conn_id& a, const conn_id& b) {
      if (!(a.client == b.client)) return a.client < b.client;
      return a.vip < b.vip;
    }
  };
  struct judged {
    unsigned answered = 0;
    unsigned unanswered = 0;
  };
  struct server_state {
    std::vector<conn_id> seen;     // every connection at the last read, sorted
    std::vector<conn_id> waiting;  // new at the last read and in SYN_RECV, sorted
    std::deque<judged> history;    // the latest read last, at most window_reads
    std::optional<outlier_clock::time_point> out_until;
    outlier_clock::time_point returned_at{};
    outlier_clock::duration last_out{};
    unsigned in_a_row = 0;
    bool held = false;    // a held event was given for the current bad episode
    bool primed = false;  // `seen` holds a read taken while the server was in
  };
  struct verdict {
    endpoint server;
    double share = 0;
    std::string evidence;
  };

  void observe(server_state& st, std::vector<std::pair<conn_id, bool>>& now_rows);
  [[nodiscard]] std::optional<verdict> judge(const endpoint& server, const server_state& st) const;
  std::string eject(server_state& st, outlier_clock::time_point now);

  config::outlier_settings settings_;
  std::vector<endpoint> servers_;
  std::map<endpoint, server_state> state_;
};

}  // namespace lbd::daemon
