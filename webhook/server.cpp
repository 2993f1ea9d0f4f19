#include "server.h"

#include <csignal>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "logging.h"

namespace freightgate::webhook {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

Result<tcp::endpoint> endpoint_of(const std::string& flag, const std::string& addr) {
  auto colon = addr.rfind(':');
  std::string host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  boost::system::error_code ec;
  auto ip = net::ip::make_address(host, ec);
  if (ec)
    return Error{"", 0, "", flag,
                 "\"" + addr + "\": \"" + host + "\" is not an IP address (use e.g. 0.0.0.0)"};
  return tcp::endpoint(ip, static_cast<unsigned short>(std::stoi(addr.substr(colon + 1))));
}

}  // namespace

struct Server::Impl {
  ServerOptions opts;
  const App& app;
  Metrics& metrics;
  Drain& drain;
  CertReloader& certs;
  SessionEnv env;
  // One io_context per thread: a connection lives on one thread from accept to close, so no
  // request waits for another thread to wake up (on 2 cores, one shared io_context cost ~1 ms
  // at the median under light load: docs/benchmarks.md). workers[0] also runs the control strand.
  std::vector<std::unique_ptr<net::io_context>> workers;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  std::size_t next_worker = 0;
  net::strand<net::io_context::executor_type> control;
  tcp::acceptor acceptor{control};
  std::unique_ptr<tcp::acceptor> metrics_acceptor;
  net::signal_set signals{control, SIGTERM, SIGINT};
  net::steady_timer reload_timer{control};
  net::steady_timer tick_timer{control};
  net::steady_timer drain_timer{control};
  std::chrono::steady_clock::time_point drain_deadline;
  std::function<void()> periodic;

  Impl(ServerOptions o, const App& a, Metrics& m, Drain& d, CertReloader& c)
      : opts(std::move(o)),
        app(a),
        metrics(m),
        drain(d),
        certs(c),
        env{a, d, m, opts.limits},
        workers(make_workers(opts.threads)),
        control(workers[0]->get_executor()) {}

  static std::vector<std::unique_ptr<net::io_context>> make_workers(unsigned threads) {
    unsigned n = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::unique_ptr<net::io_context>> w;
    for (unsigned i = 0; i < n; ++i) w.push_back(std::make_unique<net::io_context>(1));
    return w;
  }

  // The strand of a new connection, on the workers in turn.
  ConnectionStrand connection_strand() {
    return net::make_strand(*workers[next_worker++ % workers.size()]);
  }

  void stop() {
    for (auto& w : workers) w->stop();
  }

  Status listen(tcp::acceptor& acc, const std::string& flag, const std::string& addr) {
    auto ep = endpoint_of(flag, addr);
    if (!ep) return ep.error();
    boost::system::error_code ec;
    acc.open(ep->protocol(), ec);
    if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(*ep, ec);
    if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Error{"", 0, "", flag, "cannot listen on " + addr + ": " + ec.message()};
    return ok_status();
  }

  void accept() {
    acceptor.async_accept(
        connection_strand(), [this](boost::system::error_code ec, ConnectionSocket socket) {
          if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
          if (!ec) {
            boost::system::error_code ignore;
            socket.set_option(tcp::no_delay(true), ignore);
            start_tls_session(std::move(socket), certs.current(), env);
          } else {
            log::event(spdlog::level::warn, "accept failed", {{"error", ec.message()}});
          }
          accept();
        });
  }

  void accept_metrics() {
    metrics_acceptor->async_accept(
        connection_strand(), [this](boost::system::error_code ec, ConnectionSocket socket) {
          if (ec == net::error::operation_aborted || !metrics_acceptor->is_open()) return;
          if (!ec) start_plain_session(std::move(socket), env);
          accept_metrics();
        });
  }

  void reload_tick() {
    reload_timer.expires_after(opts.tls_reload_interval);
    reload_timer.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      certs.check();
      reload_tick();
    });
  }

  void periodic_tick() {
    tick_timer.expires_after(std::chrono::seconds(1));
    tick_timer.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      if (periodic) periodic();
      periodic_tick();
    });
  }

  void wait_signal() {
    signals.async_wait([this](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (drain.draining.load()) {
        log::event(spdlog::level::warn, "second signal: stopping now",
                   {{"signal", sig}, {"connections", drain.live()}});
        stop();
        return;
      }
      log::event(spdlog::level::info, "draining: readiness off, finishing in-flight requests",
                 {{"signal", sig},
                  {"connections", drain.live()},
                  {"in_flight", metrics.inflight()},
                  {"grace_ms", opts.drain_grace.count()}});
      // The HTTPS listener closes; the plain metrics listener stays until exit so that
      // /readyz and /metrics show the drain.
      boost::system::error_code ignore;
      acceptor.close(ignore);
      drain.begin();
      drain_deadline = std::chrono::steady_clock::now() + opts.drain_grace;
      wait_drained();
      wait_signal();
    });
  }

  void wait_drained() {
    if (drain.live() == 0) {
      log::event(spdlog::level::info, "drained: every connection closed; exiting");
      stop();
      return;
    }
    if (std::chrono::steady_clock::now() >= drain_deadline) {
      log::event(spdlog::level::warn, "drain grace period over; exiting with connections open",
                 {{"connections", drain.live()}, {"in_flight", metrics.inflight()}});
      stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(10));
    drain_timer.async_wait([this](boost::system::error_code ec) {
      if (!ec) wait_drained();
    });
  }
};

Server::Server(ServerOptions opts, const App& app, Metrics& metrics, Drain& drain,
               CertReloader& certs)
    : impl_(std::make_unique<Impl>(std::move(opts), app, metrics, drain, certs)) {}

Server::~Server() = default;

Status Server::bind() {
  if (auto st = impl_->listen(impl_->acceptor, "--listen", impl_->opts.listen); !st) return st;
  if (!impl_->opts.metrics_listen.empty()) {
    impl_->metrics_acceptor = std::make_unique<tcp::acceptor>(impl_->control);
    if (auto st =
            impl_->listen(*impl_->metrics_acceptor, "--metrics-listen", impl_->opts.metrics_listen);
        !st)
      return st;
  }
  return ok_status();
}

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::uint16_t Server::metrics_port() const {
  return impl_->metrics_acceptor ? impl_->metrics_acceptor->local_endpoint().port() : 0;
}

int Server::run(std::function<void()> periodic) {
  Impl& s = *impl_;
  s.periodic = std::move(periodic);
  net::dispatch(s.control, [&s] {
    s.accept();
    if (s.metrics_acceptor) s.accept_metrics();
    s.reload_tick();
    s.periodic_tick();
    s.wait_signal();
  });
  for (auto& w : s.workers) s.keep_running.push_back(net::make_work_guard(*w));
  std::vector<std::thread> pool;
  // Each worker writes its loop turn's log lines together, once the turn's handlers have run.
  auto serve = [](net::io_context& w) {
    log::LineBatch batch([&w](void (*write)()) { net::post(w, write); });
    w.run();
  };
  for (std::size_t i = 1; i < s.workers.size(); ++i)
    pool.emplace_back([&serve, w = s.workers[i].get()] { serve(*w); });
  serve(*s.workers[0]);
  for (auto& t : pool) t.join();
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace freightgate::webhook
