#include "freightgate/kube/informer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <random>

namespace freightgate::kube {

using nlohmann::json;

std::string ResourceType::collection_path(const std::string& ns) const {
  std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
  return p + "/" + plural;
}

const std::vector<ResourceType>& watched_resources() {
  static const std::vector<ResourceType> kinds = {
      {"", "v1", "namespaces", "Namespace", false},
      {"kargo.akuity.io", "v1alpha1", "projects", "Project", false},
      {"kargo.akuity.io", "v1alpha1", "projectconfigs", "ProjectConfig", true},
      {"kargo.akuity.io", "v1alpha1", "warehouses", "Warehouse", true},
      {"kargo.akuity.io", "v1alpha1", "freights", "Freight", true},
      {"kargo.akuity.io", "v1alpha1", "stages", "Stage", true},
      {"kargo.akuity.io", "v1alpha1", "promotions", "Promotion", true},
      {"freightgate.io", "v1alpha1", "promotionpolicies", "PromotionPolicy", true},
      {"argoproj.io", "v1alpha1", "applications", "Application", true},
  };
  return kinds;
}

const ResourceType* watched_resource_of_kind(std::string_view kind) {
  for (const auto& t : watched_resources())
    if (t.kind == kind) return &t;
  return nullptr;
}

void trim_object(const ResourceType& type, json& o) {
  if (!o.is_object()) return;
  if (auto m = o.find("metadata"); m != o.end() && m->is_object()) {
    m->erase("managedFields");
    if (auto a = m->find("annotations"); a != m->end() && a->is_object())
      a->erase("kubectl.kubernetes.io/last-applied-configuration");
  }
  if (type.group == "argoproj.io" && type.plural == "applications") {
    auto st = o.find("status");
    if (st == o.end() || !st->is_object()) return;
    json kept = json::object();
    if (auto h = st->find("health"); h != st->end() && h->is_object()) {
      json health = json::object();
      if (h->contains("status")) health["status"] = (*h)["status"];
      kept["health"] = std::move(health);
    }
    if (auto s = st->find("sync"); s != st->end() && s->is_object()) {
      json sync = json::object();
      for (const char* k : {"status", "revision", "revisions"})
        if (s->contains(k)) sync[k] = (*s)[k];
      kept["sync"] = std::move(sync);
    }
    if (auto op = st->find("operationState");
        op != st->end() && op->is_object() && op->contains("phase"))
      kept["operationState"] = json{{"phase", (*op)["phase"]}};
    *st = std::move(kept);
  }
}

namespace {

std::string object_key(const json& o) {
  const json* m = o.is_object() && o.contains("metadata") ? &o["metadata"] : nullptr;
  if (!m || !m->is_object()) return "";
  std::string name = m->value("name", "");
  std::string ns = m->value("namespace", "");
  if (name.empty()) return "";
  return ns.empty() ? name : ns + "/" + name;
}

std::string object_rv(const json& o) {
  if (!o.is_object() || !o.contains("metadata") || !o["metadata"].is_object()) return "";
  const json& m = o["metadata"];
  auto it = m.find("resourceVersion");
  return it != m.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string url_escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(hex[ch >> 4]);
      out.push_back(hex[ch & 15]);
    }
  }
  return out;
}

// Status objects carry the code; a watch ERROR event carries a Status as its object.
int status_code(const json& status) {
  if (!status.is_object()) return 0;
  auto it = status.find("code");
  return it != status.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

Informer::Informer(std::shared_ptr<Client> client, InformerOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (!options_.decode)  // required; without one every object is reported undecodable
    options_.decode = [](const json&) -> Result<model::AnyObject> {
      return Error{"", 0, "", "", "informer has no decoder"};
    };
  if (options_.idle_timeout.count() <= 0)
    options_.idle_timeout = Millis((options_.watch_timeout_seconds * 2 + 30) * 1000LL);
}

Informer::~Informer() { stop(); }

std::string Informer::name() const {
  std::string n = options_.type.display();
  if (!options_.namespace_.empty()) n += " in " + options_.namespace_;
  return n;
}

void Informer::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  cancel_ = std::make_unique<Cancel>();
  thread_ = std::thread([this] { run(); });
}

