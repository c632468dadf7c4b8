// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/netlink/client.hpp"

#include <fmt/format.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace lbd::ipvs::netlink {

namespace {

constexpr std::size_t rx_buffers = 16;
constexpr std::size_t rx_buffer_size = std::size_t{64} * 1024;  // the kernel caps dump messages at 32 KiB

// NLMSG_LENGTH without the old-style cast inside NLMSG_HDRLEN.
constexpr std::uint32_t msg_length(std::size_t payload) {
  return static_cast<std::uint32_t>(NLMSG_ALIGN(sizeof(nlmsghdr)) + payload);
}

std::string strerr(int code) {
  char buf[128] = {};
  return strerror_r(code, buf, sizeof buf);
}

ipvs_error sys_error(int code, const std::string& what) { return {code, fmt::format("{}: {}", what, strerr(code))}; }

void set_buffer(int fd, int force_opt, int opt, int size) {
  // FORCE ignores net.core.[rw]mem_max but needs CAP_NET_ADMIN, which IPVS needs anyway.
  if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof size) != 0) {
    setsockopt(fd, SOL_SOCKET, opt, &size, sizeof size);
  }
}

}  // namespace

client::client(nl_sock* s, client_options o)
    : sock_(s), opts_(o), seq_(static_cast<std::uint32_t>(clock::now().time_since_epoch().count())) {
  rx_.assign(rx_buffers, std::vector<std::uint8_t>(rx_buffer_size));
}

client::~client() { nl_socket_free(sock_); }

result<std::unique_ptr<client>, ipvs_error> client::open(client_options opts) {
  nl_sock* s = nl_socket_alloc();
  if (s == nullptr) return unexpected(ipvs_error{ENOMEM, "cannot allocate a netlink socket"});
  if (int rc = nl_connect(s, NETLINK_GENERIC); rc < 0) {
    nl_socket_free(s);
    return unexpected(ipvs_error{EPROTO, fmt::format("cannot open a generic netlink socket: {}", nl_geterror(rc))});
  }
  std::unique_ptr<client> c(new client(s, opts));
  const int fd = nl_socket_get_fd(s);
  set_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, opts.rcvbuf);
  set_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, opts.sndbuf);
  // Error acknowledgements without a copy of the request: smaller, so more fit the buffer.
  const int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);

  const std::uint32_t seq = c->next_seq();
  std::uint16_t id = 0;
  auto st = c->transact(get_family_request("IPVS", seq), seq, "resolving the IPVS netlink family",
                        [&id](nlmsghdr* h) -> status<ipvs_error> {
                          auto r = decode_family_id(h);
                          if (!r) return unexpected(ipvs_error{EPROTO, r.error()});
                          id = *r;
                          return ok;
                        });
  if (!st) {
    if (st.error().code == ENOENT) {
      return unexpected(ipvs_error{ENOENT, "the kernel has no IPVS (modprobe ip_vs)"});
    }
    return unexpected(st.error());
  }
  if (id == 0) return unexpected(ipvs_error{EPROTO, "the kernel did not say which id the IPVS family has"});
  c->family_ = id;
  return c;
}

status<ipvs_error> client::send(const bytes& b) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  const int fd = nl_socket_get_fd(sock_);
  for (;;) {
    const ssize_t n = sendto(fd, b.data(), b.size(), 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unexpected(sys_error(errno, "sending to the kernel"));
    if (static_cast<std::size_t>(n) != b.size()) return unexpected(ipvs_error{EMSGSIZE, "short netlink send"});
    ++sends_;
    return ok;
  }
}

