#include "freightgate/kube/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

namespace freightgate::kube {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;

// ---- Cancel

void Cancel::cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  if (active_) active_->stop();
}

bool Cancel::attach(net::io_context* ioc) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_) return false;
  active_ = ioc;
  return true;
}

void Cancel::detach() {
  std::lock_guard<std::mutex> lock(mu_);
  active_ = nullptr;
}

// ---- helpers

std::string status_message(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  if (j.value("kind", "") != "Status") return "";
  auto it = j.find("message");
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string describe_failure(std::string_view method, std::string_view target, const Response& r) {
  std::string out =
      std::string(method) + " " + std::string(target) + ": " + std::to_string(r.status);
  std::string reason(http::obsolete_reason(static_cast<http::status>(r.status)));
  if (!reason.empty() && reason != "<unknown-status>") out += " " + reason;
  std::string msg = status_message(r.body);
  if (msg.empty() && !r.body.empty() && r.body.size() < 200) msg = r.body;
  if (!msg.empty()) out += ": " + msg;
  return out;
}

Millis backoff_delay(const RetryPolicy& p, int attempt, double random01) {
  double cap = static_cast<double>(p.initial_backoff.count());
  for (int i = 1; i < attempt && cap < static_cast<double>(p.max_backoff.count()); ++i) cap *= 2;
  cap = std::min(cap, static_cast<double>(p.max_backoff.count()));
  // Equal jitter: at least half the cap, so the delay still grows; the rest is random.
  return Millis(static_cast<long long>(cap / 2 + random01 * cap / 2));
}

namespace {

Error client_error(const std::string& msg) { return Error{"", 0, "", "", msg}; }

bool is_ip(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

std::optional<Millis> parse_retry_after(std::string_view v) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  if (v.size() > 6) return Millis(999'999'000);
  return Millis(std::stoll(std::string(v)) * 1000);
}

// One pooled connection with its own io_context: every operation is started asynchronously
// and run to completion (or timeout, or cancellation) on the calling thread.
struct Conn {
  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  bool reused = false;
  explicit Conn(ssl::context& ctx) : stream(ioc, ctx) {}

  // Runs the started operation(s). Returns operation_aborted when cancelled.
  beast::error_code run(bool& done, beast::error_code& ec, Cancel* cancel) {
    ioc.restart();
    if (cancel && !cancel->attach(&ioc)) return net::error::operation_aborted;
    ioc.run();
    if (cancel) cancel->detach();
    if (!done) return net::error::operation_aborted;
    return ec;
  }
};

}  // namespace

struct Client::Impl {
  ClientConfig config;
  ClientOptions options;
  ssl::context ctx{ssl::context::tls_client};
  std::mutex mu;
  std::vector<std::unique_ptr<Conn>> idle;
  std::atomic<uint64_t> opened{0};
  // token file cache
  std::mutex token_mu;
  std::string token;
  fs::file_time_type token_mtime{};
  uintmax_t token_size = 0;
  std::string host_header;
  std::mt19937_64 rng{std::random_device{}()};
  std::mutex rng_mu;

  double random01() {
    std::lock_guard<std::mutex> lock(rng_mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  }

  // The bearer token: the file's content when a token file is configured (re-read when its
  // mtime or size changes, or when `force`), else the static token.
  std::string current_token(bool force) {
    if (config.token_file.empty()) return config.token;
    std::lock_guard<std::mutex> lock(token_mu);
    std::error_code ec;
    auto mtime = fs::last_write_time(config.token_file, ec);
    auto size = ec ? 0 : fs::file_size(config.token_file, ec);
    if (ec) return token;  // keep the last good token while the file is being swapped
    if (force || mtime != token_mtime || size != token_size || token.empty()) {
      std::ifstream in(config.token_file, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string t = ss.str();
      while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
      if (!t.empty()) {
        token = t;
        token_mtime = mtime;
        token_size = size;
      }
    }
    return token;
  }

  std::unique_ptr<Conn> take_idle() {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.empty()) return nullptr;
    auto c = std::move(idle.back());
    idle.pop_back();
    c->reused = true;
    return c;
  }

  void give_back(std::unique_ptr<Conn> c) {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() < options.max_idle_connections) idle.push_back(std::move(c));
  }

  // Opens a fresh TLS connection. Error message says what failed.
  Result<std::unique_ptr<Conn>> connect(Cancel* cancel) {
    auto c = std::make_unique<Conn>(ctx);
    std::string verify_name = config.tls_server_name.empty() ? config.host : config.tls_server_name;
    SSL* ssl_handle = c->stream.native_handle();
    if (!is_ip(verify_name)) SSL_set_tlsext_host_name(ssl_handle, verify_name.c_str());
    if (!config.insecure_skip_tls_verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
      if (is_ip(verify_name))
        X509_VERIFY_PARAM_set1_ip_asc(param, verify_name.c_str());
      else
        X509_VERIFY_PARAM_set1_host(param, verify_name.c_str(), 0);
      c->stream.set_verify_mode(ssl::verify_peer);
    } else {
      c->stream.set_verify_mode(ssl::verify_none);
    }
    tcp::resolver resolver(c->ioc);
    beast::error_code ec;
    auto results = resolver.resolve(config.host, config.port, ec);
    if (ec) return client_error("resolve " + config.host + ": " + ec.message());
    bool done = false;
    beast::get_lowest_layer(c->stream).expires_after(options.connect_timeout);
    beast::get_lowest_layer(c->stream).async_connect(
        results, [&](beast::error_code e, const tcp::endpoint&) {
          ec = e;
          done = true;
        });
    ec = c->run(done, ec, cancel);
    if (ec)
      return client_error("connect " + config.host + ":" + config.port + ": " +
                          (ec == beast::error::timeout ? "timed out" : ec.message()));
    opened++;
    done = false;
    beast::get_lowest_layer(c->stream).expires_after(options.connect_timeout);
    c->stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    ec = c->run(done, ec, cancel);
    if (ec) {
      std::string msg = ec == beast::error::timeout ? "timed out" : ec.message();
      long vr = SSL_get_verify_result(ssl_handle);
      if (vr != X509_V_OK) msg += " (" + std::string(X509_verify_cert_error_string(vr)) + ")";
      return client_error("TLS handshake with " + config.server + ": " + msg);
    }
    return c;
  }

  http::request<http::string_body> make_request(std::string_view method, std::string_view target,
                                                std::string body, bool force_token) {
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(config.base_path + std::string(target));
    req.version(11);
    req.set(http::field::host, host_header);
    req.set(http::field::user_agent, options.user_agent);
    req.set(http::field::accept, "application/json");
    std::string tok = current_token(force_token);
    if (!tok.empty()) {
      req.set(http::field::authorization, "Bearer " + tok);
    } else if (!config.username.empty()) {
      std::string raw = config.username + ":" + config.password;
      std::string enc(4 * ((raw.size() + 2) / 3) + 1, '\0');
      int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(enc.data()),
                              reinterpret_cast<const unsigned char*>(raw.data()),
                              static_cast<int>(raw.size()));
      enc.resize(static_cast<size_t>(n));
      req.set(http::field::authorization, "Basic " + enc);
    }
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
  }

  // One try: a transport error, or the response.
  Result<Response> once(std::string_view method, std::string_view target, const std::string& body,
                        bool force_token, Cancel* cancel, bool* was_reused) {
    std::unique_ptr<Conn> c = take_idle();
    *was_reused = c != nullptr;
    if (!c) {
      auto r = connect(cancel);
      if (!r.ok()) return r.error();
      c = std::move(r.value());
    }
    auto req = make_request(method, target, body, force_token);
    beast::error_code ec;
    bool done = false;
    beast::get_lowest_layer(c->stream).expires_after(options.request_timeout);
    http::async_write(c->stream, req, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    ec = c->run(done, ec, cancel);
    if (ec) return client_error("write " + std::string(target) + ": " + ec.message());
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    done = false;
    http::async_read(c->stream, c->buffer, parser, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    ec = c->run(done, ec, cancel);
    if (ec)
      return client_error("read response of " + std::string(target) + ": " +
                          (ec == beast::error::timeout ? "timed out" : ec.message()));
    auto& msg = parser.get();
    Response r;
    r.status = static_cast<int>(msg.result_int());
    r.content_type = std::string(msg[http::field::content_type]);
    r.retry_after = parse_retry_after(msg[http::field::retry_after]);
    r.body = std::move(msg.body());
    if (msg.keep_alive()) give_back(std::move(c));
    return r;
  }

  void wait(Millis d, Cancel* cancel) {
    // Waits in small steps so a Cancel ends the wait early.
    auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
      if (cancel && cancel->cancelled()) return;
      auto left = end - std::chrono::steady_clock::now();
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, Millis(50)));
    }
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

const ClientConfig& Client::config() const { return impl_->config; }
uint64_t Client::connections_opened() const { return impl_->opened.load(); }

Result<std::shared_ptr<Client>> Client::create(const ClientConfig& config,
                                               const ClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->options = options;
  if (config.host.empty()) {
    ClientConfig c = config;
    if (auto st = parse_server(config.server, &c); !st.ok()) return st.error();
    impl->config = c;
  }
  const ClientConfig& cfg = impl->config;
  bool ipv6 = cfg.host.find(':') != std::string::npos;
  impl->host_header =
      (ipv6 ? "[" + cfg.host + "]" : cfg.host) + (cfg.port == "443" ? "" : ":" + cfg.port);
  beast::error_code ec;
  impl->ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!cfg.ca_pem.empty()) {
    impl->ctx.add_certificate_authority(net::buffer(cfg.ca_pem), ec);
    if (ec)
      return Error{"", 0, cfg.origin, "certificate-authority",
                   "not a PEM certificate bundle: " + ec.message()};
  } else if (!cfg.insecure_skip_tls_verify) {
    impl->ctx.set_default_verify_paths(ec);
  }
  if (!cfg.client_cert_pem.empty()) {
    impl->ctx.use_certificate_chain(net::buffer(cfg.client_cert_pem), ec);
    if (ec)
      return Error{"", 0, cfg.origin, "client-certificate",
                   "not a PEM certificate: " + ec.message()};
    impl->ctx.use_private_key(net::buffer(cfg.client_key_pem), ssl::context::pem, ec);
    if (ec)
      return Error{"", 0, cfg.origin, "client-key",
                   "not a PEM private key matching client-certificate: " + ec.message()};
  }
  if (!cfg.token_file.empty() && impl->current_token(true).empty())
    return Error{cfg.token_file, 0, cfg.origin, "token", "token file is empty or unreadable"};
  return std::shared_ptr<Client>(new Client(std::move(impl)));
}

