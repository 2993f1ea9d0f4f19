// RBAC evaluation over real Role/ClusterRole/RoleBinding/ClusterRoleBinding YAML, table-driven:
// every row is a question kube-apiserver's RBAC authorizer would answer the same way.
#include "freightgate/state/rbac.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "freightgate/state/dir_source.h"
#include "snapshot_test_util.h"

namespace fa = freightgate::admission;
namespace fm = freightgate::model;
namespace fs = freightgate::state;

namespace {

// RBAC objects exercising each rule of the evaluator.
constexpr const char* kPolicy = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: team-a}
rules:
- apiGroups: [""]
  resources: ["pods", "pods/log", "pods.exec"]
  verbs: ["get", "list"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  resourceNames: ["web"]
  verbs: ["patch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects:
- {kind: User, name: ann}
- {kind: ServiceAccount, name: bot}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: stage-promoter}
rules:
- apiGroups: ["kargo.akuity.io"]
  resources: ["stages"]
  verbs: ["promote"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: promoters, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: stage-promoter}
subjects:
- {kind: Group, name: team-a-devs}
- {kind: Group, name: "system:serviceaccounts:ci"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: status-patcher}
rules:
- apiGroups: ["*"]
  resources: ["*/status"]
  verbs: ["patch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: status-patchers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: status-patcher}
subjects:
- {kind: ServiceAccount, name: controller, namespace: kargo}
- {kind: ServiceAccount, name: no-namespace}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: admin-all}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin-all}
subjects:
- {kind: User, name: root}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: verify-aggregate}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {freightgate.io/aggregate-to-verify: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: verify-part
  labels: {freightgate.io/aggregate-to-verify: "true"}
rules:
- apiGroups: ["kargo.akuity.io"]
  resources: ["stages"]
  verbs: ["verify"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: verify-nested
  labels: {freightgate.io/aggregate-to-verify: "true"}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {freightgate.io/aggregate-to-nested: "true"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: nested-part
  labels: {freightgate.io/aggregate-to-nested: "true"}
rules:
- apiGroups: ["kargo.akuity.io"]
  resources: ["freights/status"]
  verbs: ["update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: verifiers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: verify-aggregate}
subjects:
- {kind: Group, name: "system:authenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dangling, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: does-not-exist}
subjects:
- {kind: User, name: dan}
)";

std::shared_ptr<const fs::Snapshot> load(const std::string& yaml) {
  return fgtest::snapshot_from_yaml(yaml, "policy.yaml");
}

struct Case {
  const char* name;
  std::string user;
  std::vector<std::string> groups;
  fa::ResourceAttributes attrs;
  bool allowed;
};

fa::ResourceAttributes res(std::string verb, std::string group, std::string resource,
                           std::string sub, std::string name, std::string ns) {
  return fa::ResourceAttributes{std::move(verb), std::move(group), std::move(resource),
                                std::move(sub),  std::move(name),  std::move(ns)};
}

class RbacTable : public ::testing::TestWithParam<Case> {};

TEST_P(RbacTable, Decides) {
  static auto snap = load(kPolicy);
  static fs::RbacAuthorizer authz(snap);
  const Case& c = GetParam();
  fa::UserInfo u;
  u.username = c.user;
  u.groups = c.groups;
  auto r = authz.allowed(u, c.attrs);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, c.allowed) << c.name << " explain=" << authz.explain(u, c.attrs);
  EXPECT_EQ(authz.explain(u, c.attrs).empty(), !c.allowed);
}

const Case kCases[] = {
    // Role + RoleBinding, User subject: exact verb/group/resource.
    {"user role get pods", "ann", {}, res("get", "", "pods", "", "p1", "team-a"), true},
    {"user role other verb", "ann", {}, res("delete", "", "pods", "", "p1", "team-a"), false},
    {"user role other namespace", "ann", {}, res("get", "", "pods", "", "p1", "team-b"), false},
    {"user role cluster scope", "ann", {}, res("get", "", "pods", "", "p1", ""), false},
    {"user role other group", "ann", {}, res("get", "apps", "pods", "", "p1", "team-a"), false},
    {"other user", "bob", {}, res("get", "", "pods", "", "p1", "team-a"), false},
    // Subresources are "res/sub"; "pods" does not grant "pods/exec", nor does "pods.exec" (also
    // in the Role: the separator counts).
    {"subresource listed", "ann", {}, res("get", "", "pods", "log", "p1", "team-a"), true},
    {"subresource not listed", "ann", {}, res("get", "", "pods", "exec", "p1", "team-a"), false},
    // resourceNames.
    {"resourceName match",
     "ann",
     {},
     res("patch", "apps", "deployments", "", "web", "team-a"),
     true},
    {"resourceName mismatch",
     "ann",
     {},
     res("patch", "apps", "deployments", "", "db", "team-a"),
     false},
    {"resourceName empty name",
     "ann",
     {},
     res("patch", "apps", "deployments", "", "", "team-a"),
     false},
    // ServiceAccount subject without namespace in a RoleBinding: the binding's namespace.
    {"sa default ns",
     "system:serviceaccount:team-a:bot",
     {},
     res("list", "", "pods", "", "", "team-a"),
     true},
    {"sa other ns",
     "system:serviceaccount:team-b:bot",
     {},
     res("list", "", "pods", "", "", "team-a"),
     false},
    {"sa name as user", "bot", {}, res("list", "", "pods", "", "", "team-a"), false},
    // The username is matched whole, separators included.
    {"sa other separator",
     "system:serviceaccount:team-a.bot",
     {},
     res("list", "", "pods", "", "", "team-a"),
     false},
    {"sa longer name",
     "system:serviceaccount:team-a:bot2",
     {},
     res("list", "", "pods", "", "", "team-a"),
     false},
    // RoleBinding to a ClusterRole: only in the binding's namespace. Group subject.
    {"group promote",
     "alice",
     {"team-a-devs"},
     res("promote", "kargo.akuity.io", "stages", "", "prod", "team-a"),
     true},
    {"group promote other ns",
     "alice",
     {"team-a-devs"},
     res("promote", "kargo.akuity.io", "stages", "", "prod", "team-b"),
     false},
    {"group promote cluster",
     "alice",
     {"team-a-devs"},
     res("promote", "kargo.akuity.io", "stages", "", "prod", ""),
     false},
    {"no group",
     "alice",
     {},
     res("promote", "kargo.akuity.io", "stages", "", "prod", "team-a"),
     false},
    // system:serviceaccounts:<ns> group implied from a service-account username.
    {"sa ns group implied",
     "system:serviceaccount:ci:runner",
     {},
     res("promote", "kargo.akuity.io", "stages", "", "dev", "team-a"),
     true},
    {"sa ns group other ns",
     "system:serviceaccount:cd:runner",
     {},
     res("promote", "kargo.akuity.io", "stages", "", "dev", "team-a"),
     false},
    {"sa group explicit",
     "someone",
     {"system:serviceaccounts:ci"},
     res("promote", "kargo.akuity.io", "stages", "", "dev", "team-a"),
     true},
    // ClusterRoleBinding: everywhere; "*/status" and "*" apiGroups.
    {"crb sa status any ns",
     "system:serviceaccount:kargo:controller",
     {},
     res("patch", "kargo.akuity.io", "freights", "status", "f", "team-z"),
     true},
    {"crb sa status cluster",
     "system:serviceaccount:kargo:controller",
     {},
     res("patch", "", "nodes", "status", "n1", ""),
     true},
    {"crb sa main resource",
     "system:serviceaccount:kargo:controller",
     {},
     res("patch", "kargo.akuity.io", "freights", "", "f", "team-z"),
     false},
    {"crb sa other sub",
     "system:serviceaccount:kargo:controller",
     {},
     res("patch", "kargo.akuity.io", "freights", "scale", "f", "team-z"),
     false},
    // A ServiceAccount subject of a ClusterRoleBinding without namespace matches nobody.
    {"crb sa without namespace",
     "system:serviceaccount:default:no-namespace",
     {},
     res("patch", "", "pods", "status", "p", "default"),
     false},
    // Wildcards everywhere.
    {"star all",
     "root",
     {},
     res("escalate", "rbac.authorization.k8s.io", "clusterroles", "", "x", ""),
     true},
    {"star all ns",
     "root",
     {},
     res("promote", "kargo.akuity.io", "stages", "", "prod", "guestbook"),
     true},
    // Aggregation (transitive) + system:authenticated implied for any named user.
    {"aggregated verify",
     "carol",
     {},
     res("verify", "kargo.akuity.io", "stages", "", "dev", "team-a"),
     true},
    {"aggregated nested",
     "carol",
     {},
     res("update", "kargo.akuity.io", "freights", "status", "f", "x"),
     true},
    {"aggregated not more",
     "carol",
     {},
     res("promote", "kargo.akuity.io", "stages", "", "dev", "team-a"),
     false},
    {"anonymous not authenticated",
     "system:anonymous",
     {},
     res("verify", "kargo.akuity.io", "stages", "", "dev", "team-a"),
     false},
    // A binding to a missing Role grants nothing and is no error.
    {"dangling", "dan", {}, res("get", "", "pods", "", "p", "team-a"), false},
};

INSTANTIATE_TEST_SUITE_P(Rules, RbacTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.name;
                           for (char& ch : n) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

TEST(Rbac, EffectiveGroups) {
  fa::UserInfo sa{"system:serviceaccount:guestbook:ci", "", {}, {}};
  EXPECT_EQ(fs::effective_groups(sa),
            (std::vector<std::string>{"system:authenticated", "system:serviceaccounts",
                                      "system:serviceaccounts:guestbook"}));
  fa::UserInfo user{"alice", "", {"devs", "system:authenticated"}, {}};
  EXPECT_EQ(fs::effective_groups(user), (std::vector<std::string>{"devs", "system:authenticated"}));
  fa::UserInfo anon{"system:anonymous", "", {}, {}};
  EXPECT_EQ(fs::effective_groups(anon), (std::vector<std::string>{"system:unauthenticated"}));
}

TEST(Rbac, AggregatedRulesReplaceOwn) {
  auto snap = load(kPolicy);
  fs::RbacAuthorizer authz(snap);
  const auto* rules = authz.cluster_role_rules("verify-aggregate");
  ASSERT_NE(rules, nullptr);
  ASSERT_EQ(rules->size(), 2u);  // verify-part + nested-part via verify-nested
  EXPECT_EQ((*rules)[0].verbs, std::vector<std::string>{
                                   "update"});  // via verify-nested, which sorts before verify-part
  EXPECT_EQ((*rules)[1].verbs, std::vector<std::string>{"verify"});
  EXPECT_EQ(authz.cluster_role_rules("missing"), nullptr);
}

TEST(Rbac, AggregationCycleTerminates) {
  auto snap = load(R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a, labels: {agg: b}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: a}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b, labels: {agg: a}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: b}}]}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
)");
  fs::RbacAuthorizer authz(snap);
  ASSERT_NE(authz.cluster_role_rules("a"), nullptr);
  ASSERT_NE(authz.cluster_role_rules("b"), nullptr);
}

