// The indexed snapshot over the example pipeline (examples/guestbook) and a few edge cases:
// lookups by name and alias per namespace, Applications by authorized stage, RBAC objects.
#include "freightgate/state/snapshot.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "freightgate/state/dir_source.h"
#include "snapshot_test_util.h"

namespace fm = freightgate::model;
namespace fs = freightgate::state;

namespace {

std::shared_ptr<const fs::Snapshot> guestbook() {
  auto objects = fs::load_dir(std::string(FG_SOURCE_DIR) + "/examples/guestbook");
  EXPECT_TRUE(objects.ok()) << (objects.ok() ? "" : objects.error().to_string());
  return fs::Snapshot::build(objects.ok() ? std::move(*objects) : std::vector<fm::AnyObject>{});
}

std::shared_ptr<const fs::Snapshot> from_yaml(const std::string& yaml) {
  return fgtest::snapshot_from_yaml(yaml);
}

template <class T>
std::vector<std::string> names(const std::vector<const T*>& v) {
  std::vector<std::string> out;
  for (const T* o : v) out.push_back(o->metadata.name);
  return out;
}

constexpr const char* kTidyOtter = "93afe3ae59d445f27849cde1141aeefbd9d6954e";
constexpr const char* kBraveFalcon = "6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497";

TEST(Snapshot, GuestbookProjectAndNamespace) {
  auto s = guestbook();
  EXPECT_TRUE(s->is_project("guestbook"));
  EXPECT_FALSE(s->is_project("argocd"));
  ASSERT_NE(s->project("guestbook"), nullptr);
  ASSERT_EQ(s->project("guestbook")->promotionPolicies.size(), 3u);
  ASSERT_NE(s->namespace_("guestbook"), nullptr);
  EXPECT_EQ(s->namespace_("nope"), nullptr);
  EXPECT_EQ(s->project_config("guestbook"), nullptr);
}

TEST(Snapshot, GuestbookFreightByNameAndAlias) {
  auto s = guestbook();
  const fm::Freight* f = s->freight("guestbook", kTidyOtter);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->alias, "tidy-otter");
  EXPECT_EQ(s->freight_by_alias("guestbook", "tidy-otter"), f);
  EXPECT_EQ(s->freight_by_name_or_alias("guestbook", "tidy-otter"), f);
  EXPECT_EQ(s->freight_by_name_or_alias("guestbook", kTidyOtter), f);
  EXPECT_EQ(s->freight_by_name_or_alias("guestbook", "brave-falcon"),
            s->freight("guestbook", kBraveFalcon));
  // Per namespace: the same name elsewhere is not found.
  EXPECT_EQ(s->freight("other", kTidyOtter), nullptr);
  EXPECT_EQ(s->freight_by_alias("other", "tidy-otter"), nullptr);
  EXPECT_EQ(s->freight_by_name_or_alias("guestbook", "no-such-alias"), nullptr);
  EXPECT_EQ(s->freight_in("guestbook").size(), 3u);
  EXPECT_TRUE(s->freight_in("argocd").empty());
}

TEST(Snapshot, GuestbookStagesWarehousesPolicies) {
  auto s = guestbook();
  EXPECT_EQ(names(s->stages("guestbook")), (std::vector<std::string>{"dev", "prod", "staging"}));
  ASSERT_NE(s->stage("guestbook", "prod"), nullptr);
  EXPECT_EQ(s->stage("guestbook", "prod")->requestedFreight[0].sources.stages,
            std::vector<std::string>{"staging"});
  EXPECT_EQ(s->stage("argocd", "prod"), nullptr);
  ASSERT_NE(s->warehouse("guestbook", "guestbook"), nullptr);
  EXPECT_EQ(names(s->warehouses("guestbook")), std::vector<std::string>{"guestbook"});
  EXPECT_EQ(names(s->promotion_policies("guestbook")), std::vector<std::string>{"prod-gates"});
  ASSERT_NE(s->promotion_task("guestbook", "argocd-pin"), nullptr);
}

