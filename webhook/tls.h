// The serving TLS context and its hot reload. TLS 1.2 and 1.3 only; TLS 1.2 restricted to ECDHE
// key exchange with AEAD ciphers (what Go clients such as kube-apiserver offer); ALPN selects
// http/1.1 (kube-apiserver never uses h2 for webhooks).
//
// CertReloader watches the certificate and key files (following symlinks, so the atomic
// `..data` swap Kubernetes does in mounted Secrets is seen) and installs a new context when
// they change. Connections already open keep the context they were accepted with; new
// connections get the new one. A pair that does not load (half-written, mismatched key) is
// logged and the previous one stays in service.
//
// Thread-safety: current(), not_after() and the counters may be read from any thread;
// check() is called from one timer at a time.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "freightgate/model/meta.h"
#include "freightgate/status.h"

namespace freightgate::webhook {

struct TlsMaterial {
  std::shared_ptr<boost::asio::ssl::context> context;
  model::Time not_after;  // leaf certificate expiry
  std::string subject;    // leaf subject, for logs
};

// Builds a server context from PEM files. Errors name the file and OpenSSL's reason.
Result<TlsMaterial> load_tls(const std::string& cert_file, const std::string& key_file);

class CertReloader {
 public:
  // Loads the pair now; fails when it does not load (the server must not start without TLS).
  static Result<std::unique_ptr<CertReloader>> open(std::string cert_file, std::string key_file);

  // The context new connections should use.
  std::shared_ptr<boost::asio::ssl::context> current() const;
  // Expiry of the certificate in service.
  model::Time not_after() const;

  // Re-reads the files when their identity (resolved path, inode, size, mtime) changed since
  // the last check. Logs the outcome of every attempt (once per change).
  void check();

  std::atomic<unsigned long long> reloads{0};   // successful reloads
  std::atomic<unsigned long long> failures{0};  // rejected new pairs

 private:
  CertReloader(std::string cert_file, std::string key_file);
  std::string fingerprint() const;

  std::string cert_file_, key_file_;
  std::string seen_;  // fingerprint of the files at the last attempt
  mutable std::mutex mu_;
  TlsMaterial material_;
};

}  // namespace freightgate::webhook
