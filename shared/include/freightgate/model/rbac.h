// Kubernetes core/RBAC objects the dir-mode state needs: Namespace and
// Role/ClusterRole/RoleBinding/ClusterRoleBinding (rbac.authorization.k8s.io/v1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "freightgate/model/meta.h"

namespace freightgate::model {

struct Namespace : ObjectBase {};

struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> apiGroups;
  std::vector<std::string> resources;  // may carry a subresource: "freights/status"
  std::vector<std::string> resourceNames;
  std::vector<std::string> nonResourceURLs;
};

// Role (namespaced) and ClusterRole; `kind` in ObjectBase tells which.
struct Role : ObjectBase {
  std::vector<PolicyRule> rules;
  std::vector<LabelSelector> aggregationSelectors;  // ClusterRole aggregationRule.clusterRoleSelectors
};

struct Subject {
  std::string kind;  // User | Group | ServiceAccount
  std::string name;
  std::string namespace_;
};

struct RoleRef {
  std::string kind;  // Role | ClusterRole
  std::string name;
};

// RoleBinding (namespaced) and ClusterRoleBinding; `kind` tells which.
struct RoleBinding : ObjectBase {
  RoleRef roleRef;
  std::vector<Subject> subjects;
};

}  // namespace freightgate::model
