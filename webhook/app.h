// The webhook's HTTP application: one complete request in, one response out. No sockets here
// (session.cpp does the I/O), so this is where the endpoints are defined:
//   POST /mutate, /validate  AdmissionReview v1 -> 200 + AdmissionReview response;
//                            400 malformed review, 500 no decision possible (failurePolicy
//                            applies), 504 the ?timeout= deadline passed, 415 not JSON
//   GET  /healthz            200 while the process serves
//   GET  /readyz             200 when the state is loaded and fresh and not draining, else 503
//   GET  /metrics            Prometheus text
// The decision itself is injected (Decider) so the server mechanics do not depend on a policy.
//
// Thread-safety: handle() is reentrant; the injected functions must be too.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "freightgate/admission/engine.h"
#include "metrics.h"
#include "request_body.h"

namespace freightgate::webhook {

namespace http = boost::beast::http;
using Request = http::request<RequestBody>;
using Response = http::response<http::string_body>;
using SteadyTime = std::chrono::steady_clock::time_point;

// Parses the body and decides; must not block on I/O.
using Decider = std::function<admission::Decision(admission::Phase, std::string_view body)>;

struct Readiness {
  bool ready = false;
  std::string reason;  // why not, when not ready
};

struct AppDeps {
  Decider decide;
  std::function<Readiness()> readiness;     // of the state source
  std::function<Metrics::Gauges()> gauges;  // sampled at /metrics
  Metrics* metrics = nullptr;
  const std::atomic<bool>* draining = nullptr;
};

class App {
 public:
  explicit App(AppDeps deps) : d_(std::move(deps)) {}

  // `started`: when the request's headers were complete (latency is measured from there).
  // `deadline`: from ?timeout=, when given.
  Response handle(const Request& req, SteadyTime started, std::optional<SteadyTime> deadline) const;

  // Only /metrics, /healthz and /readyz (the plain-HTTP metrics listener).
  Response handle_plain(const Request& req) const;

  // A plain-text response with `message` (+ newline); counted in the metrics.
  Response text(http::status status, unsigned version, std::string message) const;

  bool draining() const { return d_.draining && d_.draining->load(); }

 private:
  Response admission(admission::Phase phase, std::string_view webhook, const Request& req,
                     SteadyTime started, std::optional<SteadyTime> deadline) const;
  Response probe_or_metrics(std::string_view path, const Request& req) const;

  AppDeps d_;
};

// The deadline the apiserver asked for with `?timeout=10s`, relative to `now`; nullopt when the
// target has none. Error when the value is not a duration.
Result<std::optional<SteadyTime>> request_deadline(std::string_view target, SteadyTime now);

// "/validate?timeout=10s" -> "/validate".
std::string_view target_path(std::string_view target);

}  // namespace freightgate::webhook
