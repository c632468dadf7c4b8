// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Runs a function on another thread's io_context and waits for its result: how the main loop asks
// the VRRP thread and the IPVS worker something. Exceptions travel back too. The other thread must
// never wait for the caller, or this deadlocks.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <type_traits>
#include <utility>

namespace lbd {

template <typename F>
std::invoke_result_t<F> call_on(boost::asio::io_context& io, F f) {
  std::packaged_task<std::invoke_result_t<F>()> task(std::move(f));
  auto answer = task.get_future();
  boost::asio::post(io, std::move(task));
  return answer.get();
}

}  // namespace lbd
