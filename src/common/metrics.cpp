// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace lbd::metrics {
namespace {

// One line of the exposition: name, the series' labels (and a histogram bucket's `le`), value.
// Appended in place: a scrape of a large director writes a few hundred thousand of them.
void write_line(std::string& out, const std::string& name, std::string_view suffix, const std::string& key,
                std::string_view le, std::string_view value) {
  out += name;
  out += suffix;
  if (!key.empty() || !le.empty()) {
    out += '{';
    out += key;
    if (!le.empty()) {
      if (!key.empty()) out += ',';
      out += "le=\"";
      out += le;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
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
  return get_family(name, kind::counter, help).counters[series_key(l)];
}

gauge& registry::get_gauge(const std::string& name, const std::string& help, const labels& l) {
  return get_family(name, kind::gauge, help).gauges[series_key(l)];
}

histogram& registry::get_histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                                   const labels& l) {
  return get_family(name, kind::histogram, help).histograms.try_emplace(series_key(l), bounds).first->second;
}

void registry::remove(const std::string& name, const labels& l) {
  auto it = families_.find(name);
  if (it == families_.end()) return;
  const auto key = series_key(l);
  it->second.counters.erase(key);
  it->second.gauges.erase(key);
  it->second.histograms.erase(key);
}

double registry::value(const std::string& name, const labels& l) const {
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  const auto key = series_key(l);
  if (auto c = it->second.counters.find(key); c != it->second.counters.end()) return c->second.value();
  if (auto g = it->second.gauges.find(key); g != it->second.gauges.end()) return g->second.value();
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
      for (const auto& [key, c] : f->counters) write_line(out, name, {}, key, {}, number(c.value()));
      for (const auto& [key, g] : f->gauges) write_line(out, name, {}, key, {}, number(g.value()));
      for (const auto& [key, h] : f->histograms) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < h.bounds().size(); ++i) {
          cumulative += h.bucket_counts()[i];
          write_line(out, name, "_bucket", key, number(h.bounds()[i]), std::to_string(cumulative));
        }
        write_line(out, name, "_bucket", key, "+Inf", std::to_string(h.count()));
        write_line(out, name, "_sum", key, {}, number(h.sum()));
        write_line(out, name, "_count", key, {}, std::to_string(h.count()));
      }
    }
  }
  return out;
}

std::string series_key(const labels& l) {
  std::string out;
  for (const auto& [k, v] : l) {
    if (!out.empty()) out += ',';
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
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
