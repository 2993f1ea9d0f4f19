#include "app.h"

#include <boost/beast/http/field.hpp>

#include "flags.h"
#include "freightgate/admission/review.h"
#include "logging.h"

namespace freightgate::webhook {

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

Result<std::optional<SteadyTime>> request_deadline(std::string_view target, SteadyTime now) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::optional<SteadyTime>{};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (kv.rfind("timeout=", 0) != 0) continue;
    auto d = parse_duration(kv.substr(8));
    if (!d)
      return Error{"", 0, "", "query parameter timeout",
                   "invalid value \"" + std::string(kv.substr(8)) + "\": " + d.error().message};
    return std::optional<SteadyTime>(now + *d);
  }
  return std::optional<SteadyTime>{};
}

Response App::text(http::status status, unsigned version, std::string message) const {
  Response res{status, version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::move(message);
  res.body() += "\n";
  res.prepare_payload();
  if (d_.metrics) d_.metrics->response(static_cast<int>(status));
  return res;
}

Response App::handle(const Request& req, SteadyTime started,
                     std::optional<SteadyTime> deadline) const {
  std::string_view path = target_path(req.target());
  if (path == "/validate" || path == "/mutate") {
    if (req.method() != http::verb::post)
      return text(
          http::status::method_not_allowed, req.version(),
          std::string(path) + " accepts POST with an AdmissionReview (admission.k8s.io/v1)");
    return admission(path == "/mutate" ? admission::Phase::Mutate : admission::Phase::Validate,
                     path.substr(1), req, started, deadline);
  }
  return probe_or_metrics(path, req);
}

Response App::handle_plain(const Request& req) const {
  std::string_view path = target_path(req.target());
  if (path == "/validate" || path == "/mutate")
    return text(http::status::not_found, req.version(),
                "admission reviews are served on the HTTPS port (--listen), not here");
  return probe_or_metrics(path, req);
}

Response App::probe_or_metrics(std::string_view path, const Request& req) const {
  if (path != "/healthz" && path != "/readyz" && path != "/metrics")
    return text(http::status::not_found, req.version(),
                "not found: " + std::string(path) +
                    " (endpoints: POST /mutate, POST /validate, GET /healthz, /readyz, /metrics)");
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return text(http::status::method_not_allowed, req.version(),
                std::string(path) + " accepts GET");
  if (path == "/healthz") return text(http::status::ok, req.version(), "ok");
  if (path == "/readyz") {
    if (draining())
      return text(http::status::service_unavailable, req.version(),
                  "not ready: draining (SIGTERM)");
    Readiness r = d_.readiness ? d_.readiness() : Readiness{true, ""};
    if (!r.ready)
      return text(http::status::service_unavailable, req.version(), "not ready: " + r.reason);
    return text(http::status::ok, req.version(), "ok");
  }
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  if (d_.metrics) res.body() = d_.metrics->render(d_.gauges ? d_.gauges() : Metrics::Gauges{});
  res.prepare_payload();
  if (d_.metrics) d_.metrics->response(200);
  return res;
}

Response App::admission(admission::Phase phase, std::string_view webhook, const Request& req,
                        SteadyTime started, std::optional<SteadyTime> deadline) const {
  using admission::FailureKind;
  auto ct = req[http::field::content_type];
  if (!ct.empty() && ct.find("json") == std::string_view::npos)
    return text(http::status::unsupported_media_type, req.version(),
                "Content-Type \"" + std::string(ct) +
                    "\" is not supported: send the AdmissionReview as application/json");

  auto finish = [&](const admission::RequestInfo& r, std::string_view outcome, int code,
                    bool patched, std::string_view message) {
    auto latency = std::chrono::steady_clock::now() - started;
    if (d_.metrics)
      d_.metrics->observe(webhook, r.kind.kind, r.operation,
                          outcome == "allowed"  ? "true"
                          : outcome == "denied" ? "false"
                                                : "error",
                          latency);
    log::decision({webhook, r.uid, r.kind.kind, r.namespace_, r.name, r.operation,
                   r.userInfo.username, outcome, code, patched,
                   std::chrono::duration_cast<std::chrono::nanoseconds>(latency), message});
  };

  if (deadline && std::chrono::steady_clock::now() >= *deadline) {
    std::string msg = "the request deadline (query parameter timeout) passed before a decision";
    finish({}, "error", 504, false, msg);
    return text(http::status::gateway_timeout, req.version(), msg);
  }

  admission::Decision d;
  try {
    d = d_.decide(phase, req.body());
  } catch (const std::exception& e) {
    d.ok = false;
    d.failure = {FailureKind::Internal, std::string("internal error: ") + e.what()};
  }
  if (!d.ok) {
    bool bad = d.failure.kind == FailureKind::BadRequest;
    int code = bad ? 400 : 500;
    finish(d.request, "error", code, false, d.failure.message);
    return text(bad ? http::status::bad_request : http::status::internal_server_error,
                req.version(), d.failure.message);
  }
  if (deadline && std::chrono::steady_clock::now() >= *deadline) {
    std::string msg = "the request deadline (query parameter timeout) passed while deciding";
    finish(d.request, "error", 504, false, msg);
    return text(http::status::gateway_timeout, req.version(), msg);
  }
  const auto& r = d.response;
  bool patched = !r.patch.empty();
  finish(d.request, r.allowed ? "allowed" : "denied", r.allowed ? 200 : (r.code ? r.code : 403),
         patched, r.allowed ? std::string_view{} : std::string_view{r.message});
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  res.body() = admission::encode_review_response(r);
  res.prepare_payload();
  if (d_.metrics) d_.metrics->response(200);
  return res;
}

}  // namespace freightgate::webhook
