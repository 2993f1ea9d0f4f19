#include "freightgate/state/rbac.h"

#include <algorithm>
#include <functional>
#include <set>
#include <string_view>
#include <utility>

namespace freightgate::state {

namespace {

constexpr std::string_view kSaPrefix = "system:serviceaccount:";

bool has(const std::vector<std::string>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

// verbs / apiGroups: "*" or exact.
bool matches_or_star(const std::vector<std::string>& set, std::string_view v) {
  return has(set, "*") || has(set, v);
}

// Whether `r` is `<first><sep><second>`, without building it.
bool is_joined(std::string_view r, std::string_view first, char sep, std::string_view second) {
  return r.size() == first.size() + 1 + second.size() && r.substr(0, first.size()) == first &&
         r[first.size()] == sep && r.substr(first.size() + 1) == second;
}

bool resource_matches(const model::PolicyRule& rule, const admission::ResourceAttributes& attrs) {
  for (const std::string& r : rule.resources) {
    if (r == "*") return true;
    if (attrs.subresource.empty()) {
      if (r == attrs.resource) return true;
      continue;
    }
    // "<resource>/<subresource>", or "*/<subresource>" for that subresource of any resource.
    if (is_joined(r, attrs.resource, '/', attrs.subresource) ||
        is_joined(r, "*", '/', attrs.subresource))
      return true;
  }
  return false;
}

bool policy_rule_equal(const model::PolicyRule& a, const model::PolicyRule& b) {
  return a.verbs == b.verbs && a.apiGroups == b.apiGroups && a.resources == b.resources &&
         a.resourceNames == b.resourceNames && a.nonResourceURLs == b.nonResourceURLs;
}

bool subject_applies(const admission::UserInfo& user, const std::vector<std::string>& groups,
                     const model::Subject& s, const std::string& binding_ns) {
  if (s.kind == "User") return user.username == s.name;
  if (s.kind == "Group") return has(groups, s.name);
  if (s.kind == "ServiceAccount") {
    const std::string& ns = s.namespace_.empty() ? binding_ns : s.namespace_;
    if (ns.empty()) return false;
    // system:serviceaccount:<ns>:<name>
    std::string_view u = user.username;
    return u.starts_with(kSaPrefix) && is_joined(u.substr(kSaPrefix.size()), ns, ':', s.name);
  }
  return false;
}

const model::Subject* applies_to(const admission::UserInfo& user,
                                 const std::vector<std::string>& groups,
                                 const model::RoleBinding& b, const std::string& binding_ns) {
  for (const model::Subject& s : b.subjects) {
    if (subject_applies(user, groups, s, binding_ns)) return &s;
  }
  return nullptr;
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

bool rule_allows(const model::PolicyRule& rule, const admission::ResourceAttributes& attrs) {
  return matches_or_star(rule.verbs, attrs.verb) && matches_or_star(rule.apiGroups, attrs.group) &&
         resource_matches(rule, attrs) &&
         (rule.resourceNames.empty() || has(rule.resourceNames, attrs.name));
}

std::vector<std::string> effective_groups(const admission::UserInfo& user) {
  std::vector<std::string> groups = user.groups;
  auto add = [&groups](std::string g) {
    if (!has(groups, g)) groups.push_back(std::move(g));
  };
  if (user.username == "system:anonymous") {
    add("system:unauthenticated");
  } else if (!user.username.empty()) {
    add("system:authenticated");
  }
  if (user.username.rfind(kSaPrefix, 0) == 0) {
    std::string_view rest = std::string_view(user.username).substr(kSaPrefix.size());
    size_t colon = rest.find(':');
    if (colon != std::string_view::npos && colon > 0 && colon + 1 < rest.size()) {
      add("system:serviceaccounts");
      add("system:serviceaccounts:" + std::string(rest.substr(0, colon)));
    }
  }
  return groups;
}

RbacAuthorizer::RbacAuthorizer(std::shared_ptr<const Snapshot> snapshot)
    : snapshot_(std::move(snapshot)) {
  if (!snapshot_) return;
  std::vector<const model::Role*> all = snapshot_->cluster_roles();  // name order
  // Effective rules with aggregation resolved transitively; `visiting` breaks cycles.
  std::set<std::string> visiting;
  std::function<const std::vector<model::PolicyRule>&(const model::Role*)> resolve =
      [&](const model::Role* role) -> const std::vector<model::PolicyRule>& {
    auto done = cluster_rules_.find(role->metadata.name);
    if (done != cluster_rules_.end()) return done->second;
    if (role->aggregationSelectors.empty() || visiting.count(role->metadata.name) > 0) {
      return role->rules;
    }
    visiting.insert(role->metadata.name);
    std::vector<model::PolicyRule> rules;
    for (const model::LabelSelector& sel : role->aggregationSelectors) {
      for (const model::Role* other : all) {
        if (other->metadata.name == role->metadata.name) continue;
        if (!sel.matches(other->metadata.labels)) continue;
        for (const model::PolicyRule& r : resolve(other)) {
          bool dup = std::any_of(rules.begin(), rules.end(), [&r](const model::PolicyRule& x) {
            return policy_rule_equal(x, r);
          });
          if (!dup) rules.push_back(r);
        }
      }
    }
    visiting.erase(role->metadata.name);
    return cluster_rules_.insert_or_assign(role->metadata.name, std::move(rules)).first->second;
  };
  for (const model::Role* role : all) {
    if (!role->aggregationSelectors.empty()) resolve(role);
  }
}

const std::vector<model::PolicyRule>* RbacAuthorizer::cluster_role_rules(
    const std::string& name) const {
  auto it = cluster_rules_.find(name);
  if (it != cluster_rules_.end()) return &it->second;
  const model::Role* role = snapshot_ ? snapshot_->cluster_role(name) : nullptr;
  return role ? &role->rules : nullptr;
}

RbacAuthorizer::Grant RbacAuthorizer::grant(const admission::UserInfo& user,
                                            const admission::ResourceAttributes& attrs) const {
  if (!snapshot_) return {};
  const std::vector<std::string> groups = effective_groups(user);
  auto grants = [&attrs](const std::vector<model::PolicyRule>* rules) {
    return rules != nullptr && std::any_of(rules->begin(), rules->end(), [&attrs](const auto& r) {
             return rule_allows(r, attrs);
           });
  };
  for (const model::RoleBinding* b : snapshot_->cluster_role_bindings()) {
    if (b->roleRef.kind != "ClusterRole" || applies_to(user, groups, *b, "") == nullptr) continue;
    if (grants(cluster_role_rules(b->roleRef.name))) return {b, true};
  }
  if (attrs.namespace_.empty()) return {};
  for (const model::RoleBinding* b : snapshot_->role_bindings(attrs.namespace_)) {
    if (applies_to(user, groups, *b, attrs.namespace_) == nullptr) continue;
    const std::vector<model::PolicyRule>* rules = nullptr;
    if (b->roleRef.kind == "Role") {
      const model::Role* role = snapshot_->role(attrs.namespace_, b->roleRef.name);
      rules = role ? &role->rules : nullptr;
    } else if (b->roleRef.kind == "ClusterRole") {
      rules = cluster_role_rules(b->roleRef.name);
    }
    if (grants(rules)) return {b, false};
  }
  return {};
}

std::string RbacAuthorizer::explain(const admission::UserInfo& user,
                                    const admission::ResourceAttributes& attrs) const {
  Grant g = grant(user, attrs);
  if (g.binding == nullptr) return "";
  const model::RoleBinding& b = *g.binding;
  if (g.cluster_wide)
    return "ClusterRoleBinding " + quote(b.metadata.name) + " of ClusterRole " +
           quote(b.roleRef.name);
  return "RoleBinding " + quote(attrs.namespace_ + "/" + b.metadata.name) + " of " +
         b.roleRef.kind + " " + quote(b.roleRef.name);
}

Result<bool> RbacAuthorizer::allowed(const admission::UserInfo& user,
                                     const admission::ResourceAttributes& attrs) const {
  if (!snapshot_) {
    return Error{"", 0, "", "", "RBAC state not loaded; load a state directory first"};
  }
  // Only whether a binding grants it: the explanation's strings are for messages.
  return grant(user, attrs).binding != nullptr;
}

}  // namespace freightgate::state
