// The Argo CD side of freightgate-cmp: turning the environment argocd-cmp-server gives a plugin
// command (reference argocd-cmp.md §2.3) into a render::Request, and the dynamic parameter
// announcements.
//
// Inputs:
//  - cwd: the app path inside the fresh repository copy. The repository root is cwd with
//    ARGOCD_APP_SOURCE_PATH's components removed (FG_REPO_ROOT, a sidecar variable, overrides).
//  - pins: ARGOCD_ENV_FREIGHT and ARGOCD_ENV_STAGE (required), ARGOCD_ENV_IMAGES (optional;
//    comma list, internals.md).
//  - ARGOCD_APP_PARAMETERS: JSON array (or the literal `null`, or absent) of
//    {name, string|array|map}. Known names: values-files (array), helm-parameters (map),
//    release-name, renderer (auto|kustomize|helm|directory), stamp, fail-on-unmatched-pin,
//    fail-on-floating-image (strings "true"/"false"). Unknown names are errors (typos).
//  - ARGOCD_APP_NAME (release name default, without an `ns_` prefix), ARGOCD_APP_NAMESPACE,
//    KUBE_VERSION, KUBE_API_VERSIONS.
// PARAM_* variables are ignored: their names collide (reference §2.3).
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>

#include "freightgate/render/render.h"
#include "freightgate/status.h"

namespace freightgate::render {

using Env = std::map<std::string, std::string>;

// The repository root for `cwd` (absolute, symlinks resolved by the caller) and the env.
Result<std::string> repo_root_from_env(const Env& env, const std::string& cwd);

Result<Request> request_from_env(const Env& env, const std::string& cwd);

// The dynamic parameter announcements (JSON array) the UI shows: pinned Freight, stage,
// images, and the parameters the plugin understands with their current values.
Result<std::string> announcements(const Env& env);

}  // namespace freightgate::render
