// Builders for Stage and Freight values in pipeline tests (no decoding involved).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "freightgate/model/kargo.h"

namespace fgtest {

using namespace freightgate;
using namespace std::chrono_literals;

inline model::FreightRequest request(std::string warehouse, std::vector<std::string> upstream,
                                     bool direct = false) {
  model::FreightRequest r;
  r.origin = FreightOrigin{"Warehouse", std::move(warehouse)};
  r.sources.stages = std::move(upstream);
  r.sources.direct = direct;
  return r;
}

inline model::Stage stage(std::string name, std::vector<model::FreightRequest> reqs,
                          std::string ns = "guestbook") {
  model::Stage s;
  s.apiVersion = "kargo.akuity.io/v1alpha1";
  s.kind = "Stage";
  s.metadata.name = std::move(name);
  s.metadata.namespace_ = std::move(ns);
  s.requestedFreight = std::move(reqs);
  return s;
}

inline model::Freight freight(std::string name, std::string warehouse = "guestbook",
                              std::string ns = "guestbook") {
  model::Freight f;
  f.apiVersion = "kargo.akuity.io/v1alpha1";
  f.kind = "Freight";
  f.metadata.name = std::move(name);
  f.metadata.namespace_ = std::move(ns);
  f.origin = FreightOrigin{"Warehouse", std::move(warehouse)};
  return f;
}

// A fixed "now" for tests: 2026-11-26T10:00:00Z.
inline model::Time test_now() { return model::Time{} + std::chrono::seconds(1795687200); }

}  // namespace fgtest
