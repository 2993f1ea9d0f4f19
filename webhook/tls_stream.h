// A server-side TLS stream without asio's ssl::stream and its memory BIO pair: OpenSSL writes
// each record straight to the socket (send(2) from a BIO of our own, see tls_stream.cpp) and
// reads the ciphertext that Asio's own async_read_some put in a buffer of the stream. It
// models Asio's AsyncReadStream and AsyncWriteStream, so Beast's http::async_read/async_write
// run over it, and it keeps beast::basic_stream's timeouts: expires_after() sets one deadline
// for the waits that follow; a wait past it completes with beast::error::timeout.
//
// Why Asio does the reading, not OpenSSL on the fd (SSL_set_fd): Asio's epoll reactor re-arms
// the descriptor with an epoll_ctl(EPOLL_CTL_MOD) for every socket.async_wait(), one more
// system call per request (trying SSL_read before the wait would instead add a read(2) that
// returns EAGAIN). Its read operations remember that a short read emptied the socket, then
// wait without a system call and read speculatively after an edge: one recv(2) per request,
// as with ssl::stream. When OpenSSL wants more than the buffered bytes (WANT_READ), the stream
// reads the socket and calls OpenSSL again; a WANT_WRITE (socket buffer full) waits for
// writability.
//
// Thread-safety: none; all calls and completions on the connection's strand, whose io_context
// one thread runs. At most one read and one write at a time.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <memory>
#include <type_traits>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>

#include "session.h"

namespace freightgate::webhook {

namespace tls_detail {

using Clock = std::chrono::steady_clock;
enum class Start { Call, ReadSocket, Done };

// A TLS connection's socket, SSL object, deadline timer and the ciphertext read for OpenSSL.
struct TlsState : std::enable_shared_from_this<TlsState> {
  using Timer =
      boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, ConnectionStrand>;
  static constexpr std::size_t kRecord = 16 * 1024;  // TLS's largest record payload
  static constexpr std::size_t kInput = 17 * 1024;   // ciphertext read ahead of OpenSSL

  TlsState(ConnectionSocket&& s, boost::asio::ssl::context& ctx);
  ~TlsState();
  TlsState(const TlsState&) = delete;
  TlsState& operator=(const TlsState&) = delete;

  void expires_after(Clock::duration d);
  void close();
  // An operation starts or ends a socket read or wait (the timer runs only while one waits).
  void begin_wait();
  void end_wait() { --waits; }
  // The error a wait completes with: timeout when the deadline cancelled it.
  boost::system::error_code wait_error(boost::system::error_code ec) const;
  // The error of a failed SSL call, from SSL_get_error's `reason`.
  boost::system::error_code ssl_error(int reason);
  // A read calls SSL_read when OpenSSL or the input buffer holds bytes, otherwise reads the
  // socket first (SSL_read would only answer WANT_READ).
  Start read_start(std::size_t size) const {
    if (size == 0) return Start::Done;
    return input_begin != input_end || SSL_has_pending(ssl) ? Start::Call : Start::ReadSocket;
  }
  // Where the socket's next bytes go (the buffer is empty when OpenSSL wants more).
  boost::asio::mutable_buffer input_space() {
    if (input_begin == input_end) input_begin = input_end = 0;
    return {input.get() + input_end, kInput - input_end};
  }

  template <class Buffers>
  boost::asio::const_buffer flatten(const Buffers& buffers);

  ConnectionSocket socket;
  SSL* ssl;
  Timer timer;
  Clock::time_point deadline = Clock::time_point::max();
  Clock::time_point armed_until{};  // when the timer fires, if `armed`
  bool armed = false;
  int waits = 0;                  // operations reading or waiting on the socket
  bool timed_out = false;         // the deadline cancelled the waits
  bool failed = false;            // a fatal TLS or socket error: no close_notify may follow
  std::unique_ptr<char[]> input;  // kInput bytes of ciphertext for OpenSSL's reads
  std::size_t input_begin = 0, input_end = 0;
  bool input_eof = false;          // the peer closed its side: nothing follows the buffered bytes
  std::unique_ptr<char[]> joined;  // kRecord bytes, for writes of several small buffers

