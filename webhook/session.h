// One client connection: TLS handshake, then HTTP/1.1 requests with keep-alive, each answered
// by App. All of a connection's handlers run on its own strand. Every wait has a deadline:
//   handshake and headers   --read-header-timeout (a silent or slow client is cut off)
//   body                    --read-body-timeout, or the ?timeout= deadline when sooner
//   keep-alive idle         --idle-timeout
// Oversized bodies get 413 before the body is read (Content-Length) or as soon as the cap is
// crossed (chunked). Sessions keep themselves alive with shared_from_this through their
// async chain and deregister from Drain when destroyed.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include "app.h"
#include "drain.h"

namespace freightgate::webhook {

struct SessionLimits {
  std::chrono::milliseconds read_header_timeout{10000};
  std::chrono::milliseconds read_body_timeout{10000};
  std::chrono::milliseconds idle_timeout{120000};
  std::chrono::milliseconds write_timeout{10000};
  std::size_t max_body_bytes = 7 * 1024 * 1024;
};

struct SessionEnv {
  const App& app;
  Drain& drain;
  Metrics& metrics;
  SessionLimits limits;
};

// A connection's strand, with its concrete type: the streams and timers built on it dispatch
// without the type-erased any_io_executor's indirections and reference counting.
using ConnectionStrand = boost::asio::strand<boost::asio::io_context::executor_type>;
using ConnectionSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, ConnectionStrand>;

// Starts serving an accepted socket over TLS with `ctx` (held for the connection's lifetime).
void start_tls_session(ConnectionSocket socket, std::shared_ptr<boost::asio::ssl::context> ctx,
                       SessionEnv& env);

// Starts serving an accepted socket over plain HTTP (the --metrics-listen port).
void start_plain_session(ConnectionSocket socket, SessionEnv& env);

}  // namespace freightgate::webhook
