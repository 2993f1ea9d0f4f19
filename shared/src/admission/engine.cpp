// The engine: dispatch a request to the rule set of its kind, then hold every decision to the
// wire contract (uid echoed, no patch from validation or on DELETE/CONNECT).
#include "freightgate/admission/engine.h"

#include <map>
#include <mutex>

#include "freightgate/admission/respond.h"
#include "freightgate/admission/rules.h"

namespace freightgate::admission {

namespace {

using RuleSet = Decision (*)(Phase, const AdmissionRequest&, const Context&);

struct Route {
  const char* group;
  const char* resource;
  const char* subresource;
  RuleSet rules;
};

// (group, resource, subresource) -> rule set. Anything else is allowed untouched: the webhook
// configurations decide what is sent here, and an unknown kind is nobody's business of ours.
constexpr Route kRoutes[] = {
    {"argoproj.io", "applications", "", application_rules},
    {"kargo.akuity.io", "freights", "", freight_rules},
    {"kargo.akuity.io", "freights", "status", freight_status_rules},
    {"kargo.akuity.io", "stages", "", stage_rules},
    {"kargo.akuity.io", "warehouses", "", warehouse_rules},
    {"kargo.akuity.io", "promotions", "", promotion_rules},
    {"kargo.akuity.io", "projects", "", project_rules},
    {"kargo.akuity.io", "projectconfigs", "", project_config_rules},
    {"freightgate.io", "promotionpolicies", "", promotion_policy_rules},
};

RuleSet route(const AdmissionRequest& req) {
  for (const auto& r : kRoutes)
    if (req.resource.group == r.group && req.resource.resource == r.resource &&
        req.subResource == r.subresource)
      return r.rules;
  return nullptr;
}

// Field-by-field equality. Comparing is much cheaper than copying (no allocation), and the
// rule sets' decisions already carry a copy of the request in nearly every case.
bool same_request(const AdmissionRequest& a, const AdmissionRequest& b) {
  return a.uid == b.uid && a.kind.group == b.kind.group && a.kind.version == b.kind.version &&
         a.kind.kind == b.kind.kind && a.resource.group == b.resource.group &&
         a.resource.version == b.resource.version && a.resource.resource == b.resource.resource &&
         a.subResource == b.subResource && a.name == b.name && a.namespace_ == b.namespace_ &&
         a.operation == b.operation && a.userInfo.username == b.userInfo.username &&
         a.userInfo.uid == b.userInfo.uid && a.userInfo.groups == b.userInfo.groups &&
         a.userInfo.extra == b.userInfo.extra && a.dryRun == b.dryRun && a.object == b.object &&
         a.oldObject == b.oldObject;
}

}  // namespace

bool is_control_plane(const EngineConfig& config, const std::string& username) {
  if (config.control_plane_users.empty() || username.empty()) return false;
  // Compiled once per distinct pattern; the pattern set is tiny (one per configuration).
  static std::mutex mu;
  static std::map<std::string, std::regex> cache;
  const std::regex* re = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(config.control_plane_users);
    if (it == cache.end()) {
      std::regex compiled;
      try {
        compiled = std::regex(config.control_plane_users, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return false;  // an invalid pattern matches nobody (validated at startup by the shells)
      }
      it = cache.emplace(config.control_plane_users, std::move(compiled)).first;
    }
    re = &it->second;  // map nodes are stable; entries are never erased
  }
  return std::regex_search(username, *re);
}

Decision decide(Phase phase, const AdmissionRequest& request, const Context& ctx) {
  // CONNECT carries options, not an object: nothing of ours to decide.
  if (request.operation == "CONNECT") return allow(request);
  RuleSet rules = route(request);
  if (!rules) return allow(request);
  // A patch on DELETE is an InternalError in kube-apiserver; mutation has nothing to do there.
  if (phase == Phase::Mutate && request.operation == "DELETE") return allow(request);

  Decision d = rules(phase, request, ctx);
  if (!same_request(d.request, request)) d.request = request;
  d.response.uid = request.uid;
  if (!d.ok) return d;
  if (!d.response.allowed) {
    // A denial never carries a patch; keep code/reason per the contract.
    d.response.patch = nullptr;
    if (d.response.code < 400) d.response.code = 403;
    if (d.response.reason.empty()) d.response.reason = "Forbidden";
  } else if (phase == Phase::Validate && !d.response.patch.is_null()) {
    // kube-apiserver rejects any patch from a validating webhook; a rule set returning one is a
    // bug, and failing closed is the only safe answer.
    return fail(request, FailureKind::Internal,
                "validating rule set for " + request.resource.resource +
                    " returned a patch; validating webhooks may not mutate");
  }
  if (d.response.patch.is_array() && d.response.patch.empty()) d.response.patch = nullptr;
  return d;
}

Decision handle(Phase phase, std::string_view body, const Context& ctx) {
  auto parsed = parse_review(body);
  if (!parsed) {
    Decision d;
    d.ok = false;
    d.failure = Failure{FailureKind::BadRequest, parsed.error().to_string()};
    return d;
  }
  return decide(phase, *parsed, ctx);
}

}  // namespace freightgate::admission
