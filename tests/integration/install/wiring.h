// Wiring checks on a rendered freightgate install (Helm chart output or `kubectl kustomize
// manifests/`): do the pieces that must agree actually agree? Each check returns a message that
// names the object, the field and what it should be; an empty list means the install is wired.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace fgtest {

struct InstallExpectation {
  std::string ns;             // where the webhook runs
  bool standalone = true;     // Kargo CRDs + Kargo-kind webhooks
  bool cert_manager = false;  // Certificate + inject-ca-from, else a generated Secret + caBundle
  bool metrics = true;        // --metrics-listen, metrics port and Service
  bool service_monitor = false;
  bool cmp = false;  // the CMP ConfigMap
  std::string cmp_namespace = "argocd";
  std::string plugin_yaml;  // expected plugin.yaml content (parsed and compared) when cmp
  // Flags the webhook binary knows (from docs/internals.md); every arg must be one of them.
  std::set<std::string> known_flags;
  // (group, plural) pairs the informers list and watch (kube::watched_resources()).
  std::vector<std::pair<std::string, std::string>> watched;
};

std::vector<std::string> check_install(const std::vector<nlohmann::json>& docs,
                                       const InstallExpectation& want);

}  // namespace fgtest
