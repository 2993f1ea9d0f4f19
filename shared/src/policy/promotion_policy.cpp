// PromotionPolicy evaluation: approval requirement and allow/deny windows at one instant.
#include "freightgate/policy/promotion_policy.h"

#include <optional>

#include "freightgate/policy/window.h"

namespace freightgate::policy {

Result<Gate> evaluate(const std::vector<const model::PromotionPolicy*>& policies, Time now) {
  Gate gate;
  bool any_allow = false, inside_allow = false;
  std::optional<Time> next_allow;
  std::string next_allow_zone_text;
  for (const model::PromotionPolicy* p : policies) {
    if (p->requireApproval && !gate.require_approval) {
      gate.require_approval = true;
      gate.approval_policy = p->display_name();
    }
    for (size_t i = 0; i < p->windows.size(); ++i) {
      const std::string field = "spec.windows[" + std::to_string(i) + "]";
      auto w = Window::make(p->windows[i]);
      if (!w) {
        Error e = w.error();
        e.object = p->display_name();
        e.path = field + "." + e.path;
        e.message += "; fix the PromotionPolicy";
        return e;
      }
      auto opened = w->open_occurrence(now);
      if (w->deny()) {
        if (opened && !gate.closed) {
          gate.closed = true;
          gate.why_closed = p->display_name() + " " + field + ": " + w->describe() +
                            " is open from " + w->zone().format(*opened) + " until " +
                            w->zone().format(w->closes(*opened));
          gate.reopens = "promote after " + w->zone().format(w->closes(*opened));
        }
        continue;
      }
      any_allow = true;
      if (opened) {
        inside_allow = true;
      } else if (auto next = w->next_opening(now); next && (!next_allow || *next < *next_allow)) {
        next_allow = next;
        next_allow_zone_text = w->describe() + " of " + p->display_name() + " " + field +
                               " opens next at " + w->zone().format(*next);
      }
    }
  }
  if (!gate.closed && any_allow && !inside_allow) {
    gate.closed = true;
    gate.why_closed = "now is outside every allow window of the PromotionPolicies for this stage";
    gate.reopens = next_allow ? "promote when the " + next_allow_zone_text
                              : "no allow window opens within 400 days; fix the PromotionPolicy";
  }
  return gate;
}

}  // namespace freightgate::policy
