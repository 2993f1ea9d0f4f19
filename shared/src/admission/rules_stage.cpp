// Stage: Kargo's defaulting (shard label, actor on reverify/abort requests) and validation
// (duplicate origins, MatchUpstream rules, duplicate/reserved step aliases, task-step limits),
// plus what a pipeline needs to work at all: upstream Stages exist and request the same
// origin, and the upstream graph has no cycle.
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "freightgate/admission/rules.h"
#include "freightgate/pipeline/graph.h"
#include "rules_common.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

constexpr const char* kReverifyAnnotation = "kargo.akuity.io/reverify";
constexpr const char* kAbortAnnotation = "kargo.akuity.io/abort";

bool requests_origin(const model::Stage& s, const FreightOrigin& origin) {
  for (const model::FreightRequest& fr : s.requestedFreight) {
    if (fr.origin == origin) return true;
  }
  return false;
}

// The project's Stages with `self` in place of its stored version (or added).
std::vector<model::Stage> project_stages(const state::Snapshot& snap, const model::Stage* self,
                                         const std::string& ns) {
  std::vector<model::Stage> out;
  for (const model::Stage* st : snap.stages(ns)) {
    if (self == nullptr || st->metadata.name != self->metadata.name) out.push_back(*st);
  }
  if (self != nullptr) out.push_back(*self);
  return out;
}

// Writes actor/controlPlane into a reverify/abort request annotation that is new or changed.
// The value is a verification ID or Kargo's JSON VerificationRequest {id, actor, controlPlane}.
void enrich_request_annotation(json& desired, const AdmissionRequest& req, const char* key,
                               bool control_plane) {
  const std::string value = rules::json_annotation(desired, key);
  if (value.empty()) return;
  if (req.operation == "UPDATE" && rules::json_annotation(req.oldObject, key) == value) return;
  nlohmann::ordered_json vr = nlohmann::ordered_json::object();
  if (value.front() == '{') {
    auto parsed = nlohmann::ordered_json::parse(value, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return;  // validation is Kargo's business
    vr["id"] = parsed.value("id", std::string());
  } else {
    vr["id"] = value;
  }
  if (control_plane) {
    vr["controlPlane"] = true;
  } else {
    vr["actor"] = rules::kubernetes_actor(req.userInfo);
  }
  rules::set_json_annotation(desired, key, vr.dump());
}

Decision mutate(const AdmissionRequest& req, const Context& ctx) {
  json desired = req.object;
  if (!desired.is_object()) return allow(req);
  const json spec = desired.value("spec", json::object());
  const std::string shard = spec.is_object() ? spec.value("shard", std::string()) : "";
  rules::set_json_label(desired, rules::kShardLabel,
                        shard.empty() ? std::nullopt : std::optional<std::string>(shard));
  const bool cp = is_control_plane(ctx.config, req.userInfo.username);
  enrich_request_annotation(desired, req, kReverifyAnnotation, cp);
  enrich_request_annotation(desired, req, kAbortAnnotation, cp);
  return mutate_to(req, desired);
}

}  // namespace

