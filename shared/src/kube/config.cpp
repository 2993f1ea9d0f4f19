#include "freightgate/kube/config.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace freightgate::kube {

namespace fs = std::filesystem;

namespace {

Error config_error(const std::string& file, const std::string& object, const std::string& path,
                   const std::string& message) {
  Error e;
  e.file = file;
  e.object = object;
  e.path = path;
  e.message = message;
  return e;
}

Result<std::string> read_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return config_error(
        path, "", "",
        "cannot read " + what + ": " + (fs::exists(path) ? "permission denied" : "no such file"));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string getenv_str(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string trim_ws(std::string s) {
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return s.substr(i);
}

std::string resolve_relative(const std::string& file, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute() || file.empty()) return path;
  return (fs::path(file).parent_path() / path).string();
}

// One named entry of clusters/contexts/users: name -> (file it came from, body).
struct Entry {
  std::string file;
  YAML::Node body;
};
using Entries = std::map<std::string, Entry>;

struct Merged {
  std::string current_context;
  std::string current_context_file;
  Entries clusters, contexts, users;
};

Status merge_doc(const YAML::Node& root, const std::string& file, Merged* m) {
  if (!root || root.IsNull()) return ok_status();
  if (!root.IsMap()) return config_error(file, "", "", "not a kubeconfig: expected a YAML mapping");
  if (root["current-context"] && root["current-context"].IsScalar() && m->current_context.empty()) {
    m->current_context = root["current-context"].as<std::string>();
    m->current_context_file = file;
  }
  struct Section {
    const char* key;
    const char* inner;
    Entries* out;
  } sections[] = {{"clusters", "cluster", &m->clusters},
                  {"contexts", "context", &m->contexts},
                  {"users", "user", &m->users}};
  for (const auto& s : sections) {
    YAML::Node list = root[s.key];
    if (!list || list.IsNull()) continue;
    if (!list.IsSequence()) return config_error(file, "", s.key, "must be a list");
    for (size_t i = 0; i < list.size(); ++i) {
      YAML::Node item = list[i];
      std::string where = std::string(s.key) + "[" + std::to_string(i) + "]";
      if (!item.IsMap() || !item["name"] || !item["name"].IsScalar())
        return config_error(file, "", where + ".name", "required");
      std::string name = item["name"].as<std::string>();
      if (!s.out->count(name)) (*s.out)[name] = Entry{file, item[s.inner]};
    }
  }
  return ok_status();
}

std::string scalar(const YAML::Node& n, const char* key) {
  if (!n || !n.IsMap()) return "";
  YAML::Node v = n[key];
  if (!v || !v.IsScalar()) return "";
  return v.as<std::string>();
}

bool truthy(const std::string& s) {
  return s == "true" || s == "True" || s == "TRUE" || s == "yes";
}

// Reads `<key>-data` (base64) or `<key>` (file) into *out. Returns an error for unreadable data.
Status file_or_data(const Entry& e, const std::string& object, const std::string& key,
                    std::string* out) {
  std::string data = scalar(e.body, (key + "-data").c_str());
  if (!data.empty()) {
    auto decoded = base64_decode(data);
    if (!decoded.ok())
      return config_error(e.file, object, key + "-data",
                          "not valid base64: " + decoded.error().message);
    *out = std::move(decoded.value());
    return ok_status();
  }
  std::string path = scalar(e.body, key.c_str());
  if (path.empty()) return ok_status();
  path = resolve_relative(e.file, path);
  auto content = read_file(path, key);
  if (!content.ok())
    return config_error(e.file, object, key,
                        "cannot read \"" + path + "\": " + content.error().message);
  *out = std::move(content.value());
  return ok_status();
}

Result<ClientConfig> build(const Merged& m, const std::string& files,
                           const std::string& context_flag) {
  std::string ctx_name = context_flag.empty() ? m.current_context : context_flag;
  if (ctx_name.empty())
    return config_error(files, "", "current-context",
                        "not set; set current-context in the kubeconfig or pass --context");
  auto ctx_it = m.contexts.find(ctx_name);
  if (ctx_it == m.contexts.end())
    return config_error(
        files, "context \"" + ctx_name + "\"", "contexts",
        "no context named \"" + ctx_name + "\"; pick one of `kubectl config get-contexts`");
  const Entry& ctx = ctx_it->second;
  std::string ctx_obj = "context \"" + ctx_name + "\"";
  std::string cluster_name = scalar(ctx.body, "cluster");
  if (cluster_name.empty())
    return config_error(ctx.file, ctx_obj, "context.cluster", "required: name the cluster to use");
  auto cl_it = m.clusters.find(cluster_name);
  if (cl_it == m.clusters.end())
    return config_error(ctx.file, ctx_obj, "context.cluster",
                        "no cluster named \"" + cluster_name + "\" in clusters");
  const Entry& cl = cl_it->second;
  std::string cl_obj = "cluster \"" + cluster_name + "\"";

  ClientConfig c;
  c.origin = "kubeconfig " + files + " context " + ctx_name;
  c.namespace_ = scalar(ctx.body, "namespace");
  c.server = scalar(cl.body, "server");
  if (c.server.empty())
    return config_error(cl.file, cl_obj, "cluster.server",
                        "required: the API server URL (https://host:port)");
  if (auto st = parse_server(c.server, &c); !st.ok()) {
    Error e = st.error();
    return config_error(cl.file, cl_obj, "cluster.server", e.message);
  }
  c.insecure_skip_tls_verify = truthy(scalar(cl.body, "insecure-skip-tls-verify"));
  c.tls_server_name = scalar(cl.body, "tls-server-name");
  if (auto st = file_or_data(cl, cl_obj, "certificate-authority", &c.ca_pem); !st.ok())
    return st.error();

  std::string user_name = scalar(ctx.body, "user");
  if (!user_name.empty()) {
    auto u_it = m.users.find(user_name);
    if (u_it == m.users.end())
      return config_error(ctx.file, ctx_obj, "context.user",
                          "no user named \"" + user_name + "\" in users");
    const Entry& u = u_it->second;
    std::string u_obj = "user \"" + user_name + "\"";
    if (u.body && u.body.IsMap()) {
      if (u.body["exec"])
        return config_error(u.file, u_obj, "user.exec",
                            "exec credential plugins are not supported; use a token, tokenFile or "
                            "client certificate (e.g. a service-account token)");
      if (u.body["auth-provider"])
        return config_error(
            u.file, u_obj, "user.auth-provider",
            "auth-provider plugins are not supported; use a token or client certificate");
    }
    c.token = scalar(u.body, "token");
    std::string tf = scalar(u.body, "tokenFile");
    if (!tf.empty()) {
      c.token_file = resolve_relative(u.file, tf);
      if (!fs::exists(c.token_file))
        return config_error(u.file, u_obj, "user.tokenFile",
                            "file \"" + c.token_file + "\" does not exist");
    }
    c.username = scalar(u.body, "username");
    c.password = scalar(u.body, "password");
    if (auto st = file_or_data(u, u_obj, "client-certificate", &c.client_cert_pem); !st.ok())
      return st.error();
    if (auto st = file_or_data(u, u_obj, "client-key", &c.client_key_pem); !st.ok())
      return st.error();
    if (!c.client_cert_pem.empty() && c.client_key_pem.empty())
      return config_error(u.file, u_obj, "user.client-key",
                          "required with client-certificate: set client-key or client-key-data");
    if (c.client_cert_pem.empty() && !c.client_key_pem.empty())
      return config_error(
          u.file, u_obj, "user.client-certificate",
          "required with client-key: set client-certificate or client-certificate-data");
  }
  return c;
}

bool is_ipv6(const std::string& host) { return host.find(':') != std::string::npos; }

}  // namespace

