// Project (cluster-scoped): its name becomes the project namespace, so it must be a DNS-1123
// label; an existing namespace of that name must already be a project namespace (Kargo
// refuses to adopt a foreign namespace); legacy spec.promotionPolicies (Kargo <= v1.4, the
// course's form) name each Stage at most once, with valid Stage names.
#include <map>
#include <string>

#include "freightgate/admission/rules.h"
#include "rules_common.h"

namespace freightgate::admission {

Decision project_rules(Phase phase, const AdmissionRequest& req, const Context& ctx) {
  if (phase == Phase::Mutate || req.operation == "DELETE") return allow(req);
  const std::string who = rules::describe(req);
  auto project = rules::decode_as<model::Project>(req.object);
  if (!project) return rules::deny_invalid(req, project.error());
  const std::string& name = project->metadata.name;

  // Rule: the name is a namespace name.
  if (std::string p = rules::dns1123_label_problem(name); !p.empty()) {
    return deny(req, rules::message(who, "metadata.name",
                                    p + "; a Project's name is also its namespace's name"));
  }
  // Rule: an existing namespace of that name is a project namespace.
  if (req.operation == "CREATE") {
    const model::Namespace* ns = ctx.snapshot.namespace_(name);
    if (ns != nullptr && ns->metadata.label(rules::kProjectLabel) != "true") {
      return deny(req, rules::message(who, "metadata.name",
                                      "namespace \"" + name +
                                          "\" already exists and is not labeled as a Project "
                                          "namespace; label it kargo.akuity.io/project=true "
                                          "or choose another Project name"));
    }
  }
  // Rules on the legacy promotion policies: valid Stage names, each named once.
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < project->promotionPolicies.size(); ++i) {
    const std::string field = "spec.promotionPolicies[" + std::to_string(i) + "].stage";
    const std::string& stage = project->promotionPolicies[i].stage;
    if (stage.empty()) {
      return deny(req, rules::message(who, field, "required; name the Stage this policy is for"));
    }
    if (std::string p = rules::dns1123_subdomain_problem(stage); !p.empty()) {
      return deny(req, rules::message(who, field, p));
    }
    auto [it, inserted] = seen.emplace(stage, i);
    if (!inserted) {
      return deny(req,
                  rules::message(who, field,
                                 "stage name already defined at spec.promotionPolicies[" +
                                     std::to_string(it->second) + "]; keep one policy per Stage"));
    }
  }
  return allow(req);
}

}  // namespace freightgate::admission
