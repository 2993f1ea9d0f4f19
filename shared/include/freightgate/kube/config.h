// Where the Kubernetes API is and how to authenticate to it: in-cluster configuration
// (service-account token, CA, KUBERNETES_SERVICE_HOST/PORT) or a kubeconfig file
// (KUBECONFIG list or ~/.kube/config; current-context or an explicit context).
//
// Only what freightgate uses is supported: bearer tokens (inline or tokenFile), client
// certificates (files or base64 data), CA (file or data), insecure-skip-tls-verify,
// tls-server-name, basic auth. Exec and auth-provider plugins yield an error that says so.
// Every error names the file, the kubeconfig entry and the setting that is missing.
//
// Thread-safety: plain values and pure functions (they read files and the environment).
#pragma once

#include <string>
#include <string_view>

#include "freightgate/status.h"

namespace freightgate::kube {

struct ClientConfig {
  std::string server;     // as configured, e.g. "https://10.0.0.1:443"
  std::string host;       // "10.0.0.1" (IPv6 without brackets)
  std::string port;       // "443"
  std::string base_path;  // path prefix of `server` without trailing '/', usually ""
  std::string ca_pem;     // CA bundle (PEM); empty: the system's default roots
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;     // name to verify and send as SNI instead of `host`
  std::string token;               // static bearer token
  std::string token_file;          // bearer token re-read when the file changes (wins over token)
  std::string client_cert_pem;     // client certificate chain (PEM)
  std::string client_key_pem;      // its private key (PEM)
  std::string username, password;  // basic auth (rare)
  std::string namespace_;          // the context's namespace ("" when unset)
  std::string origin;              // e.g. "in-cluster" or "kubeconfig /x/config context kind-a"
};

// Where the in-cluster files live (overridable for tests).
struct InClusterPaths {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

// In-cluster configuration from KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT and the
// service-account files. The token is referenced by path (re-read when it rotates).
Result<ClientConfig> in_cluster_config(const InClusterPaths& paths = {});

// Parses one kubeconfig document. `file` resolves relative paths and names the file in errors.
// `context` "" means current-context.
Result<ClientConfig> parse_kubeconfig(std::string_view yaml, const std::string& file,
                                      const std::string& context);

// Loads a KUBECONFIG-style list ("a:b:c"): maps are merged by name, the first file to define a
// name (or current-context) wins, like kubectl.
Result<ClientConfig> load_kubeconfig(const std::string& paths, const std::string& context);

// The webhook's rule: `kubeconfig` (flag) if set, else $KUBECONFIG if set, else in-cluster
// when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config if it exists, else an error that
// lists what was tried.
Result<ClientConfig> resolve_config(const std::string& kubeconfig, const std::string& context);

// Splits "https://host:port/prefix" into the config's host/port/base_path.
Status parse_server(const std::string& server, ClientConfig* config);

// Standard base64 decoding (whitespace ignored); error on malformed input.
Result<std::string> base64_decode(std::string_view in);

}  // namespace freightgate::kube
