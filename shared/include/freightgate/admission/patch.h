// RFC 6902 JSON Patches between two documents, in the form kube-apiserver applies safely:
// the operations of nlohmann's json::diff (computed without its quadratic costs), checked, so a
// patch never `add`s under a missing parent (kubernetes/kubernetes#90623: that is an InternalError
// that even failurePolicy Ignore does not forgive) and always turns `from` into exactly `to`.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "freightgate/status.h"

namespace freightgate::admission {

// The patch turning `from` into `to` (an empty array when they are equal). Fails only if the
// generated patch would not apply cleanly, which is a bug worth a 500 rather than a bad patch.
Result<nlohmann::json> diff_patch(const nlohmann::json& from, const nlohmann::json& to);

// Applies `patch` to `doc` the way kube-apiserver does (evanphx/json-patch semantics for the
// operations json::diff emits): every `add` needs an existing parent, `remove`/`replace` an
// existing target. Errors name the failing operation.
Result<nlohmann::json> apply_patch(const nlohmann::json& doc, const nlohmann::json& patch);

}  // namespace freightgate::admission
