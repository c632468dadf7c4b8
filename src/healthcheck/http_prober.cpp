// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/http_prober.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "common/duration.hpp"
#include "healthcheck/buffer_memory.hpp"
#include "healthcheck/probe_socket.hpp"

namespace lbd::healthcheck {
namespace {

std::string url_host(const ip_address& a) { return a.is_v6() ? "[" + a.to_string() + "]" : a.to_string(); }

class http_probe : public std::enable_shared_from_this<http_probe> {
 public:
  http_probe(endpoint target, http_params params, duration timeout, std::shared_ptr<pcre_regex> re, probe_handler h)
      : target_(std::move(target)),
        params_(std::move(params)),
        timeout_(timeout),
        regex_(std::move(re)),
        handler_(std::move(h)),
        easy_(curl_easy_init()) {}

  http_probe(const http_probe&) = delete;
  http_probe& operator=(const http_probe&) = delete;

  ~http_probe() {
    if (easy_ != nullptr) curl_easy_cleanup(easy_);
    curl_slist_free_all(headers_);
    curl_slist_free_all(connect_to_);
    if (body_.capacity() > retained_buffer_bytes) {
      std::string().swap(body_);
      give_back_freed_memory();
    }
  }

  void start(curl_multi& multi) {
    started_ = clock::now();
    if (easy_ == nullptr) {
      finish(probe_fail("error", "curl_easy_init failed", duration::zero()));
      return;
    }
    configure();
    if (!multi.add(easy_, [self = shared_from_this()](CURLcode code) { self->on_done(code); })) {
      finish(probe_fail("error", "curl refused the transfer", duration::zero()));
    }
  }

 private:
  static int on_socket(void* route, curl_socket_t fd, curlsocktype /*purpose*/) {
    return apply_route(fd, *static_cast<const probe_route*>(route)) == 0 ? CURL_SOCKOPT_OK : CURL_SOCKOPT_ERROR;
  }

