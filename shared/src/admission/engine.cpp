// The engine: dispatch a request to the rule set of its kind, then hold every decision to the
// wire contract (uid echoed, no patch from validation or on DELETE/CONNECT).
#include "freightgate/admission/engine.h"

#include <regex>
#include <unordered_map>

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

}  // namespace

bool is_control_plane(const EngineConfig& config, const std::string& username) {
  if (config.control_plane_users.empty() || username.empty()) return false;
  // std::regex costs microseconds per search, and the same few users ask again and again:
  // each thread remembers its recent answers for the pattern in force.
  struct Answers {
    std::string pattern;
    std::unordered_map<std::string, bool> by_user;
  };
  thread_local Answers answers;
  if (answers.pattern != config.control_plane_users || answers.by_user.size() > 1024) {
    answers.pattern = config.control_plane_users;
    answers.by_user.clear();
  }
  if (auto it = answers.by_user.find(username); it != answers.by_user.end()) return it->second;
  bool matches = false;
  try {
    // Kargo's CONTROLPLANE_USER_REGEX semantics: a search, not a full match.
    matches =
        std::regex_search(username, std::regex(config.control_plane_users, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    matches = false;  // an invalid pattern matches nobody (validated at startup by the shells)
  }
  answers.by_user.emplace(username, matches);
  return matches;
}

Decision decide(Phase phase, const AdmissionRequest& request, const Context& ctx) {
  // CONNECT carries options, not an object: nothing of ours to decide.
  if (request.operation == "CONNECT") return allow(request);
  RuleSet rules = route(request);
  if (!rules) return allow(request);
  // A patch on DELETE is an InternalError in kube-apiserver; mutation has nothing to do there.
  if (phase == Phase::Mutate && request.operation == "DELETE") return allow(request);

  Decision d = rules(phase, request, ctx);
  d.request = request;  // a rule set's decision may name the request partially
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
