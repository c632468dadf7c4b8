// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "ipvs/backend.hpp"

namespace lbd::ipvs {

std::string errno_name(int code) {
  switch (code) {
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case ENOMEM: return "ENOMEM";
    case ENOBUFS: return "ENOBUFS";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EBUSY: return "EBUSY";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ERANGE: return "ERANGE";
    default: return fmt::format("E{}", code);
  }
}

namespace {

std::string strerr(int code) {
  char buf[128] = {};
  // GNU strerror_r returns the message pointer.
  return strerror_r(code, buf, sizeof buf);
}

std::string verb(op_kind k) {
  switch (k) {
    case op_kind::add_service:
    case op_kind::add_dest: return "adding";
    case op_kind::edit_service:
    case op_kind::edit_dest: return "editing";
    case op_kind::del_service:
    case op_kind::del_dest: return "deleting";
    case op_kind::set_timeouts: return "setting";
    case op_kind::start_daemon: return "starting";
    case op_kind::stop_daemon: return "stopping";
  }
  return "changing";
}

bool is_service_op(op_kind k) {
  return k == op_kind::add_service || k == op_kind::edit_service || k == op_kind::del_service;
}

bool is_global_op(op_kind k) {
  return k == op_kind::set_timeouts || k == op_kind::start_daemon || k == op_kind::stop_daemon;
}

}  // namespace

std::string describe_error(const op& o, int code) {
  if (is_global_op(o.kind)) {
    const std::string object = o.kind == op_kind::set_timeouts
                                   ? std::string("the IPVS timeouts")
                                   : fmt::format("the {} sync daemon", to_string(o.daemon.state));
    if (o.kind == op_kind::start_daemon && code == EEXIST) return fmt::format("{} is already running", object);
    if (o.kind == op_kind::stop_daemon && code == ESRCH) return fmt::format("{} is not running", object);
    if (code == EPERM) return fmt::format("permission denied {} {} (needs CAP_NET_ADMIN)", verb(o.kind), object);
    if (o.kind == op_kind::start_daemon) {
      return fmt::format("{} {} on {} failed: {}", verb(o.kind), object, o.daemon.mcast_ifname, strerr(code));
    }
    return fmt::format("{} {} failed: {}", verb(o.kind), object, strerr(code));
  }
  const std::string svc = fmt::format("service {}", to_string(o.service));
  const std::string dst = fmt::format("destination {} of service {}", to_string(o.dest), to_string(o.service));
  const std::string object = is_service_op(o.kind) ? svc : dst;
  switch (code) {
    case EEXIST: return fmt::format("{} already exists", object);
    case ESRCH:
      if (is_service_op(o.kind)) return fmt::format("{} does not exist", svc);
      return fmt::format("{} does not exist (while {} destination {})", svc, verb(o.kind), to_string(o.dest));
    case ENOENT:
      if (o.kind == op_kind::add_service || o.kind == op_kind::edit_service) {
        if (!o.svc.pe_name.empty()) {
          return fmt::format(
              "scheduler '{}' or persistence engine '{}' is not available in this kernel (modules ip_vs_{}, "
              "ip_vs_pe_{}) while {} {}",
              o.svc.scheduler, o.svc.pe_name, o.svc.scheduler, o.svc.pe_name, verb(o.kind), svc);
        }
        return fmt::format("scheduler '{}' is not available in this kernel (module ip_vs_{}) while {} {}",
                           o.svc.scheduler, o.svc.scheduler, verb(o.kind), svc);
      }
      if (o.kind == op_kind::del_service) return fmt::format("{} does not exist", svc);
      return fmt::format("{} does not exist", dst);
    case EPERM: return fmt::format("permission denied {} {} (needs CAP_NET_ADMIN)", verb(o.kind), object);
    case EINVAL: return fmt::format("the kernel rejected {} {} as invalid ({})", verb(o.kind), object, strerr(code));
    default: return fmt::format("{} {} failed: {}", verb(o.kind), object, strerr(code));
  }
}

}  // namespace lbd::ipvs
