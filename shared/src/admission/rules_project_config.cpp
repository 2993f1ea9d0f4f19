// ProjectConfig: one per project, named after the project namespace; its promotion policies
// select Stages by exact name, "regex:"/"regexp:"/"glob:" pattern and/or labels, and no two
// policies select the same Stages (the first match wins in Kargo, so a second one is dead
// configuration); webhook receivers have unique names and exactly one type.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "freightgate/admission/rules.h"
#include "rules_common.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

// Receiver types Kargo knows (api/v1alpha1/project_config_types.go).
const std::set<std::string> kReceiverTypes = {"artifactory", "azure",  "bitbucket", "dockerhub",
                                              "gitea",       "github", "gitlab",    "harbor",
                                              "quay",        "generic"};

// The identity of a policy's selection, for duplicate detection.
std::string selection_key(const json& policy) {
  if (policy.contains("stage") && policy["stage"].is_string() &&
      !policy["stage"].get<std::string>().empty()) {
    return "name=" + policy["stage"].get<std::string>();
  }
  json sel = policy.value("stageSelector", json::object());
  std::string key = "name=" + sel.value("name", std::string());
  if (sel.contains("matchLabels")) key += " labels=" + sel["matchLabels"].dump();
  if (sel.contains("matchExpressions")) key += " expressions=" + sel["matchExpressions"].dump();
  return key;
}

}  // namespace

Decision project_config_rules(Phase phase, const AdmissionRequest& req, const Context& ctx) {
  if (phase == Phase::Mutate || req.operation == "DELETE") return allow(req);
  const std::string who = rules::describe(req);
  auto pc = rules::decode_as<model::ProjectConfig>(req.object);
  if (!pc) return rules::deny_invalid(req, pc.error());
  const std::string& ns = req.namespace_;

  // Rule: the name is the project's.
  if (pc->metadata.name != ns) {
    return deny(
        req, rules::message(who, "metadata.name",
                            "name \"" + pc->metadata.name + "\" must match project name \"" + ns +
                                "\"; name the ProjectConfig \"" + ns + "\""));
  }
  // Rule: it lives in a project namespace.
  if (req.operation == "CREATE") {
    if (std::string p = rules::project_problem(ctx.snapshot, ns); !p.empty()) {
      return deny(req, rules::message(who, "metadata.namespace", p));
    }
  }

  const json spec = req.object.value("spec", json::object());
  const json policies = spec.value("promotionPolicies", json::array());
  std::map<std::string, size_t> seen;
  for (size_t i = 0; policies.is_array() && i < policies.size(); ++i) {
    const std::string at = "spec.promotionPolicies[" + std::to_string(i) + "]";
    const json& p = policies[i];
    const bool has_stage =
        p.contains("stage") && p["stage"].is_string() && !p["stage"].get<std::string>().empty();
    const bool has_selector = p.contains("stageSelector") && p["stageSelector"].is_object();
    // Rule: exactly one of stage | stageSelector (Kargo's CEL rule).
    if (has_stage == has_selector) {
      return deny(req, rules::message(who, at,
                                      "exactly one of stage or stageSelector must be set; use "
                                      "stageSelector (stage is deprecated)"));
    }
    if (has_stage) {
      if (std::string prob = rules::dns1123_subdomain_problem(p["stage"].get<std::string>());
          !prob.empty()) {
        return deny(req, rules::message(who, at + ".stage", prob));
      }
    } else {
      const json& sel = p["stageSelector"];
      std::string name = sel.value("name", std::string());
      if (std::string prob = rules::name_pattern_problem(name); !prob.empty()) {
        return deny(req, rules::message(who, at + ".stageSelector.name", prob));
      }
      if (std::string prob = rules::label_selector_problem(sel, at + ".stageSelector");
          !prob.empty()) {
        return deny(req, rules::message(who, "", prob));
      }
    }
    // Rule: no two policies select the same Stages.
    auto [it, inserted] = seen.emplace(selection_key(p), i);
    if (!inserted) {
      return deny(req, rules::message(who, at,
                                      "stage name already defined at spec.promotionPolicies[" +
                                          std::to_string(it->second) +
                                          "]; the first match wins, so merge the two policies"));
    }
  }

  // Rules on webhook receivers: unique names, exactly one type each.
  const json receivers = spec.value("webhookReceivers", json::array());
  std::map<std::string, size_t> names;
  for (size_t i = 0; receivers.is_array() && i < receivers.size(); ++i) {
    const std::string at = "spec.webhookReceivers[" + std::to_string(i) + "]";
    const json& r = receivers[i];
    if (!r.is_object()) return deny(req, rules::message(who, at, "must be an object"));
    std::string name = r.value("name", std::string());
    if (name.empty()) {
      return deny(req, rules::message(who, at + ".name", "required; give the receiver a name"));
    }
    auto [it, inserted] = names.emplace(name, i);
    if (!inserted) {
      return deny(req, rules::message(who, at + ".name",
                                      "receiver name \"" + name +
                                          "\" already used at "
                                          "spec.webhookReceivers[" +
                                          std::to_string(it->second) +
                                          "]; give each receiver its own name"));
    }
    std::vector<std::string> types;
    for (const auto& [k, _] : r.items()) {
      if (kReceiverTypes.count(k) > 0) types.push_back(k);
    }
    if (types.size() != 1) {
      std::string list;
      for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
      return deny(req, rules::message(
                           who, at,
                           types.empty()
                               ? std::string("a receiver must have exactly one type (one of "
                                             "artifactory, azure, bitbucket, dockerhub, gitea, "
                                             "github, gitlab, harbor, quay, generic)")
                               : "cannot define a receiver that is of more than one type, found " +
                                     std::to_string(types.size()) + ": [" + list +
                                     "]; split it into one receiver per type"));
    }
  }
  return allow(req);
}

}  // namespace freightgate::admission
