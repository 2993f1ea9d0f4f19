// Kubernetes RBAC evaluated over the Role/ClusterRole/RoleBinding/ClusterRoleBinding objects of
// a Snapshot: the dir-mode Authorizer. Semantics follow kube-apiserver's RBAC authorizer
// (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation/rule.go):
//   - ClusterRoleBindings grant their ClusterRole everywhere; RoleBindings grant their Role (in
//     the binding's namespace) or ClusterRole only for requests in the binding's namespace.
//   - Subjects: User (== username), Group (in groups), ServiceAccount (username
//     `system:serviceaccount:<ns>:<name>`, ns defaulting to the binding's namespace).
//   - Rules: verbs, apiGroups, resources ("res", "res/sub", "*", "*/sub"), resourceNames
//     (empty = any); "*" matches anything in verbs/apiGroups/resources.
//   - ClusterRoles with aggregationRule.clusterRoleSelectors get the rules of every other
//     ClusterRole matching a selector (transitively), replacing their own, as the aggregation
//     controller does.
//   - A binding that references a missing role grants nothing (no opinion, never an error).
// Groups the API server's authenticators add are implied when absent, so a bare username
// evaluates like a real request: `system:authenticated` for every named user other than
// `system:anonymous` (which gets `system:unauthenticated`), and `system:serviceaccounts` +
// `system:serviceaccounts:<ns>` for service-account usernames.
//
// Thread-safety: immutable after construction; allowed() may be called from many threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "freightgate/admission/authorizer.h"
#include "freightgate/model/rbac.h"
#include "freightgate/state/snapshot.h"

namespace freightgate::state {

// True when `rule` grants `attrs` (kube's RuleAllows for resource requests).
bool rule_allows(const model::PolicyRule& rule, const admission::ResourceAttributes& attrs);

// The user's groups plus the ones the authenticators would add (see above), deduplicated.
std::vector<std::string> effective_groups(const admission::UserInfo& user);

class RbacAuthorizer : public admission::Authorizer {
 public:
  // Keeps `snapshot` alive; precomputes aggregated ClusterRole rules.
  explicit RbacAuthorizer(std::shared_ptr<const Snapshot> snapshot);

  Result<bool> allowed(const admission::UserInfo& user,
                       const admission::ResourceAttributes& attrs) const override;

  // What grants `attrs` to `user`, for messages and logs, e.g.
  // `RoleBinding "guestbook/developers" of ClusterRole "promoter"`; "" when nothing does.
  std::string explain(const admission::UserInfo& user,
                      const admission::ResourceAttributes& attrs) const;

  // Rules of a ClusterRole after aggregation (own rules when it has no aggregationRule).
  const std::vector<model::PolicyRule>* cluster_role_rules(const std::string& name) const;

 private:
  // The binding that grants `attrs` to `user` (the first, in explain's order), if any.
  struct Grant {
    const model::RoleBinding* binding = nullptr;
    bool cluster_wide = false;  // a ClusterRoleBinding
  };
  Grant grant(const admission::UserInfo& user, const admission::ResourceAttributes& attrs) const;

  std::shared_ptr<const Snapshot> snapshot_;
  std::map<std::string, std::vector<model::PolicyRule>> cluster_rules_;
};

}  // namespace freightgate::state
