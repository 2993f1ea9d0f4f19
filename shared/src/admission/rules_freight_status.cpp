// freights/status: approvals and verifications are authorized here (Kargo does not check
// either: anyone who may patch freights/status could approve). A newly added
// status.approvedFor.<stage> needs `promote` on that Stage, a newly added
// status.verifiedIn.<stage> needs `verify`; both must name a Stage of the project that
// requests Freight from the Freight's origin. Control-plane identities bypass the checks.
#include <set>
#include <string>
#include <vector>

#include "freightgate/admission/rules.h"
#include "rules_common.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

std::set<std::string> status_keys(const json& obj, const char* field) {
  std::set<std::string> out;
  if (!obj.is_object()) return out;
  auto st = obj.find("status");
  if (st == obj.end() || !st->is_object()) return out;
  auto m = st->find(field);
  if (m == st->end() || !m->is_object()) return out;
  for (const auto& [k, _] : m->items()) out.insert(k);
  return out;
}

struct Grant {
  const char* field;   // status field
  const char* verb;    // RBAC verb on stages
  const char* action;  // for messages
  const char* fix;     // the way out
};

constexpr Grant kGrants[] = {
    {"approvedFor", "promote", "approve Freight for",
     "ask someone who may promote to that Stage to approve it, or get a Role granting "
     "\"promote\" on stages.kargo.akuity.io"},
    {"verifiedIn", "verify", "record a verification in",
     "let the Stage's verification (or CI with the \"verify\" verb) record it, or get a Role "
     "granting \"verify\" on stages.kargo.akuity.io"},
};

}  // namespace

Decision freight_status_rules(Phase phase, const AdmissionRequest& req, const Context& ctx) {
  if (phase == Phase::Mutate || req.operation == "DELETE") return allow(req);
  if (is_control_plane(ctx.config, req.userInfo.username)) return allow(req);
  const std::string who = rules::describe(req);
  const std::string& ns = req.namespace_;

  std::string origin;  // "Warehouse/<name>" of the Freight, "" when unknown
  if (req.object.contains("origin") && req.object["origin"].is_object()) {
    const json& o = req.object["origin"];
    origin = o.value("kind", std::string("Warehouse")) + "/" + o.value("name", std::string());
  }

  for (const Grant& g : kGrants) {
    const std::set<std::string> before = status_keys(req.oldObject, g.field);
    for (const std::string& stage_name : status_keys(req.object, g.field)) {
      if (before.count(stage_name) > 0) continue;
      const std::string field = std::string("status.") + g.field + "." + stage_name;

      // Rule: the Stage exists.
      const model::Stage* stage = ctx.snapshot.stage(ns, stage_name);
      if (stage == nullptr) {
        return deny(
            req, rules::message(who, field,
                                "Stage \"" + stage_name + "\" does not exist in namespace \"" + ns +
                                    "\"; name an existing Stage"));
      }
      // Rule: the Stage requests Freight from this Freight's origin (Kargo >= v1.11).
      bool requested = origin.empty();
      for (const model::FreightRequest& fr : stage->requestedFreight) {
        if (fr.origin.str() == origin) requested = true;
      }
      if (!requested) {
        return deny(req, rules::message(who, field,
                                        "Stage \"" + stage_name +
                                            "\" does not request Freight from origin \"" + origin +
                                            "\"; pick a Stage that requests it"));
      }
      // Rule: the requester holds the verb on that Stage.
      auto ok = rules::may_on_stage(ctx, req.userInfo, g.verb, ns, stage_name);
      if (!ok) {
        return fail(req, FailureKind::Internal,
                    "authorizing " + std::string(g.verb) + " on Stage \"" + stage_name +
                        "\": " + ok.error().to_string());
      }
      if (!*ok) {
        return deny(req,
                    rules::message(who, field,
                                   "user \"" + req.userInfo.username + "\" may not " + g.action +
                                       " Stage \"" + stage_name + "\" (needs verb \"" + g.verb +
                                       "\" on stages \"" + stage_name + "\"); " + g.fix));
      }
    }
  }
  return allow(req);
}

}  // namespace freightgate::admission
