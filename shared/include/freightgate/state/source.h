// Where snapshots come from. `state/` is the only part that knows: `dir:PATH` (the embedded
// default, dir_source.h) and `kube` (informers, kube/). Both hand out the same Snapshot type.
//
// Thread-safety: current()/ready()/last_sync() may be called from any thread at any time.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "freightgate/admission/authorizer.h"
#include "freightgate/state/snapshot.h"

namespace freightgate::state {

class Source {
 public:
  virtual ~Source() = default;
  // The newest complete snapshot; never a half-applied one. Null until the first sync.
  virtual std::shared_ptr<const Snapshot> current() const = 0;
  // True once every input has synced and none has been stale for longer than allowed.
  virtual bool ready() const = 0;
  // When the state was last known to be complete and current.
  virtual std::optional<model::Time> last_sync() const = 0;
  // Human-readable reason when not ready ("" when ready).
  virtual std::string not_ready_reason() const { return ready() ? "" : "state not loaded"; }
  // The authorizer that goes with this source (RBAC over the snapshot, or SAR).
  virtual std::shared_ptr<const admission::Authorizer> authorizer() const = 0;
};

}  // namespace freightgate::state
