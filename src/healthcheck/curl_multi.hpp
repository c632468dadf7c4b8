// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The libcurl multi interface driven by Asio: curl says which sockets it wants watched
// (CURLMOPT_SOCKETFUNCTION) and when it wants a timeout (CURLMOPT_TIMERFUNCTION); we wait on
// those sockets with stream_descriptor::async_wait and on one steady_timer, and tell curl what
// happened with curl_multi_socket_action. No thread, no blocking call. One per io_context, shared
// by every HTTP check; each transfer has its own easy handle.
#include <curl/curl.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>

namespace lbd::healthcheck {

class curl_multi {
 public:
  explicit curl_multi(const boost::asio::any_io_executor& ex);
  curl_multi(const curl_multi&) = delete;
  curl_multi& operator=(const curl_multi&) = delete;
  // Aborts the transfers still running; their completions are dropped, not called.
  ~curl_multi();

  using completion = std::function<void(CURLcode)>;
  // Starts a configured transfer. `done` runs once, from the io_context, when it ends; the caller
  // keeps `easy` alive until then (the completion usually owns it). Returns false if curl refused.
  bool add(CURL* easy, completion done);

  [[nodiscard]] std::size_t transfers() const { return transfers_.size(); }

 private:
  struct socket_entry;
  static int on_socket(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* userp);  // NOLINT(google-runtime-int): curl's type
  void watch(const std::shared_ptr<socket_entry>& e);
  void action(curl_socket_t s, int ev_bitmask);
  void collect_done();

  boost::asio::any_io_executor ex_;
  CURLM* multi_;
  boost::asio::steady_timer timer_;
  std::map<curl_socket_t, std::shared_ptr<socket_entry>> sockets_;
  std::map<CURL*, completion> transfers_;
  std::shared_ptr<bool> alive_;
};

}  // namespace lbd::healthcheck
