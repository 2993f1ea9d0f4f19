#include "freightgate/kube/sar.h"

namespace freightgate::kube {

using nlohmann::json;

json sar_request(const admission::UserInfo& user, const admission::ResourceAttributes& a) {
  json ra = json::object();
  if (!a.namespace_.empty()) ra["namespace"] = a.namespace_;
  ra["verb"] = a.verb;
  ra["group"] = a.group;
  ra["resource"] = a.resource;
  if (!a.subresource.empty()) ra["subresource"] = a.subresource;
  if (!a.name.empty()) ra["name"] = a.name;
  json spec = json::object();
  spec["resourceAttributes"] = std::move(ra);
  spec["user"] = user.username;
  if (!user.uid.empty()) spec["uid"] = user.uid;
  if (!user.groups.empty()) spec["groups"] = user.groups;
  if (!user.extra.empty()) {
    json extra = json::object();
    for (const auto& [k, v] : user.extra) extra[k] = v;
    spec["extra"] = std::move(extra);
  }
  return json{{"apiVersion", "authorization.k8s.io/v1"},
              {"kind", "SubjectAccessReview"},
              {"spec", std::move(spec)}};
}

SarAuthorizer::SarAuthorizer(std::shared_ptr<Client> client, SarOptions options)
    : client_(std::move(client)), options_(options) {}

uint64_t SarAuthorizer::reviews_sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

Result<bool> SarAuthorizer::allowed(const admission::UserInfo& user,
                                    const admission::ResourceAttributes& attrs) const {
  json body = sar_request(user, attrs);
  // The canonical JSON of the request is the cache key: it holds every input, nothing else.
  std::string key = body["spec"].dump();
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.expires > now) return it->second.allowed;
      cache_.erase(it);
    }
  }
  const std::string target = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  std::string what = "SubjectAccessReview for " + user.username + " " + attrs.verb + " " +
                     attrs.resource + "/" + attrs.name + " in " + attrs.namespace_;
  auto r = client_->request("POST", target, body.dump());
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++sent_;
  }
  if (!r.ok()) return Error{"", 0, "", "", what + " failed: " + r.error().message};
  if (r->status != 201 && r->status != 200)
    return Error{"", 0, "", "", what + " failed: " + describe_failure("POST", target, r.value())};
  auto resp = json::parse(r->body, nullptr, false);
  if (resp.is_discarded() || !resp.is_object() || !resp.contains("status") ||
      !resp["status"].is_object())
    return Error{"", 0, "", "", what + " failed: the response has no status"};
  const json& st = resp["status"];
  auto a = st.find("allowed");
  if (a == st.end() || !a->is_boolean())
    return Error{"", 0, "", "", what + " failed: status.allowed missing"};
  bool allowed = a->get<bool>();
  if (st.value("denied", false)) allowed = false;
  // allowed:false with an evaluationError is still a decision (RBAC's "no opinion" after a
  // broken binding); kube-apiserver treats it as a denial, and so do we.
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= options_.max_entries) {
    for (auto it = cache_.begin(); it != cache_.end();)
      it = it->second.expires <= now ? cache_.erase(it) : std::next(it);
    if (cache_.size() >= options_.max_entries) cache_.clear();
  }
  cache_[key] = Entry{allowed, now + (allowed ? options_.allowed_ttl : options_.denied_ttl)};
  return allowed;
}

}  // namespace freightgate::kube