 private:
  void cover_deadline();
  void arm(Clock::time_point t);
  void on_timer();
};

template <class Buffers>
boost::asio::const_buffer TlsState::flatten(const Buffers& buffers) {
  auto it = boost::asio::buffer_sequence_begin(buffers);
  auto end = boost::asio::buffer_sequence_end(buffers);
  while (it != end && boost::asio::const_buffer(*it).size() == 0) ++it;
  if (it == end) return {};
  boost::asio::const_buffer first(*it);
  auto next = it;
  ++next;
  while (next != end && boost::asio::const_buffer(*next).size() == 0) ++next;
  if (next == end || first.size() >= kRecord) return first;
  if (!joined) joined = std::make_unique_for_overwrite<char[]>(kRecord);
  std::size_t n = 0;
  for (; it != end && n < kRecord; ++it)
    n += boost::asio::buffer_copy(boost::asio::mutable_buffer(joined.get() + n, kRecord - n),
                                  boost::asio::const_buffer(*it));
  return {joined.get(), n};
}

// One TLS operation: calls `call` (SSL_read, SSL_write, ...) until it succeeds or fails,
// reading the socket or waiting for it between tries. Completes through a post when it never
// waited, so the handler never runs inside the initiating function.
template <bool kBytes, class Call>
class TlsOp {
 public:
  TlsOp(TlsState& s, Start how, Call call) : s_(s), how_(how), call_(std::move(call)) {}

  // The start, and the end of a wait for writability.
  template <class Self>
  void operator()(Self& self, boost::system::error_code ec = {}) {
    if (pending_ != Pending::None) {
      pending_ = Pending::None;
      s_.end_wait();
      if (ec) return finish(self, s_.wait_error(ec), 0);
    } else if (how_ == Start::Done) {
      return finish(self, {}, 0);
    } else if (how_ == Start::ReadSocket) {
      return read_socket(self);
    }
    call(self);
  }

  // The end of a socket read, or the posted completion of an operation that never waited.
  template <class Self>
  void operator()(Self& self, boost::system::error_code ec, std::size_t n) {
    if (pending_ != Pending::Read) return complete(self, ec, n);
    pending_ = Pending::None;
    s_.end_wait();
    s_.input_end += n;
    if (ec == boost::asio::error::eof)
      s_.input_eof = true;  // OpenSSL sees the end once it has taken the bytes before it
    else if (ec)
      return finish(self, s_.wait_error(ec), 0);
    call(self);
  }

 private:
  enum class Pending { None, Read, Write };

  template <class Self>
  void call(Self& self) {
    // The error queue is per thread, shared by its connections: SSL_get_error needs it empty.
    // (Cleared only when it is not: clearing walks all its slots, ~1,700 instructions a call.)
    if (ERR_peek_error() != 0) ERR_clear_error();
    errno = 0;  // SSL_ERROR_SYSCALL reads errno: never a stale one from another call
    int r = call_(s_.ssl);
    if (r > 0) return finish(self, {}, static_cast<std::size_t>(r));
    switch (int reason = SSL_get_error(s_.ssl, r)) {
      case SSL_ERROR_WANT_READ:
        if (!s_.input_eof) return read_socket(self);
        return finish(self, boost::asio::error::eof, 0);
      case SSL_ERROR_WANT_WRITE:
        pending_ = Pending::Write;
        waited_ = true;
        s_.begin_wait();
        return s_.socket.async_wait(ConnectionSocket::wait_write, std::move(self));
      default:
        return finish(self, s_.ssl_error(reason), 0);
    }
  }

  template <class Self>
  void read_socket(Self& self) {
    pending_ = Pending::Read;
    waited_ = true;
    s_.begin_wait();
    s_.socket.async_read_some(s_.input_space(), std::move(self));
  }

  template <class Self>
  void finish(Self& self, boost::system::error_code ec, std::size_t n) {
    if (waited_) return complete(self, ec, n);
    boost::asio::post(boost::beast::bind_handler(std::move(self), ec, n));
  }

