// HTTPS client for the Kubernetes API (Boost.Beast + OpenSSL).
//
// - Keep-alive connections are pooled and reused; each request has connect and total timeouts.
// - request() retries connection failures, 429 and 5xx with exponential backoff and full
//   jitter, at most RetryPolicy::max_attempts times; a Retry-After header replaces the
//   computed delay (capped by max_retry_after). Other statuses (2xx, 4xx) are returned as is.
// - The bearer token file is re-read when it changes (bound service-account tokens rotate);
//   a 401 forces one re-read and, if the token changed, one more attempt.
// - watch() streams a chunked response line by line (the API server writes one JSON watch
//   event per line); it can be interrupted from another thread through a Cancel.
//
// Thread-safety: a Client may be used from many threads at once. A Cancel may be triggered
// from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "freightgate/kube/config.h"
#include "freightgate/status.h"

namespace boost::asio {
class io_context;
}

namespace freightgate::kube {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
  int max_attempts = 5;            // total tries, including the first
  Millis initial_backoff{200};     // before the 2nd try; doubles each time
  Millis max_backoff{10'000};      // cap of the computed delay
  Millis max_retry_after{60'000};  // cap of a server's Retry-After
};

struct ClientOptions {
  Millis connect_timeout{10'000};   // TCP connect + TLS handshake
  Millis request_timeout{30'000};   // one request: write + whole response
  size_t max_idle_connections = 4;  // pooled keep-alive connections
  size_t max_body_bytes = 512u << 20;
  std::string user_agent = "freightgate";
  RetryPolicy retry;
};

struct Response {
  int status = 0;
  std::string body;
  std::string content_type;
  std::optional<Millis> retry_after;  // parsed Retry-After (seconds form)
  int attempts = 1;                   // how many tries it took
};

// Interrupts a running watch()/request() from another thread. Once cancelled, stays cancelled.
class Cancel {
 public:
  void cancel();
  bool cancelled() const { return cancelled_.load(); }
  // Used by Client while an operation runs: registers the io_context cancel() stops.
  bool attach(boost::asio::io_context* ioc);  // false when already cancelled
  void detach();

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  boost::asio::io_context* active_ = nullptr;
};

// How a watch stream ended.
struct WatchEnd {
  int status = 0;        // HTTP status of the response
  std::string body;      // the body when status != 200 (a Status object)
  bool stopped = false;  // on_line returned false
};

class Client {
 public:
  // Builds the TLS context (CA, client certificate) up front: bad PEM is reported here.
  static Result<std::shared_ptr<Client>> create(const ClientConfig& config,
                                                const ClientOptions& options = {});
  ~Client();

  // `target` is the path and query, e.g. "/api/v1/namespaces?limit=500" (base_path is
  // prepended). Error: every attempt failed on the transport, or retries were exhausted on
  // 429/5xx (the message carries the last status and the Status message).
  Result<Response> request(std::string_view method, std::string_view target, std::string body = "",
                           Cancel* cancel = nullptr);

  // Opens `target` and hands each non-empty line of the body to on_line until the server ends
  // the response, on_line returns false, `idle_timeout` passes without data, or `cancel`.
  // on_open is called once the status line is in (before any line). No retries: the caller
  // (an informer) owns its backoff. Error: transport failure or timeout.
  Result<WatchEnd> watch(std::string_view target, Millis idle_timeout,
                         const std::function<void(int status)>& on_open,
                         const std::function<bool(std::string_view line)>& on_line,
                         Cancel* cancel = nullptr);

  const ClientConfig& config() const;
  // Connections opened so far (for tests and metrics).
  uint64_t connections_opened() const;

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The message of a Kubernetes Status body ("" when `body` is not one).
std::string status_message(std::string_view body);
// "GET /apis/x: 403 Forbidden: <Status message>" for error reports.
std::string describe_failure(std::string_view method, std::string_view target, const Response& r);

// Backoff before attempt `attempt` (1 = first retry): min(max, initial * 2^(attempt-1)) with
// full jitter drawn from `random01` in [0,1). Exposed for tests.
Millis backoff_delay(const RetryPolicy& policy, int attempt, double random01);

}  // namespace freightgate::kube
