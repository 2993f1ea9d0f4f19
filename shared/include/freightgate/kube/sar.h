// The kube-mode Authorizer: asks the API server with a SubjectAccessReview
// (authorization.k8s.io/v1) whether the requester may do a verb on a resource, exactly as
// Kargo authorizes Promotions (verb "promote" on kargo.akuity.io stages/<name>).
//
// Answers are cached for a short TTL, keyed on everything that goes into the review (user,
// uid, groups, extra, verb, group, resource, subresource, name, namespace). A review that
// cannot be made or answered (transport failure, non-2xx after retries, malformed response)
// is an Error — the caller answers HTTP 500 — never an allow.
//
// Thread-safety: allowed() may be called from many threads at once.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "freightgate/admission/authorizer.h"
#include "freightgate/kube/client.h"

namespace freightgate::kube {

struct SarOptions {
  Millis allowed_ttl{10'000};  // how long an "allowed" answer is reused
  Millis denied_ttl{5'000};    // how long a "denied" answer is reused
  size_t max_entries =
      10'000;  // the cache is cleared of expired entries (then emptied) beyond this
};

// The SubjectAccessReview body for (user, attrs). Exposed for tests.
nlohmann::json sar_request(const admission::UserInfo& user,
                           const admission::ResourceAttributes& attrs);

class SarAuthorizer : public admission::Authorizer {
 public:
  SarAuthorizer(std::shared_ptr<Client> client, SarOptions options = {});
  Result<bool> allowed(const admission::UserInfo& user,
                       const admission::ResourceAttributes& attrs) const override;
  // Reviews actually sent (cache misses), for tests and metrics.
  uint64_t reviews_sent() const;

 private:
  struct Entry {
    bool allowed;
    std::chrono::steady_clock::time_point expires;
  };
  std::shared_ptr<Client> client_;
  SarOptions options_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Entry> cache_;
  mutable uint64_t sent_ = 0;
};

}  // namespace freightgate::kube
