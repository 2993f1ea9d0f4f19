// The engine: dispatch a request to the rule set of its kind, then hold every decision to the
// wire contract (uid echoed, no patch from validation or on DELETE/CONNECT).
#include "freightgate/admission/engine.h"

#include <regex>
#include <unordered_map>

#include "freightgate/admission/respond.h"
#include "freightgate/admission/rules.h"
#include "freightgate/model/json_view.h"

namespace freightgate::admission {

namespace {

using RuleSet = Decision (*)(Phase, const AdmissionRequest&, const Context&);

struct Route {
  const char* group;
  const char* resource;
  const char* subresource;
  RuleSet rules;  // nullptr: applications, which application_rules reads as views
};

// (group, resource, subresource) -> rule set. Anything else is allowed untouched: the webhook
// configurations decide what is sent here, and an unknown kind is nobody's business of ours.
constexpr Route kRoutes[] = {
    {"argoproj.io", "applications", "", nullptr},
    {"kargo.akuity.io", "freights", "", freight_rules},
    {"kargo.akuity.io", "freights", "status", freight_status_rules},
    {"kargo.akuity.io", "stages", "", stage_rules},
    {"kargo.akuity.io", "warehouses", "", warehouse_rules},
    {"kargo.akuity.io", "promotions", "", promotion_rules},
    {"kargo.akuity.io", "projects", "", project_rules},
    {"kargo.akuity.io", "projectconfigs", "", project_config_rules},
    {"freightgate.io", "promotionpolicies", "", promotion_policy_rules},
};

const Route* route(const RequestInfo& req) {
  for (const auto& r : kRoutes)
    if (req.resource.group == r.group && req.resource.resource == r.resource &&
        req.subResource == r.subresource)
      return &r;
  return nullptr;
}

// Requests no rule set sees: CONNECT carries options, not an object; an unrouted kind is not
// ours; a patch on DELETE is an InternalError in kube-apiserver, so mutation has nothing to do.
bool passes_untouched(Phase phase, const RequestInfo& request, const Route* r) {
  return request.operation == "CONNECT" || !r ||
         (phase == Phase::Mutate && request.operation == "DELETE");
}

// Holds a rule set's decision to the wire contract.
Decision settle(Phase phase, const RequestInfo& request, Decision d) {
  d.request = request;  // a rule set's decision may name the request partially
  d.response.uid = request.uid;
  if (!d.ok) return d;
  if (!d.response.allowed) {
    // A denial never carries a patch; keep code/reason per the contract.
    d.response.patch = {};
    if (d.response.code < 400) d.response.code = 403;
    if (d.response.reason.empty()) d.response.reason = "Forbidden";
  } else if (phase == Phase::Validate && !d.response.patch.empty()) {
    // kube-apiserver rejects any patch from a validating webhook; a rule set returning one is a
    // bug, and failing closed is the only safe answer.
    return fail(request, FailureKind::Internal,
                "validating rule set for " + request.resource.resource +
                    " returned a patch; validating webhooks may not mutate");
  }
  return d;
}

Decision bad_request(std::string message) {
  Decision d;
  d.ok = false;
  d.failure = Failure{FailureKind::BadRequest, std::move(message)};
  return d;
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
  const Route* r = route(request);
  if (passes_untouched(phase, request, r)) return allow(request);
  if (r->rules) return settle(phase, request, r->rules(phase, request, ctx));
  // An Application request built elsewhere (the CLI, tests): its objects, viewed.
  model::JsonDocument doc;
  auto objects = doc.parse(nlohmann::json::array({request.object, request.oldObject})
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!objects)
    return settle(
        phase, request,
        fail(request, FailureKind::BadRequest, "request objects: " + objects.error().to_string()));
  return settle(phase, request,
                application_rules(phase, request, objects->at(0), objects->at(1), ctx));
}

Decision handle(Phase phase, std::string_view body, const Context& ctx) {
  thread_local model::JsonDocument mine;
  std::optional<model::JsonDocument> own;
  auto review = read_review(model::scratch_document(body.size(), mine, own), body);
  if (!review) return bad_request(review.error().to_string());
  const RequestInfo& info = review->info;
  const Route* r = route(info);
  if (!passes_untouched(phase, info, r) && !r->rules)
    return settle(phase, info,
                  application_rules(phase, info, review->object, review->oldObject, ctx));
  auto request = build_request(*review);
  if (!request) return bad_request(request.error().to_string());
  return decide(phase, *request, ctx);
}

}  // namespace freightgate::admission
