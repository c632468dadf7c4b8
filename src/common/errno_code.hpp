// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// errno of the system call that just failed, as the error code Asio's handlers and results carry.
#include <boost/system/error_code.hpp>

#include <cerrno>

namespace lbd {

inline boost::system::error_code last_error() { return {errno, boost::system::system_category()}; }

}  // namespace lbd
