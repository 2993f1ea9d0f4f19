// The pins of a stage's Argo CD Application (docs/internals.md): what "this Application runs
// Freight F" means, written into the Application so that Argo CD's manifest cache, the CMP and
// the admission webhook all see the same thing:
//   - annotation freightgate.io/freight = F's name;
//   - freightgate plugin sources: env FREIGHT, STAGE, PROJECT, IMAGES, COMMITS, CHARTS, in that
//     order, empty ones omitted, other env entries kept after them;
//   - every source whose normalised repoURL matches one of F's commits: targetRevision = its id;
//     every Helm chart source matching one of F's charts: targetRevision = its version;
//   - kustomize-type sources: kustomize.images gets `repoURL:tag@digest` for each of F's images
//     (entries for other images are kept).
// Validation is "pin_application(app, F) == app": the pins are exactly one Freight's expansion.
// Requests are read as views (model/json_view.h): sources_pinned checks the pins on the view,
// pin_overlay writes them over it for the mutation's patch (overlay_patch.h), and only a
// validation's mismatch builds pinned_members(app), what the pins may change, as nlohmann::json
// to be explained.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "freightgate/admission/overlay_patch.h"
#include "freightgate/model/json_view.h"
#include "freightgate/model/kargo.h"
#include "freightgate/status.h"

namespace freightgate::admission {

inline constexpr const char* kPluginName = "freightgate";
inline constexpr const char* kAuthorizedStageKey = "kargo.akuity.io/authorized-stage";
inline constexpr const char* kFreightKey = "freightgate.io/freight";
inline constexpr const char* kPromotedByKey = "freightgate.io/promoted-by";
inline constexpr const char* kPromotedAtKey = "freightgate.io/promoted-at";
inline constexpr const char* kPreviousFreightKey = "freightgate.io/previous-freight";

// `<project>:<stage>` from kargo.akuity.io/authorized-stage.
struct StageRef {
  std::string project;
  std::string stage;
  bool operator==(const StageRef&) const = default;
  std::string str() const { return project + ":" + stage; }
};

// The stage an Application is authorized for: nullopt when the annotation is absent or empty
// (not governed); an error when it is not a single `<project>:<stage>`.
Result<std::optional<StageRef>> authorized_stage(model::JsonView app);

// metadata.annotations[key] of `app` ("" when absent or not a string).
std::string_view annotation(model::JsonView app, std::string_view key);

// Pin values as the CMP reads them (internals.md).
std::string images_pin(const model::Freight& f);   // IMAGES
std::string commits_pin(const model::Freight& f);  // COMMITS
std::string charts_pin(const model::Freight& f);   // CHARTS

// The members of `app` that pin_application and the promotion stamps write, in their places:
// the freightgate.io annotations (kFreightKey, kPromotedByKey, kPromotedAtKey,
// kPreviousFreightKey; the annotations as they are when they are not an object) and
// spec.source / spec.sources (metadata and spec as they are when they are not objects). The pins
// of this are the pins of the whole `app`, and so are the differences and the JSON Patch
// between them: every other member is the same on both sides. (Other annotations are left out:
// kubectl's last-applied-configuration alone can be the size of the whole Application.)
nlohmann::json pinned_members(model::JsonView app);

// `app` with every pin set for `f` (see above). Audit annotations are not touched.
nlohmann::json pin_application(const nlohmann::json& app, const model::Freight& f,
                               const StageRef& stage);

// pin_application(pinned_members(app), f, stage) as an Overlay over `app` (an object): the
// members it lists are those pin_application writes, so overlay_patch_text(app, it) is
// diff_patch_text(pinned_members(app), pin_application(...)). The mutating webhook's patch,
// without building either side.
Overlay pin_overlay(model::JsonView app, const model::Freight& f, const StageRef& stage);

// Whether every source of `app` already carries the pins pin_application writes for `f` (its
// targetRevision, plugin env and kustomize images), read off the view without building
// anything: pin_application(pinned_members(app), f, stage) differs from pinned_members(app) in
// spec exactly when this is false. (The freightgate.io/freight annotation is the caller's to
// check: a request may name the Freight by alias.) The validating webhook's fast path; a
// mismatch is explained by first_difference on the built members.
bool sources_pinned(model::JsonView app, const model::Freight& f, const StageRef& stage);

// Where a request for Freight was made, and what it asked for (name or alias).
struct FreightRequestKey {
  std::string key;    // as written
  std::string field;  // e.g. `metadata.annotations["freightgate.io/freight"]`
};

// The Freight an Application asks for: the freightgate.io/freight annotation, unless a plugin
// env FREIGHT is what changed against `old` (an edit in the Argo CD UI), then that. nullopt
// when neither is set.
std::optional<FreightRequestKey> requested_freight(model::JsonView app, model::JsonView old);

// The resolved Freight name an Application pins (annotation, else env FREIGHT), "" if none.
std::string pinned_freight(model::JsonView app);

// The first place where `a` and `b` differ, as a kubectl-style field path
// (`spec.sources[1].targetRevision`); "" when equal.
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b,
                             const std::string& path = "");

// The application's sources as (field path, source) pairs: spec.source and spec.sources[i].
std::vector<std::pair<std::string, model::JsonView>> application_sources(model::JsonView app);

}  // namespace freightgate::admission