status<ipvs_error> client::receive(clock::time_point deadline, const on_message& cb) {
  const int fd = nl_socket_get_fd(sock_);
  std::vector<mmsghdr> msgs(rx_.size());
  std::vector<iovec> iov(rx_.size());
  std::vector<sockaddr_nl> from(rx_.size());
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
    pollfd p{fd, POLLIN, 0};
    const int pr = poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0) return unexpected(sys_error(errno, "waiting for the kernel"));
    if (pr == 0) {
      return unexpected(
          ipvs_error{ETIMEDOUT, fmt::format("no answer from the kernel within {} ms", opts_.timeout.count())});
    }
    for (std::size_t i = 0; i < rx_.size(); ++i) {
      iov[i] = iovec{rx_[i].data(), rx_[i].size()};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_nl);
    }
    const int n = recvmmsg(fd, msgs.data(), static_cast<unsigned>(msgs.size()), MSG_DONTWAIT, nullptr);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0 && errno == ENOBUFS) {
      return unexpected(ipvs_error{ENOBUFS, "the socket receive buffer overran; kernel answers were lost"});
    }
    if (n < 0) return unexpected(sys_error(errno, "receiving from the kernel"));
    bool more = true;
    for (int i = 0; i < n; ++i) {
      const auto& m = msgs[static_cast<std::size_t>(i)];
      if ((m.msg_hdr.msg_flags & MSG_TRUNC) != 0) return unexpected(ipvs_error{EMSGSIZE, "truncated netlink message"});
      if (from[static_cast<std::size_t>(i)].nl_pid != 0) continue;  // only the kernel talks to us
      int rem = static_cast<int>(m.msg_len);
      auto* h = reinterpret_cast<nlmsghdr*>(rx_[static_cast<std::size_t>(i)].data());
      for (; nlmsg_ok(h, rem) != 0; h = nlmsg_next(h, &rem)) {
        auto r = cb(h);
        if (!r) return unexpected(r.error());
        more = more && *r;
      }
    }
    if (!more) return ok;
  }
}

status<ipvs_error> client::transact(const bytes& req, std::uint32_t seq, const std::string& what,
                                    const std::function<status<ipvs_error>(nlmsghdr*)>& cb) {
  if (auto s = send(req); !s) return s;
  return receive(clock::now() + opts_.timeout, [&](nlmsghdr* h) -> result<bool, ipvs_error> {
    if (h->nlmsg_seq != seq) return true;  // a late answer to an earlier request
    if (h->nlmsg_type == NLMSG_DONE) {
      if (h->nlmsg_len >= msg_length(sizeof(int))) {
        int err = 0;
        std::memcpy(&err, nlmsg_data(h), sizeof err);
        if (err < 0) return unexpected(sys_error(-err, what));
      }
      return false;
    }
    if (h->nlmsg_type == NLMSG_ERROR) {
      if (h->nlmsg_len < msg_length(sizeof(nlmsgerr))) return unexpected(ipvs_error{EPROTO, "short netlink error"});
      nlmsgerr e{};
      std::memcpy(&e, nlmsg_data(h), sizeof e);
      if (e.error == 0) return false;
      return unexpected(sys_error(-e.error, what));
    }
    if (h->nlmsg_type < NLMSG_MIN_TYPE) return true;
    if (auto s = cb(h); !s) return unexpected(s.error());
    return true;
  });
}

std::vector<op_result> client::apply(const std::vector<op>& ops) {
  std::vector<op_result> out(ops.size());
  std::size_t i = 0;
  while (i < ops.size()) {
    const std::size_t n = std::min(opts_.batch, ops.size() - i);
    apply_chunk(ops, i, n, out);
    i += n;
  }
  return out;
}

