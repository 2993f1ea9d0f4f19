#include "test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace fgtest {

namespace {

void die(const char* what) {
  std::fprintf(stderr, "test_pki: %s failed\n", what);
  std::abort();
}

std::string pem_of(X509* x) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(b);
  return out;
}

std::string pem_of(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(b);
  return out;
}

void add_ext(X509* issuer, X509* x, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) die(value);
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
}

struct Made {
  X509* cert;
  EVP_PKEY* key;
};

Made make_cert(const std::string& cn, const std::string& org, X509* issuer, EVP_PKEY* issuer_key,
               bool ca, const char* san, const char* eku) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) die("EVP_EC_gen");
  X509* x = X509_new();
  X509_set_version(x, 2);
  static std::mt19937 rng{std::random_device{}()};
  ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(rng() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  if (!org.empty())
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
  add_ext(issuer, x, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(issuer, x, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(issuer, x, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(issuer, x, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(issuer, x, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_ext(issuer, x, NID_authority_key_identifier, "keyid:always");
    if (eku) add_ext(issuer, x, NID_ext_key_usage, eku);
    if (san) add_ext(issuer, x, NID_subject_alt_name, san);
  }
  if (!X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256())) die("X509_sign");
  return {x, key};
}

KeyPair to_pair(Made m) {
  KeyPair p{pem_of(m.cert), pem_of(m.key)};
  X509_free(m.cert);
  EVP_PKEY_free(m.key);
  return p;
}

}  // namespace

TestPki make_pki(const std::string& client_cn, const std::string& client_group) {
  Made ca = make_cert("freightgate-test-ca", "", nullptr, nullptr, true, nullptr, nullptr);
  Made server = make_cert("127.0.0.1", "", ca.cert, ca.key, false, "IP:127.0.0.1,DNS:localhost",
                          "serverAuth");
  Made client = make_cert(client_cn, client_group, ca.cert, ca.key, false, nullptr, "clientAuth");
  TestPki pki;
  pki.server = to_pair(server);
  pki.client = to_pair(client);
  pki.ca = to_pair(ca);
  return pki;
}

KeyPair make_self_signed_server() {
  Made ca = make_cert("other-ca", "", nullptr, nullptr, true, nullptr, nullptr);
  Made server = make_cert("127.0.0.1", "", ca.cert, ca.key, false, "IP:127.0.0.1", "serverAuth");
  X509_free(ca.cert);
  EVP_PKEY_free(ca.key);
  return to_pair(server);
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) die("write_file");
  }
  std::filesystem::rename(tmp, path);  // atomic, like kubelet's token projection
}

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) die("mkdtemp");
  return tmpl;
}

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace fgtest
