// Prometheus metrics of the webhook, rendered in the text exposition format (0.0.4):
//   freightgate_admission_requests_total{webhook,kind,operation,allowed}  counter
//   freightgate_admission_duration_seconds{webhook}                      histogram
//   freightgate_admission_in_flight_requests                             gauge
//   freightgate_http_responses_total{code}                               counter
//   freightgate_tls_certificate_expiry_timestamp_seconds                 gauge
//   freightgate_tls_certificate_reloads_total{result}                    counter
//   freightgate_state_ready, freightgate_state_last_sync_timestamp_seconds,
//   freightgate_state_age_seconds, freightgate_draining                  gauges
//   freightgate_build_info{version}                                      gauge (1)
// `webhook` is "mutate" or "validate"; `allowed` is "true", "false" or "error" (no decision:
// HTTP 400/500/504).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "freightgate/model/meta.h"

namespace freightgate::webhook {

class Metrics {
 public:
  // Values sampled at scrape time.
  struct Gauges {
    std::optional<model::Time> cert_not_after;
    unsigned long long cert_reloads = 0, cert_reload_failures = 0;
    bool state_ready = false;
    std::optional<model::Time> state_last_sync;
    bool draining = false;
    model::Time now = model::Clock::now();
  };

  // One answered review (webhook = "mutate"|"validate").
  void observe(std::string_view webhook, std::string_view kind, std::string_view operation,
               std::string_view allowed, std::chrono::nanoseconds latency);
  void response(int http_code);

  void inflight_inc() { inflight_.fetch_add(1, std::memory_order_relaxed); }
  void inflight_dec() { inflight_.fetch_sub(1, std::memory_order_relaxed); }
  long long inflight() const { return inflight_.load(std::memory_order_relaxed); }

  std::string render(const Gauges& g) const;

  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

 private:
  struct Histogram {
    std::array<std::atomic<unsigned long long>, kBuckets.size() + 1> buckets{};  // last = +Inf
    std::atomic<unsigned long long> count{0};
    std::atomic<unsigned long long> sum_ns{0};
  };
  Histogram& histogram(std::string_view webhook);

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, unsigned long long,
           std::less<>>
      requests_;
  std::map<int, unsigned long long> responses_;
  Histogram mutate_, validate_;
  std::atomic<long long> inflight_{0};
};

}  // namespace freightgate::webhook
