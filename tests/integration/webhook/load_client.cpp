// fg-webhook-load: a keep-alive HTTPS load client for the webhook's integration tests. N
// connections, each on its own thread, POST the same body over and over and classify every
// outcome precisely, which curl cannot:
//   ok               200 with an AdmissionReview body
//   bad_status       any other status (counted, printed once)
//   inflight_failed  the connection broke after the request was sent and the response had
//                    started, or on a fresh connection (a request the server had taken)
//   not_delivered    a reused keep-alive connection was closed before any response byte (the
//                    server closed it as idle; the request never reached it) -> retried fresh
//   refused          a new connection was refused (the server has stopped listening)
// Prints one JSON summary line. Exit 0 unless the arguments are wrong.
//
// usage: fg-webhook-load --port P --ca CA.pem --body FILE [--path /validate[,/mutate]]
//          [--connections N] [--requests N | --duration-ms N] [--until-refused]
//          [--reconnect-every N] [--timeout-param 10s]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct Options {
  unsigned short port = 0;
  std::string ca, body_file, timeout_param;
  std::vector<std::string> paths{"/validate"};
  int connections = 8;
  long requests = 0;  // per connection; 0 = by duration
  long duration_ms = 2000;
  bool until_refused = false;
  long reconnect_every = 0;  // 0 = keep one connection as long as the server allows
};

struct Counters {
  std::atomic<long> ok{0}, bad_status{0}, inflight_failed{0}, not_delivered{0}, refused{0},
      connects{0}, conn_close{0};
  std::mutex mu;
  std::string first_problem;
  void problem(const std::string& p) {
    std::lock_guard l(mu);
    if (first_problem.empty()) first_problem = p;
  }
};

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--port")
      o.port = static_cast<unsigned short>(std::stoi(next()));
    else if (a == "--ca")
      o.ca = next();
    else if (a == "--body")
      o.body_file = next();
    else if (a == "--path") {
      o.paths.clear();
      std::stringstream ss(next());
      for (std::string p; std::getline(ss, p, ',');) o.paths.push_back(p);
    } else if (a == "--connections")
      o.connections = std::stoi(next());
    else if (a == "--requests")
      o.requests = std::stol(next());
    else if (a == "--duration-ms")
      o.duration_ms = std::stol(next());
    else if (a == "--until-refused")
      o.until_refused = true;
    else if (a == "--reconnect-every")
      o.reconnect_every = std::stol(next());
    else if (a == "--timeout-param")
      o.timeout_param = next();
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  if (!o.port || o.ca.empty() || o.body_file.empty()) {
    std::cerr << "usage: fg-webhook-load --port P --ca CA.pem --body FILE [...]\n";
    return 2;
  }
  std::ifstream in(o.body_file, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(o.ca);
  ctx.set_verify_mode(ssl::verify_peer);

  Counters c;
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(o.duration_ms);
  auto worker = [&](int id) {
    net::io_context ioc;
    std::optional<beast::ssl_stream<beast::tcp_stream>> s;
    beast::flat_buffer buf;
    long on_this_conn = 0, sent = 0;
    bool stop = false;
    auto connect = [&]() -> bool {
      s.emplace(ioc, ctx);
      SSL_set_tlsext_host_name(s->native_handle(), "localhost");
      s->set_verify_callback(ssl::host_name_verification("localhost"));
      beast::error_code ec;
      beast::get_lowest_layer(*s).expires_after(std::chrono::seconds(10));
      beast::get_lowest_layer(*s).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), o.port),
                                          ec);
      if (ec) {
        ++c.refused;
        return false;
      }
      s->handshake(ssl::stream_base::client, ec);
      if (ec) {
        ++c.refused;
        return false;
      }
      ++c.connects;
      buf.clear();
      on_this_conn = 0;
      return true;
    };
    while (!stop) {
      if (o.requests ? sent >= o.requests : std::chrono::steady_clock::now() >= end) break;
      if (!s) {
        if (!connect()) {
          s.reset();
          if (o.until_refused) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
      }
      const std::string& path = o.paths[static_cast<size_t>(sent + id) % o.paths.size()];
      http::request<http::string_body> req{
          http::verb::post, path + (o.timeout_param.empty() ? "" : "?timeout=" + o.timeout_param),
          11};
      req.set(http::field::host, "localhost");
      req.set(http::field::content_type, "application/json");
      req.set(http::field::user_agent, "fg-webhook-load");
      req.body() = body;
      req.prepare_payload();
      bool reused = on_this_conn > 0;
      beast::get_lowest_layer(*s).expires_after(std::chrono::seconds(10));
      beast::error_code ec;
      http::write(*s, req, ec);
      http::response_parser<http::string_body> p;
      p.body_limit(64 * 1024 * 1024);
      if (!ec) http::read(*s, buf, p, ec);
      if (ec) {
        bool nothing = !p.got_some();
        s.reset();
        if (reused && nothing) {
          ++c.not_delivered;  // closed while idle; retry on a fresh connection
          continue;
        }
        ++c.inflight_failed;
        c.problem(path + ": " + ec.message() +
                  (reused ? " (reused connection)" : " (fresh connection)"));
        ++sent;
        continue;
      }
      ++sent;
      ++on_this_conn;
      auto res = p.release();
      if (res.result() == http::status::ok &&
          res.body().find("\"AdmissionReview\"") != std::string::npos) {
        ++c.ok;
      } else {
        ++c.bad_status;
        c.problem(path + ": HTTP " + std::to_string(res.result_int()) + ": " +
                  res.body().substr(0, 200));
      }
      if (!res.keep_alive()) {
        ++c.conn_close;
        s.reset();
      } else if (o.reconnect_every && on_this_conn >= o.reconnect_every) {
        beast::error_code ignore;
        beast::get_lowest_layer(*s).expires_after(std::chrono::seconds(1));
        s->shutdown(ignore);
        s.reset();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < o.connections; ++i) threads.emplace_back(worker, i);
  for (auto& t : threads) t.join();
  std::string prob = c.first_problem;
  for (auto& ch : prob)
    if (ch == '"' || ch == '\\' || ch < 0x20) ch = ' ';
  std::printf(
      "{\"ok\":%ld,\"bad_status\":%ld,\"inflight_failed\":%ld,\"not_delivered\":%ld,"
      "\"refused\":%ld,\"connects\":%ld,\"conn_close\":%ld,\"first_problem\":\"%s\"}\n",
      c.ok.load(), c.bad_status.load(), c.inflight_failed.load(), c.not_delivered.load(),
      c.refused.load(), c.connects.load(), c.conn_close.load(), prob.c_str());
  return 0;
}