void client::apply_chunk(const std::vector<op>& ops, std::size_t first, std::size_t count,
                         std::vector<op_result>& out) {
  const std::uint32_t base = seq_;
  seq_ += static_cast<std::uint32_t>(count);
  bytes buf;
  buf.reserve(count * 160);
  for (std::size_t k = 0; k < count; ++k) append_op(buf, ops[first + k], family_, base + static_cast<std::uint32_t>(k));

  std::vector<bool> answered(count, false);
  std::size_t pending = count;
  auto fail_unanswered = [&](int code, const std::string& why) {
    for (std::size_t k = 0; k < count; ++k) {
      if (answered[k]) continue;
      const op& o = ops[first + k];
      out[first + k] = op_result{code, fmt::format("{}: {}", describe(o), why)};
    }
  };
  if (auto s = send(buf); !s) {
    fail_unanswered(s.error().code, s.error().message);
    return;
  }
  auto on_ack = [&](nlmsghdr* h) -> result<bool, ipvs_error> {
    const std::uint32_t idx = h->nlmsg_seq - base;
    if (idx >= count || answered[idx] || h->nlmsg_type != NLMSG_ERROR) return pending > 0;
    if (h->nlmsg_len < msg_length(sizeof(nlmsgerr))) return unexpected(ipvs_error{EPROTO, "short netlink error"});
    nlmsgerr e{};
    std::memcpy(&e, nlmsg_data(h), sizeof e);
    answered[idx] = true;
    --pending;
    const op& o = ops[first + idx];
    out[first + idx] = e.error == 0 ? op_result{} : op_result{-e.error, describe_error(o, -e.error)};
    return pending > 0;
  };
  auto r = receive(clock::now() + opts_.timeout, on_ack);
  if (!r && r.error().code == ENOBUFS) {
    // Some acknowledgements were dropped; those still queued are read now, the rest are unknown.
    // Smaller batches from here on.
    opts_.batch = std::max<std::size_t>(16, opts_.batch / 2);
    while (pending > 0) {
      auto again = receive(clock::now(), on_ack);
      if (!again && again.error().code != ENOBUFS) break;
    }
    fail_unanswered(ENOBUFS,
                    "the acknowledgement was lost (receive buffer overrun); the next pass re-reads the kernel");
    return;
  }
  if (!r) fail_unanswered(r.error().code, r.error().message);
}

result<table, ipvs_error> client::snapshot() {
  std::vector<std::pair<service_key, service>> services;
  std::uint32_t seq = next_seq();
  auto st = transact(get_services_request(family_, seq), seq, "listing IPVS services",
                     [&services](nlmsghdr* h) -> status<ipvs_error> {
                       auto s = decode_service(h);
                       if (!s) return unexpected(ipvs_error{EPROTO, s.error()});
                       services.push_back(std::move(s).value());
                       return ok;
                     });
  if (!st) return unexpected(st.error());
  table t;
  for (auto& entry : services) {
    if (opts_.cancelled && opts_.cancelled()) return unexpected(ipvs_error{ECANCELED, "the snapshot was abandoned"});
    const service_key& key = entry.first;
    service& svc = entry.second;
    auto ds = read_dests(key, svc);
    // A service deleted between the two dumps is simply not there.
    if (!ds && ds.error().code == ESRCH) continue;
    if (!ds) return unexpected(ds.error());
    t.emplace(key, std::move(svc));
  }
  return t;
}

status<ipvs_error> client::read_dests(const service_key& key, service& svc) {
  const std::uint32_t seq = next_seq();
  const address_family fam = key.family;
  return transact(get_dests_request(key, family_, seq), seq,
                  fmt::format("listing the destinations of service {}", to_string(key)),
                  [&svc, fam](nlmsghdr* h) -> status<ipvs_error> {
                    auto d = decode_dest(h, fam);
                    if (!d) return unexpected(ipvs_error{EPROTO, d.error()});
                    svc.dests.insert(std::move(d).value());
                    return ok;
                  });
}

