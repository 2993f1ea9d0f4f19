// `--state kube`: a state::Source fed by informers (kube/informer.h) over every kind the
// decisions read, and whose authorizer() is the SubjectAccessReview authorizer (kube/sar.h).
//
// - Snapshots are rebuilt from the informer stores after changes, batched over `debounce`,
//   and published atomically: readers get the previous complete snapshot until the next one
//   is built, never a half-applied one. The first snapshot is built only after every
//   informer has listed once.
// - ready(): every informer synced once, a snapshot exists, and no watch has been down for
//   longer than max_staleness. last_sync(): now while every watch is up, else the moment the
//   longest-down watch went down (the state-age metric is now - last_sync).
//
// Thread-safety: as state::Source. The source stops its threads when destroyed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "freightgate/kube/client.h"
#include "freightgate/kube/config.h"
#include "freightgate/kube/informer.h"
#include "freightgate/kube/sar.h"
#include "freightgate/state/source.h"

namespace freightgate::kube {

struct KubeSourceOptions {
  std::string kubeconfig;              // --kubeconfig; "" -> KUBECONFIG, in-cluster, ~/.kube/config
  std::string context;                 // --context; "" -> current-context
  std::optional<ClientConfig> config;  // when set, used instead of resolving the two above
  std::vector<std::string> namespaces;  // --namespaces; empty = all namespaces
  Millis max_staleness{5 * 60 * 1000};  // --max-staleness
  Millis debounce{50};                  // batch changes for this long before rebuilding
  ClientOptions client;                 // timeouts, retries
  SarOptions sar;                       // SAR cache TTLs
  // Informer tuning (tests shorten these).
  int watch_timeout_seconds = 300;
  Millis retry_initial{500};
  Millis retry_max{30'000};
  Millis idle_timeout{0};  // 0: derived from watch_timeout_seconds
  Decoder decode;          // default model::decode_json
};

class KubeSource : public state::Source {
 public:
  ~KubeSource() override;
  std::shared_ptr<const state::Snapshot> current() const override;
  bool ready() const override;
  std::optional<model::Time> last_sync() const override;
  std::string not_ready_reason() const override;
  std::shared_ptr<const admission::Authorizer> authorizer() const override;

  // Every informer (for tests, metrics and logs).
  std::vector<const Informer*> informers() const;
  // Snapshots published so far.
  uint64_t generation() const;

 private:
  friend std::unique_ptr<state::Source> make_kube_source(const KubeSourceOptions&, Error*);
  struct Impl;
  // Creates the SAR authorizer and the informers over `client` and starts them.
  KubeSource(const KubeSourceOptions& options, std::shared_ptr<Client> client);
  std::unique_ptr<Impl> impl_;
};

// Resolves the configuration, creates the client and starts the informers. Returns nullptr
// and sets *error when the configuration is unusable (errors name the setting to fix). The
// source starts not ready; it becomes ready once every informer has synced.
std::unique_ptr<state::Source> make_kube_source(const KubeSourceOptions& options, Error* error);

}  // namespace freightgate::kube
