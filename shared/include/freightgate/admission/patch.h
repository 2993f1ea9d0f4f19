// RFC 6902 JSON Patches between two documents, in the form kube-apiserver applies safely:
// the operations of nlohmann's json::diff (computed without its quadratic costs), so a patch
// never `add`s under a missing parent (kubernetes/kubernetes#90623: that is an InternalError that
// even failurePolicy Ignore does not forgive) and always turns `from` into exactly `to`. Both hold
// by construction (an add is a whole subtree under a parent `from` has); the tests apply every
// patch the rule sets make with apply_patch and with `kubectl patch` (not every request: that cost
// a quarter of a mutation).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "freightgate/status.h"

namespace freightgate::admission {

// The patch turning `from` into `to` (an empty array when they are equal).
nlohmann::json diff_patch(const nlohmann::json& from, const nlohmann::json& to);

// The same patch as compact JSON text, byte for byte diff_patch's dump(), without building it
// ("[]" when they are equal): what the mutating webhook sends.
std::string diff_patch_text(const nlohmann::json& from, const nlohmann::json& to);

// Applies `patch` to `doc` the way kube-apiserver does (evanphx/json-patch semantics for the
// operations json::diff emits): every `add` needs an existing parent, `remove`/`replace` an
// existing target. Errors name the failing operation.
Result<nlohmann::json> apply_patch(const nlohmann::json& doc, const nlohmann::json& patch);

}  // namespace freightgate::admission
