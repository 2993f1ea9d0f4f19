// Structured logs: one JSON object per line on stderr, via spdlog's pattern
//   {"time":"2026-11-27T10:00:00.123456Z","level":"info","msg":"...",<fields>}
// Field values are JSON-escaped; request bodies are never logged.
//
// Thread-safety: spdlog's *_mt logger; every function may be called from any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "freightgate/status.h"

namespace freightgate::webhook::log {

// Installs the JSON logger as spdlog's default. `level`: trace|debug|info|warn|error|off.
void setup(const std::string& level);

// One line: "msg" plus the members of `fields` (an object).
void event(spdlog::level::level_enum level, std::string_view msg,
           const nlohmann::json& fields = nlohmann::json::object());

// What one admission decision looked like, for its log line.
struct DecisionLine {
  std::string_view webhook;  // "mutate" | "validate"
  std::string_view uid, kind, namespace_, name, operation, user;
  std::string_view outcome;  // "allowed" | "denied" | "error"
  int code = 200;            // HTTP status, or status.code of a denial
  bool patched = false;
  std::chrono::nanoseconds latency{0};
  std::string_view message;  // denial / failure message ("" when allowed)
};
void decision(const DecisionLine& d);

}  // namespace freightgate::webhook::log