Result<Response> Client::request(std::string_view method, std::string_view target, std::string body,
                                 Cancel* cancel) {
  Impl& I = *impl_;
  const RetryPolicy& rp = I.options.retry;
  std::string last;
  bool force_token = false;
  bool retried_401 = false;
  for (int attempt = 1; attempt <= std::max(1, rp.max_attempts); ++attempt) {
    if (cancel && cancel->cancelled())
      return client_error(std::string(method) + " " + std::string(target) + ": cancelled");
    bool reused = false;
    auto r = I.once(method, target, body, force_token, cancel, &reused);
    force_token = false;
    std::optional<Millis> delay;
    if (!r.ok()) {
      last = r.error().message;
      // A pooled connection the server closed meanwhile: try again at once on a new one.
      if (reused) {
        --attempt;
        continue;
      }
      delay = backoff_delay(rp, attempt, I.random01());
    } else {
      Response& resp = r.value();
      resp.attempts = attempt;
      if (resp.status == 401 && !retried_401 && !I.config.token_file.empty()) {
        std::string before = I.current_token(false);
        std::string after = I.current_token(true);
        retried_401 = true;
        if (after != before) {
          force_token = false;
          --attempt;
          continue;
        }
      }
      bool retryable = resp.status == 429 || (resp.status >= 500 && resp.status != 501);
      if (!retryable) return r;
      last = describe_failure(method, target, resp);
      delay = resp.retry_after ? std::min(*resp.retry_after, rp.max_retry_after)
                               : backoff_delay(rp, attempt, I.random01());
      if (attempt == rp.max_attempts) {
        Error e = client_error(last + " (gave up after " + std::to_string(attempt) + " attempts)");
        return e;
      }
    }
    if (attempt < rp.max_attempts) I.wait(*delay, cancel);
  }
  return client_error(last + " (gave up after " + std::to_string(rp.max_attempts) + " attempts)");
}