TEST(Rbac, ExplainNamesBindingAndRole) {
  auto snap = load(kPolicy);
  fs::RbacAuthorizer authz(snap);
  fa::UserInfo u{"alice", "", {"team-a-devs"}, {}};
  EXPECT_EQ(authz.explain(u, res("promote", "kargo.akuity.io", "stages", "", "prod", "team-a")),
            "RoleBinding \"team-a/promoters\" of ClusterRole \"stage-promoter\"");
  fa::UserInfo root{"root", "", {}, {}};
  EXPECT_EQ(authz.explain(root, res("get", "", "pods", "", "", "")),
            "ClusterRoleBinding \"admins\" of ClusterRole \"admin-all\"");
}

TEST(Rbac, NoSnapshotIsAnErrorNotADenial) {
  fs::RbacAuthorizer authz(nullptr);
  auto r = authz.allowed(fa::UserInfo{"x", "", {}, {}}, res("get", "", "pods", "", "", "a"));
  EXPECT_FALSE(r.ok());
}

// The example pipeline's RBAC, as the issue describes it: developers promote dev and staging,
// release managers any stage, the CI ServiceAccount records verifications.
TEST(Rbac, GuestbookExample) {
  auto objects = fs::load_dir(std::string(FG_SOURCE_DIR) + "/examples/guestbook");
  ASSERT_TRUE(objects.ok()) << objects.error().to_string();
  fs::RbacAuthorizer authz(fs::Snapshot::build(std::move(*objects)));
  auto promote = [](std::string stage) {
    return res("promote", "kargo.akuity.io", "stages", "", std::move(stage), "guestbook");
  };
  fa::UserInfo alice{"alice@example.com", "", {"guestbook-developers"}, {}};
  fa::UserInfo rita{"rita@example.com", "", {"guestbook-release-managers"}, {}};
  fa::UserInfo ci{"system:serviceaccount:guestbook:ci", "", {}, {}};
  EXPECT_TRUE(*authz.allowed(alice, promote("dev")));
  EXPECT_TRUE(*authz.allowed(alice, promote("staging")));
  EXPECT_FALSE(*authz.allowed(alice, promote("prod")));
  EXPECT_TRUE(*authz.allowed(rita, promote("prod")));
  EXPECT_FALSE(*authz.allowed(ci, promote("dev")));
  EXPECT_TRUE(
      *authz.allowed(ci, res("verify", "kargo.akuity.io", "stages", "", "dev", "guestbook")));
  EXPECT_TRUE(
      *authz.allowed(ci, res("patch", "kargo.akuity.io", "freights", "status", "f", "guestbook")));
  EXPECT_FALSE(
      *authz.allowed(ci, res("patch", "kargo.akuity.io", "freights", "", "f", "guestbook")));
  EXPECT_FALSE(
      *authz.allowed(rita, res("promote", "kargo.akuity.io", "stages", "", "prod", "other")));
}

}  // namespace
