// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/anycast/anycast_host.hpp"

#include "anycast/io/anycast_device.hpp"
#include "anycast/io/route_session.hpp"
#include "common/interface_address.hpp"

namespace lbd::daemon {
namespace {

class kernel_host final : public anycast_host {
 public:
  status<std::string> open(const config::anycast_routes& where) override {
    close();
    auto device = anycast::io::anycast_device::create(where.device);
    if (!device) return unexpected(device.error());
    auto routes = anycast::io::route_session::open({(*device)->ifindex(), where.protocol, where.table, 0});
    if (!routes) return unexpected(routes.error());
    device_ = std::move(*device);
    routes_ = std::move(*routes);
    return ok;
  }

  void close() override {
    routes_.reset();
    device_.reset();
  }

  [[nodiscard]] bool is_open() const override { return device_ != nullptr; }

  result<anycast::route_plan, std::string> set_routes(const std::vector<prefix>& desired) override {
    if (!routes_) return unexpected(std::string("the announcement device is not open"));
    return routes_->reconcile(desired);
  }

  status<std::string> add_address(const std::string& ifname, const prefix& p) override {
    return netif::add_address(ifname, p);
  }

  status<std::string> remove_address(const std::string& ifname, const prefix& p) override {
    return netif::delete_address(ifname, p);
  }

 private:
  std::unique_ptr<anycast::io::anycast_device> device_;
  std::unique_ptr<anycast::io::route_session> routes_;
};

}  // namespace

std::unique_ptr<anycast_host> kernel_anycast_host() { return std::make_unique<kernel_host>(); }

}  // namespace lbd::daemon
