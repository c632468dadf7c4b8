// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace lbd::metrics {
namespace {

std::string render_labels(const labels& l, const std::string& extra_key = {}, const std::string& extra_val = {}) {
  if (l.empty() && extra_key.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : l) {
    if (!first) out += ',';
    first = false;
    out += fmt::format("{}=\"{}\"", k, escape_label_value(v));
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += fmt::format("{}=\"{}\"", extra_key, extra_val);
  }
  out += '}';
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return fmt::format("{}", v);
}

}  // namespace

histogram::histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  counts_.assign(bounds_.size() + 1, 0);
}

void histogram::observe(double v) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  counts_[static_cast<std::size_t>(it - bounds_.begin())]++;
  count_++;
  sum_ += v;
}

registry::family& registry::get_family(const std::string& name, kind k, const std::string& help) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.k = k;
    it->second.help = help;
  } else if (it->second.k != k) {
    // Two components disagreeing on a metric's type is a programming error.
    throw std::logic_error("metric " + name + " registered with two types");
  }
  return it->second;
}

counter& registry::get_counter(const std::string& name, const std::string& help, const labels& l) {
  static constexpr std::string_view suffix = "_total";
  if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    throw std::logic_error("counter " + name + " does not end in _total");
  }
  return get_family(name, kind::counter, help).counters[l];
}

gauge& registry::get_gauge(const std::string& name, const std::string& help, const labels& l) {
  return get_family(name, kind::gauge, help).gauges[l];
}

histogram& registry::get_histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                                   const labels& l) {
  return get_family(name, kind::histogram, help).histograms.try_emplace(l, bounds).first->second;
}

void registry::remove(const std::string& name, const labels& l) {
  auto it = families_.find(name);
  if (it == families_.end()) return;
  it->second.counters.erase(l);
  it->second.gauges.erase(l);
  it->second.histograms.erase(l);
}

double registry::value(const std::string& name, const labels& l) const {
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  if (auto c = it->second.counters.find(l); c != it->second.counters.end()) return c->second.value();
  if (auto g = it->second.gauges.find(l); g != it->second.gauges.end()) return g->second.value();
  return 0;
}

std::string registry::render() const { return metrics::render({this}); }

registry registry::copy() const {
  registry out;
  out.families_ = families_;
  return out;
}

std::string render(const std::vector<const registry*>& registries) {
  std::map<std::string, std::vector<const registry::family*>> merged;
  for (const auto* r : registries) {
    for (const auto& [name, f] : r->families()) {
      auto& v = merged[name];
      if (!v.empty() && v.front()->k != f.k) throw std::logic_error("metric " + name + " registered with two types");
      v.push_back(&f);
    }
  }
  std::string out;
  for (const auto& [name, fs] : merged) {
    const auto k = fs.front()->k;
    const char* type = k == registry::kind::counter ? "counter" : k == registry::kind::gauge ? "gauge" : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(fs.front()->help), name, type);
    for (const auto* f : fs) {
      for (const auto& [l, c] : f->counters) out += fmt::format("{}{} {}\n", name, render_labels(l), number(c.value()));
      for (const auto& [l, g] : f->gauges) out += fmt::format("{}{} {}\n", name, render_labels(l), number(g.value()));
      for (const auto& [l, h] : f->histograms) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < h.bounds().size(); ++i) {
          cumulative += h.bucket_counts()[i];
          out += fmt::format("{}_bucket{} {}\n", name, render_labels(l, "le", number(h.bounds()[i])), cumulative);
        }
        out += fmt::format("{}_bucket{} {}\n", name, render_labels(l, "le", "+Inf"), h.count());
        out += fmt::format("{}_sum{} {}\n", name, render_labels(l), number(h.sum()));
        out += fmt::format("{}_count{} {}\n", name, render_labels(l), h.count());
      }
    }
  }
  return out;
}

std::string escape_help(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_label_value(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace lbd::metrics
