// Promotion (pkg/webhook/kubernetes/promotion in Kargo, reference kargo-api.md §3.1).
// Mutate: the Stage exists; spec.origin resolves to the auto-promotion candidate (CREATE);
// name := lower("<stage>.<ULID>.<freight[:7]>"); create-actor `kubernetes:<user>` (restored on
// UPDATE); stage label + annotation, shard label, owner reference to the Stage.
// Validate: project namespace, exactly one of freight|origin, Stage and Freight exist, Freight
// available to the Stage, requester holds `promote` on the Stage (also for UPDATE and DELETE,
// as Kargo does), spec immutable.
#include <algorithm>
#include <array>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "freightgate/admission/rules.h"
#include "freightgate/freight/id.h"
#include "freightgate/pipeline/availability.h"
#include "rules_common.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

constexpr size_t kMaxName = 253;

// ULID (github.com/oklog/ulid): 48-bit millisecond time + 80 random bits, Crockford base32.
std::string ulid(model::Time now) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const auto ms = static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  std::array<unsigned char, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int i = 6; i < 16; ++i) b[i] = static_cast<unsigned char>(rng());
  // 128 bits, left-padded with 2 zero bits to 130, -> 26 characters of 5 bits.
  auto bit = [&b](int p) { return p < 2 ? 0 : (b[(p - 2) / 8] >> (7 - (p - 2) % 8)) & 1; };
  std::string out(26, '0');
  for (int k = 0; k < 26; ++k) {
    int v = 0;
    for (int j = 0; j < 5; ++j) v = (v << 1) | bit(5 * k + j);
    out[k] = kAlphabet[v];
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Kargo's name form, the Stage prefix cut so that the whole fits 253 characters.
std::string promotion_name(const std::string& stage, const std::string& freight, model::Time now) {
  const std::string suffix = "." + ulid(now) + "." + freight.substr(0, 7);
  std::string prefix = stage.substr(0, kMaxName - std::min(kMaxName, suffix.size()));
  return lower(prefix + suffix);
}

// True when `name` already has the form for this stage and freight (idempotent reinvocation).
bool has_promotion_name(const std::string& name, const std::string& stage,
                        const std::string& freight) {
  const std::string tail = "." + lower(freight.substr(0, 7));
  if (name.size() < tail.size() + 27 ||
      name.compare(name.size() - tail.size(), tail.size(), tail) != 0) {
    return false;
  }
  const size_t dot = name.size() - tail.size() - 27;  // '.' before the 26-char ULID
  if (name[dot] != '.') return false;
  return lower(stage).rfind(name.substr(0, dot), 0) == 0;
}

// Label values are at most 63 characters: longer Stage names are cut and suffixed with a hash.
std::string label_value(const std::string& v) {
  if (v.size() <= 63) return v;
  return v.substr(0, 52) + "-" + freight::sha1_hex(v).substr(0, 10);
}

// Kargo's candidate: the newest available Freight of the origin (discoveredAt, falling back to
// creationTimestamp; ties by name descending).
const model::Freight* candidate(const state::Snapshot& snap, const model::Stage& stage,
                                const FreightOrigin& origin, model::Time now) {
  const model::Freight* best = nullptr;
  auto when = [](const model::Freight* f) {
    if (f->discoveredAt) return *f->discoveredAt;
    return f->metadata.creationTimestamp.value_or(model::Time{});
  };
  for (const model::Freight* f : snap.freight_in(stage.metadata.namespace_)) {
    if (!(f->origin == origin) || !pipeline::is_freight_available(stage, *f, now)) continue;
    if (best == nullptr || when(f) > when(best) ||
        (when(f) == when(best) && f->metadata.name > best->metadata.name)) {
      best = f;
    }
  }
  return best;
}

Decision mutate(const AdmissionRequest& req, const Context& ctx) {
  json desired = req.object;
  if (!desired.is_object()) return allow(req);
  const std::string who = rules::describe(req);
  const std::string& ns = req.namespace_;
  json& spec = desired["spec"];
  if (!spec.is_object()) return allow(req);  // validation names the problem
  const std::string stage_name = rules::json_str(spec, "stage");
  const model::Stage* stage = ctx.snapshot.stage(ns, stage_name);
  if (stage == nullptr) {
    return deny(req, rules::message(who, "spec.stage",
                                    "could not find Stage \"" + stage_name + "\" in namespace \"" +
                                        ns + "\"; create the Stage or fix spec.stage"));
  }
  const bool create = req.operation == "CREATE";
  // spec.origin -> the auto-promotion candidate.
  if (create && rules::json_str(spec, "freight").empty() && spec.contains("origin") &&
      spec["origin"].is_object()) {
    FreightOrigin origin{rules::json_str(spec["origin"], "kind"),
                         rules::json_str(spec["origin"], "name")};
    if (origin.kind.empty()) origin.kind = "Warehouse";
    const model::Freight* f = candidate(ctx.snapshot, *stage, origin, ctx.now);
    if (f == nullptr) {
      return deny(req, rules::message(who, "spec.origin",
                                      "no auto-promotion candidate found for origin \"" +
                                          origin.str() + "\" on Stage \"" + stage_name +
                                          "\"; name the Freight in spec.freight or make Freight "
                                          "available first"));
    }
    spec["freight"] = f->metadata.name;
    spec.erase("origin");
  }
  const std::string freight = rules::json_str(spec, "freight");
  if (create) {
    const std::string name = rules::json_str(desired.value("metadata", json::object()), "name");
    if (!freight.empty() && !has_promotion_name(name, stage_name, freight)) {
      desired["metadata"]["name"] = promotion_name(stage_name, freight, ctx.now);
    }
    if (!is_control_plane(ctx.config, req.userInfo.username)) {
      rules::set_json_annotation(desired, rules::kCreateActorAnnotation,
                                 rules::kubernetes_actor(req.userInfo));
    }
  } else {
    // create-actor is forced back to its admitted value.
    const std::string before = rules::json_annotation(req.oldObject, rules::kCreateActorAnnotation);
    rules::set_json_annotation(desired, rules::kCreateActorAnnotation,
                               before.empty() ? std::nullopt : std::optional<std::string>(before));
  }
  rules::set_json_label(desired, rules::kStageLabel, label_value(stage_name));
  rules::set_json_annotation(desired, rules::kStageAnnotation, stage_name);
  rules::set_json_label(
      desired, rules::kShardLabel,
      stage->shard.empty() ? std::nullopt : std::optional<std::string>(stage->shard));
  if (!stage->metadata.uid.empty()) {
    desired["metadata"]["ownerReferences"] = json::array({json{
        {"apiVersion", model::kKargoApiVersion},
        {"kind", "Stage"},
        {"name", stage_name},
        {"uid", stage->metadata.uid},
        {"controller", true},
        {"blockOwnerDeletion", true},
    }});
  }
  return mutate_to(req, desired);
}

// The promote check shared by CREATE, UPDATE and DELETE. nullopt: allowed.
std::optional<Decision> authorize(const AdmissionRequest& req, const Context& ctx,
                                  const std::string& stage, const char* action) {
  if (is_control_plane(ctx.config, req.userInfo.username)) return std::nullopt;
  auto ok = rules::may_on_stage(ctx, req.userInfo, "promote", req.namespace_, stage);
  if (!ok) {
    return fail(req, FailureKind::Internal,
                "authorizing promote on Stage \"" + stage + "\": " + ok.error().to_string());
  }
  if (*ok) return std::nullopt;
  return deny(req, rules::message(rules::describe(req), "spec.stage",
                                  "subject \"" + req.userInfo.username + "\" is not permitted to " +
                                      action + " Promotions for Stage \"" + stage +
                                      "\" (needs verb \"promote\" on stages \"" + stage +
                                      "\"); ask someone who may promote to it, or get a Role "
                                      "granting promote on that Stage"));
}

}  // namespace

