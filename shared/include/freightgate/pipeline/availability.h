// Whether a piece of Freight is available to a Stage, exactly per Kargo v1.11's
// Stage.IsFreightAvailable (reference kargo-api.md §5), with the reasons when it is not.
//
// Available iff the namespaces are equal and, for some requestedFreight[i] whose origin equals
// the Freight's origin, one of:
//   1. status.approvedFor[<stage>] exists (approval overrides verification and soak);
//   2. sources.direct is true;
//   3. availabilityStrategy "All": the Freight is verified and soaked in EVERY upstream Stage;
//   4. otherwise ("" or "OneOf"): verified and soaked in SOME upstream Stage.
// "Soaked in U" = requiredSoakTime unset, or longest_soak(U) >= requiredSoakTime, where
// longest_soak(U) = 0 when not verified in U, else max(verifiedIn[U].longestSoak,
// now - currentlyIn[U].since) (Kargo's Freight.GetLongestSoak).
//
// Deliberate choice: with "All" and an empty `stages` list (and not direct) the Freight is NOT
// available (no upstream vouches for it).
//
// The clock is injected: pass `now`.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "freightgate/model/kargo.h"

namespace freightgate::pipeline {

struct Availability {
  bool available = false;
  enum class Via { None, Approved, Direct, Upstream };
  Via via = Via::None;
  // The request that matched the Freight's origin (index into spec.requestedFreight), -1 if none.
  int request = -1;
  // Upstream Stages whose verification (and soak) made the Freight available.
  std::vector<std::string> satisfied_by;
  // Why not (empty when available): one line per blocking condition, e.g.
  //   not verified in upstream Stage "dev"
  //   soaked 40m of the required 1h in upstream Stage "staging" (20m to go)
  std::vector<std::string> reasons;
  // What the user can do about it, e.g.
  //   verify it in "staging" and let it soak 1h there, or approve it for "prod"
  std::string way_out;

  // One sentence: `Freight "x" is not available to Stage "prod": <reasons>; <way out>`, or
  // `Freight "x" is available to Stage "prod" (approved)`.
  std::string explain(const model::Freight& f, const model::Stage& s) const;
};

// Kargo's Freight.IsVerifiedIn.
bool is_verified_in(const model::Freight& f, const std::string& stage);
// Kargo's Freight.IsApprovedFor.
bool is_approved_for(const model::Freight& f, const std::string& stage);
// Kargo's Freight.GetLongestSoak at time `now`.
model::Duration longest_soak(const model::Freight& f, const std::string& stage, model::Time now);

// The decision with its reasons.
Availability freight_availability(const model::Stage& stage, const model::Freight& freight,
                                  model::Time now);
// Just the decision (Kargo's Stage.IsFreightAvailable).
bool is_freight_available(const model::Stage& stage, const model::Freight& freight,
                          model::Time now);

// Compact human duration: "1h", "40m", "1h30m", "59m59.999s", "250ms", "0s".
std::string human_duration(model::Duration d);

}  // namespace freightgate::pipeline