  void configure() {
    // The name the request is about: SNI and certificate name first, then the Host header.
    std::string name = params_.tls && !params_.sni.empty() ? params_.sni : params_.host;
    const std::string addr = url_host(target_.address);
    const std::string authority = name.empty() ? addr : name;
    const std::string url =
        fmt::format("{}://{}:{}{}", params_.tls ? "https" : "http", authority, target_.port, params_.path);
    curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
    if (!name.empty()) {
      // Resolve nothing: the connection goes to the real server whatever the name says.
      connect_to_ =
          curl_slist_append(connect_to_, fmt::format("{}:{}:{}:{}", name, target_.port, addr, target_.port).c_str());
      curl_easy_setopt(easy_, CURLOPT_CONNECT_TO, connect_to_);
    }
    // Exactly the service's Host: curl would append the real server's port, which clients of
    // the virtual service never send.
    if (!params_.host.empty()) headers_ = curl_slist_append(headers_, ("Host: " + params_.host).c_str());
    for (const auto& h : params_.headers) headers_ = curl_slist_append(headers_, h.c_str());
    if (headers_ != nullptr) curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
    if (params_.method == "HEAD") {
      curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
    } else if (params_.method != "GET") {
      curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, params_.method.c_str());
    }
    const auto ms = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count());  // NOLINT(google-runtime-int)
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, ms);
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy_, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    // No DNS cache entry per target either: curl keeps even address literals in a small hash
    // table, which 10k targets turn into long chains walked on every transfer.
    curl_easy_setopt(easy_, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
    curl_easy_setopt(easy_, CURLOPT_PROXY, "");  // never an http_proxy from the environment
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy_, CURLOPT_USERAGENT, "lbd-healthcheck");
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, errbuf_.data());
    // curl's receive buffer, allocated per transfer and freed with the easy handle; the body
    // beyond max_body is refused by on_body, which ends the transfer at once.
    curl_easy_setopt(easy_, CURLOPT_BUFFERSIZE, 16384L);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &http_probe::on_body);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    if (params_.route.fwmark != 0) {
      // A data-path check: the mark and the source address are set on curl's socket before it
      // connects (probe_socket's apply_route, as for the tcp and plain http checks).
      curl_easy_setopt(easy_, CURLOPT_SOCKOPTFUNCTION, &http_probe::on_socket);
      curl_easy_setopt(easy_, CURLOPT_SOCKOPTDATA, &params_.route);
    }
    if (params_.tls) {
      curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, params_.verify ? 1L : 0L);
      curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, params_.verify ? 2L : 0L);
      if (!params_.ca_file.empty()) curl_easy_setopt(easy_, CURLOPT_CAINFO, params_.ca_file.c_str());
      if (!params_.client_cert.empty()) curl_easy_setopt(easy_, CURLOPT_SSLCERT, params_.client_cert.c_str());
      if (!params_.client_key.empty()) curl_easy_setopt(easy_, CURLOPT_SSLKEY, params_.client_key.c_str());
    }
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* userp) {
    auto* self = static_cast<http_probe*>(userp);
    const std::size_t len = size * n;
    if (self->body_.size() + len > self->params_.max_body) {
      self->too_large_ = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    reserve_within(self->body_, self->body_.size() + len, self->params_.max_body);
    self->body_.append(data, len);
    return len;
  }

  [[nodiscard]] std::string detail(CURLcode code) const {
    return errbuf_[0] != '\0' ? std::string(errbuf_.data()) : std::string(curl_easy_strerror(code));
  }

  void on_done(CURLcode code) {
    const duration took = clock::now() - started_;
    const std::string t = to_string(target_);
    long os_errno = 0;  // NOLINT(google-runtime-int): curl's type
    curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &os_errno);
    switch (code) {
      case CURLE_OK: finish(judge(took)); return;
      case CURLE_WRITE_ERROR:
        if (too_large_) {
          finish(probe_fail("body", fmt::format("body larger than {} bytes from {}", params_.max_body, t), took));
          return;
        }
        break;
      case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t connect_us = 0;
        curl_easy_getinfo(easy_, CURLINFO_CONNECT_TIME_T, &connect_us);
        const std::string limit = format_duration(timeout_);
        finish(probe_fail("timeout",
                          connect_us == 0 ? fmt::format("connect timeout after {} to {}", limit, t)
                                          : fmt::format("no complete response within {} from {}", limit, t),
                          took));
        return;
      }
      case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED) {
          finish(probe_fail("refused", "connection refused by " + t, took));
          return;
        }
        finish(probe_fail("error", fmt::format("cannot connect to {}: {}", t, detail(code)), took));
        return;
      case CURLE_PEER_FAILED_VERIFICATION:
        finish(probe_fail("tls", fmt::format("TLS certificate verify failed for {}: {}", t, detail(code)), took));
        return;
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CIPHER:
        finish(probe_fail("tls", fmt::format("TLS handshake with {} failed: {}", t, detail(code)), took));
        return;
      case CURLE_GOT_NOTHING: finish(probe_fail("empty", "empty reply from " + t, took)); return;
      case CURLE_RECV_ERROR:
      case CURLE_SEND_ERROR:
        if (os_errno == ECONNRESET) {
          finish(probe_fail("reset", "connection reset by " + t, took));
          return;
        }
        // TLS 1.3 alerts (e.g. "certificate required") arrive after the handshake, on a read.
        if (params_.tls && detail(code).find("SSL") != std::string::npos) {
          finish(probe_fail("tls", fmt::format("TLS failure with {}: {}", t, detail(code)), took));
          return;
        }
        break;
      case CURLE_WEIRD_SERVER_REPLY:
      case CURLE_UNSUPPORTED_PROTOCOL:  // e.g. an HTTP/0.9-looking answer, which curl refuses
      case CURLE_HTTP2:
      case CURLE_BAD_CONTENT_ENCODING:
      case CURLE_PARTIAL_FILE:
        finish(probe_fail("malformed", fmt::format("malformed HTTP response from {}: {}", t, detail(code)), took));
        return;
      default: break;
    }
    finish(probe_fail("error", fmt::format("{} ({}): {}", t, curl_easy_strerror(code), detail(code)), took));
  }

  probe_result judge(duration took) {
    long status = 0;  // NOLINT(google-runtime-int): curl's type
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    const std::string t = to_string(target_);
    bool expected = false;
    for (const auto& r : params_.expect_status) {
      if (status >= static_cast<long>(r.lo) && status <= static_cast<long>(r.hi))
        expected = true;  // NOLINT(google-runtime-int)
    }
    if (!expected) return probe_fail("status", fmt::format("HTTP {} from {}", status, t), took);
    if (regex_) {
      if (auto failed = judge_body_regex(*regex_, body_, status, t, took)) return std::move(*failed);
    }
    if (!params_.body_sha256.empty()) {
      const std::string got = sha256_hex(body_);
      if (got != params_.body_sha256) {
        return probe_fail("body",
                          fmt::format("body sha256 {} differs from the expected {} (HTTP {} from {})", got,
                                      params_.body_sha256, status, t),
                          took);
      }
    }
    return probe_ok(fmt::format("HTTP {} from {}", status, t), took);
  }

  void finish(probe_result r) {
    auto h = std::move(handler_);
    if (h) h(std::move(r));
  }

  endpoint target_;
  http_params params_;
  duration timeout_;
  std::shared_ptr<pcre_regex> regex_;
  probe_handler handler_;
  CURL* easy_;
  curl_slist* headers_ = nullptr;
  curl_slist* connect_to_ = nullptr;
  std::array<char, CURL_ERROR_SIZE> errbuf_{};
  std::string body_;
  bool too_large_ = false;
  time_point started_{};
};

}  // namespace

void http_prober::async_probe(const endpoint& target, const check_params& params, duration timeout,
                              probe_handler handler) {
  const auto* p = std::get_if<http_params>(&params);
  if (p == nullptr) {
    handler(probe_fail("error", "http prober given another check type", duration::zero()));
    return;
  }
  const auto& re = regexes_.get(p->body_regex);
  if (!re.error.empty()) {
    handler(invalid_body_regex(p->body_regex, re.error));
    return;
  }
  std::make_shared<http_probe>(target, *p, timeout, re.regex, std::move(handler))->start(multi_);
}

}  // namespace lbd::healthcheck
