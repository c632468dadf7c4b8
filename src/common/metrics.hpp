#pragma once
// Counters, gauges and histograms with labels, rendered in the Prometheus text exposition format.
// Debian 12 ships no prometheus-cpp, and lbd needs only this small core. Everything runs on the one
// io_context, so no locking. Components take a registry& so tests can read what they counted.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lbd::metrics {

using labels = std::vector<std::pair<std::string, std::string>>;

class counter {
 public:
  void inc(double by = 1.0) { value_ += by; }
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
  counter& get_counter(const std::string& name, const std::string& help, const labels& l = {});
  gauge& get_gauge(const std::string& name, const std::string& help, const labels& l = {});
  histogram& get_histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                           const labels& l = {});

  // Drops one labelled child (e.g. a real server removed from the config).
  void remove(const std::string& name, const labels& l);

  // Value of a counter or gauge, or 0 when absent: for tests and lbctl.
  [[nodiscard]] double value(const std::string& name, const labels& l = {}) const;

  [[nodiscard]] std::string render() const;

 private:
  enum class kind { counter, gauge, histogram };
  struct family {
    kind k;
    std::string help;
    std::map<labels, std::unique_ptr<counter>> counters;
    std::map<labels, std::unique_ptr<gauge>> gauges;
    std::map<labels, std::unique_ptr<histogram>> histograms;
  };
  family& get_family(const std::string& name, kind k, const std::string& help);
  std::map<std::string, family> families_;
};

// Default buckets for latencies in seconds.
std::vector<double> latency_buckets();

}  // namespace lbd::metrics
