#pragma once
// Adds and removes virtual IPs with rtnetlink (libnl-route-3). Both operations are idempotent: an
// address that is already there (add) or already gone (remove) is success, so a restart after a
// crash and a repeated action converge on the same state. IPv6 VIPs are added without duplicate
// address detection (IFA_F_NODAD): the address must answer at once after a failover, and VRRP
// itself ensures only one router holds it.
#include <memory>
#include <string>

#include "common/address.hpp"
#include "common/result.hpp"

struct nl_sock;

namespace lbd::vrrp::io {

class address_manager {
 public:
  static result<std::unique_ptr<address_manager>, std::string> open();
  ~address_manager();
  address_manager(const address_manager&) = delete;
  address_manager& operator=(const address_manager&) = delete;

  // `label` (IPv4 only, e.g. "eth0:vrrp") must start with the interface name; empty for none.
  status<std::string> add(unsigned ifindex, const prefix& vip, const std::string& label = {});
  status<std::string> remove(unsigned ifindex, const prefix& vip);

 private:
  explicit address_manager(nl_sock* sock) : sock_(sock) {}
  nl_sock* sock_;
};

}  // namespace lbd::vrrp::io
