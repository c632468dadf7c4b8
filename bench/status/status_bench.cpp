// SPDX-License-Identifier: GPL-2.0-or-later
// status_bench: what the answers that grow with the table (lbctl services, lbctl status) cost the
// daemon that writes them and the lbctl that reads them, natively, as one tree of the whole answer
// (nlohmann's dump and parse) or one service at a time (status/answer_text.hpp, answer_reader.hpp).
// See bench/README.md, section "status answers".
//
//   status_bench --services N --servers M --side write|read --way tree|pieces [--results FILE]
//
// One side and one way per process, so that its peak RSS (VmHWM) is its own: `write` fills the
// typed services as the daemon does and writes the answer; `read` parses that answer back into
// typed services. Prints the time, the answer's size and the peak RSS above what the process held
// before (the typed services for `write`; for `read`, the answer's text and the services it was
// written from).
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "../common/bench_process.hpp"
#include "status/answer_reader.hpp"
#include "status/answer_text.hpp"

namespace {

using namespace lbd;

// As the daemon fills them for real servers without a check, in the kernel, with statistics.
std::vector<api::service> table(unsigned services, unsigned servers) {
  std::vector<api::service> out(services);
  for (unsigned i = 0; i < services; ++i) {
    auto& s = out[i];
    s.name = fmt::format("s{}", i);
    s.key = fmt::format("tcp 10.1.{}.{}:80", i / 256 % 256, i % 256);
    s.scheduler = "wlc";
    s.stats_age_seconds = 1.5;
    s.stats = api::rates{10, 200, 180, 40000, 900000};
    s.real_servers.resize(servers);
    for (unsigned d = 0; d < servers; ++d) {
      const unsigned n = i * servers + d;
      auto& rs = s.real_servers[d];
      rs.address = fmt::format("10.{}.{}.{}:8080", 128 + n / 65536, n / 256 % 256, n % 256);
      rs.state = api::health::up;
      rs.reason = "no check";
      rs.configured_weight = rs.weight.emplace(1);
      rs.kernel_weight = 1;
      rs.active_conns = 3;
      rs.inactive_conns = 12;
      rs.stats = api::rates{1, 20, 18, 4000, 90000};
    }
  }
  return out;
}

std::string write(const std::vector<api::service>& services, bool pieces) {
  return pieces ? api::answer_text(api::array_text(services)) : api::answer(services).dump();
}

std::vector<api::service> read(const std::string& text, bool pieces) {
  if (!pieces)
    return api::parse_answer<std::vector<api::service>>(nlohmann::json::parse(text).at("result"), "services");
  api::array_taker<api::service> taker({"result"});
  const auto rest =
      nlohmann::json::parse(text, [&taker](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        return taker(depth, event, parsed);
      });
  (void)api::open_reply(rest);
  return taker.take();
}

}  // namespace

int main(int argc, char** argv) {
  unsigned services = 0, servers = 0;
  std::string side, way, results;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const std::string v = argv[i + 1];
    if (a == "--services") services = static_cast<unsigned>(std::stoul(v));
    if (a == "--servers") servers = static_cast<unsigned>(std::stoul(v));
    if (a == "--side") side = v;
    if (a == "--way") way = v;
    if (a == "--results") results = v;
  }
  if (services == 0 || (side != "write" && side != "read") || (way != "tree" && way != "pieces")) {
    std::fprintf(stderr,
                 "usage: status_bench --services N --servers M --side write|read --way tree|pieces "
                 "[--results FILE]\n");
    return 2;
  }
  const auto host_load = bench::load_average();
  const bool pieces = way == "pieces";
  double ms = 0;
  long base_kb = 0;
  std::size_t bytes = 0;
  if (side == "write") {
    const auto typed = table(services, servers);
    base_kb = bench::status_kb("VmRSS");
    const auto t = std::chrono::steady_clock::now();
    bytes = write(typed, pieces).size();
    ms = bench::ms_since(t);
  } else {
    // The written table stays: what the read builds is then new memory, not the heap it freed.
    const auto written = table(services, servers);
    const auto text = write(written, true);
    bytes = text.size();
    base_kb = bench::status_kb("VmRSS");
    const auto t = std::chrono::steady_clock::now();
    const auto back = read(text, pieces);
    ms = bench::ms_since(t);
    if (back.size() != services) {
      std::fprintf(stderr, "status_bench: read %zu services of %u\n", back.size(), services);
      return 1;
    }
  }
  const auto line = fmt::format("status_answers {}x{} side={} way={} ms={:.0f} bytes={} peak_over_base_kb={}", services,
                                servers, side, way, ms, bytes, bench::status_kb("VmHWM") - base_kb);
  std::printf("%s\n", line.c_str());
  if (!results.empty()) bench::append_result(results, host_load, line);
  return 0;
}
