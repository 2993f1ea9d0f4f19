// The listeners and the process lifecycle: a thread pool of one thread per core, each running
// its own io_context; an HTTPS acceptor handing connections to the threads in turn (every
// connection on its own strand, with the TLS context current at accept time); an optional
// plain-HTTP metrics acceptor; the certificate reload timer; SIGTERM/SIGINT handling.
//
// On SIGTERM: readiness goes false, the HTTPS acceptor closes (the metrics one stays open), idle
// keep-alive connections are closed, busy ones finish their request and answer with `Connection:
// close`; run() returns once no connection is left or the grace period has passed, whichever is
// first. A second signal stops at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "drain.h"
#include "freightgate/status.h"
#include "session.h"
#include "tls.h"

namespace freightgate::webhook {

struct ServerOptions {
  std::string listen = "0.0.0.0:9443";
  std::string metrics_listen;  // "" = none
  unsigned threads = 0;        // 0 = one per core
  SessionLimits limits;
  std::chrono::milliseconds drain_grace{20000};
  std::chrono::milliseconds tls_reload_interval{1000};
};

class Server {
 public:
  Server(ServerOptions opts, const App& app, Metrics& metrics, Drain& drain, CertReloader& certs);
  ~Server();

  // Binds the listeners. Errors name the flag and the address.
  Status bind();
  std::uint16_t port() const;
  std::uint16_t metrics_port() const;

  // Serves until drained (see above). `periodic` runs every second on the control strand
  // (state reload checks and the like; it must be quick). Returns the process exit code.
  int run(std::function<void()> periodic = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace freightgate::webhook