Decision stage_rules(Phase phase, const AdmissionRequest& req, const Context& ctx) {
  if (req.operation == "DELETE") return allow(req);
  if (phase == Phase::Mutate) return mutate(req, ctx);

  const std::string who = rules::describe(req);
  auto stage = rules::decode_as<model::Stage>(req.object);
  if (!stage) return rules::deny_invalid(req, stage.error());
  const std::string& ns = req.namespace_;
  stage->metadata.namespace_ = ns;
  std::vector<std::string> warnings;
  // Denials carry the warnings found so far (kubectl prints both).
  auto refuse = [&](std::string text) {
    Decision d = deny(req, std::move(text));
    for (auto& w : warnings) d.response.warnings.push_back(clean_warning(w));
    return d;
  };

  if (req.operation == "CREATE") {
    if (std::string p = rules::project_problem(ctx.snapshot, ns); !p.empty()) {
      return refuse(rules::message(who, "metadata.namespace", p));
    }
  }
  if (stage->requestedFreight.empty()) {
    return refuse(rules::message(who, "spec.requestedFreight",
                                 "must request Freight from at least one origin; add "
                                 "{origin: {kind: Warehouse, name: ...}, sources: ...}"));
  }

  for (size_t i = 0; i < stage->requestedFreight.size(); ++i) {
    const model::FreightRequest& fr = stage->requestedFreight[i];
    const std::string at = "spec.requestedFreight[" + std::to_string(i) + "]";
    // Rule: MatchUpstream needs exactly one upstream and no direct source.
    if (fr.sources.selectionPolicy == "MatchUpstream") {
      if (fr.sources.direct) {
        return refuse(rules::message(who, at + ".sources.autoPromotionOptions.selectionPolicy",
                                     "selection policy 'MatchUpstream' cannot be used when "
                                     "accepting Freight directly from its origin; set "
                                     "sources.direct: false or use NewestFreight"));
      }
      if (fr.sources.stages.size() != 1) {
        return refuse(rules::message(who, at + ".sources.autoPromotionOptions.selectionPolicy",
                                     "selection policy 'MatchUpstream' requires exactly one "
                                     "upstream Stage to be specified in sources.stages"));
      }
    }
    if (!fr.sources.direct && fr.sources.stages.empty()) {
      warnings.push_back(
          at + ": neither sources.direct nor sources.stages is set; no Freight will arrive");
    }
    if (ctx.snapshot.warehouse(ns, fr.origin.name) == nullptr) {
      warnings.push_back("Warehouse \"" + fr.origin.name + "\" does not exist in namespace \"" +
                         ns + "\" yet");
    }
    // Rules on upstream Stages: listed once, requesting the same origin.
    std::set<std::string> seen_up;
    for (size_t j = 0; j < fr.sources.stages.size(); ++j) {
      const std::string& up = fr.sources.stages[j];
      const std::string field = at + ".sources.stages[" + std::to_string(j) + "]";
      if (!seen_up.insert(up).second) {
        return refuse(
            rules::message(who, field, "upstream Stage \"" + up + "\" listed twice; list it once"));
      }
      const model::Stage* upstream = ctx.snapshot.stage(ns, up);
      if (upstream != nullptr && up != stage->metadata.name &&
          !requests_origin(*upstream, fr.origin)) {
        return refuse(rules::message(who, field,
                                     "upstream Stage \"" + up +
                                         "\" does not request Freight "
                                         "from " +
                                         fr.origin.str() +
                                         ", so it can never pass any on; add that origin to \"" +
                                         up + "\" or pick another upstream"));
      }
    }
  }
  // Rules on the pipeline graph (pipeline/graph.h): duplicate origins and unknown upstream
  // Stages of this Stage, and any cycle this change introduces.
  {
    const auto before = pipeline::StageGraph::build(project_stages(ctx.snapshot, nullptr, ns));
    const auto after = pipeline::StageGraph::build(project_stages(ctx.snapshot, &*stage, ns));
    std::set<std::string> known;
    for (const Error& e : before.errors()) known.insert(e.object + e.path + e.message);
    const std::string me = stage->display_name();
    for (const Error& e : after.errors()) {
      const bool mine = e.object == me;
      const bool new_cycle = e.message.find("cycle") != std::string::npos &&
                             known.count(e.object + e.path + e.message) == 0;
      if (!mine && !new_cycle) continue;
      if (mine) return refuse(rules::message(who, e.path, e.message));
      return refuse(rules::message(
          who, "spec.requestedFreight",
          "this change closes a cycle (" + e.object + ": " + e.path + ": " + e.message + ")"));
    }
  }

  // Rules on promotion steps.
  const json& tmpl = stage->promotionTemplate;
  json steps = json::array();
  if (tmpl.is_object() && tmpl.contains("spec") && tmpl["spec"].is_object() &&
      tmpl["spec"].contains("steps") && tmpl["spec"]["steps"].is_array()) {
    steps = tmpl["spec"]["steps"];
  }
  static const std::regex kReserved("^(step|task)-\\d+$");
  std::map<std::string, size_t> aliases;
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string at = "spec.promotionTemplate.spec.steps[" + std::to_string(i) + "]";
    const json& step = steps[i];
    if (!step.is_object()) return refuse(rules::message(who, at, "must be an object"));
    const bool uses = step.contains("uses") && step["uses"].is_string() &&
                      !step["uses"].get<std::string>().empty();
    const bool task = step.contains("task") && step["task"].is_object();
    if (uses == task) {
      return refuse(rules::message(who, at,
                                   "exactly one of uses or task must be set; a step either "
                                   "runs a step kind or references a PromotionTask"));
    }
    if (task) {
      if (step.contains("if")) {
        return refuse(rules::message(who, at + ".if",
                                     "PromotionTemplate step referencing a task cannot have an "
                                     "'if' condition; put the condition on the task's steps"));
      }
      if (step.contains("config")) {
        return refuse(rules::message(who, at + ".config",
                                     "PromotionTemplate step referencing a task cannot have a "
                                     "config; pass values with vars instead"));
      }
      const json& t = step["task"];
      const std::string name = t.value("name", std::string());
      const std::string kind = t.value("kind", std::string("PromotionTask"));
      if (name.empty()) {
        return refuse(rules::message(who, at + ".task.name", "required; name the PromotionTask"));
      }
      if (kind == "PromotionTask" && ctx.snapshot.promotion_task(ns, name) == nullptr) {
        warnings.push_back("PromotionTask \"" + name + "\" does not exist in namespace \"" + ns +
                           "\" yet");
      }
    }
    const std::string alias = step.value("as", std::string());
    if (alias.empty()) continue;
    if (std::regex_match(alias, kReserved)) {
      return refuse(rules::message(who, at + ".as",
                                   "step alias \"" + alias +
                                       "\" is reserved (step-N and task-N name unaliased "
                                       "steps); choose another alias"));
    }
    auto [it, inserted] = aliases.emplace(alias, i);
    if (!inserted) {
      return refuse(rules::message(who, at + ".as",
                                   "step alias duplicates that of "
                                   "spec.promotionTemplate.spec.steps[" +
                                       std::to_string(it->second) +
                                       "]; give each step its own alias"));
    }
  }
  return allow(req, std::move(warnings));
}

}  // namespace freightgate::admission
