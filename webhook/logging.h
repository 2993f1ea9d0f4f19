// Structured logs: one JSON object per line on stderr, via spdlog's pattern
//   {"time":"2026-11-27T10:00:00.123456Z","level":"info","msg":"...",<fields>}
// Field values are JSON-escaped; request bodies are never logged.
//
// Thread-safety: every function may be called from any thread (a LineBatch acts on its own).
#pragma once

#include <chrono>
#include <functional>
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

// While a LineBatch lives, the lines logged on its thread are kept until the callback it gives
// `schedule` runs: an I/O thread passes "post it to my io_context", so the lines of one loop turn
// (several under load, one when idle) leave together right after the turn's handlers, in as few
// write(2)s as PIPE_BUF allows (and early past 64 KiB). Warnings and errors are written at once.
// Its destructor writes what is left; without one, each line is written as it is logged. (A
// crash loses the info lines of the turn it happens in: they were never written.)
class LineBatch {
 public:
  explicit LineBatch(std::function<void(void (*)())> schedule);
  ~LineBatch();
  LineBatch(const LineBatch&) = delete;
  LineBatch& operator=(const LineBatch&) = delete;
};

}  // namespace freightgate::webhook::log
