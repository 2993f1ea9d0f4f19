// freightgate-webhook's command line: every flag of docs/internals.md ("freightgate-webhook
// flags"), each also settable by its environment variable. Precedence: flag, then env, then
// the default. Parsing is pure (the environment is passed in) so it is testable.
//
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "freightgate/model/meta.h"
#include "freightgate/status.h"

namespace freightgate::webhook {

using Seconds = std::chrono::duration<double>;

struct Flags {
  std::string listen = "0.0.0.0:9443";                         // HTTPS endpoints
  std::string tls_cert_file = "/etc/freightgate/tls/tls.crt";  // PEM chain, re-read on change
  std::string tls_key_file = "/etc/freightgate/tls/tls.key";   // PEM key, re-read on change
  std::string state = "kube";                                  // dir:PATH | kube
  std::string webhook_name = "applications.freightgate.io";
  // Empty optional: the engine's default (Kargo/Argo CD controller service accounts).
  std::optional<std::string> control_plane_users;
  std::string metrics_listen;  // "" = off (metrics on the HTTPS port only)
  std::string log_level = "info";
  std::chrono::milliseconds drain_grace{20000};
  std::optional<model::Time> now;  // fixed clock (demos); unset = real clock
  std::string now_text;            // as given, for logs
  std::string kubeconfig;
  std::string context;
  std::vector<std::string> namespaces;  // empty = all
  std::chrono::milliseconds max_staleness{5 * 60 * 1000};
  // Beyond the internals table (webhook-local tuning).
  unsigned threads = 0;                                  // 0 = one per core
  std::chrono::milliseconds read_header_timeout{10000};  // first byte -> end of headers
  std::chrono::milliseconds read_body_timeout{10000};    // end of headers -> end of body
  std::chrono::milliseconds idle_timeout{120000};        // keep-alive wait (> Go's 90 s)
  std::chrono::milliseconds tls_reload_interval{1000};   // how often cert/key are stat()ed
  std::size_t max_body_bytes = 7 * 1024 * 1024;          // larger bodies get 413

  bool help = false;
  bool version = false;
};

// Looks up an environment variable; std::nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char*)>;
EnvLookup process_env();

// Parses argv (without argv[0]) over the environment. Errors name the flag, the bad value and
// the accepted form.
Result<Flags> parse_flags(const std::vector<std::string>& args, const EnvLookup& env);

// The --help text.
std::string usage();

// Go-style durations as the apiserver and Kubernetes manifests write them: "10s", "1m0s",
// "250ms", "1h", "1.5s". A bare number is seconds.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// RFC 3339 timestamps: "2026-11-27T10:00:00Z", "2026-11-27T11:00:00+01:00", fractions allowed.
Result<model::Time> parse_rfc3339(std::string_view text);

}  // namespace freightgate::webhook
