// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Incremental parser of one HTTP/1.x response, for the plain-http prober: status line, headers,
// then the body framed by Content-Length, chunked transfer coding or the end of the connection.
// Pure: bytes in, a state out. Interim 1xx responses are skipped. A malformed answer ends in
// `failure::malformed` with a reason, never a crash; a body beyond `max_body` in
// `failure::too_large` as soon as that is known (Content-Length says so, or the bytes arrive).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lbd::healthcheck {

struct http_response_limits {
  std::size_t max_header_bytes = 16384;  // status line and headers together
  std::size_t max_body = 65536;
  bool keep_body = true;      // store the body (regex, digest); else only count it
  bool head_request = false;  // a response to HEAD has no body whatever its headers say
};

class http_response_parser {
 public:
  enum class state : std::uint8_t { need_more, done, failed };
  enum class failure : std::uint8_t { none, empty, malformed, too_large };

  explicit http_response_parser(http_response_limits limits = {}) { reset(limits); }

  // Starts over for a new response; keeps the buffers' capacity.
  void reset(http_response_limits limits);
  // Frees the buffers whose capacity grew beyond `keep` bytes (a large body): an idle parser then
  // holds a few KiB whatever the last response was. Call it between responses; body() is empty
  // after. True when it freed a buffer.
  bool release_memory(std::size_t keep);

  // Takes the next bytes of the connection. Bytes after a complete response are ignored.
  state feed(std::string_view data);
  // The peer closed the connection: ends a body delimited by the close; anything else that is not
  // complete yet fails (`empty` when not a byte arrived).
  state finish();

  [[nodiscard]] state current() const { return state_; }
  [[nodiscard]] failure why() const { return failure_; }
  [[nodiscard]] const std::string& reason() const { return reason_; }  // when failed
  [[nodiscard]] unsigned status() const { return status_; }
  [[nodiscard]] const std::string& body() const { return body_; }  // when keep_body; empty when failed
  [[nodiscard]] std::size_t body_size() const { return body_size_; }
  [[nodiscard]] bool chunked() const { return framing_ == framing::chunked; }

 private:
  enum class phase : std::uint8_t { head, body_length, body_close, chunk_size, chunk_data, chunk_data_end, trailer };
  enum class framing : std::uint8_t { none, length, chunked, close };

  state fail(failure f, std::string reason);
  state done();
  // Parses head_ once it holds a complete head; returns false (and fails) on a bad one.
  bool parse_head(std::string_view head);
  bool parse_header_line(std::string_view line);
  bool start_body();
  bool add_body(std::string_view bytes);
  // Consumes bytes of `data` from `pos` for the current phase.
  void step(std::string_view data, std::size_t& pos);
  // Takes one line (ending in LF) from data at pos into line_; true when complete.
  bool take_line(std::string_view data, std::size_t& pos, std::size_t limit, std::string_view what);

  http_response_limits limits_;
  state state_ = state::need_more;
  failure failure_ = failure::none;
  phase phase_ = phase::head;
  framing framing_ = framing::none;
  std::string reason_;
  std::string head_;  // status line and headers until the empty line
  std::string line_;  // a chunk-size or trailer line in progress
  std::string body_;
  std::size_t body_size_ = 0;
  std::uint64_t remaining_ = 0;  // of the Content-Length or of the current chunk
  std::uint64_t content_length_ = 0;
  std::size_t received_ = 0;
  unsigned status_ = 0;
  bool have_length_ = false;
  bool saw_chunked_ = false;
  bool other_coding_ = false;
};

}  // namespace lbd::healthcheck
