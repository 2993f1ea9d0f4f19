// Graceful shutdown bookkeeping: the draining flag and the set of live connections, so that
// SIGTERM can turn readiness off, let in-flight requests finish (their responses carry
// `Connection: close`), close idle keep-alive connections at once, and tell when the last
// connection is gone.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace freightgate::webhook {

// A connection that can be asked to wind down (on its own strand).
class Drainable {
 public:
  virtual ~Drainable() = default;
  // Close now if idle; otherwise finish the current request and close after its response.
  virtual void drain() = 0;
};

class Drain {
 public:
  std::atomic<bool> draining{false};

  void add(const std::shared_ptr<Drainable>& c);
  void remove(const Drainable* c);
  std::size_t live() const;

  // Sets `draining` and asks every live connection to drain. Idempotent.
  void begin();

 private:
  mutable std::mutex mu_;
  std::unordered_map<const Drainable*, std::weak_ptr<Drainable>> live_;
};

}  // namespace freightgate::webhook
