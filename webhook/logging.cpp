#include "logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include "freightgate/model/json_writer.h"

namespace freightgate::webhook::log {

void setup(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("freightgate-webhook");
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

void event(spdlog::level::level_enum level, std::string_view msg, const nlohmann::json& fields) {
  if (!spdlog::should_log(level)) return;
  std::string rest = fields.is_object() && !fields.empty() ? fields.dump() : std::string("{}");
  // `{"a":1}` -> `,"a":1`; `{}` -> ``.
  rest = rest.size() > 2 ? "," + rest.substr(1, rest.size() - 2) : std::string();
  spdlog::log(level, "\"msg\":{}{}", nlohmann::json(std::string(msg)).dump(), rest);
}

namespace {
std::string q(std::string_view s) {
  std::string out;
  model::append_json_string(out, s);
  return out;
}
}  // namespace

void decision(const DecisionLine& d) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  spdlog::info(
      "\"msg\":\"admission\",\"webhook\":{},\"uid\":{},\"kind\":{},\"namespace\":{},\"name\":{},"
      "\"operation\":{},\"user\":{},\"allowed\":{},\"outcome\":{},\"code\":{},\"patched\":{},"
      "\"latency_ms\":{:.3f}{}{}",
      q(d.webhook), q(d.uid), q(d.kind), q(d.namespace_), q(d.name), q(d.operation), q(d.user),
      d.outcome == "allowed" ? "true" : "false", q(d.outcome), d.code, d.patched ? "true" : "false",
      std::chrono::duration<double, std::milli>(d.latency).count(),
      d.message.empty() ? "" : ",\"message\":", d.message.empty() ? "" : q(d.message));
}

}  // namespace freightgate::webhook::log
