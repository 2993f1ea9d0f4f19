#include "logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/sink.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "freightgate/model/json_writer.h"

namespace freightgate::webhook::log {

namespace {

// stderr without a lock the threads wait on: spdlog's stderr sink holds a process-wide mutex
// across the write, and the worker threads queued on it (a futex wait and wake on most requests
// under load). Up to PIPE_BUF bytes are written whole by one write(2) to a pipe, and the kernel
// serialises writes to a file; so lines go out in chunks of whole lines up to PIPE_BUF, under a
// shared lock, and a longer line (which a pipe may split) under the exclusive one, so that no
// chunk lands inside it. Each thread formats with its own copy of the formatter (spdlog's is not
// thread-safe), and an I/O thread keeps its lines until its loop turn ends (LineBatch).

std::shared_mutex long_lines;

void write_all(const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(STDERR_FILENO, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // stderr is gone: nowhere left to say so
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Writes whole lines (`text` ends with one), as few write(2)s as PIPE_BUF allows.
void write_lines(std::string_view text) {
  while (!text.empty()) {
    std::size_t end = text.size() <= PIPE_BUF ? text.size() : text.rfind('\n', PIPE_BUF - 1) + 1;
    if (end == 0) {  // one line longer than PIPE_BUF
      end = text.find('\n');
      end = end == std::string_view::npos ? text.size() : end + 1;
      std::unique_lock lock(long_lines);
      write_all(text.data(), end);
    } else {
      std::shared_lock lock(long_lines);
      write_all(text.data(), end);
    }
    text.remove_prefix(end);
  }
}

// The lines of this thread's loop turn, while a LineBatch lives on it.
struct Batch {
  std::function<void(void (*)())> schedule;  // empty: no batching, each line written at once
  bool posted = false;                       // a write_posted is on its way
  std::string lines;
  ~Batch() { write_lines(lines); }
};
thread_local Batch batch;

void write_batch() {
  write_lines(batch.lines);
  batch.lines.clear();
}

void write_posted() {
  batch.posted = false;
  write_batch();
}

// Beyond this, a turn's lines are written without waiting for its end.
constexpr std::size_t kBatchBytes = 64 * 1024;

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
    batch.lines.append(mine.buf.data(), mine.buf.size());
    // Warnings and errors are written at once (with the lines before them, in order).
    if (!batch.schedule || msg.level >= spdlog::level::warn || batch.lines.size() >= kBatchBytes)
      return write_batch();
    if (batch.posted) return;
    try {
      batch.schedule(&write_posted);
    } catch (...) {
      write_batch();  // no write on its way: not kept until some later line
      throw;
    }
    batch.posted = true;
  }
  void flush() override { write_batch(); }
  void set_pattern(const std::string& pattern) override {
    set_formatter(std::make_unique<spdlog::pattern_formatter>(pattern));
  }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    std::lock_guard lock(mu_);
    formatter_ = std::move(formatter);
    generation_.fetch_add(1);
  }

 private:
  std::mutex mu_;
  std::unique_ptr<spdlog::formatter> formatter_ = std::make_unique<spdlog::pattern_formatter>();
  std::atomic<unsigned> generation_{0};
};

}  // namespace

LineBatch::LineBatch(std::function<void(void (*)())> schedule) {
  write_batch();
  batch.schedule = std::move(schedule);
  batch.posted = false;
}

LineBatch::~LineBatch() {
  batch.schedule = nullptr;
  batch.posted = false;
  write_batch();
}

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
