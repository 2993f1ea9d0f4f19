#include "tls.h"

#include <sys/stat.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "logging.h"

namespace freightgate::webhook {
namespace ssl = boost::asio::ssl;

namespace {

std::string openssl_reason(const boost::system::error_code& ec) {
  std::string why = ec.message();
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    why += std::string("; ") + buf;
  }
  return why;
}

// Chooses http/1.1 when the client offers it; no ALPN otherwise.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
  static const unsigned char h11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, h11, sizeof h11, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

Result<TlsMaterial> load_tls(const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use,
                   ec);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  // TLS 1.2: ECDHE key exchange + AEAD only. TLS 1.3 suites are all AEAD (OpenSSL defaults).
  if (SSL_CTX_set_cipher_list(native,
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1)
    return Error{"", 0, "", "", "OpenSSL rejected the cipher list"};
  SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);

  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec)
    return Error{cert_file, 0, "", "--tls-cert-file",
                 "cannot load the PEM certificate chain: " + openssl_reason(ec)};
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec)
    return Error{key_file, 0, "", "--tls-key-file",
                 "cannot load the PEM private key: " + openssl_reason(ec)};
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return Error{key_file, 0, "", "--tls-key-file",
                 "the private key does not match the certificate in " + cert_file};
  }
  TlsMaterial m;
  m.context = ctx;
  X509* leaf = SSL_CTX_get0_certificate(native);
  if (leaf != nullptr) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm) == 1)
      m.not_after = model::Time(std::chrono::seconds(timegm(&tm)));
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(leaf), buf, sizeof buf);
    m.subject = buf;
  }
  return m;
}

CertReloader::CertReloader(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

Result<std::unique_ptr<CertReloader>> CertReloader::open(std::string cert_file,
                                                         std::string key_file) {
  std::unique_ptr<CertReloader> r(new CertReloader(std::move(cert_file), std::move(key_file)));
  r->seen_ = r->fingerprint();
  auto m = load_tls(r->cert_file_, r->key_file_);
  if (!m) return m.error();
  r->material_ = std::move(*m);
  return r;
}

std::shared_ptr<ssl::context> CertReloader::current() const {
  std::lock_guard lock(mu_);
  return material_.context;
}

model::Time CertReloader::not_after() const {
  std::lock_guard lock(mu_);
  return material_.not_after;
}

std::string CertReloader::fingerprint() const {
  std::string fp;
  for (const auto* f : {&cert_file_, &key_file_}) {
    std::error_code ec;
    auto real = std::filesystem::canonical(*f, ec);
    struct stat st {};
    if (::stat(f->c_str(), &st) != 0) {
      fp += "missing:" + *f + ";";
      continue;
    }
    fp += (ec ? *f : real.string()) + ":" + std::to_string(st.st_ino) + ":" +
          std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
          std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return fp;
}

void CertReloader::check() {
  std::string fp = fingerprint();
  if (fp == seen_) return;
  seen_ = fp;
  auto m = load_tls(cert_file_, key_file_);
  if (!m) {
    ++failures;
    log::event(spdlog::level::err, "tls reload failed; keeping the certificate in service",
               {{"error", m.error().to_string()}});
    return;
  }
  {
    std::lock_guard lock(mu_);
    material_ = std::move(*m);
  }
  ++reloads;
  log::event(spdlog::level::info, "tls certificate reloaded",
             {{"subject", material_.subject},
              {"not_after", std::chrono::duration_cast<std::chrono::seconds>(
                                material_.not_after.time_since_epoch())
                                .count()}});
}

}  // namespace freightgate::webhook