void Informer::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(wait_mu_);
    stopping_ = true;
  }
  wait_cv_.notify_all();
  cancel_->cancel();
  thread_.join();
}

bool Informer::synced() const {
  std::lock_guard<std::mutex> lock(mu_);
  return synced_;
}
std::optional<model::Time> Informer::down_since() const {
  std::lock_guard<std::mutex> lock(mu_);
  return down_since_;
}
std::string Informer::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}
std::string Informer::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}
InformerStats Informer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}
size_t Informer::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return store_.size();
}
std::shared_ptr<const model::AnyObject> Informer::get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = store_.find(key);
  return it == store_.end() ? nullptr : it->second;
}
void Informer::collect(std::vector<model::AnyObject>* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  out->reserve(out->size() + store_.size());
  for (const auto& [k, v] : store_) out->push_back(*v);
}

void Informer::fail(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!down_since_) down_since_ = model::Clock::now();
    status_ = why;
    ++stats_.failures;
  }
  ++consecutive_failures_;
  spdlog::warn("informer {}: {}", name(), why);
}

void Informer::healthy() {
  std::lock_guard<std::mutex> lock(mu_);
  down_since_.reset();
  status_.clear();
  consecutive_failures_ = 0;
}

void Informer::changed() {
  if (options_.on_change) options_.on_change();
}

void Informer::backoff_wait() {
  RetryPolicy p;
  p.initial_backoff = options_.retry_initial;
  p.max_backoff = options_.retry_max;
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  Millis d = backoff_delay(p, std::max(1, consecutive_failures_),
                           std::uniform_real_distribution<double>(0, 1)(rng));
  std::unique_lock<std::mutex> lock(wait_mu_);
  wait_cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

std::shared_ptr<const model::AnyObject> Informer::decode(json object, std::string* key) {
  *key = object_key(object);
  if (!object.contains("apiVersion")) object["apiVersion"] = options_.type.api_version();
  if (!object.contains("kind")) object["kind"] = options_.type.kind;
  trim_object(options_.type, object);
  auto r = options_.decode(object);
  if (!r.ok()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.decode_errors;
    }
    spdlog::warn("informer {}: ignoring {}: {}", name(), *key, r.error().to_string());
    return nullptr;
  }
  return std::make_shared<const model::AnyObject>(std::move(r.value()));
}

bool Informer::list() {
  Store fresh;
  std::string cont;
  std::string list_rv;
  const std::string base = options_.type.collection_path(options_.namespace_);
  do {
    std::string target = base + "?limit=" + std::to_string(options_.page_size);
    if (!cont.empty()) target += "&continue=" + url_escape(cont);
    auto r = client_->request("GET", target, "", cancel_.get());
    if (stopping_) return false;
    if (!r.ok()) {
      fail(r.error().message);
      return false;
    }
    if (r->status == 410 && !cont.empty()) {
      // The continue token expired mid-list: start the list over.
      cont.clear();
      fresh.clear();
      continue;
    }
    if (r->status != 200) {
      std::string why = describe_failure("GET", target, r.value());
      if (r->status == 404) why += " (is the CRD for " + options_.type.display() + " installed?)";
      fail(why);
      return false;
    }
    auto body = json::parse(r->body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("items")) {
      fail("GET " + target + ": response is not a " + options_.type.kind + "List");
      return false;
    }
    const json& meta = body.value("metadata", json::object());
    list_rv = meta.value("resourceVersion", "");
    cont = meta.value("continue", "");
    for (auto& item : body["items"]) {
      std::string key;
      auto obj = decode(std::move(item), &key);
      if (obj && !key.empty()) fresh[key] = std::move(obj);
    }
  } while (!cont.empty());
  {
    std::lock_guard<std::mutex> lock(mu_);
    store_.swap(fresh);
    rv_ = list_rv;
    synced_ = true;
    ++stats_.lists;
    down_since_.reset();
    status_.clear();
  }
  consecutive_failures_ = 0;
  changed();
  return true;
}

