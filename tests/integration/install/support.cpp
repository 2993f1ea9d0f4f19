#include "support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <yaml-cpp/yaml.h>

#include "freightgate/file.h"

extern char** environ;

namespace fgtest {

CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  CommandResult r;
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
    r.err = "pipe failed";
    return r;
  }
  pid_t pid = fork();
  if (pid < 0) {
    r.err = "fork failed";
    return r;
  }
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

int spawn(const std::vector<std::string>& argv, const std::string& log_file) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

int wait_exit(int pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string which(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string read_file(const std::string& path) {
  auto text = freightgate::read_file(path);
  if (!text) throw std::runtime_error(text.error().to_string());
  return std::move(*text);
}

namespace {

json plain_scalar(const std::string& s) {
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex hex_re("0x[0-9a-fA-F]+");
  static const std::regex oct_re("0o[0-7]+");
  static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, int_re)) return std::stoll(s);
  if (std::regex_match(s, hex_re)) return std::stoll(s.substr(2), nullptr, 16);
  if (std::regex_match(s, oct_re)) return std::stoll(s.substr(2), nullptr, 8);
  if (std::regex_match(s, float_re)) return std::stod(s);
  return s;
}

json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& tag = n.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return n.Scalar();
      if (tag == "tag:yaml.org,2002:int") return std::stoll(n.Scalar());
      if (tag == "tag:yaml.org,2002:bool") return plain_scalar(n.Scalar());
      return plain_scalar(n.Scalar());
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& item : n) a.push_back(to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
      return o;
    }
  }
  return nullptr;
}

std::string type_of(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool type_matches(const std::string& want, const json& v) {
  std::string got = type_of(v);
  if (want == got) return true;
  if (want == "number" && got == "integer") return true;
  if (want == "integer" && got == "number") {
    double d = v.get<double>();
    return std::floor(d) == d;
  }
  return false;
}

const json* resolve_ref(const json& schema, const json& root) {
  auto ref = schema.find("$ref");
  if (ref == schema.end()) return &schema;
  std::string r = ref->get<std::string>();
  if (r.rfind("#/", 0) != 0) return nullptr;
  json::json_pointer p(r.substr(1));
  if (!root.contains(p)) return nullptr;
  return &root.at(p);
}

bool is_date_time(const std::string& s) {
  static const std::regex re(
      R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  return std::regex_match(s, re);
}

std::string show(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

void validate_into(const json& schema_in, const json& v, const json& root, const std::string& path,
                   std::vector<std::string>& errors) {
  const json* sp = resolve_ref(schema_in, root);
  const std::string where = path.empty() ? "." : path;
  if (!sp) {
    errors.push_back(where + ": unresolvable $ref " + schema_in["$ref"].dump());
    return;
  }
  const json& s = *sp;
  if (!s.is_object()) return;
  if (s.value("x-kubernetes-int-or-string", false)) {
    if (!v.is_string() && !(v.is_number_integer() || v.is_number_unsigned()))
      errors.push_back(where + ": must be an integer or a string, got " + type_of(v));
    return;
  }
  if (auto t = s.find("type"); t != s.end()) {
    bool ok = false;
    if (t->is_string()) {
      ok = type_matches(t->get<std::string>(), v);
    } else if (t->is_array()) {
      for (const auto& one : *t) ok = ok || type_matches(one.get<std::string>(), v);
    }
    if (!ok && v.is_null() && s.value("nullable", false)) return;
    if (!ok) {
      errors.push_back(where + ": must be of type " +
                       (t->is_string() ? t->get<std::string>() : t->dump()) + ", got " +
                       type_of(v) + " " + show(v));
      return;
    }
  }
  if (auto e = s.find("enum"); e != s.end()) {
    bool found = false;
    for (const auto& one : *e) found = found || one == v;
    if (!found) errors.push_back(where + ": " + show(v) + " is not one of " + e->dump());
  }
  if (auto c = s.find("const"); c != s.end() && *c != v)
    errors.push_back(where + ": must be " + c->dump());
  if (v.is_string()) {
    const auto str = v.get<std::string>();
    // Lengths count characters (code points), as Kubernetes does.
    size_t chars = 0;
    for (unsigned char ch : str) chars += (ch & 0xC0) != 0x80;
    if (s.contains("minLength") && chars < s["minLength"].get<size_t>())
      errors.push_back(where + ": must be at least " + s["minLength"].dump() + " characters");
    if (s.contains("maxLength") && chars > s["maxLength"].get<size_t>())
      errors.push_back(where + ": must be at most " + s["maxLength"].dump() + " characters");
    if (auto p = s.find("pattern"); p != s.end()) {
      std::regex re(p->get<std::string>(), std::regex::ECMAScript);
      if (!std::regex_search(str, re))
        errors.push_back(where + ": " + show(v) + " does not match pattern " +
                         p->get<std::string>());
    }
    if (s.value("format", "") == "date-time" && !is_date_time(str))
      errors.push_back(where + ": " + show(v) + " is not an RFC 3339 date-time");
  }
  if (v.is_number()) {
    double d = v.get<double>();
    if (s.contains("minimum") && d < s["minimum"].get<double>())
      errors.push_back(where + ": must be >= " + s["minimum"].dump());
    if (s.contains("maximum") && d > s["maximum"].get<double>())
      errors.push_back(where + ": must be <= " + s["maximum"].dump());
  }
  if (v.is_array()) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>())
      errors.push_back(where + ": must have at least " + s["minItems"].dump() + " items");
    if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>())
      errors.push_back(where + ": must have at most " + s["maxItems"].dump() + " items");
    if (auto items = s.find("items"); items != s.end())
      for (size_t i = 0; i < v.size(); ++i)
        validate_into(*items, v[i], root, path + "[" + std::to_string(i) + "]", errors);
  }
  if (v.is_object()) {
    if (auto req = s.find("required"); req != s.end())
      for (const auto& k : *req)
        if (!v.contains(k.get<std::string>()))
          errors.push_back((path.empty() ? "" : path) + "." + k.get<std::string>() + ": required");
    const bool preserve = s.value("x-kubernetes-preserve-unknown-fields", false);
    const json* props = s.contains("properties") ? &s["properties"] : nullptr;
    const json* addl = s.contains("additionalProperties") ? &s["additionalProperties"] : nullptr;
    for (const auto& [k, child] : v.items()) {
      const std::string child_path = path + "." + k;
      if (props && props->contains(k)) {
        validate_into((*props)[k], child, root, child_path, errors);
      } else if (addl && addl->is_object()) {
        validate_into(*addl, child, root, child_path, errors);
      } else if (addl && addl->is_boolean()) {
        if (!addl->get<bool>()) errors.push_back(child_path + ": unknown field");
      } else if (props && !preserve) {
        errors.push_back(child_path + ": unknown field");
      }
    }
  }
}

}  // namespace