Result<std::string> base64_decode(std::string_view in) {
  std::string clean;
  clean.reserve(in.size());
  for (char ch : in)
    if (ch != '\n' && ch != '\r' && ch != ' ' && ch != '\t') clean.push_back(ch);
  if (clean.size() % 4 != 0) return Error{"", 0, "", "", "length is not a multiple of 4"};
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return Error{"", 0, "", "", "invalid base64 character"};
  size_t pad = 0;
  if (!clean.empty() && clean.back() == '=') ++pad;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Status parse_server(const std::string& server, ClientConfig* c) {
  std::string rest;
  if (server.rfind("https://", 0) == 0) {
    rest = server.substr(8);
  } else if (server.find("://") != std::string::npos) {
    return Error{"", 0, "", "", "\"" + server + "\": only https:// API servers are supported"};
  } else {
    rest = server;  // kubectl accepts host:port
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  c->base_path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!c->base_path.empty() && c->base_path.back() == '/') c->base_path.pop_back();
  if (authority.empty()) return Error{"", 0, "", "", "\"" + server + "\": no host"};
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return Error{"", 0, "", "", "\"" + server + "\": unclosed '['"};
    c->host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    c->port = after.size() > 1 && after[0] == ':' ? after.substr(1) : "443";
  } else {
    size_t colon = authority.rfind(':');
    if (colon == std::string::npos) {
      c->host = authority;
      c->port = "443";
    } else {
      c->host = authority.substr(0, colon);
      c->port = authority.substr(colon + 1);
    }
  }
  if (c->port.empty() || c->port.find_first_not_of("0123456789") != std::string::npos)
    return Error{"", 0, "", "", "\"" + server + "\": port \"" + c->port + "\" is not a number"};
  return ok_status();
}

