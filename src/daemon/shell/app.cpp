// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/app.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <set>

#include "common/duration.hpp"
#include "common/log_writer.hpp"
#include "common/time_format.hpp"
#include "config/load.hpp"
#include "daemon/reload/reload_plan.hpp"
#include "daemon/shell/build_info.hpp"
#include "daemon/shell/config_diagnostics.hpp"
#include "daemon/vrrp/vrrp_notify.hpp"
#include "status/answer_text.hpp"

namespace lbd::daemon {
namespace {

using wall = std::chrono::system_clock;

constexpr const char* last_reload_help =
    "Last configuration reload applied completely (1); 0: refused or partly applied (see lbctl status)";

std::vector<std::string> format_errors(const config::load_result& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    if (d.level == config::severity::error) out.push_back(config::format(d));
  return out;
}

// The control socket lives in a directory systemd creates (RuntimeDirectory=lbd); when run by hand
// the directory may be missing.
void ensure_parent(const std::string& path) {
  const auto dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0755);
  }
}

std::optional<std::string> string_arg(const nlohmann::json& args, const char* key) {
  if (!args.contains(key) || args[key].is_null()) return std::nullopt;
  if (!args[key].is_string()) throw control_error(fmt::format("\"{}\" must be a string", key));
  return args[key].get<std::string>();
}

std::string server_arg(const nlohmann::json& args) {
  auto s = string_arg(args, "server");
  if (!s || s->empty()) throw control_error("missing \"server\" (ip:port of a real server)");
  return *s;
}

nlohmann::json value_or_refuse(const override_answer& r) {
  if (!r) throw control_error(r.error());
  return *r;
}

}  // namespace

app::app(std::string config_file, std::string state_file)
    : config_file_(std::move(config_file)),
      state_file_(std::move(state_file)),
      notifier_(io_),
      signals_(io_, SIGHUP, SIGTERM, SIGINT) {}

app::~app() = default;

int app::run() {
  if (!start()) return 1;
  wait_signal();
  io_.run();
  return 0;
}

bool app::start() {
  started_at_ = wall::now();
  export_build_info(metrics_);
  loop_.start();
  auto loaded = config::load_file(config_file_);
  log_diagnostics(log_, config_file_, loaded);
  if (!loaded.ok()) {
    log_.err("{}: {} error(s); not starting", config_file_, loaded.error_count());
    return false;
  }
  // Held once, shared with the service runtime: a large configuration is tens of megabytes.
  running_ = std::make_shared<const config::config>(std::move(*loaded.cfg));
  const config::config& cfg = *running_;
  log::set_threshold(cfg.global.log_level);

  std::vector<std::string> errors;
  open_endpoints(cfg, {}, true, errors);
  if (!errors.empty()) return false;

  services_ = std::make_unique<service_runtime>(io_, metrics_, kernel_);
  services_->abandon_full_reads_with(abandon_reads_);
  services_->keep_overrides_in(state_file_);
  anycast_ = std::make_unique<anycast_runtime>(metrics_, kernel_anycast_host());
  services_->on_pass([this](const std::vector<service_weight>& w) { anycast_->observe(w); });
  vrrp_ = std::make_unique<vrrp_thread>(
      io_.get_executor(), [this](const vrrp_transition& t) { on_transition(t); },
      [this](const notify_request& n) { run_notify(n); });
  scripts_ = std::make_unique<track_scripts>(io_, metrics_,
                                             [this](const std::string& instance, const std::string& script, bool ok) {
                                               vrrp_->script_result(instance, script, ok);
                                             });

  // Refusals are logged; lbd runs on without the tuning, as keepalived does.
  (void)tuning_.apply(cfg.global, *vrrp_);

  // Starting is the plan from an empty configuration: every instance starts.
  const auto plan = plan_reload(config::config{}, cfg);
  // The anycast groups before the first pass, whose weights decide their announcements.
  anycast_->apply(cfg);
  // IPVS before VRRP: a director that wins the election already has its services.
  const auto first = services_->apply(running_, plan.diff);
  if (!first.failure.empty())
    log_.err("IPVS: {}; retrying every {}", first.failure, format_duration(cfg.global.reconcile_interval));
  // Instances that could not start were logged by the runtime, which keeps trying them.
  const auto not_running = apply_vrrp(cfg, plan.vrrp).size();
  register_commands();
  metrics_.get_gauge("lbd_config_last_reload_successful", last_reload_help).set(1);

  log_.notice("started with {} ({} vrrp instance(s), {} not running yet, {} virtual server(s), {} IPVS operation(s))",
              config_file_, cfg.vrrp.size(), not_running, cfg.virtual_servers.size(), first.ops);
  notifier_.ready();
  notifier_.status(fmt::format("running {}", config_file_));
  notifier_.start_watchdog();
  return true;
}

