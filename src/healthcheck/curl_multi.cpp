// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/curl_multi.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include <cstdlib>
#include <vector>

namespace lbd::healthcheck {

namespace asio = boost::asio;

struct curl_multi::socket_entry {
  explicit socket_entry(const asio::any_io_executor& ex) : sd(ex) {}
  asio::posix::stream_descriptor sd;
  int want = 0;  // CURL_POLL_IN / OUT / INOUT
  bool reading = false;
  bool writing = false;
  bool removed = false;
};

curl_multi::curl_multi(const asio::any_io_executor& ex)
    : ex_(ex), multi_(nullptr), timer_(ex), alive_(std::make_shared<bool>(true)) {
  // Thread-unsafe, once per process; CURL_GLOBAL_DEFAULT brings up OpenSSL.
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global != CURLE_OK) std::abort();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) std::abort();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &curl_multi::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &curl_multi::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  // Checks never reuse connections (FORBID_REUSE): keep the idle-connection cache tiny, so no
  // lookup in it grows with the number of transfers in flight.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 16L);
}

curl_multi::~curl_multi() {
  *alive_ = false;
  for (auto& [easy, done] : transfers_) curl_multi_remove_handle(multi_, easy);
  auto dropped = std::move(transfers_);  // destroyed after the multi handle is gone
  curl_multi_cleanup(multi_);
  for (auto& [s, e] : sockets_) {
    e->removed = true;
    boost::system::error_code ignored;
    e->sd.cancel(ignored);
    e->sd.release();  // curl owns the descriptor
  }
  sockets_.clear();
  timer_.cancel();
}

bool curl_multi::add(CURL* easy, completion done) {
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) return false;
  transfers_.emplace(easy, std::move(done));
  return true;
}

int curl_multi::on_socket(CURL* /*easy*/, curl_socket_t s, int what, void* userp, void* /*socketp*/) {
  auto* self = static_cast<curl_multi*>(userp);
  auto it = self->sockets_.find(s);
  if (what == CURL_POLL_REMOVE) {
    if (it != self->sockets_.end()) {
      auto e = it->second;
      self->sockets_.erase(it);
      e->removed = true;
      // Deregister from epoll but leave the descriptor open: curl closes it, maybe later.
      boost::system::error_code ignored;
      e->sd.cancel(ignored);
      e->sd.release();
    }
    return 0;
  }
  if (it == self->sockets_.end()) {
    auto e = std::make_shared<socket_entry>(self->ex_);
    boost::system::error_code ec;
    e->sd.assign(s, ec);
    if (ec) return -1;  // curl fails the transfer
    it = self->sockets_.emplace(s, std::move(e)).first;
  }
  it->second->want = what;
  self->watch(it->second);
  return 0;
}

void curl_multi::watch(const std::shared_ptr<socket_entry>& e) {
  const int fd = e->sd.native_handle();
  if ((e->want & CURL_POLL_IN) != 0 && !e->reading) {
    e->reading = true;
    e->sd.async_wait(asio::posix::stream_descriptor::wait_read,
                     [this, e, fd, alive = alive_](const boost::system::error_code& ec) {
                       e->reading = false;
                       if (!*alive || ec || e->removed || (e->want & CURL_POLL_IN) == 0) return;
                       action(fd, CURL_CSELECT_IN);
                       if (!e->removed) watch(e);
                     });
  }
  if ((e->want & CURL_POLL_OUT) != 0 && !e->writing) {
    e->writing = true;
    e->sd.async_wait(asio::posix::stream_descriptor::wait_write,
                     [this, e, fd, alive = alive_](const boost::system::error_code& ec) {
                       e->writing = false;
                       if (!*alive || ec || e->removed || (e->want & CURL_POLL_OUT) == 0) return;
                       action(fd, CURL_CSELECT_OUT);
                       if (!e->removed) watch(e);
                     });
  }
}

// NOLINTNEXTLINE(google-runtime-int): curl's callback type
int curl_multi::on_timer(CURLM* /*multi*/, long timeout_ms, void* userp) {
  auto* self = static_cast<curl_multi*>(userp);
  if (timeout_ms < 0) {
    self->timer_.cancel();
    return 0;
  }
  // Even for 0 ms: curl forbids calling socket_action from inside this callback.
  self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  self->timer_.async_wait([self, alive = self->alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    self->action(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void curl_multi::action(curl_socket_t s, int ev_bitmask) {
  int running = 0;
  curl_multi_socket_action(multi_, s, ev_bitmask, &running);
  collect_done();
}

void curl_multi::collect_done() {
  // Drain the message queue before removing any handle: curl_multi_remove_handle scans the queue
  // for the handle's messages, so removing while thousands of messages wait is quadratic.
  std::vector<std::pair<CURL*, CURLcode>> ended;
  int queued = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &queued)) {
    if (m->msg == CURLMSG_DONE) ended.emplace_back(m->easy_handle, m->data.result);
  }
  std::vector<std::pair<completion, CURLcode>> finished;
  finished.reserve(ended.size());
  for (auto [easy, code] : ended) {
    curl_multi_remove_handle(multi_, easy);
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) continue;
    finished.emplace_back(std::move(it->second), code);
    transfers_.erase(it);
  }
  // Completions run after curl is done with its bookkeeping: they may start new transfers.
  for (auto& [done, code] : finished) done(code);
}

}  // namespace lbd::healthcheck
