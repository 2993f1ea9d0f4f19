// JSON text -> nlohmann::json, parsed by simdjson (several times faster than nlohmann's own
// parser on Kubernetes objects) and able to leave out members nobody reads, such as a live
// Argo CD Application's status, without building them.
//
// Strict RFC 8259: one value, valid UTF-8, no comments, NaN or trailing commas. Numbers follow
// nlohmann's typing (unsigned without '-', signed with it, double with a fraction or exponent);
// a duplicate key keeps its last value, as Go's encoding/json does; an integer beyond 64 bits
// becomes a double, as in Go's encoding/json.
//
// Thread-safety: read_json is reentrant.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "freightgate/model/json_view.h"
#include "freightgate/status.h"

namespace freightgate::model {

// Asked for each object member at most `skip_depth` levels deep: `path` holds the keys from
// the root to the member ("[]" for an array level), `so_far` the document read so far (members
// that come earlier in the text are complete). True leaves the member out of the result; its
// value is still checked for well-formedness. `skip` must not call read_json itself.
using SkipMember =
    std::function<bool(std::span<const std::string> path, const nlohmann::json& so_far)>;

struct JsonReadOptions {
  SkipMember skip;              // empty: keep everything
  std::size_t skip_depth = 0;   // deepest member `skip` is asked about (1 = root members)
  std::size_t max_depth = 512;  // deeper nesting is an error, never a stack overflow
};

// The parsed value, or an Error whose message says what is wrong and where.
Result<nlohmann::json> read_json(std::string_view text, const JsonReadOptions& options = {});

// `value` (and what it holds) as nlohmann::json, with options.skip asked about its members
// (`path` from `value`); absent -> null. An error only when nested deeper than max_depth.
Result<nlohmann::json> build_json(JsonView value, const JsonReadOptions& options = {});

}  // namespace freightgate::model
