// make_kube_source: the kube half of `--state kube` (configuration and client); the Source
// itself (informers -> snapshots, readiness) is in shared/src/state/kube_source.cpp.
#include "freightgate/kube/kube_source.h"

namespace freightgate::kube {

std::unique_ptr<state::Source> make_kube_source(const KubeSourceOptions& options, Error* error) {
  ClientConfig config;
  if (options.config) {
    config = *options.config;
  } else {
    auto r = resolve_config(options.kubeconfig, options.context);
    if (!r.ok()) {
      if (error) *error = r.error();
      return nullptr;
    }
    config = std::move(r.value());
  }
  auto client = Client::create(config, options.client);
  if (!client.ok()) {
    if (error) *error = client.error();
    return nullptr;
  }
  return std::unique_ptr<state::Source>(new KubeSource(options, client.value()));
}

}  // namespace freightgate::kube
