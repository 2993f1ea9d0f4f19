// A test Kubernetes API server: real TLS on 127.0.0.1 (a free port), the real wire protocol.
//
// - Lists: `{"kind":"<Kind>List","apiVersion":..,"metadata":{"resourceVersion":..,"continue":..},
//   "items":[..]}` with ?limit=/&continue= pagination; items of core kinds carry no TypeMeta,
//   as the real server's do.
// - Watches: `?watch=1&resourceVersion=R` answers 200 with a chunked stream, one JSON event per
//   line (ADDED/MODIFIED/DELETED/BOOKMARK). A resourceVersion older than the compaction point
//   gets `{"type":"ERROR","object":<Status 410 Expired>}`; ?timeoutSeconds= ends the stream.
// - Failures: Status objects exactly as kube-apiserver writes them (401, 403, 404 for kinds not
//   installed, 410, 429 with Retry-After, 500), injected per method + path prefix; abrupt
//   disconnects of open watches or of the next matching request.
// - Auth: bearer tokens from an accepted set (change it to test rotation), or a client
//   certificate signed by the test CA.
// - SubjectAccessReview: POST /apis/authorization.k8s.io/v1/subjectaccessreviews answered by a
//   test-provided function; the reviews are recorded.
//
// Thread-per-connection, synchronous Beast; the destructor stops everything.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_pki.h"

namespace fgtest {

struct Fault {
  std::string method;              // "" = any
  std::string path_prefix;         // matched against the path (without query)
  int status = 500;                // answered with a Status object of this code
  int count = 1;                   // how many matching requests get it (-1 = all)
  std::optional<int> retry_after;  // Retry-After header (seconds)
  bool disconnect = false;         // instead of answering, close the connection abruptly
  std::string watch = "";  // "only"/"never": restrict to watch or non-watch requests; "" both
};

// A fault answering `status` to the next `count` requests matching method + path prefix.
Fault fault(const std::string& method, const std::string& path_prefix, int status, int count = 1);
// A fault that closes the connection of the next `count` matching requests abruptly.
Fault disconnect(const std::string& method, const std::string& path_prefix, int count = 1);

struct LoggedRequest {
  std::string method, target, path, authorization;
  bool watch = false;
  int status = 0;
};

class FakeApiServer {
 public:
  explicit FakeApiServer(const TestPki& pki);
  ~FakeApiServer();

  std::string url() const;  // "https://127.0.0.1:<port>"
  uint16_t port() const { return port_; }
  void stop();

  // Kinds. Requests for kinds not installed get 404 (like a CRD that is not installed).
  void install(const std::string& group, const std::string& version, const std::string& plural,
               const std::string& kind, bool namespaced);
  void install_freightgate_kinds();  // every kind `--state kube` watches
  void uninstall(const std::string& plural);

  // Objects (the resource is found by plural). Each change gets the next resourceVersion and
  // is sent to open watches. Returns the new resourceVersion.
  std::string apply(const std::string& plural, nlohmann::json object);  // ADDED or MODIFIED
  std::string remove(const std::string& plural, const std::string& ns, const std::string& name);
  std::optional<nlohmann::json> get(const std::string& plural, const std::string& ns,
                                    const std::string& name) const;
  std::string resource_version() const;
  // Sends a BOOKMARK with the current resourceVersion to every open watch of `plural`.
  void bookmark(const std::string& plural);
  // Forgets history up to now: watches from an older resourceVersion get 410 Expired, and
  // every open watch of `plural` ("" = all) is sent a 410 ERROR event and ended.
  void compact_and_expire(const std::string& plural = "");
  // Closes every open watch connection of `plural` ("" = all) abruptly (no final chunk).
  void drop_watches(const std::string& plural = "");
  // Makes a watch answer HTTP 410 (instead of an ERROR event) while `on`.
  void set_watch_gone_status(bool on);

  // Auth: accepted bearer tokens (default {"test-token"}); client certs from the test CA are
  // always accepted.
  void set_tokens(std::set<std::string> tokens);
  void inject(Fault f);
  void clear_faults();

  // SubjectAccessReview: returns allowed for a spec; default denies everything.
  void set_sar_handler(std::function<bool(const nlohmann::json& spec)> handler);
  std::vector<nlohmann::json> sar_reviews() const;

  // Introspection.
  std::vector<LoggedRequest> requests() const;
  int count(const std::string& method, const std::string& path_prefix, bool watch) const;
  uint64_t connections() const { return connections_.load(); }
  int open_watches(const std::string& plural = "") const;

 private:
  struct Resource {
    std::string group, version, plural, kind;
    bool namespaced = true;
    std::map<std::string, nlohmann::json> objects;  // key ns/name
  };
  struct Event {
    uint64_t rv;
    std::string plural;
    std::string type;
    nlohmann::json object;
  };
  struct Conn;

  void accept_loop();
  void serve(std::shared_ptr<Conn> c);
  void handle_watch(Conn& c, const std::string& plural, const std::string& ns, uint64_t from,
                    int timeout_seconds);
  std::string api_version(const Resource& r) const;
  std::string emit(const std::string& plural, const std::string& type, nlohmann::json object);

  std::shared_ptr<void> ssl_ctx_;   // boost::asio::ssl::context
  std::shared_ptr<void> ioc_;       // boost::asio::io_context
  std::shared_ptr<void> acceptor_;  // tcp::acceptor
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> connections_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Resource> resources_;  // by plural
  std::set<std::string> installed_;
  std::map<std::string, uint64_t> bookmark_gen_;
  std::vector<Event> history_;
  uint64_t rv_ = 100;
  uint64_t compacted_ = 0;
  uint64_t drop_gen_ = 0;
  std::string drop_plural_;
  uint64_t expire_gen_ = 0;
  std::string expire_plural_;
  bool watch_gone_status_ = false;
  std::set<std::string> tokens_{"test-token"};
  std::vector<Fault> faults_;
  std::function<bool(const nlohmann::json&)> sar_;
  std::vector<nlohmann::json> sar_reviews_;
  std::vector<LoggedRequest> log_;
  std::map<std::string, int> open_watches_;
  std::vector<std::shared_ptr<Conn>> conns_;
  std::vector<std::thread> threads_;
};

// Polls `pred` every few milliseconds until it is true or `timeout_ms` passes.
bool wait_for(const std::function<bool()>& pred, int timeout_ms = 5000);

// Minimal objects shaped like the real ones.
nlohmann::json make_namespace(const std::string& name, bool kargo_project = true);
nlohmann::json make_object(const std::string& api_version, const std::string& kind,
                           const std::string& ns, const std::string& name,
                           nlohmann::json body = nlohmann::json::object());

}  // namespace fgtest
