// freightgate.io PromotionPolicy: lives in a project namespace; its stage selector parses
// (exact name, "regex:"/"regexp:"/"glob:" pattern, label selector); every window has a kind
// (allow|deny), a 5-field cron schedule, a positive duration and a known time zone; and no
// other PromotionPolicy of the namespace selects exactly the same Stages (merge them instead).
#include <string>
#include <vector>

#include "freightgate/admission/rules.h"
#include "freightgate/policy/window.h"
#include "rules_common.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

// The selection as data, for comparing two policies.
json selection(const json& obj) {
  json sel = obj.value("spec", json::object()).value("stageSelector", json::object());
  if (!sel.is_object()) return json::object();
  json key = json::object();
  key["name"] = sel.value("name", std::string());
  key["matchLabels"] = sel.value("matchLabels", json::object());
  key["matchExpressions"] = sel.value("matchExpressions", json::array());
  return key;
}

}  // namespace

Decision promotion_policy_rules(Phase phase, const AdmissionRequest& req, const Context& ctx) {
  if (phase == Phase::Mutate || req.operation == "DELETE") return allow(req);
  const std::string who = rules::describe(req);
  auto policy = rules::decode_as<model::PromotionPolicy>(req.object);
  if (!policy) return rules::deny_invalid(req, policy.error());
  const std::string& ns = req.namespace_;

  // Rule: it lives in a project namespace.
  if (std::string p = rules::project_problem(ctx.snapshot, ns); !p.empty()) {
    return deny(req, rules::message(who, "metadata.namespace", p));
  }
  // Rule: the selector parses.
  const json spec = req.object.value("spec", json::object());
  const json sel = spec.value("stageSelector", json::object());
  if (std::string p = rules::name_pattern_problem(policy->stageSelector.name); !p.empty()) {
    return deny(req, rules::message(who, "spec.stageSelector.name", p));
  }
  if (std::string p = rules::label_selector_problem(sel, "spec.stageSelector"); !p.empty()) {
    return deny(req, rules::message(who, "", p));
  }
  // Rules on windows.
  for (size_t i = 0; i < policy->windows.size(); ++i) {
    const model::PromotionWindow& w = policy->windows[i];
    const std::string at = "spec.windows[" + std::to_string(i) + "]";
    if (w.kind != "allow" && w.kind != "deny") {
      return deny(req,
                  rules::message(who, at + ".kind",
                                 "\"" + w.kind + "\" is not a window kind; use allow or deny"));
    }
    if (auto cron = policy::CronSchedule::parse(w.schedule); !cron) {
      return deny(req, rules::message(who, at + ".schedule", cron.error().message));
    }
    if (w.duration.count() <= 0) {
      return deny(req, rules::message(who, at + ".duration",
                                      "must be positive; say how long the window stays open, "
                                      "e.g. \"2h\" or \"62h\""));
    }
    if (auto tz = policy::TimeZone::load(w.timeZone); !tz) {
      return deny(req, rules::message(who, at + ".timeZone", tz.error().message));
    }
  }
  // Rule: no duplicate policy (same selection) in the namespace.
  const json mine = selection(req.object);
  for (const model::PromotionPolicy* other : ctx.snapshot.promotion_policies(ns)) {
    if (other->metadata.name == policy->metadata.name) continue;
    if (selection(other->raw) == mine) {
      return deny(req,
                  rules::message(who, "spec.stageSelector",
                                 "selects the same Stages as PromotionPolicy \"" +
                                     other->metadata.name + "\"; merge the two policies into one"));
    }
  }
  return allow(req);
}

}  // namespace freightgate::admission
