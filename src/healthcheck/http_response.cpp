// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/http_response.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "common/ascii_case.hpp"
#include "healthcheck/buffer_memory.hpp"

namespace lbd::healthcheck {
namespace {

constexpr std::size_t max_chunk_line = 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 9110 token characters.
bool is_tchar(char c) {
  if (is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Offset just past the empty line that ends a head in `s` (LF or CRLF endings), or npos.
std::size_t find_head_end(std::string_view s, std::size_t from) {
  for (std::size_t i = s.find('\n', from); i != std::string_view::npos; i = s.find('\n', i + 1)) {
    if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
    if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

}  // namespace

void http_response_parser::reset(http_response_limits limits) {
  limits_ = limits;
  state_ = state::need_more;
  failure_ = failure::none;
  phase_ = phase::head;
  framing_ = framing::none;
  reason_.clear();
  head_.clear();
  line_.clear();
  body_.clear();
  body_size_ = 0;
  remaining_ = 0;
  content_length_ = 0;
  received_ = 0;
  status_ = 0;
  have_length_ = false;
  saw_chunked_ = false;
  other_coding_ = false;
}

http_response_parser::state http_response_parser::fail(failure f, std::string reason) {
  state_ = state::failed;
  failure_ = f;
  reason_ = std::move(reason);
  body_.clear();  // a failed response has no body, however many of its bytes came before
  body_size_ = 0;
  return state_;
}

http_response_parser::state http_response_parser::done() {
  state_ = state::done;
  return state_;
}

http_response_parser::state http_response_parser::feed(std::string_view data) {
  if (state_ != state::need_more) return state_;
  received_ += data.size();
  std::size_t pos = 0;
  while (state_ == state::need_more && pos < data.size()) step(data, pos);
  return state_;
}

http_response_parser::state http_response_parser::finish() {
  if (state_ != state::need_more) return state_;
  if (received_ == 0) return fail(failure::empty, "empty reply");
  switch (phase_) {
    case phase::body_close: return done();
    case phase::head: return fail(failure::malformed, "connection closed inside the response head");
    case phase::body_length:
      return fail(failure::malformed,
                  fmt::format("connection closed after {} of {} body bytes", body_size_, content_length_));
    default: return fail(failure::malformed, "connection closed inside the chunked body");
  }
}

void http_response_parser::step(std::string_view data, std::size_t& pos) {
  const std::string_view rest = data.substr(pos);
  switch (phase_) {
    case phase::head: {
      const std::size_t old = head_.size();
      head_.append(rest);
      const std::size_t end = find_head_end(head_, old >= 2 ? old - 2 : 0);
      if (end == std::string::npos || end > limits_.max_header_bytes) {
        pos = data.size();
        if (head_.size() > limits_.max_header_bytes) {
          fail(failure::malformed, fmt::format("response head larger than {} bytes", limits_.max_header_bytes));
        }
        return;
      }
      pos += end - old;  // what follows the head is the body (or the next response)
      head_.resize(end);
      if (!parse_head(head_)) return;
      if (status_ >= 100 && status_ < 200 && status_ != 101) {
        // Interim response (100 Continue, 103 Early Hints): the real one follows.
        head_.clear();
        have_length_ = saw_chunked_ = other_coding_ = false;
        return;
      }
      start_body();
      return;
    }
    case phase::body_length: {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
      pos += n;
      if (!add_body(rest.substr(0, n))) return;
      remaining_ -= n;
      if (remaining_ == 0) done();
      return;
    }
    case phase::body_close:
      pos = data.size();
      add_body(rest);
      return;
    case phase::chunk_size: {
      if (!take_line(data, pos, max_chunk_line, "chunk size")) return;
      const std::string_view line = without_cr(line_);
      std::uint64_t size = 0;
      std::size_t i = 0;
      for (; i < line.size() && hex_value(line[i]) >= 0; ++i) {
        if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
          fail(failure::malformed, "chunk size out of range");
          return;
        }
        size = size * 16 + static_cast<unsigned>(hex_value(line[i]));
      }
      const std::string_view after = trim(line.substr(i));
      if (i == 0 || (!after.empty() && after.front() != ';')) {
        fail(failure::malformed, "bad chunk size line");
        return;
      }
      line_.clear();
      if (size == 0) {
        phase_ = phase::trailer;
      } else if (size > limits_.max_body - std::min(body_size_, limits_.max_body)) {
        fail(failure::too_large, fmt::format("body larger than {} bytes", limits_.max_body));
      } else {
        remaining_ = size;
        phase_ = phase::chunk_data;
      }
      return;
    }
    case phase::chunk_data: {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
      pos += n;
      if (!add_body(rest.substr(0, n))) return;
      remaining_ -= n;
      if (remaining_ == 0) phase_ = phase::chunk_data_end;
      return;
    }
    case phase::chunk_data_end:
      if (!take_line(data, pos, 2, "chunk end")) return;
      if (!without_cr(line_).empty()) {
        fail(failure::malformed, "no line end after chunk data");
        return;
      }
      line_.clear();
      phase_ = phase::chunk_size;
      return;
    case phase::trailer:
      if (!take_line(data, pos, limits_.max_header_bytes, "trailer")) return;
      if (without_cr(line_).empty()) {
        done();
        return;
      }
      line_.clear();  // trailer fields say nothing a check looks at
      return;
  }
}

bool http_response_parser::take_line(std::string_view data, std::size_t& pos, std::size_t limit,
                                     std::string_view what) {
  const std::size_t nl = data.find('\n', pos);
  const std::size_t end = nl == std::string_view::npos ? data.size() : nl;
  line_.append(data.substr(pos, end - pos));
  pos = nl == std::string_view::npos ? data.size() : nl + 1;
  if (line_.size() > limit) {
    fail(failure::malformed, fmt::format("{} line too long", what));
    return false;
  }
  return nl != std::string_view::npos;
}

bool http_response_parser::parse_head(std::string_view head) {
  std::size_t nl = head.find('\n');
  const std::string_view status_line = without_cr(head.substr(0, nl));
  // HTTP/1.x SSS[ reason]
  const bool shaped = status_line.size() >= 12 && status_line.substr(0, 5) == "HTTP/" && status_line[5] == '1' &&
                      status_line[6] == '.' && is_digit(status_line[7]) && status_line[8] == ' ' &&
                      is_digit(status_line[9]) && is_digit(status_line[10]) && is_digit(status_line[11]) &&
                      (status_line.size() == 12 || status_line[12] == ' ');
  if (!shaped || status_line[9] == '0') {
    fail(failure::malformed, "not an HTTP/1.x status line");
    return false;
  }
  status_ =
      static_cast<unsigned>((status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0'));
  for (std::size_t start = nl + 1; start < head.size(); start = nl + 1) {
    nl = head.find('\n', start);
    const std::string_view line = without_cr(head.substr(start, nl - start));
    if (line.empty()) break;  // the end of the head
    if (!parse_header_line(line)) return false;
  }
  return true;
}

bool http_response_parser::parse_header_line(std::string_view line) {
  const std::size_t colon = line.find(':');
  const std::string_view name = line.substr(0, colon);
  if (colon == std::string_view::npos || name.empty() || !std::all_of(name.begin(), name.end(), is_tchar)) {
    // Also folded continuation lines (leading space), which RFC 9112 lets a client reject.
    fail(failure::malformed, "bad header line");
    return false;
  }
  const std::string_view value = trim(line.substr(colon + 1));
  if (iequals(name, "content-length")) {
    if (value.empty() || value.size() > 18 || !std::all_of(value.begin(), value.end(), is_digit)) {
      fail(failure::malformed, "bad Content-Length");
      return false;
    }
    std::uint64_t n = 0;
    for (char c : value) n = n * 10 + static_cast<unsigned>(c - '0');
    if (have_length_ && n != content_length_) {
      fail(failure::malformed, "conflicting Content-Length headers");
      return false;
    }
    have_length_ = true;
    content_length_ = n;
  } else if (iequals(name, "transfer-encoding")) {
    // A list of codings; the body is chunked when chunked is the last one.
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view coding = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (coding.empty()) continue;
      saw_chunked_ = iequals(coding, "chunked");
      if (!saw_chunked_) other_coding_ = true;
    }
  }
  return true;
}

bool http_response_parser::start_body() {
  if (limits_.head_request || status_ < 200 || status_ == 204 || status_ == 304) {
    done();
    return true;
  }
  if (saw_chunked_ || other_coding_) {
    // Transfer-Encoding overrides Content-Length; without chunked last the close ends the body.
    framing_ = saw_chunked_ ? framing::chunked : framing::close;
    phase_ = saw_chunked_ ? phase::chunk_size : phase::body_close;
    return true;
  }
  if (have_length_) {
    framing_ = framing::length;
    if (content_length_ > limits_.max_body) {
      fail(failure::too_large, fmt::format("body larger than {} bytes", limits_.max_body));
      return false;
    }
    if (content_length_ == 0) {
      done();
      return true;
    }
    remaining_ = content_length_;
    // The exact size at once: no copies on the way, and no doubling past the body.
    if (limits_.keep_body)
      reserve_within(body_, static_cast<std::size_t>(content_length_), static_cast<std::size_t>(content_length_));
    phase_ = phase::body_length;
    return true;
  }
  framing_ = framing::close;
  phase_ = phase::body_close;
  return true;
}

bool http_response_parser::add_body(std::string_view bytes) {
  if (bytes.size() > limits_.max_body - body_size_) {
    fail(failure::too_large, fmt::format("body larger than {} bytes", limits_.max_body));
    return false;
  }
  if (limits_.keep_body) {
    reserve_within(body_, body_.size() + bytes.size(), limits_.max_body);
    body_.append(bytes);
  }
  body_size_ += bytes.size();
  return true;
}

bool http_response_parser::release_memory(std::size_t keep) {
  // A new empty string, not shrink_to_fit: that one may keep a short string's capacity anyway.
  bool freed = false;
  const auto trim = [keep, &freed](std::string& s) {
    if (s.capacity() <= keep) return;
    std::string().swap(s);
    freed = true;
  };
  trim(body_);
  trim(head_);
  trim(line_);
  trim(reason_);
  return freed;
}

}  // namespace lbd::healthcheck