std::vector<json> parse_yaml_stream(const std::string& text) {
  std::vector<json> out;
  for (const auto& node : YAML::LoadAll(text)) {
    json j = to_json(node);
    if (!j.is_null()) out.push_back(std::move(j));
  }
  return out;
}

json parse_yaml(const std::string& text) {
  auto docs = parse_yaml_stream(text);
  if (docs.size() != 1)
    throw std::runtime_error("expected one YAML document, got " + std::to_string(docs.size()));
  return docs[0];
}

std::vector<std::string> validate(const json& schema, const json& value, const json& root) {
  std::vector<std::string> errors;
  validate_into(schema, value, root, "", errors);
  return errors;
}

std::vector<std::string> structural_errors(const json& s, const std::string& path) {
  std::vector<std::string> errors;
  if (!s.is_object()) return errors;
  const std::string where = path.empty() ? "." : path;
  const bool preserve = s.value("x-kubernetes-preserve-unknown-fields", false);
  const bool int_or_string = s.value("x-kubernetes-int-or-string", false);
  if (!s.contains("type") && !preserve && !int_or_string)
    errors.push_back(where + ": no type (structural schemas need one)");
  if (s.contains("properties") && s.contains("additionalProperties"))
    errors.push_back(where + ": properties and additionalProperties are mutually exclusive");
  if (s.contains("$ref")) errors.push_back(where + ": $ref is not allowed in a CRD schema");
  if (auto p = s.find("properties"); p != s.end())
    for (const auto& [k, child] : p->items()) {
      auto sub = structural_errors(child, path + "." + k);
      errors.insert(errors.end(), sub.begin(), sub.end());
    }
  if (auto a = s.find("additionalProperties"); a != s.end() && a->is_object()) {
    auto sub = structural_errors(*a, path + ".*");
    errors.insert(errors.end(), sub.begin(), sub.end());
  }
  if (auto i = s.find("items"); i != s.end()) {
    auto sub = structural_errors(*i, path + "[]");
    errors.insert(errors.end(), sub.begin(), sub.end());
  }
  return errors;
}

std::string base64_decode(const std::string& text) {
  std::string clean;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  if (clean.size() % 4 != 0) throw std::runtime_error("base64: length not a multiple of 4");
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) throw std::runtime_error("base64: invalid input");
  size_t pad = 0;
  if (!clean.empty() && clean.back() == '=') ++pad;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

namespace {
X509* read_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return x;
}
}  // namespace

CertInfo inspect_cert(const std::string& cert_pem, const std::string& ca_pem,
                      const std::string& key_pem) {
  CertInfo info;
  X509* cert = read_cert(cert_pem);
  if (!cert) {
    info.error = "not a PEM certificate";
    return info;
  }
  info.ok = true;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
      if (gn->type != GEN_DNS) continue;
      const ASN1_IA5STRING* s = gn->d.dNSName;
      info.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                  static_cast<size_t>(ASN1_STRING_length(s)));
    }
    GENERAL_NAMES_free(names);
  }
  info.is_ca = X509_check_ca(cert) > 0;
  info.currently_valid = X509_cmp_current_time(X509_get0_notBefore(cert)) < 0 &&
                         X509_cmp_current_time(X509_get0_notAfter(cert)) > 0;
  if (!ca_pem.empty()) {
    if (X509* ca = read_cert(ca_pem)) {
      EVP_PKEY* pub = X509_get0_pubkey(ca);
      info.signed_by_ca = pub && X509_verify(cert, pub) == 1;
      X509_free(ca);
    }
  }
  if (!key_pem.empty()) {
    BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (key) {
      info.matches_key = X509_check_private_key(cert, key) == 1;
      EVP_PKEY_free(key);
    }
  }
  X509_free(cert);
  return info;
}

}  // namespace fgtest
