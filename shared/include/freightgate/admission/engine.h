// The policy engine's entry point: one AdmissionReview in, one decision out, dispatched by kind
// to one rule set per kind (admission/rules_*.cpp). Pure: a function of (request, snapshot,
// authorizer, clock, config). Used by the webhook, the CLI's `check`, and the tests.
//
// Thread-safety: handle() is reentrant; the snapshot and authorizer are shared read-only.
#pragma once

#include <regex>
#include <string>
#include <string_view>

#include "freightgate/admission/authorizer.h"
#include "freightgate/admission/review.h"
#include "freightgate/model/meta.h"
#include "freightgate/state/snapshot.h"

namespace freightgate::admission {

enum class Phase { Mutate, Validate };

struct EngineConfig {
  // Webhook name as registered (used in kubectl-style messages by the CLI).
  std::string webhook_name = "applications.freightgate.io";
  // Usernames matching this regex are control-plane identities (Kargo's controller, Argo CD's
  // application controller) and bypass the `promote` check. Empty: none.
  std::string control_plane_users =
      "^system:serviceaccount:(kargo|argocd):(kargo-controller|kargo-api|argocd-application-"
      "controller|argocd-server)$";
};

struct Context {
  const state::Snapshot& snapshot;
  const Authorizer& authorizer;
  model::Time now;
  const EngineConfig& config;
};

// What went wrong when no decision could be made.
enum class FailureKind {
  BadRequest,  // the review itself is malformed -> HTTP 400
  Internal,    // e.g. the authorizer could not answer -> HTTP 500 (failurePolicy applies)
};
struct Failure {
  FailureKind kind;
  std::string message;
};

// The outcome of one review: either a response to send, or a failure.
struct Decision {
  bool ok = true;
  RequestInfo request;  // as parsed, without the objects (for logs/metrics); partial on failure
  AdmissionResponse response;  // valid when ok
  Failure failure{FailureKind::Internal, ""};
};

// True when `username` matches config.control_plane_users (Kargo's CONTROLPLANE_USER_REGEX
// semantics: a search, so anchor the pattern). An empty or invalid pattern matches nobody.
bool is_control_plane(const EngineConfig& config, const std::string& username);

// Decide on an already-parsed request.
Decision decide(Phase phase, const AdmissionRequest& request, const Context& ctx);

// Parse `body` and decide. A parse error yields ok=false with FailureKind::BadRequest.
Decision handle(Phase phase, std::string_view body, const Context& ctx);

}  // namespace freightgate::admission