Result<WatchEnd> Client::watch(std::string_view target, Millis idle_timeout,
                               const std::function<void(int)>& on_open,
                               const std::function<bool(std::string_view)>& on_line,
                               Cancel* cancel) {
  Impl& I = *impl_;
  auto cr = I.connect(cancel);
  if (!cr.ok()) return cr.error();
  std::unique_ptr<Conn> c = std::move(cr.value());
  auto req = I.make_request("GET", target, "", false);
  beast::error_code ec;
  bool done = false;
  auto& lowest = beast::get_lowest_layer(c->stream);
  lowest.expires_after(I.options.request_timeout);
  http::async_write(c->stream, req, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  ec = c->run(done, ec, cancel);
  if (ec) return client_error("write " + std::string(target) + ": " + ec.message());

  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  done = false;
  lowest.expires_after(I.options.request_timeout);
  http::async_read_header(c->stream, c->buffer, parser, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  ec = c->run(done, ec, cancel);
  if (ec)
    return client_error("read watch header of " + std::string(target) + ": " +
                        (ec == beast::error::timeout ? "timed out" : ec.message()));
  WatchEnd end;
  end.status = static_cast<int>(parser.get().result_int());
  if (on_open) on_open(end.status);
  std::string pending;
  char buf[16384];
  while (!parser.is_done()) {
    parser.get().body().data = buf;
    parser.get().body().size = sizeof(buf);
    done = false;
    lowest.expires_after(end.status == 200 ? idle_timeout : I.options.request_timeout);
    http::async_read_some(c->stream, c->buffer, parser, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    ec = c->run(done, ec, cancel);
    if (ec == http::error::need_buffer) ec = {};
    size_t got = sizeof(buf) - parser.get().body().size;
    if (end.status != 200) {
      if (end.body.size() < I.options.max_body_bytes) end.body.append(buf, got);
    } else {
      pending.append(buf, got);
      size_t start = 0;
      for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string_view line(pending.data() + start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (!on_line(line)) {
          end.stopped = true;
          return end;
        }
      }
      pending.erase(0, start);
    }
    if (ec) {
      if (ec == net::error::operation_aborted && cancel && cancel->cancelled())
        return client_error("watch " + std::string(target) + ": cancelled");
      return client_error("watch " + std::string(target) + ": " +
                          (ec == beast::error::timeout
                               ? "no data for " + std::to_string(idle_timeout.count()) + "ms"
                               : ec.message()));
    }
  }
  if (end.status == 200 && !pending.empty()) {
    std::string_view line(pending);
    if (!on_line(line)) end.stopped = true;
  }
  return end;
}

}  // namespace freightgate::kube
