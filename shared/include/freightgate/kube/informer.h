// An informer keeps a local copy of one resource collection in sync with the API server:
// list (paginated), then watch from the list's resourceVersion with bookmarks.
//
// - ADDED/MODIFIED replace an object, DELETED removes it, BOOKMARK only advances the
//   resourceVersion. Each event is applied under the store lock: readers see whole events.
// - 410 Gone / "Expired" (as an HTTP status or an ERROR watch event) -> full relist; the new
//   list is built aside and swapped in at once, so a reader never sees half a relist.
// - A dropped connection or a server-side timeout -> watch again from the last resourceVersion.
// - 404 (the CRD is not installed yet), 401/403, 5xx, 429 -> retry with backoff; the informer
//   stays not-synced (if it never listed) and reports why in status().
// - Objects are trimmed before decoding (managedFields, last-applied-configuration; for
//   Applications the status except health, sync status/revision and operationState.phase).
//
// Thread-safety: start()/stop() from one owner thread; everything else from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/kube/client.h"
#include "freightgate/model/decode.h"

namespace freightgate::kube {

// One API resource, e.g. {"kargo.akuity.io", "v1alpha1", "stages", "Stage", true}.
struct ResourceType {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string plural;   // "namespaces"
  std::string kind;     // "Namespace"
  bool namespaced = true;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "kargo.akuity.io/v1alpha1 stages"
  std::string display() const { return api_version() + " " + plural; }
  // "/apis/kargo.akuity.io/v1alpha1[/namespaces/ns]/stages"
  std::string collection_path(const std::string& namespace_) const;
};

// The kinds `--state kube` watches: namespaces; kargo projects, projectconfigs, warehouses,
// freights, stages, promotions; freightgate promotionpolicies; argoproj applications.
const std::vector<ResourceType>& watched_resources();

// The watched resource of `kind` ("Stage" -> kargo.akuity.io/v1alpha1 stages); nullptr for a
// kind not watched.
const ResourceType* watched_resource_of_kind(std::string_view kind);

// Removes what decisions never read, keeping memory proportional to what matters.
void trim_object(const ResourceType& type, nlohmann::json& object);

using Decoder = std::function<Result<model::AnyObject>(const nlohmann::json&)>;

struct InformerOptions {
  ResourceType type;
  std::string namespace_;           // "" = all namespaces (or cluster-scoped)
  Decoder decode;                   // required, e.g. model::decode_json (kube_source passes it)
  int64_t page_size = 500;          // list ?limit=
  int watch_timeout_seconds = 300;  // server-side ?timeoutSeconds= (randomised up to 2x)
  Millis idle_timeout{0};           // no bytes for this long -> reconnect; 0: timeout + 30s
  Millis retry_initial{500};        // backoff after a failure, doubling, with jitter
  Millis retry_max{30'000};
  std::function<void()> on_change;  // called after every applied change (no lock held)
};

struct InformerStats {
  uint64_t lists = 0;    // successful complete lists
  uint64_t watches = 0;  // watch streams opened (HTTP 200)
  uint64_t events = 0;   // ADDED/MODIFIED/DELETED applied
  uint64_t bookmarks = 0;
  uint64_t relists = 0;   // lists caused by 410 Gone/Expired
  uint64_t failures = 0;  // failed list/watch attempts
  uint64_t decode_errors = 0;
};

class Informer {
 public:
  Informer(std::shared_ptr<Client> client, InformerOptions options);
  ~Informer();  // stops
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void start();
  void stop();  // interrupts a running list/watch and joins

  // Listed completely at least once.
  bool synced() const;
  // When the watch went down (or the first list started failing); nullopt while healthy.
  std::optional<model::Time> down_since() const;
  // "" while healthy, else the last failure, e.g. "GET ...: 404 Not Found: ... (is the CRD
  // installed?)".
  std::string status() const;
  std::string resource_version() const;
  InformerStats stats() const;
  const InformerOptions& options() const { return options_; }
  // "kargo.akuity.io/v1alpha1 stages in guestbook"
  std::string name() const;

  // Copies of all held objects, in key order.
  void collect(std::vector<model::AnyObject>* out) const;
  size_t size() const;
  // The held object (namespace/name or name) or nullptr.
  std::shared_ptr<const model::AnyObject> get(const std::string& key) const;

 private:
  using Store = std::map<std::string, std::shared_ptr<const model::AnyObject>>;
  enum class WatchResult { Rewatch, Relist, Failed, Stopped };

  void run();
  bool list();  // false on failure (status set)
  WatchResult watch();
  bool apply_event(const nlohmann::json& event, WatchResult* result);
  std::shared_ptr<const model::AnyObject> decode(nlohmann::json object, std::string* key);
  void fail(const std::string& why);
  void healthy();
  void backoff_wait();
  void changed();

  std::shared_ptr<Client> client_;
  InformerOptions options_;
  mutable std::mutex mu_;
  Store store_;
  std::string rv_;
  bool synced_ = false;
  std::optional<model::Time> down_since_;
  std::string status_;
  InformerStats stats_;
  int consecutive_failures_ = 0;

  std::atomic<bool> stopping_{false};
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  std::unique_ptr<Cancel> cancel_;
  std::thread thread_;
};

}  // namespace freightgate::kube
