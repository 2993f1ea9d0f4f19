#include "session.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "logging.h"
#include "tls_stream.h"

namespace freightgate::webhook {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

using PlainStream = beast::basic_stream<tcp, ConnectionStrand>;

// How long an idle keep-alive connection may still bring a request once draining starts.
constexpr std::chrono::milliseconds kDrainIdleWindow{1000};
// How long a connection closed after its response may still be read and discarded (in all).
constexpr std::chrono::milliseconds kLingerTime{2000};

template <class Stream>
class Session : public Drainable, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  enum class Phase { Handshake, Idle, Busy, Closing };

 public:
  Session(ConnectionSocket&& socket, std::shared_ptr<ssl::context> ctx, SessionEnv& env)
      : ctx_(std::move(ctx)), stream_(make_stream(std::move(socket))), env_(env) {}

  ~Session() override {
    if (inflight_) env_.metrics.inflight_dec();
    env_.drain.remove(this);
  }

  void start() {
    env_.drain.add(this->shared_from_this());
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::on_start, this->shared_from_this()));
  }

  void drain() override {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->on_drain(); });
  }

 private:
  Stream make_stream(ConnectionSocket&& socket) {
    if constexpr (kTls)
      return Stream(std::move(socket), *ctx_);
    else
      return Stream(std::move(socket));
  }
  // The layer with expires_after(), socket() and close(): the TlsStream itself, or the plain
  // stream.
  auto& lowest() { return beast::get_lowest_layer(stream_); }
  bool draining() const { return env_.drain.draining.load(); }

  void on_start() {
    if constexpr (kTls) {
      phase_ = Phase::Handshake;
      lowest().expires_after(env_.limits.read_header_timeout);
      stream_.async_handshake(
          beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
    } else {
      do_idle();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      log::event(spdlog::level::debug, "tls handshake failed", {{"error", ec.message()}});
      return close_now();
    }
    do_idle();
  }

  void on_drain() {
    // An idle keep-alive connection gets a last short window: a request that was already on
    // its way is served (with `Connection: close`) instead of being lost to a close racing
    // the client's write; if none comes, the wait times out and the connection is closed.
    // (Busy connections close after their response; fresh ones are served their request.)
    if (phase_ != Phase::Idle || served_ == 0) return;
    beast::error_code ec;
    if (lowest().socket().available(ec) > 0 && !ec) return;
    lowest().expires_after(kDrainIdleWindow);
  }

  // Waits for the first bytes of the next request (keep-alive idle time).
  void do_idle() {
    if (buffer_.size() > 0) return do_header();  // pipelined request already buffered
    phase_ = Phase::Idle;
    // A fresh connection must start its request within the header timeout; while draining, a
    // keep-alive connection (its last response may have promised keep-alive) gets the short
    // drain window for a request already on its way.
    if (served_ == 0)
      lowest().expires_after(env_.limits.read_header_timeout);
    else if (draining())
      lowest().expires_after(kDrainIdleWindow);
    else
      lowest().expires_after(env_.limits.idle_timeout);
    stream_.async_read_some(buffer_.prepare(16 * 1024),
                            beast::bind_front_handler(&Session::on_idle, this->shared_from_this()));
  }

  void on_idle(beast::error_code ec, std::size_t n) {
    buffer_.commit(n);
    if (ec) return close_now();
    do_header();
  }

  void do_header() {
    phase_ = Phase::Busy;
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    // No body limit while the header is read: a Content-Length over the cap is answered in
    // on_header, where content_length() may be asked (Beast reports body_limit from inside the
    // header, before it is complete). The cap is set before any body octet is parsed. (Not
    // boost::none: Boost 1.74 compares the length against the empty optional and fails.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    lowest().expires_after(env_.limits.read_header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::on_header, this->shared_from_this()));
  }

  std::string too_large(std::uint64_t length) const {
    std::string got = length ? std::to_string(length) + " bytes" : "the body";
    return "request body too large: " + got + " exceeds the limit of " +
           std::to_string(env_.limits.max_body_bytes) +
           " bytes (--max-body-bytes); an AdmissionReview holds at most two objects of 3 MiB";
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::header_limit)
      return reply_and_close(http::status::request_header_fields_too_large,
                             "request headers exceed 16 KiB");
    if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return reply_and_close(http::status::bad_request, "malformed HTTP request: " + ec.message());
    if (ec) {
      if (ec == beast::error::timeout)
        log::event(spdlog::level::info,
                   "client too slow sending request headers; connection closed",
                   {{"timeout_ms", env_.limits.read_header_timeout.count()}});
      return close_now();
    }
    if (auto length = parser_->content_length(); length && *length > env_.limits.max_body_bytes)
      return reply_and_close(http::status::payload_too_large, too_large(*length));
    parser_->body_limit(env_.limits.max_body_bytes);  // for chunked bodies
    started_ = std::chrono::steady_clock::now();
    inflight_ = true;
    env_.metrics.inflight_inc();
    auto dl = request_deadline(parser_->get().target(), started_);
    if (!dl) return reply_and_close(http::status::bad_request, dl.error().to_string());
    deadline_ = *dl;
    auto body_timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        env_.limits.read_body_timeout);
    if (deadline_)
      body_timeout = std::max(std::chrono::steady_clock::duration::zero(),
                              std::min(body_timeout, *deadline_ - started_));
    body_timeout_ = body_timeout;
    if (parser_->is_done()) return on_body({}, 0);
    auto expect = parser_->get()[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      continue_.emplace(http::status::continue_, parser_->get().version());
      lowest().expires_after(env_.limits.write_timeout);
      return http::async_write(
          stream_, *continue_,
          beast::bind_front_handler(&Session::on_continue, this->shared_from_this()));
    }
    do_body();
  }

  void on_continue(beast::error_code ec, std::size_t) {
    if (ec) return close_now();
    do_body();
  }

  void do_body() {
    lowest().expires_after(body_timeout_);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_body, this->shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit)
      return reply_and_close(http::status::payload_too_large, too_large(0));
    if (ec) {
      if (ec == beast::error::timeout)
        log::event(
            spdlog::level::info,
            deadline_ && std::chrono::steady_clock::now() >= *deadline_
                ? "request deadline (?timeout=) passed while reading the body; connection closed"
                : "client too slow sending the request body; connection closed",
            {{"target", std::string(parser_->get().target())}});
      return close_now();
    }
    Request req = parser_->release();
    Response res;
    if constexpr (kTls)
      res = env_.app.handle(req, started_, deadline_);
    else
      res = env_.app.handle_plain(req);
    write(std::move(res), req.keep_alive() && !draining());
  }

  void reply_and_close(http::status status, std::string message) {
    write(env_.app.text(status, 11, std::move(message)), false);
  }

  void write(Response res, bool keep_alive) {
    keep_alive_ = keep_alive;
    res.keep_alive(keep_alive);
    res_.emplace(std::move(res));
    lowest().expires_after(env_.limits.write_timeout);
    http::async_write(stream_, *res_,
                      beast::bind_front_handler(&Session::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (inflight_) {
      inflight_ = false;
      env_.metrics.inflight_dec();
    }
    res_.reset();
    ++served_;
    if (ec) return close_now();
    if (!keep_alive_) return linger();
    do_idle();
  }

  // After a final response: close_notify (TLS) and FIN, then read and discard what the client
  // still sends (the rest of an upload past the cap, its close_notify) until it closes or
  // kLingerTime has passed. Closing a socket with unread input resets the connection, and a reset
  // can discard the response before the client has read it.
  void linger() {
    phase_ = Phase::Closing;
    linger_end_ = std::chrono::steady_clock::now() + kLingerTime;
    lowest().expires_after(kLingerTime);
    if constexpr (kTls)
      stream_.async_shutdown(
          beast::bind_front_handler(&Session::on_shutdown, this->shared_from_this()));
    else
      on_shutdown({});
  }

  void on_shutdown(beast::error_code ec) {
    if (ec) return close_now();
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    discard({}, 0);
  }

  // The deadline cancels a read that waits; a client sending faster than it is discarded never
  // lets a read wait, hence the clock.
  void discard(beast::error_code ec, std::size_t) {
    if (ec || std::chrono::steady_clock::now() >= linger_end_) return close_now();
    stream_.async_read_some(net::buffer(scratch_),
                            beast::bind_front_handler(&Session::discard, this->shared_from_this()));
  }

  void close_now() {
    phase_ = Phase::Closing;
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
  }

  std::shared_ptr<ssl::context> ctx_;
  Stream stream_;
  SessionEnv& env_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<RequestBody>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<Response> res_;
  Phase phase_ = Phase::Handshake;
  bool keep_alive_ = true;
  bool inflight_ = false;
  unsigned long served_ = 0;  // responses written on this connection
  SteadyTime started_;
  std::optional<SteadyTime> deadline_;
  std::chrono::steady_clock::duration body_timeout_{};
  SteadyTime linger_end_;
  char scratch_[4096];
};

}  // namespace

void start_tls_session(ConnectionSocket socket, std::shared_ptr<ssl::context> ctx,
                       SessionEnv& env) {
  std::make_shared<Session<TlsStream>>(std::move(socket), std::move(ctx), env)->start();
}

void start_plain_session(ConnectionSocket socket, SessionEnv& env) {
  std::make_shared<Session<PlainStream>>(std::move(socket), nullptr, env)->start();
}

}  // namespace freightgate::webhook
