// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/run_tool.hpp"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>

#include "common/process.hpp"

namespace lbd::ctl {

result<std::string, std::string> run_tool(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                                          std::size_t max_out) {
  boost::asio::io_context io;
  process::options o;
  o.argv = std::move(argv);
  o.timeout = timeout;
  o.capture_stdout = true;
  o.max_stdout = max_out;
  process::outcome result;
  process::async_run(io.get_executor(), o, [&result](process::outcome r) { result = std::move(r); });
  io.run();
  if (!result.started || result.timed_out || result.exit_code != 0) {
    return unexpected(fmt::format("{}: {}", o.argv[0], process::describe(result)));
  }
  if (result.out_truncated) return unexpected(fmt::format("{}: output too large", o.argv[0]));
  return std::move(result.out);
}

}  // namespace lbd::ctl
