// The directory source (`--state dir:PATH`, the embedded default): every *.yaml, *.yml and
// *.json file under PATH (recursively, in sorted path order; hidden files and directories are
// skipped), each a multi-document stream, decoded into one Snapshot. Objects of kinds the
// snapshot does not hold are ignored. Errors name the file and line, e.g.
//   examples/guestbook/stages.yaml:14: Stage "prod": spec.requestedFreight[0].origin.name: required
// Two documents with the same kind/namespace/name are an error naming both places.
// Its authorizer() evaluates RBAC over the loaded Role/Binding objects (state/rbac.h).
//
// Thread-safety: current()/ready()/last_sync()/authorizer() are safe from any thread;
// reload() may run concurrently with them (readers see the old or the new state, never a mix).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "freightgate/model/decode.h"
#include "freightgate/state/rbac.h"
#include "freightgate/state/source.h"

namespace freightgate::state {

// Loads every object under `path` (a directory, or a single file). Unknown kinds are kept as
// model::Unknown (Snapshot::build ignores them).
Result<std::vector<model::AnyObject>> load_dir(const std::string& path,
                                               const model::ParseLimits& limits = {});

// "dir:PATH" -> PATH; anything else is an error that says what forms are accepted.
Result<std::string> parse_dir_spec(std::string_view spec);

class DirSource : public Source {
 public:
  // Loads `path` now. Fails (file:line) when any file does not parse or decode.
  static Result<std::shared_ptr<DirSource>> open(const std::string& path,
                                                 const model::ParseLimits& limits = {});

  // Loads the directory again. On error the previous state stays current (and ready).
  Status reload();

  std::shared_ptr<const Snapshot> current() const override;
  bool ready() const override;
  std::optional<model::Time> last_sync() const override;
  std::shared_ptr<const admission::Authorizer> authorizer() const override;
  const std::string& path() const { return path_; }

 private:
  DirSource(std::string path, model::ParseLimits limits);

  std::string path_;
  model::ParseLimits limits_;
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::shared_ptr<const RbacAuthorizer> authorizer_;
  std::optional<model::Time> last_sync_;
};

}  // namespace freightgate::state