  template <class Self>
  static void complete(Self& self, boost::system::error_code ec, std::size_t n) {
    if constexpr (kBytes)
      self.complete(ec, n);
    else
      self.complete(ec);
  }

  TlsState& s_;
  Start how_;
  Call call_;
  Pending pending_ = Pending::None;  // the socket operation of this one that is queued
  bool waited_ = false;              // the handler may be called directly (not from the initiation)
};

}  // namespace tls_detail

class TlsStream {
 public:
  using executor_type = ConnectionStrand;
  using Clock = tls_detail::Clock;

  // Takes the accepted socket; `ctx` must outlive the stream (SSL_new also holds a reference).
  TlsStream(ConnectionSocket&& socket, boost::asio::ssl::context& ctx);

  executor_type get_executor() { return state_->socket.get_executor(); }
  ConnectionSocket& socket() { return state_->socket; }

  // The waits from now on complete with beast::error::timeout once `d` has passed.
  void expires_after(Clock::duration d) { state_->expires_after(d); }
  // Closes the socket; pending operations complete with operation_aborted.
  void close() { state_->close(); }

  // The server side of the TLS handshake. Handler: void(error_code).
  template <class Handler>
  auto async_handshake(Handler&& handler) {
    return start<false>(std::forward<Handler>(handler), Start::Call,
                        [](SSL* ssl) { return SSL_do_handshake(ssl); });
  }

  // Reads into the first non-empty buffer. Handler: void(error_code, std::size_t).
  // SSL_ERROR_ZERO_RETURN (the peer's close_notify) and an EOF without it are net::error::eof.
  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    boost::asio::mutable_buffer b = first_non_empty(buffers);
    return start<true>(std::forward<Handler>(handler), state_->read_start(b.size()),
                       [b](SSL* ssl) { return SSL_read(ssl, b.data(), clamp(b.size())); });
  }

  // Writes up to one TLS record's worth of `buffers` (a sequence of small buffers, such as a
  // response's header and body, is joined into one record). Handler: void(error_code, size_t).
  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    boost::asio::const_buffer b = state_->flatten(buffers);
    return start<true>(std::forward<Handler>(handler), b.size() ? Start::Call : Start::Done,
                       [b](SSL* ssl) { return SSL_write(ssl, b.data(), clamp(b.size())); });
  }

  // Sends close_notify (nothing after a fatal error) without waiting for the peer's: reads may
  // follow, and the peer's close_notify ends them with net::error::eof. (A second SSL_shutdown
  // would fail on application data the peer sent first.) Handler: void(error_code).
  template <class Handler>
  auto async_shutdown(Handler&& handler) {
    return start<false>(std::forward<Handler>(handler), state_->failed ? Start::Done : Start::Call,
                        [](SSL* ssl) {
                          int r = SSL_shutdown(ssl);  // 0: ours sent, theirs not yet read
                          return r == 0 ? 1 : r;
                        });
  }

 private:
  using Start = tls_detail::Start;

  template <bool kBytes, class Handler, class Call>
  auto start(Handler&& handler, Start how, Call call);

  template <class Buffers>
  static boost::asio::mutable_buffer first_non_empty(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it)
      if (boost::asio::mutable_buffer b(*it); b.size() > 0) return b;
    return {};
  }
  static int clamp(std::size_t n) { return n > INT_MAX ? INT_MAX : static_cast<int>(n); }

  std::shared_ptr<tls_detail::TlsState> state_;  // the timer's handler holds a weak reference
};

template <bool kBytes, class Handler, class Call>
auto TlsStream::start(Handler&& handler, Start how, Call call) {
  using Signature = std::conditional_t<kBytes, void(boost::system::error_code, std::size_t),
                                       void(boost::system::error_code)>;
  return boost::asio::async_compose<Handler, Signature>(
      tls_detail::TlsOp<kBytes, Call>(*state_, how, call), handler, state_->socket);
}

}  // namespace freightgate::webhook
