// Building decisions: the few shapes a rule set returns. Keeps every rule set's responses
// consistent with the wire contract (reference admission-webhooks.md §1.2, §2.3).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/admission/engine.h"
#include "freightgate/admission/overlay_patch.h"

namespace freightgate::admission {

// Allowed, no patch.
Decision allow(const RequestInfo& req, std::vector<std::string> warnings = {});

// Denied: allowed=false, code 403, reason Forbidden, `message` as kubectl will print it after
// `admission webhook "<name>" denied the request: `.
Decision deny(const RequestInfo& req, std::string message);

// Allowed with the JSON Patch that turns req.object into `desired` (diff_patch: json::diff's
// operations), checked so that it never adds under a missing parent. An empty diff is a plain
// allow.
Decision mutate_to(const AdmissionRequest& req, const nlohmann::json& desired,
                   std::vector<std::string> warnings = {});
// The same with the patch turning `from` (req.object, or the part of it that differs from
// `desired`) into `desired`.
Decision patch_decision(const RequestInfo& req, const nlohmann::json& from,
                        const nlohmann::json& desired, std::vector<std::string> warnings = {});
// The same with the patch turning the view `from` into the Overlay `desired` (overlay_patch.h).
Decision patch_decision(const RequestInfo& req, model::JsonView from, const Overlay& desired);

// No decision possible: HTTP 500 (Internal) or 400 (BadRequest).
Decision fail(const RequestInfo& req, FailureKind kind, std::string message);

// Warnings must be short and free of control characters: trims to 120 chars, replaces
// newlines/tabs with spaces.
std::string clean_warning(std::string w);

}  // namespace freightgate::admission
