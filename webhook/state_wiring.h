// Opens the state source named by --state and keeps a directory source current: `dir:PATH`
// is re-read when any file under PATH changes (checked every second; a load error keeps the
// previous state and is logged), so edits to the directory act like writes to a cluster.
// `kube` uses the Kubernetes informers when this build has them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "flags.h"
#include "freightgate/state/source.h"

namespace freightgate::webhook {

struct OpenedState {
  std::shared_ptr<state::Source> source;
  std::function<void()> poll;  // call periodically (cheap when nothing changed)
};

Result<OpenedState> open_state(const Flags& flags);

}  // namespace freightgate::webhook
