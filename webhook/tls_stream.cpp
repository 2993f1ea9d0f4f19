#include "tls_stream.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace freightgate::webhook {
namespace tls_detail {
namespace {

namespace net = boost::asio;

TlsState& state_of(BIO* bio) { return *static_cast<TlsState*>(BIO_get_data(bio)); }

// memcpy in pieces under glibc's `rep movsb` threshold (about 2 KiB): into a cold destination
// (each connection's OpenSSL buffer), `rep movsb` is slow on AMD EPYC. perf under
// bench/webhook-load's /validate: this copy of a 7.5 KB request was 4.7 % of the server's
// samples in one memcpy, 2.2 % in 1 KiB pieces (the vector loop; as fast elsewhere).
void copy_in_pieces(char* out, const char* in, std::size_t n) {
  constexpr std::size_t kPiece = 1024;
  for (std::size_t done = 0; done < n; done += kPiece)
    std::memcpy(out + done, in + done, std::min(kPiece, n - done));
}

// OpenSSL's reads take the ciphertext the stream has read; an empty buffer is "try again".
int take_input(BIO* bio, char* out, size_t len, size_t* taken) {
  TlsState& s = state_of(bio);
  BIO_clear_retry_flags(bio);
  std::size_t n = std::min(len, s.input_end - s.input_begin);
  *taken = n;
  if (n == 0) {
    if (!s.input_eof) BIO_set_retry_read(bio);
    return 0;
  }
  copy_in_pieces(out, s.input.get() + s.input_begin, n);
  s.input_begin += n;
  return 1;
}

// OpenSSL's writes go to the socket at once. MSG_NOSIGNAL: a reset connection fails with
// EPIPE instead of raising SIGPIPE.
int send_output(BIO* bio, const char* data, size_t len, size_t* sent) {
  TlsState& s = state_of(bio);
  BIO_clear_retry_flags(bio);
  *sent = 0;
  for (;;) {
    ssize_t n = ::send(s.socket.native_handle(), data, len, MSG_NOSIGNAL);
    if (n >= 0) {
      *sent = static_cast<size_t>(n);
      return 1;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
    return 0;
  }
}

long control(BIO* bio, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF: {
      TlsState& s = state_of(bio);
      return s.input_eof && s.input_begin == s.input_end;
    }
    default:
      return 0;
  }
}

int create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socket_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "fg-socket");
    if (m == nullptr || BIO_meth_set_read_ex(m, take_input) != 1 ||
        BIO_meth_set_write_ex(m, send_output) != 1 || BIO_meth_set_ctrl(m, control) != 1 ||
        BIO_meth_set_create(m, create) != 1)
      throw std::bad_alloc();
    return m;
  }();
  return method;
}

}  // namespace

TlsState::TlsState(ConnectionSocket&& s, net::ssl::context& ctx)
    : socket(std::move(s)),
      ssl(SSL_new(ctx.native_handle())),
      timer(socket.get_executor()),
      input(std::make_unique_for_overwrite<char[]>(kInput)) {
  BIO* bio = ssl != nullptr ? BIO_new(socket_method()) : nullptr;
  if (bio == nullptr) {
    SSL_free(ssl);
    throw std::bad_alloc();
  }
  BIO_set_data(bio, this);
  SSL_set_bio(ssl, bio, bio);  // one reference, owned by ssl
  SSL_set_accept_state(ssl);
  // Partial writes: a write_some returns once a record is out. Read-ahead: OpenSSL takes all
  // the buffered ciphertext at once instead of a record header and then its body.
  SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_read_ahead(ssl, 1);
  // A peer that closes without close_notify ends the stream like one that sends it (HTTP
  // messages carry their own length; Beast tells a cut message by its parser state).
  SSL_set_options(ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
}

TlsState::~TlsState() { SSL_free(ssl); }  // and the BIO; the socket closes itself

void TlsState::expires_after(Clock::duration d) {
  deadline = Clock::now() + d;
  timed_out = false;
  if (waits > 0) cover_deadline();
}

void TlsState::close() {
  armed = false;
  timer.cancel();
  boost::system::error_code ec;
  socket.close(ec);
}

void TlsState::begin_wait() {
  ++waits;
  cover_deadline();
}

// The timer must fire no later than the deadline while an operation waits. It is re-armed
// only when the deadline moved earlier: a later deadline is seen when the timer fires, so a
// keep-alive connection whose idle deadline moves on with each request costs no timer call.
void TlsState::cover_deadline() {
  if (deadline == Clock::time_point::max() || (armed && armed_until <= deadline)) return;
  arm(deadline);
}

void TlsState::arm(Clock::time_point t) {
  armed = true;
  armed_until = t;
  timer.expires_at(t);  // cancels the wait queued before, whose handler then does nothing
  timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_timer();
  });
}

void TlsState::on_timer() {
  armed = false;
  if (waits == 0) return;  // nothing waits: the next wait arms the timer
  if (deadline > armed_until) return arm(deadline);
  timed_out = true;
  boost::system::error_code ec;
  socket.cancel(ec);  // the waits complete with operation_aborted, reported as timeout
}

boost::system::error_code TlsState::wait_error(boost::system::error_code ec) const {
  if (timed_out && ec == net::error::operation_aborted) return boost::beast::error::timeout;
  return ec;
}

boost::system::error_code TlsState::ssl_error(int reason) {
  int sys = errno;
  if (reason == SSL_ERROR_ZERO_RETURN) return net::error::eof;
  failed = true;
  unsigned long e = ERR_get_error();
  if (e != 0) return {static_cast<int>(e), net::error::get_ssl_category()};
  if (reason == SSL_ERROR_SYSCALL && sys != 0) return {sys, boost::system::system_category()};
  if (reason == SSL_ERROR_SYSCALL) return net::error::eof;
  return net::ssl::error::unspecified_system_error;
}

}  // namespace tls_detail

TlsStream::TlsStream(ConnectionSocket&& socket, boost::asio::ssl::context& ctx)
    : state_(std::make_shared<tls_detail::TlsState>(std::move(socket), ctx)) {}

}  // namespace freightgate::webhook
