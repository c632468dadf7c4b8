// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Counters, gauges and histograms with labels, rendered in the Prometheus text exposition format
// (version 0.0.4).
//
// Why not prometheus-cpp (Debian 12 ships prometheus-cpp-dev 1.0.1): lbd is moving to one registry
// per thread (VRRP, main loop, IPVS worker), each used by its thread alone and merged when a scrape
// renders them. prometheus-cpp's core makes every family and child thread-safe (a mutex per family,
// atomics per value), which single-threaded registries pay for on every update, and its serializer
// writes the families of several registries one after another, so a family present in two of them
// (lbd_ipvs_errors_total is counted by the main loop and the IPVS worker) would appear twice, which
// the format forbids. Its Counter also cannot take a value from the kernel (only Increment), so IPVS
// statistics would need a custom Collectable. This core is about 200 lines, renders merged families
// (render(registries)), and lets tests read a value by name and labels.
//
// Conventions, checked here where they can be: counter names end in _total (get_counter refuses
// others), units are in the name (_seconds, _bytes), a counter is monotonic.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lbd::metrics {

using labels = std::vector<std::pair<std::string, std::string>>;

class counter {
 public:
  void inc(double by = 1.0) { value_ += by; }
  // For a counter kept elsewhere, such as the kernel's IPVS packet and byte statistics: the
  // value is copied from that monotonic source instead of incremented here. It may go down only
  // when the source itself restarts (an IPVS service deleted and added again); Prometheus treats
  // that as a counter reset, as it does for a restarted process.
  void set_total(double v) { value_ = v; }
  [[nodiscard]] double value() const { return value_; }

 private:
  double value_ = 0;
};

class gauge {
 public:
  void set(double v) { value_ = v; }
  void inc(double by = 1.0) { value_ += by; }
  void dec(double by = 1.0) { value_ -= by; }
  [[nodiscard]] double value() const { return value_; }

 private:
  double value_ = 0;
};

class histogram {
 public:
  explicit histogram(std::vector<double> upper_bounds);
  void observe(double v);
  [[nodiscard]] const std::vector<double>& bounds() const { return bounds_; }
  [[nodiscard]] const std::vector<std::uint64_t>& bucket_counts() const { return counts_; }  // not cumulative
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // one per bound, plus +Inf
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

class registry {
 public:
  registry() = default;
  // Moved, or copied on purpose only (copy()): a registry is one thread's.
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;
  registry(registry&&) = default;
  registry& operator=(registry&&) = default;
  ~registry() = default;

  // Throws std::logic_error when the name does not end in _total, or a name is used with two types:
  // both are programming errors.
  counter& get_counter(const std::string& name, const std::string& help, const labels& l = {});
  gauge& get_gauge(const std::string& name, const std::string& help, const labels& l = {});
  histogram& get_histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                           const labels& l = {});

  // Drops one labelled child (e.g. a real server removed from the config).
  void remove(const std::string& name, const labels& l);

  // Value of a counter or gauge, or 0 when absent: for tests and lbctl.
  [[nodiscard]] double value(const std::string& name, const labels& l = {}) const;

  [[nodiscard]] std::string render() const;
  // A deep copy: how a thread hands its registry's values to the one that renders them.
  [[nodiscard]] registry copy() const;

  enum class kind { counter, gauge, histogram };
  // A family's series are keyed by their labels as the exposition writes them (series_key): one
  // string per series instead of a vector of string pairs, so a lookup compares one buffer, a
  // series costs one allocation (or none), and a scrape writes the key as it is. A director of
  // 100,000 real servers holds two series per server (lbd_realserver_up and _weight), looked up
  // at each health change and pass.
  struct family {
    kind k;
    std::string help;
    // By value: a map's nodes do not move, so the references get_* hand out stay valid.
    std::map<std::string, counter, std::less<>> counters;
    std::map<std::string, gauge, std::less<>> gauges;
    std::map<std::string, histogram, std::less<>> histograms;
  };
  [[nodiscard]] const std::map<std::string, family>& families() const { return families_; }

 private:
  family& get_family(const std::string& name, kind k, const std::string& help);
  std::map<std::string, family> families_;
};

// One exposition of several registries (one per thread): a family present in more than one is
// written once, with the children of all; the first registry's HELP wins. The caller makes sure no
// registry changes meanwhile (each is read on, or handed over from, its own thread).
std::string render(const std::vector<const registry*>& registries);

// The key of a series in its family: the labels as the text format writes them between the braces,
// values escaped (`service="web",server="10.0.1.11:80"`); empty without labels.
std::string series_key(const labels& l);

// Escaping of the text format: HELP escapes backslash and newline; label values also escape the
// double quote.
std::string escape_help(const std::string& s);
std::string escape_label_value(const std::string& s);

// Default buckets for latencies in seconds.
std::vector<double> latency_buckets();

}  // namespace lbd::metrics
