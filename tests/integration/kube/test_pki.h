// Throwaway PKI for tests, made with the OpenSSL API at test time: a CA, a server certificate
// for 127.0.0.1/localhost and a client certificate, all as PEM strings (and files on demand).
#pragma once

#include <string>

namespace fgtest {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

struct TestPki {
  KeyPair ca;
  KeyPair server;  // SAN IP:127.0.0.1, DNS:localhost; serverAuth
  KeyPair client;  // CN=<client_cn>, O=<client_group>; clientAuth
};

// Generates a fresh CA and the two leaf certificates (EC P-256, valid for a day).
TestPki make_pki(const std::string& client_cn = "kube-admin",
                 const std::string& client_group = "system:masters");

// Another, unrelated CA + server certificate (to test that verification fails).
KeyPair make_self_signed_server();

// Writes `content` to `path` (creating parents); aborts the test process on failure.
void write_file(const std::string& path, const std::string& content);

// A fresh empty directory under the system temp dir.
std::string make_temp_dir(const std::string& prefix);

// base64 (standard, padded).
std::string base64(const std::string& in);

}  // namespace fgtest
