// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// http (without TLS) on a socket_poller: connect to the real server, write one HTTP/1.1 request
// (the service's Host, "Connection: close"), read the status line, headers and body up to
// max_body (Content-Length, chunked, or until the close), then judge the status, the body regex
// and the body's SHA-256 as the curl prober does, with the same reasons. Per check: connect, send,
// usually one recv, and a reset (the slots keep their sockets and buffers up to 64 KiB (buffer_memory.hpp), so a steady
// stream of checks allocates little). https stays with libcurl (http_prober).
#include <boost/asio/any_io_executor.hpp>

#include <array>
#include <string>
#include <vector>

#include "healthcheck/body_regex.hpp"
#include "healthcheck/deadline_queue.hpp"
#include "healthcheck/http_response.hpp"
#include "healthcheck/optimistic_gate.hpp"
#include "healthcheck/probe_slots.hpp"
#include "healthcheck/probe_socket.hpp"
#include "healthcheck/prober.hpp"
#include "healthcheck/socket_poller.hpp"

namespace lbd::healthcheck {

class plain_http_prober final : public prober {
 public:
  explicit plain_http_prober(const boost::asio::any_io_executor& ex);
  plain_http_prober(const plain_http_prober&) = delete;
  plain_http_prober& operator=(const plain_http_prober&) = delete;
  // Resets the connections of probes still running; their handlers are dropped, not called.
  ~plain_http_prober() override;

  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override;

  [[nodiscard]] std::size_t running() const { return slots_.running(); }

 private:
  struct probe {
    reusable_socket socket;
    endpoint target;
    duration timeout{};
    probe_handler handler;
    time_point started{};
    bool connected = false;
    std::string request;
    std::size_t sent = 0;
    http_response_parser response;
    // What the verdict needs of the parameters (assigned, so the slot's buffers are reused).
    std::vector<status_range> expect_status;
    pcre_regex* regex = nullptr;  // owned by regexes_
    std::string body_sha256;
  };

  void on_event(std::uint64_t slot, std::uint32_t events);
  void on_deadline(std::uint64_t token);
  // Sends the request right after connect when the connection is already up.
  void send_early(std::uint64_t token, probe& p);
  // True when the whole request is sent (false: wait for writability, or the probe completed).
  bool send_request(std::uint64_t token, probe& p);
  void read_response(std::uint64_t token, probe& p);
  void complete(std::uint64_t token, probe& p, probe_result r);
  // Ends the probe's connection and frees its slot.
  void release(std::uint64_t token, probe& p);
  boost::asio::any_io_executor ex_;
  // Receive buffer shared by every probe: they run one at a time on the io_context's thread.
  std::array<char, 16384> buffer_{};
  body_regex_cache regexes_;
  optimistic_gate early_send_;
  probe_slots<probe> slots_;
  deadline_queue deadlines_;
  socket_poller poller_;
};

// The request a check sends: method, path, Host (the service's, else the target's address with
// its port unless 80), User-Agent, Accept and "Connection: close", each of these replaced by an
// extra header of the same name (one with an empty value removes it), then the extra headers.
void format_http_request(std::string& out, const http_params& p, const endpoint& target);

// The verdict on a complete response: expected status, then body regex, then body digest.
probe_result judge_http_response(unsigned status, std::string_view body, const std::vector<status_range>& expect,
                                 pcre_regex* regex, const std::string& sha256, const endpoint& target, duration took);

}  // namespace lbd::healthcheck