void app::open_endpoints(const config::config& next, const global_reload_plan& globals, bool at_start,
                         std::vector<std::string>& errors) {
  if (at_start) {
    ensure_parent(next.global.control_socket);
    control_ = std::make_unique<control_server>(io_, next.global.control_socket);
    if (auto ec = control_->start()) {
      errors.push_back(fmt::format("control socket {}: {}", next.global.control_socket, ec.message()));
      log_.err("{}", errors.back());
    }
  } else if (globals.control_socket) {
    // Replacing the socket from inside one of its own requests (lbctl reload) is not safe.
    log_.warning("control_socket change to {} takes effect at the next restart", next.global.control_socket);
  }

  if (!at_start && !globals.metrics_listen) return;
  if (metrics_http_) metrics_http_->stop();
  metrics_http_.reset();
  if (!next.global.metrics_listen) return;
  metrics_http_ = std::make_unique<metrics_endpoint>(
      io_,
      [this] {
        // Written from the statistics snapshot, not kept as series (services/stats_exposition.hpp).
        const auto kernel_stats = services_ ? services_->kernel_stats_text() : std::string();
        metrics_
            .get_counter("lbd_log_records_dropped_total",
                         "Log records dropped because the journal took them slower than they came")
            .set_total(static_cast<double>(log::dropped_records()));
        std::vector<const metrics::registry*> mine{&metrics_};
        if (const auto* worker = services_ ? services_->worker_metrics() : nullptr) mine.push_back(worker);
        return metrics::render(mine) + kernel_stats + (vrrp_ ? vrrp_->render_metrics() : std::string());
      },
      [this] { return status(); });
  metrics_http_->write_status_json_with(
      [this] { return api::status_text(status(false), services_->service_stream(), 2, true); });
  if (auto ec = metrics_http_->start(*next.global.metrics_listen)) {
    errors.push_back(fmt::format("metrics_listen {}: {}", to_string(*next.global.metrics_listen), ec.message()));
    log_.err("{}", errors.back());
    metrics_http_.reset();
  }
}

void app::wait_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload("SIGHUP");
      wait_signal();
      return;
    }
    stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
  });
}

reload_report app::reload(const std::string& trigger) {
  const auto t0 = std::chrono::steady_clock::now();
  notifier_.reloading();
  reload_report r;
  r.trigger = trigger;
  r.file = config_file_;
  r.at = wall::now();
  log_.notice("reload ({}) of {}", trigger, config_file_);

  auto loaded = config::load_file(config_file_);
  r.load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  log_diagnostics(log_, config_file_, loaded);
  r.warnings = loaded.warning_count();
  if (!loaded.ok()) {
    r.errors = format_errors(loaded);
  } else {
    const auto next_held = std::make_shared<const config::config>(std::move(*loaded.cfg));
    const config::config& next = *next_held;
    // The one plan of this reload: every part below takes its slice, the report renders it.
    const auto& plan = r.plan.emplace(plan_reload(*running_, next));
    std::vector<std::string> problems;
    open_endpoints(next, plan.globals, false, problems);
    if (plan.globals.log_level) log::set_threshold(next.global.log_level);
    if (plan.globals.process_tuning) {
      for (auto& e : tuning_.apply(next.global, *vrrp_)) problems.push_back(std::move(e));
    }
    const auto services_t0 = std::chrono::steady_clock::now();
    anycast_->apply(next);
    const auto applied = services_->apply(next_held, plan.diff);
    r.services_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - services_t0).count();
    r.ipvs_ops = applied.ops;
    r.ipvs_errors = applied.errors;
    if (!applied.failure.empty()) problems.push_back("IPVS: " + applied.failure);
    for (auto& e : apply_vrrp(next, plan.vrrp)) problems.push_back(std::move(e));
    running_ = next_held;
    // The new config is running either way; problems applying it are reported, not rolled back.
    r.result = problems.empty() ? api::reload_result::ok : api::reload_result::partial;
    r.errors = std::move(problems);
  }
  r.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  record_reload(r);
  last_reload_ = r;
  notifier_.ready();
  return r;
}

