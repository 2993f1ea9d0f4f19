#include "metrics.h"

#include <cstdio>

namespace freightgate::webhook {
namespace {

// Label values come from requests: escape them and bound their length.
std::string label(std::string_view v) {
  if (v.size() > 63) v = v.substr(0, 63);
  std::string out;
  for (char c : v) {
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

// True when label(v) == v.
bool plain(std::string_view v) { return v.size() <= 63 && v.find_first_of("\\\"\n") == v.npos; }

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

double seconds(model::Time t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

Metrics::Histogram& Metrics::histogram(std::string_view webhook) {
  return webhook == "mutate" ? mutate_ : validate_;
}

void Metrics::observe(std::string_view webhook, std::string_view kind, std::string_view operation,
                      std::string_view allowed, std::chrono::nanoseconds latency) {
  if (kind.empty()) kind = "unknown";
  if (operation.empty()) operation = "unknown";
  {
    // Found without building the key (these labels never need escaping); added with it.
    std::lock_guard lock(mu_);
    auto it = plain(kind) && plain(operation)
                  ? requests_.find(std::tuple(webhook, kind, operation, allowed))
                  : requests_.end();
    if (it != requests_.end())
      ++it->second;
    else
      ++requests_[{std::string(webhook), label(kind), label(operation), std::string(allowed)}];
  }
  Histogram& h = histogram(webhook);
  double s = std::chrono::duration<double>(latency).count();
  size_t i = 0;
  while (i < kBuckets.size() && s > kBuckets[i]) ++i;
  h.buckets[i].fetch_add(1, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
  h.sum_ns.fetch_add(static_cast<unsigned long long>(latency.count()), std::memory_order_relaxed);
}

void Metrics::response(int http_code) {
  std::lock_guard lock(mu_);
  ++responses_[http_code];
}

std::string Metrics::render(const Gauges& g) const {
  std::string o;
  o.reserve(4096);
  o += "# HELP freightgate_admission_requests_total Admission reviews answered.\n";
  o += "# TYPE freightgate_admission_requests_total counter\n";
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, v] : requests_) {
      const auto& [webhook, kind, op, allowed] = k;
      o += "freightgate_admission_requests_total{webhook=\"" + webhook + "\",kind=\"" + kind +
           "\",operation=\"" + op + "\",allowed=\"" + allowed + "\"} " + std::to_string(v) + "\n";
    }
    o += "# HELP freightgate_http_responses_total HTTP responses sent, by status code.\n";
    o += "# TYPE freightgate_http_responses_total counter\n";
    for (const auto& [code, v] : responses_)
      o += "freightgate_http_responses_total{code=\"" + std::to_string(code) + "\"} " +
           std::to_string(v) + "\n";
  }
  o += "# HELP freightgate_admission_duration_seconds Time from the end of the request headers to "
       "the response being ready.\n";
  o += "# TYPE freightgate_admission_duration_seconds histogram\n";
  for (const auto* name : {"mutate", "validate"}) {
    const Histogram& h = name[0] == 'm' ? mutate_ : validate_;
    unsigned long long cum = 0;
    for (size_t i = 0; i <= kBuckets.size(); ++i) {
      cum += h.buckets[i].load(std::memory_order_relaxed);
      o += std::string("freightgate_admission_duration_seconds_bucket{webhook=\"") + name +
           "\",le=\"" + (i < kBuckets.size() ? num(kBuckets[i]) : "+Inf") + "\"} " +
           std::to_string(cum) + "\n";
    }
    o += std::string("freightgate_admission_duration_seconds_sum{webhook=\"") + name + "\"} " +
         num(static_cast<double>(h.sum_ns.load(std::memory_order_relaxed)) / 1e9) + "\n";
    o += std::string("freightgate_admission_duration_seconds_count{webhook=\"") + name + "\"} " +
         std::to_string(h.count.load(std::memory_order_relaxed)) + "\n";
  }
  o += "# HELP freightgate_admission_in_flight_requests Requests being read, decided or written.\n";
  o += "# TYPE freightgate_admission_in_flight_requests gauge\n";
  o += "freightgate_admission_in_flight_requests " + std::to_string(inflight()) + "\n";
  if (g.cert_not_after) {
    o += "# HELP freightgate_tls_certificate_expiry_timestamp_seconds notAfter of the serving "
         "certificate in use.\n";
    o += "# TYPE freightgate_tls_certificate_expiry_timestamp_seconds gauge\n";
    o += "freightgate_tls_certificate_expiry_timestamp_seconds " + num(seconds(*g.cert_not_after)) +
         "\n";
  }
  o += "# HELP freightgate_tls_certificate_reloads_total Certificate reload attempts.\n";
  o += "# TYPE freightgate_tls_certificate_reloads_total counter\n";
  o += "freightgate_tls_certificate_reloads_total{result=\"success\"} " +
       std::to_string(g.cert_reloads) + "\n";
  o += "freightgate_tls_certificate_reloads_total{result=\"failure\"} " +
       std::to_string(g.cert_reload_failures) + "\n";
  o += "# HELP freightgate_state_ready 1 when the pipeline state is loaded and fresh.\n";
  o += "# TYPE freightgate_state_ready gauge\n";
  o += std::string("freightgate_state_ready ") + (g.state_ready ? "1" : "0") + "\n";
  if (g.state_last_sync) {
    o += "# HELP freightgate_state_last_sync_timestamp_seconds When the state was last complete "
         "and current.\n";
    o += "# TYPE freightgate_state_last_sync_timestamp_seconds gauge\n";
    o += "freightgate_state_last_sync_timestamp_seconds " + num(seconds(*g.state_last_sync)) + "\n";
    o += "# HELP freightgate_state_age_seconds Seconds since the last complete sync.\n";
    o += "# TYPE freightgate_state_age_seconds gauge\n";
    o += "freightgate_state_age_seconds " +
         num(std::chrono::duration<double>(g.now - *g.state_last_sync).count()) + "\n";
  }
  o += "# HELP freightgate_draining 1 after SIGTERM, while in-flight requests finish.\n";
  o += "# TYPE freightgate_draining gauge\n";
  o += std::string("freightgate_draining ") + (g.draining ? "1" : "0") + "\n";
  o += "# HELP freightgate_build_info Build of this binary.\n";
  o += "# TYPE freightgate_build_info gauge\n";
  o += "freightgate_build_info{version=\"" FG_VERSION "\"} 1\n";
  return o;
}

}  // namespace freightgate::webhook