bool Informer::apply_event(const json& ev, WatchResult* result) {
  std::string type = ev.value("type", "");
  auto it = ev.find("object");
  if (it == ev.end()) return true;
  const json& obj = *it;
  if (type == "ERROR") {
    int code = status_code(obj);
    std::string msg = obj.is_object() ? obj.value("message", "") : "";
    if (code == 410) {
      spdlog::info("informer {}: {} (410): relisting", name(), msg);
      *result = WatchResult::Relist;
    } else {
      fail("watch error " + std::to_string(code) + ": " + msg);
      *result = WatchResult::Failed;
    }
    return false;
  }
  std::string rv = object_rv(obj);
  if (type == "BOOKMARK") {
    std::lock_guard<std::mutex> lock(mu_);
    if (!rv.empty()) rv_ = rv;
    ++stats_.bookmarks;
    return true;
  }
  if (type != "ADDED" && type != "MODIFIED" && type != "DELETED") return true;
  std::string key;
  std::shared_ptr<const model::AnyObject> decoded;
  if (type == "DELETED") {
    key = object_key(obj);
  } else {
    decoded = decode(obj, &key);
  }
  if (key.empty()) return true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (decoded)
      store_[key] = std::move(decoded);
    else
      store_.erase(key);  // deleted, or no longer decodable: never keep a stale version
    if (!rv.empty()) rv_ = rv;
    ++stats_.events;
  }
  changed();
  return true;
}

Informer::WatchResult Informer::watch() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  int timeout =
      options_.watch_timeout_seconds +
      static_cast<int>(std::uniform_int_distribution<int>(0, options_.watch_timeout_seconds)(rng));
  std::string target =
      options_.type.collection_path(options_.namespace_) +
      "?watch=1&allowWatchBookmarks=true&timeoutSeconds=" + std::to_string(timeout) +
      "&resourceVersion=" + url_escape(resource_version());
  WatchResult result = WatchResult::Rewatch;
  auto on_open = [&](int status) {
    if (status == 200) {
      healthy();
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.watches;
    }
  };
  auto on_line = [&](std::string_view line) {
    auto ev = json::parse(line, nullptr, false);
    if (ev.is_discarded() || !ev.is_object()) {
      fail("watch " + name() + ": undecodable event");
      result = WatchResult::Failed;
      return false;
    }
    return apply_event(ev, &result);
  };
  auto r = client_->watch(target, options_.idle_timeout, on_open, on_line, cancel_.get());
  if (stopping_) return WatchResult::Stopped;
  if (!r.ok()) {
    fail(r.error().message);
    return WatchResult::Failed;
  }
  const WatchEnd& end = r.value();
  if (end.status == 410) return WatchResult::Relist;
  if (end.status != 200) {
    Response resp;
    resp.status = end.status;
    resp.body = end.body;
    fail(describe_failure("GET", target, resp));
    return end.status == 404 ? WatchResult::Relist : WatchResult::Failed;
  }
  if (end.stopped) return result;
  return WatchResult::Rewatch;  // the server ended the stream (timeoutSeconds): watch again
}

void Informer::run() {
  bool need_list = true;
  while (!stopping_) {
    if (need_list) {
      if (!list()) {
        if (stopping_) break;
        backoff_wait();
        continue;
      }
      need_list = false;
    }
    WatchResult w = watch();
    switch (w) {
      case WatchResult::Stopped:
        return;
      case WatchResult::Rewatch:
        break;
      case WatchResult::Relist: {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.relists;
        need_list = true;
        break;
      }
      case WatchResult::Failed:
        backoff_wait();
        break;
    }
  }
}

}  // namespace freightgate::kube