result<table, ipvs_error> client::snapshot_of(const ownership& which) {
  table t;
  for (const auto& key : which) {
    if (opts_.cancelled && opts_.cancelled()) return unexpected(ipvs_error{ECANCELED, "the snapshot was abandoned"});
    std::optional<std::pair<service_key, service>> got;
    const std::uint32_t seq = next_seq();
    auto st = transact(get_service_request(key, family_, seq), seq, fmt::format("reading service {}", to_string(key)),
                       [&got](nlmsghdr* h) -> status<ipvs_error> {
                         auto s = decode_service(h);
                         if (!s) return unexpected(ipvs_error{EPROTO, s.error()});
                         got = std::move(s).value();
                         return ok;
                       });
    // ESRCH: the kernel has no such service (the plan adds it).
    if (!st && st.error().code == ESRCH) continue;
    if (!st) return unexpected(st.error());
    if (!got) return unexpected(ipvs_error{EPROTO, fmt::format("the kernel sent no service {}", to_string(key))});
    auto ds = read_dests(key, got->second);
    if (!ds && ds.error().code == ESRCH) continue;
    if (!ds) return unexpected(ds.error());
    t.emplace(key, std::move(got->second));
  }
  return t;
}

result<ipvs::info, ipvs_error> client::get_info() {
  const std::uint32_t seq = next_seq();
  std::optional<ipvs::info> got;
  auto st =
      transact(get_info_request(family_, seq), seq, "reading IPVS info", [&got](nlmsghdr* h) -> status<ipvs_error> {
        auto i = decode_info(h);
        if (!i) return unexpected(ipvs_error{EPROTO, i.error()});
        got = *i;
        return ok;
      });
  if (!st) return unexpected(st.error());
  if (!got) return unexpected(ipvs_error{EPROTO, "the kernel sent no IPVS info"});
  return *got;
}

result<timeouts, ipvs_error> client::get_timeouts() {
  const std::uint32_t seq = next_seq();
  std::optional<timeouts> got;
  auto st = transact(get_config_request(family_, seq), seq, "reading IPVS timeouts",
                     [&got](nlmsghdr* h) -> status<ipvs_error> {
                       auto t = decode_config(h);
                       if (!t) return unexpected(ipvs_error{EPROTO, t.error()});
                       got = *t;
                       return ok;
                     });
  if (!st) return unexpected(st.error());
  if (!got) return unexpected(ipvs_error{EPROTO, "the kernel sent no IPVS timeouts"});
  return *got;
}

status<ipvs_error> client::set_timeouts(const timeouts& t) {
  const std::uint32_t seq = next_seq();
  return transact(set_config_request(t, family_, seq), seq, "setting IPVS timeouts",
                  [](nlmsghdr*) -> status<ipvs_error> { return ok; });
}

result<std::vector<sync_daemon>, ipvs_error> client::daemons() {
  const std::uint32_t seq = next_seq();
  std::vector<sync_daemon> out;
  auto st = transact(get_daemons_request(family_, seq), seq, "listing IPVS sync daemons",
                     [&out](nlmsghdr* h) -> status<ipvs_error> {
                       auto d = decode_daemon(h);
                       if (!d) return unexpected(ipvs_error{EPROTO, d.error()});
                       out.push_back(*d);
                       return ok;
                     });
  if (!st) return unexpected(st.error());
  return out;
}

status<ipvs_error> client::start_daemon(const sync_daemon& d) {
  const std::uint32_t seq = next_seq();
  auto st = transact(new_daemon_request(d, family_, seq), seq,
                     fmt::format("starting the {} sync daemon on {}", to_string(d.state), d.mcast_ifname),
                     [](nlmsghdr*) -> status<ipvs_error> { return ok; });
  if (!st && st.error().code == EEXIST) {
    return unexpected(ipvs_error{EEXIST, fmt::format("the {} sync daemon is already running", to_string(d.state))});
  }
  return st;
}

status<ipvs_error> client::stop_daemon(daemon_state s) {
  const std::uint32_t seq = next_seq();
  auto st = transact(del_daemon_request(s, family_, seq), seq, fmt::format("stopping the {} sync daemon", to_string(s)),
                     [](nlmsghdr*) -> status<ipvs_error> { return ok; });
  if (!st && st.error().code == ESRCH) {
    return unexpected(ipvs_error{ESRCH, fmt::format("no {} sync daemon is running", to_string(s))});
  }
  return st;
}

}  // namespace lbd::ipvs::netlink
