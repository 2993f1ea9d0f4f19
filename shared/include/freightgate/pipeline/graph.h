// The stage graph of one project: which Stage takes Freight of which origin from which
// upstream Stages (spec.requestedFreight[].sources.stages).
//
// build() never fails; it records every problem as an Error naming the Stage and the field:
//   - an upstream Stage that does not exist in the project
//       Stage "prod": spec.requestedFreight[0].sources.stages[0]: upstream Stage "stagin" ...
//   - the same origin requested twice by one Stage
//   - a Stage defined twice
//   - a cycle among the Stages that pass Freight of one origin (Kargo does not detect these),
//     with the cycle path in the message:
//       ... cycle in the Warehouse/guestbook pipeline: staging -> prod -> staging ...
// Errors are ordered by Stage name, then field path, so output is deterministic.
//
// Thread-safety: immutable after build(); safe to share.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "freightgate/freight/artifacts.h"
#include "freightgate/model/kargo.h"
#include "freightgate/status.h"

namespace freightgate::pipeline {

// One edge: `to` takes Freight of `origin` from `from`, declared at
// spec.requestedFreight[request].sources.stages[index] of `to`.
struct Edge {
  std::string from;
  std::string to;
  FreightOrigin origin;
  size_t request = 0;
  size_t index = 0;
};

class StageGraph {
 public:
  // `stages` are the Stages of one project (one namespace).
  static StageGraph build(const std::vector<model::Stage>& stages);

  // Every problem found, in deterministic order. Empty for a sound pipeline.
  const std::vector<Error>& errors() const { return errors_; }

  bool has(const std::string& stage) const { return stages_.count(stage) > 0; }
  // The Stage named `stage`, or nullptr.
  const model::Stage* stage(const std::string& stage) const;
  // Stage names, sorted.
  std::vector<std::string> names() const;

  // Stages that take Freight from `stage` directly (any origin), sorted, unique.
  std::vector<std::string> downstream(const std::string& stage) const;
  // ... only for Freight of `origin`.
  std::vector<std::string> downstream(const std::string& stage, const FreightOrigin& origin) const;
  // Stages `stage` takes Freight from directly (any origin), sorted, unique.
  std::vector<std::string> upstream(const std::string& stage) const;
  // Every Stage reachable downstream of `stage` (transitively), sorted; `stage` excluded.
  std::vector<std::string> all_downstream(const std::string& stage) const;

  const std::vector<Edge>& edges() const { return edges_; }

  // Stages in an order where every upstream comes before its downstream Stages (ties by
  // name). Stages on a cycle are appended at the end in name order.
  std::vector<std::string> topological_order() const;

 private:
  std::map<std::string, model::Stage> stages_;
  std::vector<Edge> edges_;  // only edges between existing Stages
  std::vector<Error> errors_;
};

// Groups `stages` by namespace and builds one graph per project.
std::map<std::string, StageGraph> build_project_graphs(const std::vector<model::Stage>& stages);

}  // namespace freightgate::pipeline