void app::record_reload(const reload_report& r) {
  metrics_
      .get_counter("lbd_reloads_total", "Configuration reloads by result",
                   {{"result", std::string(api::to_string(r.result))}})
      .inc();
  metrics_.get_gauge("lbd_config_last_reload_successful", last_reload_help).set(r.ok() ? 1 : 0);
  metrics_
      .get_histogram("lbd_reload_duration_seconds", "Time to load, diff and apply a configuration",
                     metrics::latency_buckets())
      .observe(r.duration_ms / 1000.0);
  if (r.plan) {
    const auto& v = r.plan->vrrp;
    const std::pair<const char*, std::size_t> actions[] = {
        {"start", v.start.size()}, {"stop", v.stop.size()}, {"restart", v.restart.size()}, {"update", v.update.size()}};
    for (const auto& [action, n] : actions) {
      if (n == 0) continue;
      metrics_
          .get_counter("lbd_reload_vrrp_instances_total",
                       "VRRP instances a reload started, stopped, restarted or "
                       "updated in place (kept running)",
                       {{"action", action}})
          .inc(static_cast<double>(n));
    }
  }
  log_.with({{log::event_field, "reload"}, {log::reason_field, std::string(api::to_string(r.result))}})
      .log(r.plan ? log::level::notice : log::level::err, "{}", journal_line(r));
  notifier_.status(fmt::format("running {}; last reload {}: {}", config_file_, api::to_string(r.result), summary(r)));
}

void app::stop(const std::string& why) {
  if (stopping_) return;
  stopping_ = true;
  log_.notice("stopping ({})", why);
  notifier_.stopping();
  signals_.cancel();
  // Withdraw first: the upstream routers move the flows to the other directors while this one still
  // serves them, then the services go.
  const auto delay = running_ ? running_->global.anycast.stop_delay : duration::zero();
  if (anycast_->withdraw_all() && delay > duration::zero()) {
    log_.notice("anycast routes withdrawn; the services stop in {}", format_duration(delay));
    stop_delay_.expires_after(delay);
    stop_delay_.async_wait([this](const boost::system::error_code&) { finish_stop(); });
    return;
  }
  finish_stop();
}

void app::finish_stop() {
  notifier_.stop_watchdog();
  loop_.stop();
  if (control_) control_->stop();
  if (metrics_http_) metrics_http_->stop();
  // Notify commands of the stop start detached: they outlive lbd.
  hooks_.detach_from_now();
  for (const auto& n : vrrp_->stop()) run_notify(n);
  scripts_->stop();
  const auto policy = running_ ? running_->global.on_exit : config::exit_policy::keep;
  const auto done = services_->stop(policy);
  if (policy == config::exit_policy::remove) {
    if (done.failure.empty() && done.errors == 0) {
      log_.notice("exit policy remove: {} IPVS operation(s), no owned service left", done.ops);
    } else {
      log_.err("exit policy remove: {}{} operation(s) failed", done.failure.empty() ? "" : done.failure + "; ",
               done.errors);
    }
  }
  anycast_->finish();
  // Whatever is still queued (check results, timers) belongs to stopped components.
  io_.stop();
}

