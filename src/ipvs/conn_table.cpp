// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/conn_table.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace lbd::ipvs {
namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename T>
bool number(std::string_view s, T& v, int base) {
  if (s.empty()) return false;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v, base);
  return ec == std::errc() && p == end;
}

bool port(std::string_view s, std::uint16_t& p) { return s.size() == 4 && number(s, p, 16); }

// "C0A80001" (host order) or "2001:0db8:0000:0000:0000:0000:0000:0001".
bool address(std::string_view s, ip_address& a) {
  if (s.size() == 8) {
    std::uint32_t v = 0;
    if (!number(s, v, 16)) return false;
    a = boost::asio::ip::address_v4(v);
    return true;
  }
  if (s.size() != 39) return false;
  boost::asio::ip::address_v6::bytes_type bytes{};
  for (std::size_t g = 0; g < 8; ++g) {
    std::uint16_t v = 0;
    if ((g < 7 && s[(g * 5) + 4] != ':') || !number(s.substr(g * 5, 4), v, 16)) return false;
    bytes[g * 2] = static_cast<unsigned char>(v >> 8);
    bytes[(g * 2) + 1] = static_cast<unsigned char>(v & 0xff);
  }
  a = boost::asio::ip::address_v6(bytes);
  return true;
}

bool endpoint_of(std::string_view addr, std::string_view p, endpoint& e) {
  return address(addr, e.address) && port(p, e.port);
}

std::string show(const endpoint& e) { return to_string(e); }

}  // namespace

conn_table parse_conn_table(std::string_view text) {
  conn_table out;
  bool sync_format = false;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    const auto w = words(line);
    if (w.empty()) continue;
    if (w[0] == "Pro") {  // the header; the sync table's names its Origin column
      sync_format = line.find("Origin") != std::string_view::npos;
      continue;
    }
    auto bad = [&](std::string_view why) { out.errors.push_back(fmt::format("line {}: {}", line_no, why)); };
    const std::size_t fixed = sync_format ? 10 : 9;
    if (w.size() < fixed || (sync_format && w.size() != fixed) || (!sync_format && w.size() != 9 && w.size() != 11)) {
      bad(fmt::format("{} fields", w.size()));
      continue;
    }
    // The kernel prints ASCII only; anything else is not its table (and would not be valid JSON).
    bool printable = true;
    for (auto word : w) {
      for (char ch : word) printable = printable && ch > ' ' && ch < 0x7f;
    }
    if (!printable) {
      bad("not printable ASCII");
      continue;
    }
    connection c;
    c.proto = std::string(w[0]);
    if (!endpoint_of(w[1], w[2], c.client) || !endpoint_of(w[3], w[4], c.virtual_address) ||
        !endpoint_of(w[5], w[6], c.destination)) {
      bad("bad address or port");
      continue;
    }
    c.state = std::string(w[7]);
    if (sync_format) c.origin = std::string(w[8]);
    if (!number(w[fixed - 1], c.expires, 10)) {
      bad("bad expiry");
      continue;
    }
    if (w.size() == 11) {
      c.pe_name = std::string(w[9]);
      c.pe_data = std::string(w[10]);
    }
    out.rows.push_back(std::move(c));
  }
  return out;
}

std::string format_connections(const std::vector<connection>& rows) {
  // ipvsadm's print_conn: "%-3s %02d:%02d  %-11s %-18s %-18s %s".
  std::string out = "IPVS connection entries\npro expire state       source             virtual            destination";
  out += "\n";
  for (const auto& c : rows) {
    out += fmt::format("{:<3} {:02}:{:02}  {:<11} {:<18} {:<18} {}", c.proto, c.expires / 60, c.expires % 60, c.state,
                       show(c.client), show(c.virtual_address), show(c.destination));
    if (!c.pe_name.empty()) out += fmt::format(" {} {}", c.pe_name, c.pe_data);
    out += '\n';
  }
  return out;
}

std::vector<connection> connections_of(const std::vector<connection>& rows, const service_key& k, const table& t) {
  std::vector<connection> out;
  if (k.fwmark != 0) {
    std::vector<endpoint> dests;
    for (const auto& [key, s] : t) {
      if (key.fwmark != k.fwmark || key.family != k.family) continue;
      for (const auto& [dk, d] : s.dests) dests.push_back(endpoint{dk.address, dk.port});
    }
    for (const auto& c : rows) {
      for (const auto& d : dests) {
        if (c.destination == d) {
          out.push_back(c);
          break;
        }
      }
    }
    return out;
  }
  std::string proto(to_string(k.proto));
  for (auto& ch : proto) ch = static_cast<char>(ch - 'a' + 'A');
  for (const auto& c : rows) {
    if (c.proto == proto && c.virtual_address == endpoint{k.address, k.port}) out.push_back(c);
  }
  return out;
}

nlohmann::json connections_to_json(const std::vector<connection>& rows) {
  auto out = nlohmann::json::array();
  for (const auto& c : rows) {
    nlohmann::json j{{"protocol", c.proto},
                     {"client", show(c.client)},
                     {"virtual", show(c.virtual_address)},
                     {"destination", show(c.destination)},
                     {"state", c.state},
                     {"expires_s", c.expires}};
    if (!c.origin.empty()) j["origin"] = c.origin;
    if (!c.pe_name.empty()) {
      j["pe_name"] = c.pe_name;
      j["pe_data"] = c.pe_data;
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace lbd::ipvs
