// `--state kube`: informers -> debounced immutable snapshots; SAR authorizer.
#include "freightgate/kube/kube_source.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace freightgate::kube {

struct KubeSource::Impl {
  KubeSourceOptions options;
  std::shared_ptr<Client> client;
  std::shared_ptr<const SarAuthorizer> sar;
  std::vector<std::unique_ptr<Informer>> informers;

  mutable std::mutex snap_mu;
  std::shared_ptr<const state::Snapshot> snapshot;
  uint64_t generation = 0;

  std::mutex mu;
  std::condition_variable cv;
  bool dirty = false;
  bool stopping = false;
  std::thread builder;

  void notify() {
    {
      std::lock_guard<std::mutex> lock(mu);
      dirty = true;
    }
    cv.notify_all();
  }

  bool all_synced() const {
    for (const auto& i : informers)
      if (!i->synced()) return false;
    return true;
  }

  void build_loop() {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      cv.wait(lock, [&] { return dirty || stopping; });
      if (stopping) return;
      // Batch: let a burst of events (or the other informers' first lists) land first.
      cv.wait_for(lock, options.debounce, [&] { return stopping; });
      if (stopping) return;
      dirty = false;
      lock.unlock();
      if (all_synced()) {
        std::vector<model::AnyObject> objects;
        for (const auto& i : informers) i->collect(&objects);
        auto snap = state::Snapshot::build(std::move(objects));
        {
          std::lock_guard<std::mutex> slock(snap_mu);
          snapshot = std::move(snap);
          ++generation;
        }
      }
      lock.lock();
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
    }
    cv.notify_all();
    for (auto& i : informers) i->stop();
    if (builder.joinable()) builder.join();
  }
};

KubeSource::~KubeSource() { impl_->stop(); }

std::shared_ptr<const state::Snapshot> KubeSource::current() const {
  std::lock_guard<std::mutex> lock(impl_->snap_mu);
  return impl_->snapshot;
}

uint64_t KubeSource::generation() const {
  std::lock_guard<std::mutex> lock(impl_->snap_mu);
  return impl_->generation;
}

std::vector<const Informer*> KubeSource::informers() const {
  std::vector<const Informer*> out;
  for (const auto& i : impl_->informers) out.push_back(i.get());
  return out;
}

bool KubeSource::ready() const { return not_ready_reason().empty(); }

std::string KubeSource::not_ready_reason() const {
  auto now = model::Clock::now();
  for (const auto& i : impl_->informers) {
    if (!i->synced()) {
      std::string st = i->status();
      return "waiting for the first list of " + i->name() + (st.empty() ? "" : ": " + st);
    }
    if (auto down = i->down_since(); down && now - *down > impl_->options.max_staleness) {
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(now - *down).count();
      return "watch of " + i->name() + " down for " + std::to_string(secs) + "s: " + i->status();
    }
  }
  if (!current()) return "building the first snapshot";
  return "";
}

std::optional<model::Time> KubeSource::last_sync() const {
  auto now = model::Clock::now();
  model::Time oldest = now;
  for (const auto& i : impl_->informers) {
    if (!i->synced()) return std::nullopt;
    if (auto down = i->down_since(); down && *down < oldest) oldest = *down;
  }
  if (!current()) return std::nullopt;
  return oldest;
}

std::shared_ptr<const admission::Authorizer> KubeSource::authorizer() const { return impl_->sar; }

KubeSource::KubeSource(const KubeSourceOptions& options, std::shared_ptr<Client> client)
    : impl_(std::make_unique<Impl>()) {
  Impl* raw = impl_.get();
  raw->options = options;
  raw->client = std::move(client);
  raw->sar = std::make_shared<SarAuthorizer>(raw->client, options.sar);
  Decoder decode = options.decode
                       ? options.decode
                       : Decoder([](const nlohmann::json& o) { return model::decode_json(o); });
  for (const auto& type : watched_resources()) {
    std::vector<std::string> scopes = {""};
    if (type.namespaced && !options.namespaces.empty()) scopes = options.namespaces;
    for (const auto& ns : scopes) {
      InformerOptions io;
      io.type = type;
      io.namespace_ = ns;
      io.decode = decode;
      io.watch_timeout_seconds = options.watch_timeout_seconds;
      io.retry_initial = options.retry_initial;
      io.retry_max = options.retry_max;
      io.idle_timeout = options.idle_timeout;
      io.on_change = [raw] { raw->notify(); };
      raw->informers.push_back(std::make_unique<Informer>(raw->client, std::move(io)));
    }
  }
  const ClientConfig& config = raw->client->config();
  spdlog::info("state kube: {} ({}), {} informers", config.server, config.origin,
               raw->informers.size());
  raw->builder = std::thread([raw] { raw->build_loop(); });
  for (auto& i : raw->informers) i->start();
}

}  // namespace freightgate::kube