Decision promotion_rules(Phase phase, const AdmissionRequest& req, const Context& ctx) {
  if (phase == Phase::Mutate) return req.operation == "DELETE" ? allow(req) : mutate(req, ctx);
  const std::string who = rules::describe(req);
  const std::string& ns = req.namespace_;

  if (req.operation == "DELETE") {
    const model::Namespace* nso = ctx.snapshot.namespace_(ns);
    if (nso != nullptr && nso->metadata.deletionTimestamp) return allow(req);
    const std::string stage = rules::json_str(req.oldObject.value("spec", json::object()), "stage");
    if (auto d = authorize(req, ctx, stage, "delete")) return *d;
    return allow(req);
  }

  auto promo = rules::decode_as<model::Promotion>(req.object);
  if (!promo) return rules::deny_invalid(req, promo.error());
  const std::string& stage_name = promo->stage;

  if (req.operation == "UPDATE") {
    if (auto d = authorize(req, ctx, stage_name, "update")) return *d;
    const json before = req.oldObject.value("spec", json::object());
    const json after = req.object.value("spec", json::object());
    if (before != after) {
      return deny(req,
                  rules::message(who, "spec", "spec is immutable; create a new Promotion instead"));
    }
    return allow(req);
  }

  // CREATE
  if (std::string p = rules::project_problem(ctx.snapshot, ns); !p.empty()) {
    return deny(req, rules::message(who, "metadata.namespace", p));
  }
  if (auto d = authorize(req, ctx, stage_name, "create")) return *d;
  if (promo->freight.empty() == !promo->originRequest.has_value()) {
    return deny(req, rules::message(who, "spec",
                                    "exactly one of spec.freight or spec.origin must be set; name "
                                    "the Freight to promote"));
  }
  const model::Stage* stage = ctx.snapshot.stage(ns, stage_name);
  if (stage == nullptr) {
    return deny(req, rules::message(who, "spec.stage",
                                    "could not find Stage \"" + stage_name + "\" in namespace \"" +
                                        ns + "\"; create the Stage or fix spec.stage"));
  }
  if (promo->freight.empty()) return allow(req);  // origin: resolved by the mutating webhook
  const model::Freight* f = ctx.snapshot.freight(ns, promo->freight);
  if (f == nullptr) {
    const model::Freight* by_alias = ctx.snapshot.freight_by_alias(ns, promo->freight);
    return deny(req, rules::message(
                         who, "spec.freight",
                         by_alias != nullptr
                             ? "\"" + promo->freight + "\" is an alias; name the Freight \"" +
                                   by_alias->metadata.name + "\" instead"
                             : "Freight \"" + promo->freight + "\" does not exist in namespace \"" +
                                   ns + "\"; list Freight with kubectl get freight -n " + ns));
  }
  if (auto a = pipeline::freight_availability(*stage, *f, ctx.now); !a.available) {
    return deny(req, rules::message(who, "spec.freight", a.explain(*f, *stage)));
  }
  return allow(req);
}

}  // namespace freightgate::admission
