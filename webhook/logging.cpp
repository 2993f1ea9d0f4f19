#include "logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/sink.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <memory>
#include <mutex>

#include "freightgate/model/json_writer.h"

namespace freightgate::webhook::log {

namespace {

// stderr, one write(2) per line and no lock shared by the threads: spdlog's stderr sink holds a
// process-wide mutex across the write, and the worker threads queued on it (a futex wait and
// wake on most requests under load). A line up to PIPE_BUF bytes is written whole by one
// write(2) to a pipe, and the kernel serialises writes to a file; longer lines take a lock.
// Each thread formats with its own copy of the formatter (spdlog's is not thread-safe).
class StderrLines final : public spdlog::sinks::sink {
 public:
  void log(const spdlog::details::log_msg& msg) override {
    struct Mine {
      const StderrLines* sink = nullptr;
      unsigned generation = 0;
      std::unique_ptr<spdlog::formatter> formatter;
      spdlog::memory_buf_t buf;
    };
    thread_local Mine mine;
    if (mine.sink != this || mine.generation != generation_.load()) {
      std::lock_guard lock(mu_);
      mine.formatter = formatter_->clone();
      mine.generation = generation_.load();
      mine.sink = this;
    }
    mine.buf.clear();
    mine.formatter->format(msg, mine.buf);
    if (mine.buf.size() <= PIPE_BUF) return write_all(mine.buf.data(), mine.buf.size());
    std::lock_guard lock(mu_);
    write_all(mine.buf.data(), mine.buf.size());
  }
  void flush() override {}  // nothing is buffered
  void set_pattern(const std::string& pattern) override {
    set_formatter(std::make_unique<spdlog::pattern_formatter>(pattern));
  }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    std::lock_guard lock(mu_);
    formatter_ = std::move(formatter);
    generation_.fetch_add(1);
  }

 private:
  static void write_all(const char* p, std::size_t n) {
    while (n > 0) {
      ssize_t w = ::write(STDERR_FILENO, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return;  // stderr is gone: nowhere left to say so
      p += w;
      n -= static_cast<std::size_t>(w);
    }
  }

  std::mutex mu_;
  std::unique_ptr<spdlog::formatter> formatter_ = std::make_unique<spdlog::pattern_formatter>();
  std::atomic<unsigned> generation_{0};
};

}  // namespace

void setup(const std::string& level) {
  auto logger =
      std::make_shared<spdlog::logger>("freightgate-webhook", std::make_shared<StderrLines>());
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

void event(spdlog::level::level_enum level, std::string_view msg, const nlohmann::json& fields) {
  if (!spdlog::should_log(level)) return;
  std::string rest = fields.is_object() && !fields.empty() ? fields.dump() : std::string("{}");
  // `{"a":1}` -> `,"a":1`; `{}` -> ``.
  rest = rest.size() > 2 ? "," + rest.substr(1, rest.size() - 2) : std::string();
  spdlog::log(level, "\"msg\":{}{}", nlohmann::json(std::string(msg)).dump(), rest);
}

void decision(const DecisionLine& d) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  // The fields written into one buffer (a line per request: no string per field).
  thread_local std::string line;
  line.assign(R"("msg":"admission")");
  auto field = [](const char* key, std::string_view value) {
    line += ",\"";
    line += key;
    line += "\":";
    model::append_json_string(line, value);
  };
  field("webhook", d.webhook);
  field("uid", d.uid);
  field("kind", d.kind);
  field("namespace", d.namespace_);
  field("name", d.name);
  field("operation", d.operation);
  field("user", d.user);
  line += d.outcome == "allowed" ? R"(,"allowed":true)" : R"(,"allowed":false)";
  field("outcome", d.outcome);
  line += ",\"code\":" + std::to_string(d.code);
  line += d.patched ? R"(,"patched":true)" : R"(,"patched":false)";
  char ms[32];
  auto r = std::to_chars(ms, ms + sizeof ms,
                         std::chrono::duration<double, std::milli>(d.latency).count(),
                         std::chars_format::fixed, 3);
  line += ",\"latency_ms\":";
  line.append(ms, r.ptr);
  if (!d.message.empty()) field("message", d.message);
  spdlog::info("{}", line);
}

}  // namespace freightgate::webhook::log
