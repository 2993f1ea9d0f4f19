// JSON text written straight into a string, byte for byte what nlohmann::json::dump(-1, ' ',
// /*ensure_ascii=*/false, error_handler_t::replace) writes, without building a json value
// first (the webhook's response and log lines; measured in docs/benchmarks.md).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace freightgate::model {

// Appends `s` as a JSON string literal ("..." with ", \ and control characters escaped;
// invalid UTF-8 replaced by U+FFFD, as nlohmann's error_handler_t::replace does).
void append_json_string(std::string& out, std::string_view s);

// Appends `value` as compact JSON text.
void append_json(std::string& out, const nlohmann::json& value);

// `key` as a JSON Pointer reference token (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string json_pointer_token(std::string_view key);
// The same, appended to `out`.
void append_json_pointer_token(std::string& out, std::string_view key);

}  // namespace freightgate::model