TEST(Snapshot, GuestbookApplicationsByAuthorizedStage) {
  auto s = guestbook();
  EXPECT_EQ(names(s->applications_for_stage("guestbook", "prod")),
            std::vector<std::string>{"guestbook-prod"});
  EXPECT_EQ(names(s->applications_for_stage("guestbook", "dev")),
            std::vector<std::string>{"guestbook-dev"});
  EXPECT_TRUE(s->applications_for_stage("guestbook", "qa").empty());
  EXPECT_TRUE(s->applications_for_stage("other", "prod").empty());
  ASSERT_NE(s->application("argocd", "guestbook-staging"), nullptr);
}

TEST(Snapshot, GuestbookRbac) {
  auto s = guestbook();
  EXPECT_EQ(names(s->roles("guestbook")), (std::vector<std::string>{"developer", "verifier"}));
  EXPECT_EQ(names(s->role_bindings("guestbook")),
            (std::vector<std::string>{"ci-verifier", "developers", "release-managers"}));
  ASSERT_NE(s->cluster_role("guestbook-release-manager"), nullptr);
  EXPECT_EQ(s->role("guestbook", "guestbook-release-manager"), nullptr);  // a ClusterRole
  EXPECT_NE(s->role("guestbook", "developer"), nullptr);
  EXPECT_TRUE(s->cluster_role_bindings().empty());
}

TEST(Snapshot, CommaSeparatedAuthorizedStagesAndLabelProject) {
  auto s = from_yaml(R"(
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {kargo.akuity.io/project: "true"}}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shared
  namespace: argocd
  annotations: {kargo.akuity.io/authorized-stage: " shop:qa , shop:uat,,bad, :x"}
spec:
  project: default
  destination: {server: "https://kubernetes.default.svc", namespace: shop}
)");
  EXPECT_TRUE(s->is_project("shop"));
  EXPECT_EQ(s->project("shop"), nullptr);
  EXPECT_EQ(names(s->applications_for_stage("shop", "qa")), std::vector<std::string>{"shared"});
  EXPECT_EQ(names(s->applications_for_stage("shop", "uat")), std::vector<std::string>{"shared"});
  EXPECT_TRUE(s->applications_for_stage("", "x").empty());
  EXPECT_TRUE(s->applications_for_stage("bad", "").empty());
}

TEST(Snapshot, AliasFromLabelAndReplacedDuplicates) {
  auto s = from_yaml(R"(
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: aaa, namespace: p, labels: {kargo.akuity.io/alias: from-label}}
origin: {kind: Warehouse, name: w}
images: [{repoURL: x, tag: "1"}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: bbb, namespace: p}
alias: old-alias
origin: {kind: Warehouse, name: w}
images: [{repoURL: x, tag: "2"}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: bbb, namespace: p}
alias: new-alias
origin: {kind: Warehouse, name: w}
images: [{repoURL: x, tag: "2"}]
)");
  ASSERT_NE(s->freight_by_alias("p", "from-label"), nullptr);
  EXPECT_EQ(s->freight_by_alias("p", "from-label")->metadata.name, "aaa");
  // The later document replaced the earlier one; its old alias is gone.
  EXPECT_EQ(s->freight_by_alias("p", "old-alias"), nullptr);
  ASSERT_NE(s->freight_by_alias("p", "new-alias"), nullptr);
  EXPECT_EQ(s->freight("p", "bbb")->alias, "new-alias");
  EXPECT_EQ(s->freight_in("p").size(), 2u);
  EXPECT_EQ(s->object_count(), 3u);
}

TEST(Snapshot, EmptySnapshot) {
  auto s = fs::Snapshot::build({});
  EXPECT_EQ(s->object_count(), 0u);
  EXPECT_FALSE(s->is_project("x"));
  EXPECT_TRUE(s->stages("x").empty());
  EXPECT_TRUE(s->cluster_roles().empty());
}

}  // namespace
