// Evaluating the freightgate.io PromotionPolicies that apply to one stage at one instant:
// may a promotion happen now (allow/deny windows), and is an approval required in addition
// to upstream verification. Which policies apply (stageSelector) is the caller's choice.
//
// Windows: when a policy set has allow windows, a promotion must fall inside one of them;
// inside any deny window it is refused; deny wins over allow.
//
// Thread-safety: pure functions (time zones are loaded through TimeZone's cache).
#pragma once

#include <string>
#include <vector>

#include "freightgate/model/policy.h"
#include "freightgate/status.h"

namespace freightgate::policy {

struct Gate {
  // Some policy has requireApproval: true; `approval_policy` names the first one.
  bool require_approval = false;
  std::string approval_policy;  // `PromotionPolicy "prod-gates"`
  // Promotions are not allowed at this instant.
  bool closed = false;
  // Why, naming the policy and window, e.g. `PromotionPolicy "prod-gates" spec.windows[0]: deny
  // window "0 18 * * 5" for 62h (Europe/Berlin) is open from 2026-11-27T18:00:00+01:00 until
  // 2026-11-30T08:00:00+01:00`.
  std::string why_closed;
  // The way out, e.g. "promote after 2026-11-30T08:00:00+01:00".
  std::string reopens;
};

// Evaluates `policies` at `now`. A policy whose window does not parse is an error naming the
// policy and the field (callers deny with it: a broken policy fails closed).
Result<Gate> evaluate(const std::vector<const model::PromotionPolicy*>& policies, model::Time now);

}  // namespace freightgate::policy