Result<ClientConfig> in_cluster_config(const InClusterPaths& paths) {
  std::string host = getenv_str("KUBERNETES_SERVICE_HOST");
  std::string port = getenv_str("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty())
    return config_error("", "in-cluster config",
                        host.empty() ? "KUBERNETES_SERVICE_HOST" : "KUBERNETES_SERVICE_PORT",
                        "not set: not running in a pod; pass --kubeconfig or set KUBECONFIG");
  ClientConfig c;
  c.origin = "in-cluster";
  c.server = "https://" + (is_ipv6(host) ? "[" + host + "]" : host) + ":" + port;
  if (auto st = parse_server(c.server, &c); !st.ok())
    return config_error("", "in-cluster config", "KUBERNETES_SERVICE_HOST", st.error().message);
  if (!fs::exists(paths.token_file))
    return config_error(paths.token_file, "in-cluster config", "token",
                        "service-account token file missing; is automountServiceAccountToken off?");
  c.token_file = paths.token_file;
  auto ca = read_file(paths.ca_file, "service-account CA");
  if (!ca.ok())
    return config_error(paths.ca_file, "in-cluster config", "ca.crt", ca.error().message);
  c.ca_pem = std::move(ca.value());
  if (auto ns = read_file(paths.namespace_file, "namespace"); ns.ok())
    c.namespace_ = trim_ws(ns.value());
  return c;
}

Result<ClientConfig> parse_kubeconfig(std::string_view yaml, const std::string& file,
                                      const std::string& context) {
  Merged m;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (auto st = merge_doc(root, file, &m); !st.ok()) return st.error();
  } catch (const YAML::Exception& ex) {
    Error e = config_error(file, "", "", "not valid YAML: " + ex.msg);
    e.line = ex.mark.line >= 0 ? ex.mark.line + 1 : 0;
    return e;
  }
  return build(m, file, context);
}

Result<ClientConfig> load_kubeconfig(const std::string& paths, const std::string& context) {
  Merged m;
  std::vector<std::string> files;
  std::string item;
  std::istringstream ss(paths);
  while (std::getline(ss, item, ':'))
    if (!item.empty()) files.push_back(item);
  if (files.empty()) return config_error("", "", "kubeconfig", "no kubeconfig path given");
  bool any = false;
  for (const auto& f : files) {
    if (!fs::exists(f)) {
      if (files.size() == 1) return config_error(f, "", "", "kubeconfig file does not exist");
      continue;  // kubectl skips missing entries of a list
    }
    auto text = read_file(f, "kubeconfig");
    if (!text.ok()) return text.error();
    try {
      YAML::Node root = YAML::Load(text.value());
      if (auto st = merge_doc(root, f, &m); !st.ok()) return st.error();
    } catch (const YAML::Exception& ex) {
      Error e = config_error(f, "", "", "not valid YAML: " + ex.msg);
      e.line = ex.mark.line >= 0 ? ex.mark.line + 1 : 0;
      return e;
    }
    any = true;
  }
  if (!any) return config_error(paths, "", "", "none of the kubeconfig files exist");
  return build(m, paths, context);
}

Result<ClientConfig> resolve_config(const std::string& kubeconfig, const std::string& context) {
  if (!kubeconfig.empty()) return load_kubeconfig(kubeconfig, context);
  std::string env = getenv_str("KUBECONFIG");
  if (!env.empty()) return load_kubeconfig(env, context);
  if (!getenv_str("KUBERNETES_SERVICE_HOST").empty()) {
    if (!context.empty())
      return config_error("", "in-cluster config", "--context",
                          "a context needs a kubeconfig; pass --kubeconfig or unset --context");
    return in_cluster_config();
  }
  std::string home = getenv_str("HOME");
  if (!home.empty() && fs::exists(home + "/.kube/config"))
    return load_kubeconfig(home + "/.kube/config", context);
  return config_error("", "", "kubeconfig",
                      "no API server configured: not in a pod (KUBERNETES_SERVICE_HOST unset), "
                      "KUBECONFIG unset and no ~/.kube/config; pass --kubeconfig");
}

}  // namespace freightgate::kube
