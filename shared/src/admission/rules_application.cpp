// Argo CD Applications that run a Kargo stage (kargo.akuity.io/authorized-stage): promotion is
// a change of the Freight the Application pins (DESIGN.md "The promotion model").
//
// Mutate: resolve the requested Freight (annotation or plugin env FREIGHT; name or alias),
// write every pin for it (application_pins.h), stamp promoted-by/-at and previous-freight.
// Validate: the pins are one Freight's expansion; a change of Freight needs `promote` on the
// stage (control-plane identities excepted), Freight available to the stage, the stage's
// PromotionPolicies open now and, with requireApproval, an approval on top of upstream
// verification; escapes (dropping or moving authorized-stage, dropping the pins, editing the
// sources) need `promote` too. Rollbacks to Freight the stage ran before get a warning.
#include <chrono>
#include <ctime>

#include "freightgate/admission/application_pins.h"
#include "freightgate/admission/rules.h"
#include "freightgate/model/json_reader.h"
#include "freightgate/pipeline/availability.h"
#include "freightgate/policy/promotion_policy.h"
#include "rules_common.h"

namespace freightgate::admission {

namespace {

using model::JsonView;
using nlohmann::json;

std::string q(const std::string& s) { return "\"" + s + "\""; }

// `Freight "brave-falcon" (6e1f9cb)` or `Freight "6e1f9cb..."` without alias.
std::string freight_name(const model::Freight& f) {
  if (f.alias.empty()) return "Freight " + q(f.metadata.name);
  return "Freight " + q(f.alias) + " (" + f.metadata.name.substr(0, 7) + ")";
}

std::string stage_name(const StageRef& s) {
  return "Stage " + q(s.stage) + " of project " + q(s.project);
}

std::string rfc3339(model::Time t) {
  std::time_t tt = model::Clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const json& member(const json& obj, const char* key) {
  static const json null;
  if (!obj.is_object()) return null;
  auto it = obj.find(key);
  return it == obj.end() ? null : *it;
}

// spec.source and spec.sources: what the Application deploys (built for messages only).
json sources_of(JsonView app) {
  return json{{"source", *model::build_json(app["spec"]["source"])},
              {"sources", *model::build_json(app["spec"]["sources"])}};
}

std::string user_text(const UserInfo& u) {
  std::string s = "user " + q(u.username);
  std::string groups;
  for (const auto& g : u.groups)
    if (g != "system:authenticated") groups += (groups.empty() ? "" : ", ") + g;
  if (!groups.empty()) s += " (groups " + groups + ")";
  return s;
}

const model::Freight* resolve(const Context& ctx, const std::string& project,
                              const std::string& key) {
  if (key.empty()) return nullptr;
  return ctx.snapshot.freight_by_name_or_alias(project, key);
}

// The resolved name of the Freight `app` pins ("" when none; the raw value when unknown).
std::string pinned_name(const Context& ctx, const std::string& project, JsonView app) {
  std::string raw = pinned_freight(app);
  const model::Freight* f = resolve(ctx, project, raw);
  return f ? f->metadata.name : raw;
}

// Did the stage run `f` before? Kargo's Stage freightHistory, the Freight's own status
// (verified in / currently in the stage), or the Application's previous-freight.
bool ran_before(const model::Freight& f, const model::Stage& stage, JsonView old) {
  const std::string& s = stage.metadata.name;
  if (f.status.verifiedIn.count(s) || f.status.currentlyIn.count(s)) return true;
  if (annotation(old, kPreviousFreightKey) == f.metadata.name) return true;
  const json& history = member(member(stage.raw, "status"), "freightHistory");
  if (history.is_array())
    for (const auto& collection : history) {
      const json& items = member(collection, "items");
      if (items.is_object())
        for (const auto& [origin, ref] : items.items())
          if (member(ref, "name") == f.metadata.name) return true;
    }
  return false;
}

std::vector<const model::PromotionPolicy*> policies_for(const Context& ctx,
                                                        const model::Stage& stage) {
  std::vector<const model::PromotionPolicy*> out;
  for (const model::PromotionPolicy* p :
       ctx.snapshot.promotion_policies(stage.metadata.namespace_)) {
    const auto& sel = p->stageSelector;
    if (!sel.name.empty() && !rules::name_pattern_matches(sel.name, stage.metadata.name)) continue;
    if (!sel.labels.matches(stage.metadata.labels)) continue;
    out.push_back(p);
  }
  return out;
}

// --- mutate ----------------------------------------------------------------------------------

Decision mutate(const RequestInfo& req, JsonView obj, JsonView old, const Context& ctx) {
  auto st = authorized_stage(obj);
  // Not governed, or malformed (validation explains): nothing to write. Mutation fails open.
  if (!st.ok() || !*st) return allow(req);
  const StageRef& stage = **st;
  auto key = requested_freight(obj, old);
  if (!key) return allow(req);
  const model::Freight* f = resolve(ctx, stage.project, key->key);
  // Unknown stage or Freight: leave the object alone; validation says what is wrong.
  if (!f || !ctx.snapshot.stage(stage.project, stage.stage)) return allow(req);

  auto old_st = authorized_stage(old);
  const std::string previous = pinned_name(ctx, stage.project, old);
  const bool same_stage = old_st.ok() && *old_st && **old_st == stage;
  const bool promotion = !same_stage || previous != f->metadata.name;
  // Pins are written for a promotion, or to turn a requested alias into the Freight's name.
  // Any other edit of the pins is left as it is, for validation to judge: silently undoing a
  // user's change would hide it.
  if (!promotion && key->key == f->metadata.name) return allow(req);
  Overlay desired = pin_overlay(obj, *f, stage);
  if (promotion) {
    // A promotion: stamp who and when. promoted-at is kept when the stamp is already ours, so
    // a reinvocation (reinvocationPolicy: IfNeeded) yields an empty patch.
    const std::string prev = same_stage ? previous : "";
    bool stamped = annotation(obj, kFreightKey) == f->metadata.name &&
                   annotation(obj, kPromotedByKey) == req.userInfo.username &&
                   annotation(obj, kPreviousFreightKey) == prev &&
                   !annotation(obj, kPromotedAtKey).empty();
    Overlay& annotations = desired.child("metadata").child("annotations");
    annotations.set(kPromotedByKey, Overlay::string(req.userInfo.username));
    if (!stamped) annotations.set(kPromotedAtKey, Overlay::string(rfc3339(ctx.now)));
    annotations.set(kPreviousFreightKey, prev.empty() ? Overlay::absent() : Overlay::string(prev));
  }
  Decision d = patch_decision(req, obj, desired);
  if (d.ok && !d.response.patch.empty()) d.response.auditAnnotations["freight"] = f->metadata.name;
  return d;
}

// --- validate --------------------------------------------------------------------------------

struct Validation {
  const RequestInfo& req;
  const Context& ctx;
  JsonView obj;  // named in denials (described only when one is written)
  bool control_plane;

  Decision no(const std::string& field, const std::string& text) const {
    return deny(req, rules::message(rules::describe(req, obj), field, text));
  }

  // Checks `promote` on `stage`; nullopt when allowed, else the decision to return.
  std::optional<Decision> need_promote(const StageRef& stage, const std::string& field,
                                       const std::string& what) const {
    if (control_plane) return std::nullopt;
    auto ok = rules::may_on_stage(ctx, req.userInfo, "promote", stage.project, stage.stage);
    if (!ok)
      return fail(req, FailureKind::Internal,
                  "could not check whether " + user_text(req.userInfo) + " may promote " +
                      stage_name(stage) + ": " + ok.error().to_string());
    if (*ok) return std::nullopt;
    return no(field, what + " needs the promote verb on stages.kargo.akuity.io " + q(stage.stage) +
                         " in namespace " + q(stage.project) + ", which " +
                         user_text(req.userInfo) + " does not have; ask someone who may promote " +
                         q(stage.stage) + ", or get a role that grants it");
  }
};

Decision validate(const RequestInfo& req, JsonView obj, JsonView old, const Context& ctx) {
  // Argo CD's controller writes status all the time: nothing of ours changed, nothing to check.
  // (The annotations first: a promotion changes them, and they are quicker to compare than the
  // spec.)
  if (req.operation == "UPDATE") {
    const JsonView meta = obj["metadata"], old_meta = old["metadata"];
    if (meta["annotations"] == old_meta["annotations"] && meta["labels"] == old_meta["labels"] &&
        obj["spec"] == old["spec"])
      return allow(req);
  }

  Validation v{req, ctx, obj, is_control_plane(ctx.config, req.userInfo.username)};
  auto st = authorized_stage(obj);
  if (!st.ok()) return v.no(st.error().path, st.error().message);
  auto old_st = authorized_stage(old);
  const std::optional<StageRef> now_stage = *st;
  const std::optional<StageRef> was_stage = old_st.ok() ? *old_st : std::optional<StageRef>();
  const std::string ann_field =
      std::string("metadata.annotations[\"") + kAuthorizedStageKey + "\"]";

  // Escape hatch: taking an Application away from its stage.
  if (was_stage && now_stage != was_stage) {
    std::string what = now_stage ? "moving this Application from " + stage_name(*was_stage) +
                                       " to " + stage_name(*now_stage)
                                 : std::string("removing ") + kAuthorizedStageKey + " (" +
                                       stage_name(*was_stage) + ")";
    if (auto d = v.need_promote(*was_stage, ann_field, what)) return *d;
  }
  if (!now_stage) return allow(req);
  const StageRef& stage = *now_stage;
  const model::Stage* s = ctx.snapshot.stage(stage.project, stage.stage);
  if (!s)
    return v.no(ann_field, stage_name(stage) +
                               " does not exist; create the Stage first, or fix "
                               "the annotation to name an existing \"<project>:<stage>\"");
  const bool same_stage = was_stage && *was_stage == stage;
  // sources_of(obj) != sources_of(old), without building the two copies.
  const bool sources_changed =
      req.operation == "UPDATE" && !(obj["spec"]["source"] == old["spec"]["source"] &&
                                     obj["spec"]["sources"] == old["spec"]["sources"]);

  // No Freight requested: the Application is not pinned.
  auto key = requested_freight(obj, old);
  if (!key) {
    const bool was_pinned = same_stage && !pinned_freight(old).empty();
    if (!same_stage || was_pinned || sources_changed) {
      std::string what =
          !same_stage  ? "putting an unpinned Application on " + stage_name(stage)
          : was_pinned ? "removing the Freight pins of " + stage_name(stage)
                       : "changing " + first_difference(sources_of(old), sources_of(obj), "spec") +
                             " of " + stage_name(stage) + "'s Application";
      if (auto d = v.need_promote(
              stage, std::string("metadata.annotations[\"") + kFreightKey + "\"]", what))
        return *d;
    }
    return allow(req, {"this Application runs " + stage.str() +
                       " but pins no Freight; set annotation " + kFreightKey});
  }

  const model::Freight* f = resolve(ctx, stage.project, key->key);
  if (!f)
    return v.no(key->field, "Freight " + q(key->key) + " does not exist in project " +
                                q(stage.project) +
                                "; use the name or alias of an existing Freight (kubectl get "
                                "freight -n " +
                                stage.project + ")");
  // The pins must be exactly this Freight's expansion (the mutating webhook writes them).
  // The request itself may name the Freight by alias; the pins below it must still match.
  // Checked on the view; only a mismatch builds the members the pins write (pinned_members)
  // to name the first field that differs.
  const std::string ann(annotation(obj, kFreightKey));
  const bool names_f = ann == f->metadata.name || resolve(ctx, stage.project, ann) == f;
  if (!names_f || !sources_pinned(obj, *f, stage)) {
    json requested = pinned_members(obj);
    if (ann != f->metadata.name && names_f)
      rules::set_json_annotation(requested, kFreightKey, f->metadata.name);
    json expected = pin_application(requested, *f, stage);
    if (std::string diff = first_difference(requested, expected); !diff.empty())
      return v.no(diff, "does not match " + freight_name(*f) +
                            ", which this Application asks for in " + key->field +
                            "; request a Freight only through " + kFreightKey +
                            " and let freightgate's mutating webhook write the pins");
  }

  const std::string previous = same_stage ? pinned_name(ctx, stage.project, old) : "";
  const bool promotion = !same_stage || previous != f->metadata.name;
  if (!promotion) {
    if (!sources_changed) return allow(req);
    std::string field = first_difference(sources_of(old), sources_of(obj), "spec");
    if (auto d = v.need_promote(
            stage, field, "changing " + field + " of " + stage_name(stage) + "'s Application"))
      return *d;
    return allow(req);
  }

  // A promotion of `stage` to `f`.
  const std::string promoting = "promoting " + stage_name(stage) + " to " + freight_name(*f);
  if (auto d = v.need_promote(stage, key->field, promoting)) return *d;
  pipeline::Availability av = pipeline::freight_availability(*s, *f, ctx.now);
  if (!av.available) return v.no(key->field, av.explain(*f, *s));
  auto gate = policy::evaluate(policies_for(ctx, *s), ctx.now);
  if (!gate.ok())
    return v.no(key->field, "the PromotionPolicies of " + stage_name(stage) +
                                " cannot be evaluated: " + gate.error().to_string());
  if (gate->closed)
    return v.no(key->field,
                promoting + " is not allowed now: " + gate->why_closed + "; " + gate->reopens);
  if (gate->require_approval) {
    if (!pipeline::is_approved_for(*f, stage.stage))
      return v.no(key->field, promoting + " needs an approval: " + gate->approval_policy +
                                  " has requireApproval; ask someone who may promote " +
                                  q(stage.stage) + " to approve " + freight_name(*f) +
                                  " for it (status.approvedFor." + stage.stage + ")");
    model::Freight unapproved = *f;
    unapproved.status.approvedFor.clear();
    pipeline::Availability upstream = pipeline::freight_availability(*s, unapproved, ctx.now);
    if (!upstream.available)
      return v.no(key->field, gate->approval_policy +
                                  " requires upstream verification in addition to approval: " +
                                  upstream.explain(unapproved, *s));
  }
  std::vector<std::string> warnings;
  const bool rollback = same_stage && ran_before(*f, *s, old);
  if (rollback)
    warnings.push_back("rollback: " + stage.str() + " goes back to " + freight_name(*f) +
                       ", which it ran before" +
                       (previous.empty() ? "" : " (replacing " + previous.substr(0, 7) + ")"));
  Decision d = allow(req, std::move(warnings));
  if (rollback) d.response.auditAnnotations["rollback"] = "true";
  d.response.auditAnnotations["freight"] = f->metadata.name;
  d.response.auditAnnotations["stage"] = stage.str();
  if (!previous.empty()) d.response.auditAnnotations["previous-freight"] = previous;
  return d;
}

}  // namespace

Decision application_rules(Phase phase, const RequestInfo& req, JsonView object,
                           JsonView old_object, const Context& ctx) {
  if (req.operation != "CREATE" && req.operation != "UPDATE") return allow(req);
  if (!object.is_object())
    return fail(req, FailureKind::BadRequest,
                "request.object: an Application " + req.operation + " carries the object");
  const JsonView old = req.operation == "UPDATE" ? old_object : JsonView();
  return phase == Phase::Mutate ? mutate(req, object, old, ctx) : validate(req, object, old, ctx);
}

}  // namespace freightgate::admission