std::vector<std::string> app::apply_vrrp(const config::config& cfg, const vrrp_reload_plan& plan) {
  const auto started = plan.started_or_restarted();
  const std::set<std::string> restarted(started.begin(), started.end());
  auto errors = vrrp_->apply(cfg, plan);
  scripts_->apply(cfg.vrrp, restarted);
  return errors;
}

void app::run_notify(const notify_request& n) {
  const bool group = !n.sync_group.empty();
  for (std::size_t i = 0; i < n.commands.size(); ++i) {
    hook_request h{n.commands[i],
                   group ? fmt::format("sync_group[{}] notify {}", n.sync_group, notify_state_word(n.to))
                         : fmt::format("vrrp[{}] notify {}", n.instance, notify_state_word(n.to)),
                   group ? "sync_group_notify" : "vrrp_notify"};
    // The state's own command comes first: held VIPs wait for it (notify.master_wait).
    std::vector<vip_hold> release = i == 0 ? n.release_on_exit : std::vector<vip_hold>{};
    hooks_.run(std::move(h), [this, group, name = group ? n.sync_group : n.instance,
                              release = std::move(release)](std::string_view result) {
      if (!release.empty()) vrrp_->release_vips(release, fmt::format("the master command ended ({})", result));
      if (group) {
        metrics_
            .get_counter("lbd_sync_group_notify_total", "Sync group notify commands run",
                         {{"sync_group", name}, {"result", std::string(result)}})
            .inc();
        return;
      }
      metrics_
          .get_counter("lbd_vrrp_notify_total", "Notify commands run",
                       {{"vrrp_instance", name}, {"result", std::string(result)}})
          .inc();
    });
  }
}

void app::on_transition(const vrrp_transition& t) {
  services_->on_vrrp_state(t.instance, t.to);
  notifier_.status(fmt::format("{} {}", t.instance, vrrp::to_string(t.to)));
}

ipvs::netlink::client_options app::reads_abandoned_by(const std::atomic<bool>& flag) {
  ipvs::netlink::client_options o;
  o.cancelled = [&flag] { return flag.load(std::memory_order_relaxed); };
  return o;
}

api::daemon_status app::status(bool with_services) const {
  api::daemon_status s;
  s.node = running_ ? running_->global.node_name : "";
  s.config_file = config_file_;
  s.started_at = started_at_;
  s.vrrp = vrrp_->status();
  if (with_services) s.services = services_->services();
  s.anycast = anycast_->status();
  if (last_reload_) s.reload = to_answer(*last_reload_);
  return s;
}

void app::register_commands() {
  // The answers that grow with the table are written service by service (status/answer_text.hpp).
  control_->add("status", [this](const nlohmann::json&) {
    return json_text{api::status_text(status(false), services_->service_stream())};
  });
  control_->add("vrrp", [this](const nlohmann::json&) { return nlohmann::json(vrrp_->status()); });
  control_->add("services",
                [this](const nlohmann::json&) { return json_text{api::services_text(services_->service_stream())}; });
  control_->add("anycast", [this](const nlohmann::json&) { return nlohmann::json(anycast_->status()); });
  control_->add("checks", [this](const nlohmann::json&) { return json_text{api::array_text(services_->checks())}; });
  control_->add("reload", [this](const nlohmann::json&) { return nlohmann::json(to_answer(reload("lbctl"))); });
  control_->add("drain", [this](const nlohmann::json& a) {
    return value_or_refuse(services_->drain(server_arg(a), string_arg(a, "service")));
  });
  control_->add("enable", [this](const nlohmann::json& a) {
    return value_or_refuse(services_->enable(server_arg(a), string_arg(a, "service")));
  });
  control_->add("weight", [this](const nlohmann::json& a) {
    if (!a.contains("weight") || !a["weight"].is_number_unsigned())
      throw control_error("missing \"weight\" (a non-negative integer)");
    return value_or_refuse(services_->set_weight(server_arg(a), string_arg(a, "service"), a["weight"].get<unsigned>()));
  });
}

}  // namespace lbd::daemon
