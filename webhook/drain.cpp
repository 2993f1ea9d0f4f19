#include "drain.h"

#include <vector>

namespace freightgate::webhook {

void Drain::add(const std::shared_ptr<Drainable>& c) {
  std::lock_guard lock(mu_);
  live_[c.get()] = c;
}

void Drain::remove(const Drainable* c) {
  std::lock_guard lock(mu_);
  live_.erase(c);
}

std::size_t Drain::live() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

void Drain::begin() {
  draining.store(true);
  std::vector<std::shared_ptr<Drainable>> now;
  {
    std::lock_guard lock(mu_);
    for (auto& [p, w] : live_)
      if (auto s = w.lock()) now.push_back(std::move(s));
  }
  for (auto& s : now) s->drain();
}

}  // namespace freightgate::webhook
