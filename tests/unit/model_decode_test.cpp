// Decoders: good documents (the guestbook example and Kargo's own layout), every required
// field, wrong types, enum values, exact messages with file:line, unknown fields kept.
#include <gtest/gtest.h>

#include <string>

#include "freightgate/model/decode.h"
#include "model_test_util.h"

namespace fm = freightgate::model;
using nlohmann::json;

namespace {

using fg_model_test::example;
using fg_model_test::must;
using fg_model_test::one;

// ---- good documents -----------------------------------------------------------------------

TEST(DecodeGood, GuestbookWarehouseWithDefaults) {
  auto docs = example("warehouse.yaml");
  ASSERT_EQ(docs.size(), 1u);
  fm::Warehouse w = must(fm::decode_warehouse(docs[0]));
  EXPECT_EQ(w.metadata.name, "guestbook");
  EXPECT_EQ(w.metadata.namespace_, "guestbook");
  EXPECT_EQ(w.interval, "5m0s");
  EXPECT_EQ(w.freightCreationPolicy, "Automatic");
  ASSERT_EQ(w.subscriptions.size(), 2u);
  const auto& img = w.subscriptions[0];
  EXPECT_EQ(img.type, fm::Subscription::Type::Image);
  EXPECT_EQ(img.image.repoURL, "ghcr.io/akuity/guestbook");
  EXPECT_EQ(img.image.imageSelectionStrategy, "SemVer");
  EXPECT_EQ(img.image.constraint, "^v0.0.1");
  EXPECT_EQ(img.image.discoveryLimit, 10);
  EXPECT_TRUE(img.image.strictSemvers);
  const auto& git = w.subscriptions[1];
  EXPECT_EQ(git.type, fm::Subscription::Type::Git);
  EXPECT_EQ(git.git.commitSelectionStrategy, "NewestFromBranch");
  EXPECT_EQ(git.git.branch, "main");
  EXPECT_EQ(git.git.discoveryLimit, 20);
  EXPECT_EQ(git.git.includePaths, std::vector<std::string>{"base"});
  EXPECT_EQ(w.display_name(), "Warehouse \"guestbook\"");
  EXPECT_EQ(w.qualified_name(), "Warehouse \"guestbook/guestbook\"");
  EXPECT_EQ(w.origin.line, 1);
}

TEST(DecodeGood, GuestbookStages) {
  auto docs = example("stages.yaml");
  ASSERT_EQ(docs.size(), 3u);
  fm::Stage dev = must(fm::decode_stage(docs[0]));
  ASSERT_EQ(dev.requestedFreight.size(), 1u);
  EXPECT_EQ(dev.requestedFreight[0].origin.str(), "Warehouse/guestbook");
  EXPECT_TRUE(dev.requestedFreight[0].sources.direct);
  EXPECT_EQ(dev.requestedFreight[0].sources.selectionPolicy, "NewestFreight");
  EXPECT_EQ(dev.promotionTemplate["spec"]["steps"][0]["task"]["name"], "argocd-pin");
  EXPECT_TRUE(dev.verification.is_null());
  fm::Stage prod = must(fm::decode_stage(docs[2]));
  EXPECT_EQ(prod.requestedFreight[0].sources.stages, std::vector<std::string>{"staging"});
  EXPECT_FALSE(prod.requestedFreight[0].sources.requiredSoakTime.has_value());
  EXPECT_EQ(prod.metadata.label("freightgate.io/tier"), "production");
  EXPECT_EQ(prod.metadata.label("nope"), "");
}

TEST(DecodeGood, GuestbookFreightStatus) {
  auto docs = example("freight.yaml");
  ASSERT_EQ(docs.size(), 3u);
  fm::Freight f = must(fm::decode_freight(docs[0]));
  EXPECT_EQ(f.alias, "tidy-otter");
  EXPECT_EQ(f.origin.name, "guestbook");
  ASSERT_EQ(f.images.size(), 1u);
  EXPECT_EQ(f.images[0].tag, "v0.0.1");
  ASSERT_EQ(f.commits.size(), 1u);
  EXPECT_EQ(f.commits[0].message, "guestbook: first release");
  ASSERT_TRUE(f.discoveredAt.has_value());
  EXPECT_EQ(fm::format_time(*f.discoveredAt), "2026-11-09T09:00:00Z");
  ASSERT_EQ(f.status.verifiedIn.count("dev"), 1u);
  EXPECT_EQ(f.status.verifiedIn["dev"].longestSoak, std::chrono::hours(240));
  EXPECT_EQ(fm::format_time(*f.status.approvedFor["prod"].approvedAt), "2026-11-12T08:00:00Z");
  EXPECT_EQ(fm::format_time(*f.status.currentlyIn["prod"].since), "2026-11-12T09:00:00Z");
  fm::Freight f3 = must(fm::decode_freight(docs[2]));
  EXPECT_TRUE(f3.status.verifiedIn.empty());
}

TEST(DecodeGood, GuestbookApplications) {
  auto docs = example("applications.yaml");
  ASSERT_EQ(docs.size(), 3u);
  fm::Application a = must(fm::decode_application(docs[0]));
  EXPECT_EQ(a.project, "default");
  ASSERT_TRUE(a.source.has_value());
  EXPECT_EQ(a.source->path, "env/dev");
  EXPECT_TRUE(a.source->hasPlugin);
  EXPECT_EQ(a.source->pluginName, std::optional<std::string>("freightgate"));
  EXPECT_EQ(a.source->env("STAGE"), std::optional<std::string>("dev"));
  EXPECT_EQ(a.source->env("NOPE"), std::nullopt);
  EXPECT_EQ(a.metadata.annotation("kargo.akuity.io/authorized-stage"), "guestbook:dev");
  EXPECT_FALSE(a.source->kustomizeImages.has_value());
}

TEST(DecodeGood, EveryGuestbookDocumentDecodesToItsKind) {
  struct C {
    const char* file;
    std::vector<size_t> indexes;  // variant index per document
  } cases[] = {
      {"project.yaml", {9, 0}},         {"warehouse.yaml", {2}},
      {"stages.yaml", {4, 4, 4}},       {"promotion-task.yaml", {6}},
      {"applications.yaml", {7, 7, 7}}, {"policy.yaml", {8}},
      {"freight.yaml", {3, 3, 3}},      {"rbac.yaml", {10, 11, 10, 11, 10, 11}},
  };
  for (const auto& c : cases) {
    auto docs = example(c.file);
    ASSERT_EQ(docs.size(), c.indexes.size()) << c.file;
    for (size_t i = 0; i < docs.size(); ++i) {
      auto r = fm::decode_any(docs[i]);
      ASSERT_TRUE(r.ok()) << c.file << ": " << r.error().to_string();
      EXPECT_EQ(r->index(), c.indexes[i]) << c.file << " #" << i;
      EXPECT_TRUE(fm::check(docs[i]).empty()) << c.file;
    }
  }
}

TEST(DecodeGood, PolicyProjectRbac) {
  fm::PromotionPolicy p = must(fm::decode_promotion_policy(example("policy.yaml")[0]));
  EXPECT_EQ(p.stageSelector.name, "prod");
  EXPECT_TRUE(p.requireApproval);
  ASSERT_EQ(p.windows.size(), 1u);
  EXPECT_EQ(p.windows[0].kind, "deny");
  EXPECT_EQ(p.windows[0].schedule, "0 18 * * 5");
  EXPECT_EQ(p.windows[0].duration, std::chrono::hours(62));
  EXPECT_EQ(p.windows[0].timeZone, "Europe/Berlin");

  fm::Project pr = must(fm::decode_project(example("project.yaml")[1]));
  ASSERT_EQ(pr.promotionPolicies.size(), 3u);
  EXPECT_EQ(pr.promotionPolicies[0].stage, "dev");
  EXPECT_TRUE(pr.promotionPolicies[0].autoPromotionEnabled);
  EXPECT_FALSE(pr.promotionPolicies[2].autoPromotionEnabled);

  auto rbac = example("rbac.yaml");
  fm::Role role = must(fm::decode_role(rbac[0]));
  ASSERT_EQ(role.rules.size(), 2u);
  EXPECT_EQ(role.rules[0].resourceNames, (std::vector<std::string>{"dev", "staging"}));
  fm::RoleBinding rb = must(fm::decode_role_binding(rbac[5]));
  EXPECT_EQ(rb.roleRef.kind, "Role");
  ASSERT_EQ(rb.subjects.size(), 1u);
  EXPECT_EQ(rb.subjects[0].kind, "ServiceAccount");
  EXPECT_EQ(rb.subjects[0].namespace_, "guestbook");
  fm::Role cr = must(fm::decode_role(rbac[2]));
  EXPECT_EQ(cr.kind, "ClusterRole");
}

// Kargo's own example repository layout (akuity/kargo-simple style): Project, ProjectConfig,
// Warehouse with chart/generic subscriptions, PromotionTask with vars, Stages with task and
// uses steps and verification.
TEST(DecodeGood, KargoExampleLayout) {
  const std::string y = R"(apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: kargo-simple
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata:
  name: kargo-simple
  namespace: kargo-simple
spec:
  promotionPolicies:
  - stageSelector:
      name: "glob:dev*"
    autoPromotionEnabled: true
  - stage: uat
  - stageSelector:
      matchExpressions:
      - key: tier
        operator: In
        values: [test]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: kargo-simple
  namespace: kargo-simple
spec:
  freightCreationPolicy: Manual
  subscriptions:
  - image:
      repoURL: ghcr.io/akuity/guestbook
      imageSelectionStrategy: Digest
      constraint: latest
  - chart:
      repoURL: https://charts.example.com
      name: guestbook
      semverConstraint: ^1.0.0
  - name: release-notes
    http:
      config: {url: "https://example.com/notes.json"}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: PromotionTask
metadata:
  name: promote
  namespace: kargo-simple
spec:
  vars:
  - name: imageRepo
    value: ghcr.io/akuity/guestbook
  steps:
  - uses: git-clone
    config:
      repoURL: https://github.com/example/kargo-simple.git
      checkout:
      - branch: main
        path: ./src
  - uses: kustomize-set-image
    as: update-image
    config:
      path: ./src/env/${{ ctx.stage }}
      images:
      - image: ${{ vars.imageRepo }}
  - uses: git-commit
    as: commit
    config:
      path: ./out
      message: ${{ outputs['update-image'].commitMessage }}
  - uses: argocd-update
    config:
      apps:
      - name: kargo-simple-${{ ctx.stage }}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: uat
  namespace: kargo-simple
  annotations:
    kargo.akuity.io/color: red
spec:
  vars:
  - name: gitRepo
    value: https://github.com/example/kargo-simple.git
  requestedFreight:
  - origin:
      kind: Warehouse
      name: kargo-simple
    sources:
      stages: [dev, test]
      requiredSoakTime: 1h30m
      availabilityStrategy: All
      autoPromotionOptions:
        selectionPolicy: MatchUpstream
  promotionTemplate:
    spec:
      steps:
      - task:
          name: promote
          kind: PromotionTask
        vars:
        - name: x
          value: y
      - uses: http
        if: ${{ always() }}
        continueOnError: true
        retry:
          timeout: 5m
          errorThreshold: 3
        config: {url: "https://example.com"}
  verification:
    analysisTemplates:
    - name: smoke
)";
  auto r = fm::parse_stream(y, "kargo.yaml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 5u);
  for (const auto& d : *r) {
    auto e = fm::check(d);
    EXPECT_TRUE(e.empty()) << e.front().to_string();
  }
  fm::ProjectConfig pc = must(fm::decode_project_config((*r)[1]));
  ASSERT_EQ(pc.promotionPolicies.size(), 3u);
  EXPECT_EQ(pc.promotionPolicies[0].stageSelector->name, "glob:dev*");
  EXPECT_TRUE(pc.promotionPolicies[0].autoPromotionEnabled);
  EXPECT_EQ(pc.promotionPolicies[1].stage, "uat");
  EXPECT_FALSE(pc.promotionPolicies[1].stageSelector.has_value());
  EXPECT_TRUE(pc.promotionPolicies[2].stageSelector->labels.matches({{"tier", "test"}}));
  fm::Warehouse w = must(fm::decode_warehouse((*r)[2]));
  EXPECT_EQ(w.freightCreationPolicy, "Manual");
  ASSERT_EQ(w.subscriptions.size(), 3u);
  EXPECT_EQ(w.subscriptions[0].image.imageSelectionStrategy, "Digest");
  EXPECT_EQ(w.subscriptions[1].chart.name, "guestbook");
  EXPECT_EQ(w.subscriptions[2].type, fm::Subscription::Type::Generic);
  EXPECT_EQ(w.subscriptions[2].genericType, "http");
  EXPECT_EQ(w.subscriptions[2].generic["config"]["url"], "https://example.com/notes.json");
  fm::PromotionTask t = must(fm::decode_promotion_task((*r)[3]));
  EXPECT_EQ(t.spec["steps"].size(), 4u);
  fm::Stage s = must(fm::decode_stage((*r)[4]));
  EXPECT_EQ(s.requestedFreight[0].sources.requiredSoakTime, std::chrono::minutes(90));
  EXPECT_EQ(s.requestedFreight[0].sources.availabilityStrategy, "All");
  EXPECT_EQ(s.requestedFreight[0].sources.selectionPolicy, "MatchUpstream");
  EXPECT_EQ(s.verification["analysisTemplates"][0]["name"], "smoke");
}

TEST(DecodeGood, ApplicationMultiSourceHelmKustomize) {
  fm::Application a = must(fm::decode_application(one(R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: app, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: x}
  sources:
  - repoURL: https://charts.example.com
    chart: guestbook
    targetRevision: 1.2.3
    helm:
      parameters:
      - name: image.tag
        value: v1
        forceString: true
  - repoURL: https://github.com/example/cfg.git
    path: overlays/prod
    targetRevision: main
    kustomize:
      images:
      - ghcr.io/akuity/guestbook:v1
    plugin: {}
  - repoURL: https://github.com/example/values.git
    ref: values
status:
  health: {status: Healthy}
  sync: {status: Synced}
  operationState: {phase: Succeeded}
)")));
  EXPECT_FALSE(a.source.has_value());
  ASSERT_EQ(a.sources.size(), 3u);
  ASSERT_TRUE(a.sources[0].helmParameters.has_value());
  EXPECT_EQ(a.sources[0].helmParameters->at(0), (fm::HelmParameter{"image.tag", "v1", true}));
  EXPECT_EQ(a.sources[1].kustomizeImages, std::vector<std::string>{"ghcr.io/akuity/guestbook:v1"});
  EXPECT_TRUE(a.sources[1].hasPlugin);
  EXPECT_EQ(a.sources[1].pluginName, std::optional<std::string>(""));
  EXPECT_FALSE(a.sources[2].hasPlugin);
  EXPECT_EQ(a.sources[2].ref, "values");
  EXPECT_EQ(a.healthStatus, "Healthy");
  EXPECT_EQ(a.syncStatus, "Synced");
  EXPECT_EQ(a.operationPhase, "Succeeded");
}

TEST(DecodeGood, PromotionAndJson) {
  json p = {{"apiVersion", "kargo.akuity.io/v1alpha1"},
            {"kind", "Promotion"},
            {"metadata", {{"generateName", "prod-"}, {"namespace", "guestbook"}}},
            {"spec", {{"stage", "prod"}, {"freight", "93afe3ae59d445f27849cde1141aeefbd9d6954e"}}},
            {"status", {{"phase", "Succeeded"}}}};
  auto r = fm::decode_json(p, "request.object");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const auto& promo = std::get<fm::Promotion>(*r);
  EXPECT_EQ(promo.stage, "prod");
  EXPECT_EQ(promo.phase, "Succeeded");
  EXPECT_EQ(promo.display_name(), "Promotion \"prod-*\"");
  json bad = p;
  bad["spec"].erase("stage");
  auto e = fm::decode_json(bad, "request.object");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().to_string(), "request.object: Promotion \"prod-*\": spec.stage: required");
}

TEST(DecodeGood, UnknownKindsAreNotErrors) {
  for (const char* y :
       {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: 3\n",
        "replicaCount: 2\nimage: {tag: v1}\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: x}\n",
        "apiVersion: kargo.akuity.io/v1alpha1\nkind: ClusterConfig\n", "- just\n- a list\n"}) {
    auto r = fm::decode_any(one(y));
    ASSERT_TRUE(r.ok()) << y << r.error().to_string();
    EXPECT_TRUE(std::holds_alternative<fm::Unknown>(*r)) << y;
  }
  auto r = fm::decode_any(one("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"));
  EXPECT_EQ(fm::base(*r).display_name(), "Deployment \"web\"");
  EXPECT_EQ(fm::base(*r).apiVersion, "apps/v1");
}

// ---- bad documents: exact messages ------------------------------------------------------------

struct BadCase {
  const char* name;
  const char* yaml;
  const char* want;  // Error::to_string() of the first problem
};

class DecodeBad : public testing::TestWithParam<BadCase> {};

TEST_P(DecodeBad, NamesFileLineObjectFieldAndFix) {
  const auto& c = GetParam();
  fm::Document d = one(c.yaml);
  auto r = fm::decode_any(d);
  ASSERT_FALSE(r.ok()) << c.name;
  EXPECT_EQ(r.error().to_string(), c.want) << c.name;
  auto all = fm::check(d);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().to_string(), c.want);
}

#define STAGE_HEAD                                                                            \
  "apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nmetadata:\n  name: prod\n  namespace: " \
  "guestbook\n"
#define WH_HEAD                                                                                 \
  "apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata:\n  name: wh\n  namespace: " \
  "guestbook\n"
#define FR_HEAD                                                                               \
  "apiVersion: kargo.akuity.io/v1alpha1\nkind: Freight\nmetadata:\n  name: f1\n  namespace: " \
  "guestbook\n"
#define APP_HEAD                                                                               \
  "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: " \
  "argocd\n"
#define POL_HEAD                                                                             \
  "apiVersion: freightgate.io/v1alpha1\nkind: PromotionPolicy\nmetadata:\n  name: gates\n  " \
  "namespace: guestbook\n"
#define PROMO_HEAD                                                                             \
  "apiVersion: kargo.akuity.io/v1alpha1\nkind: Promotion\nmetadata:\n  name: p\n  namespace: " \
  "guestbook\n"
#define PC_HEAD                                                                                 \
  "apiVersion: kargo.akuity.io/v1alpha1\nkind: ProjectConfig\nmetadata:\n  name: guestbook\n  " \
  "namespace: guestbook\n"
#define ORIGIN "  - origin:\n      kind: Warehouse\n      name: wh\n"

INSTANTIATE_TEST_SUITE_P(
    Table, DecodeBad,
    testing::Values(
        // ---- Stage (head is lines 1-5, spec: on 6)
        BadCase{"stage_origin_name",
                STAGE_HEAD "spec:\n  requestedFreight:\n  - origin:\n      kind: Warehouse\n    "
                           "sources:\n      stages: [staging]\n",
                "t.yaml:8: Stage \"prod\": spec.requestedFreight[0].origin.name: required"},
        BadCase{"stage_origin",
                STAGE_HEAD "spec:\n  requestedFreight:\n  - sources:\n      direct: true\n",
                "t.yaml:8: Stage \"prod\": spec.requestedFreight[0].origin: required"},
        BadCase{"stage_origin_kind",
                STAGE_HEAD "spec:\n  requestedFreight:\n  - origin:\n      kind: Repo\n      name: "
                           "wh\n    sources: {direct: true}\n",
                "t.yaml:9: Stage \"prod\": spec.requestedFreight[0].origin.kind: unsupported value "
                "\"Repo\"; use one of Warehouse"},
        BadCase{"stage_sources", STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN,
                "t.yaml:8: Stage \"prod\": spec.requestedFreight[0].sources: required"},
        BadCase{"stage_requested_freight", STAGE_HEAD "spec:\n  shard: a\n",
                "t.yaml:6: Stage \"prod\": spec.requestedFreight: required"},
        BadCase{"stage_requested_freight_empty", STAGE_HEAD "spec:\n  requestedFreight: []\n",
                "t.yaml:7: Stage \"prod\": spec.requestedFreight: required (must not be empty): "
                "request Freight from a Warehouse"},
        BadCase{"stage_spec", STAGE_HEAD, "t.yaml:1: Stage \"prod\": spec: required"},
        BadCase{"stage_soak",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources:\n      stages: [dev]\n      requiredSoakTime: 1 hour\n",
                "t.yaml:13: Stage \"prod\": spec.requestedFreight[0].sources.requiredSoakTime: "
                "invalid duration \"1 hour\": unknown unit \"hour\"; use Go duration syntax such "
                "as 30s, 5m, 1h30m or 5m0s"},
        BadCase{"stage_soak_number",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources:\n      requiredSoakTime: 3600\n",
                "t.yaml:12: Stage \"prod\": spec.requestedFreight[0].sources.requiredSoakTime: "
                "must be a string, got a number (3600); quote the value"},
        BadCase{"stage_direct_string",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources:\n      direct: \"yes\"\n",
                "t.yaml:12: Stage \"prod\": spec.requestedFreight[0].sources.direct: must be true "
                "or false, got a string (\"yes\")"},
        BadCase{"stage_stages_scalar",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources:\n      stages: dev\n",
                "t.yaml:12: Stage \"prod\": spec.requestedFreight[0].sources.stages: must be a "
                "list, got a string"},
        BadCase{"stage_strategy",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources:\n      stages: [a, b]\n      availabilityStrategy: Any\n",
                "t.yaml:13: Stage \"prod\": spec.requestedFreight[0].sources.availabilityStrategy: "
                "unsupported value \"Any\"; use one of OneOf, All"},
        BadCase{"stage_selection_policy",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources:\n      direct: true\n      autoPromotionOptions:\n        "
                           "selectionPolicy: Oldest\n",
                "t.yaml:14: Stage \"prod\": "
                "spec.requestedFreight[0].sources.autoPromotionOptions.selectionPolicy: "
                "unsupported value \"Oldest\"; use one of NewestFreight, MatchUpstream"},
        BadCase{"stage_step_both",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources: {direct: true}\n  promotionTemplate:\n    spec:\n      "
                           "steps:\n      - uses: git-clone\n        task: {name: t}\n",
                "t.yaml:15: Stage \"prod\": spec.promotionTemplate.spec.steps[0]: set exactly one "
                "of uses or task, not both"},
        BadCase{"stage_step_neither",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources: {direct: true}\n  promotionTemplate:\n    spec:\n      "
                           "steps:\n      - as: x\n",
                "t.yaml:15: Stage \"prod\": spec.promotionTemplate.spec.steps[0].uses: required: "
                "set uses (a step kind) or task (a PromotionTask)"},
        BadCase{
            "stage_task_name",
            STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                       "    sources: {direct: true}\n  promotionTemplate:\n    spec:\n      "
                       "steps:\n      - task:\n          kind: PromotionTask\n",
            "t.yaml:15: Stage \"prod\": spec.promotionTemplate.spec.steps[0].task.name: required"},
        BadCase{"stage_task_retry",
                STAGE_HEAD "spec:\n  requestedFreight:\n" ORIGIN
                           "    sources: {direct: true}\n  promotionTemplate:\n    spec:\n      "
                           "steps:\n      - task: {name: t}\n        retry: {timeout: 1m}\n",
                "t.yaml:16: Stage \"prod\": spec.promotionTemplate.spec.steps[0].retry: not "
                "allowed on a task step"},
        BadCase{"stage_steps_empty",
                STAGE_HEAD
                "spec:\n  requestedFreight:\n" ORIGIN
                "    sources: {direct: true}\n  promotionTemplate:\n    spec:\n      steps: []\n",
                "t.yaml:14: Stage \"prod\": spec.promotionTemplate.spec.steps: required (must not "
                "be empty)"},
        BadCase{"stage_wrong_version",
                "apiVersion: kargo.akuity.io/v1beta1\nkind: Stage\nmetadata: {name: prod}\nspec:\n "
                " requestedFreight:\n" ORIGIN "    sources: {direct: true}\n",
                "t.yaml:1: Stage \"prod\": apiVersion: unsupported apiVersion "
                "\"kargo.akuity.io/v1beta1\"; use kargo.akuity.io/v1alpha1"},
        // ---- metadata
        BadCase{"metadata_missing", "apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nspec: {}\n",
                "t.yaml:1: Stage: metadata: required"},
        BadCase{"metadata_name_missing",
                "apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata:\n  namespace: "
                "x\nspec: {}\n",
                "t.yaml:3: Warehouse: metadata.name: required"},
        BadCase{"metadata_name_number",
                "apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nmetadata:\n  name: 1.10\n",
                "t.yaml:4: Stage: metadata.name: must be a string, got a number (1.1); quote the "
                "value"},
        BadCase{"label_value_bool",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: guestbook\n  labels:\n    "
                "kargo.akuity.io/project: true\n",
                "t.yaml:6: Namespace \"guestbook\": metadata.labels[kargo.akuity.io/project]: must "
                "be a string, got a boolean (true); quote the value"},
        BadCase{"creation_timestamp",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  creationTimestamp: "
                "yesterday\n",
                "t.yaml:5: Namespace \"ns\": metadata.creationTimestamp: invalid time "
                "\"yesterday\": use RFC 3339, e.g. 2024-05-01T10:00:00Z"},
        // ---- Warehouse
        BadCase{"wh_subscriptions", WH_HEAD "spec:\n  interval: 5m\n",
                "t.yaml:6: Warehouse \"wh\": spec.subscriptions: required"},
        BadCase{"wh_subscriptions_empty", WH_HEAD "spec:\n  subscriptions: []\n",
                "t.yaml:7: Warehouse \"wh\": spec.subscriptions: required (must not be empty): "
                "subscribe to at least one repository"},
        BadCase{"wh_two_types",
                WH_HEAD "spec:\n  subscriptions:\n  - git:\n      repoURL: "
                        "https://github.com/x/y\n    image:\n      repoURL: nginx\n",
                "t.yaml:8: Warehouse \"wh\": spec.subscriptions[0]: has git and image; each "
                "subscription takes exactly one type, use one list item per repository"},
        BadCase{"wh_no_type", WH_HEAD "spec:\n  subscriptions:\n  - name: x\n",
                "t.yaml:8: Warehouse \"wh\": spec.subscriptions[0]: required: set one of git, "
                "image or chart (or a generic subscription type)"},
        BadCase{"wh_git_repo", WH_HEAD "spec:\n  subscriptions:\n  - git:\n      branch: main\n",
                "t.yaml:8: Warehouse \"wh\": spec.subscriptions[0].git.repoURL: required"},
        BadCase{"wh_image_repo_empty",
                WH_HEAD "spec:\n  subscriptions:\n  - image:\n      repoURL: \"\"\n",
                "t.yaml:9: Warehouse \"wh\": spec.subscriptions[0].image.repoURL: required (must "
                "not be empty)"},
        BadCase{"wh_chart_repo",
                WH_HEAD "spec:\n  subscriptions:\n  - git:\n      repoURL: "
                        "https://github.com/x/y\n  - chart:\n      name: c\n",
                "t.yaml:10: Warehouse \"wh\": spec.subscriptions[1].chart.repoURL: required"},
        BadCase{"wh_strategy",
                WH_HEAD "spec:\n  subscriptions:\n  - image:\n      repoURL: nginx\n      "
                        "imageSelectionStrategy: Newest\n",
                "t.yaml:10: Warehouse \"wh\": spec.subscriptions[0].image.imageSelectionStrategy: "
                "unsupported value \"Newest\"; use one of Digest, Lexical, NewestBuild, SemVer"},
        BadCase{
            "wh_limit",
            WH_HEAD
            "spec:\n  subscriptions:\n  - image:\n      repoURL: nginx\n      discoveryLimit: 0\n",
            "t.yaml:10: Warehouse \"wh\": spec.subscriptions[0].image.discoveryLimit: must be "
            "between 1 and 100"},
        BadCase{"wh_limit_type",
                WH_HEAD "spec:\n  subscriptions:\n  - git:\n      repoURL: "
                        "https://github.com/x/y\n      discoveryLimit: ten\n",
                "t.yaml:10: Warehouse \"wh\": spec.subscriptions[0].git.discoveryLimit: must be an "
                "integer, got a string (\"ten\")"},
        BadCase{"wh_interval",
                WH_HEAD
                "spec:\n  interval: 5 minutes\n  subscriptions:\n  - image: {repoURL: nginx}\n",
                "t.yaml:7: Warehouse \"wh\": spec.interval: invalid duration \"5 minutes\": "
                "unknown unit \"minutes\"; use Go duration syntax such as 30s, 5m, 1h30m or 5m0s"},
        BadCase{
            "wh_policy",
            WH_HEAD
            "spec:\n  freightCreationPolicy: Auto\n  subscriptions:\n  - image: {repoURL: nginx}\n",
            "t.yaml:7: Warehouse \"wh\": spec.freightCreationPolicy: unsupported value \"Auto\"; "
            "use one of Automatic, Manual"},
        BadCase{"wh_generic_name", WH_HEAD "spec:\n  subscriptions:\n  - http:\n      config: {}\n",
                "t.yaml:8: Warehouse \"wh\": spec.subscriptions[0].name: required for a generic "
                "(\"http\") subscription"},
        BadCase{
            "wh_item_scalar", WH_HEAD "spec:\n  subscriptions:\n  - nginx\n",
            "t.yaml:8: Warehouse \"wh\": spec.subscriptions[0]: must be a mapping, got a string"},
        // ---- Freight
        BadCase{"freight_origin", FR_HEAD "images:\n- repoURL: nginx\n  tag: \"1.0\"\n",
                "t.yaml:1: Freight \"f1\": origin: required"},
        BadCase{"freight_image_repo",
                FR_HEAD "origin: {kind: Warehouse, name: wh}\nimages:\n- tag: v1\n",
                "t.yaml:8: Freight \"f1\": images[0].repoURL: required"},
        BadCase{"freight_tag_number",
                FR_HEAD
                "origin: {kind: Warehouse, name: wh}\nimages:\n- repoURL: nginx\n  tag: 1.0\n",
                "t.yaml:9: Freight \"f1\": images[0].tag: must be a string, got a number (1.0); "
                "quote the value"},
        BadCase{"freight_commit_repo",
                FR_HEAD "origin: {kind: Warehouse, name: wh}\ncommits:\n- id: abc\n",
                "t.yaml:8: Freight \"f1\": commits[0].repoURL: required"},
        BadCase{"freight_verified_at",
                FR_HEAD "origin: {kind: Warehouse, name: wh}\nstatus:\n  verifiedIn:\n    dev:\n   "
                        "   verifiedAt: noon\n",
                "t.yaml:10: Freight \"f1\": status.verifiedIn.dev.verifiedAt: invalid time "
                "\"noon\": use RFC 3339, e.g. 2024-05-01T10:00:00Z"},
        BadCase{
            "freight_longest_soak",
            FR_HEAD "origin: {kind: Warehouse, name: wh}\nstatus:\n  verifiedIn:\n    dev:\n      "
                    "longestSoak: 2 days\n",
            "t.yaml:10: Freight \"f1\": status.verifiedIn.dev.longestSoak: invalid duration \"2 "
            "days\": unknown unit \"days\"; use Go duration syntax such as 30s, 5m, 1h30m or 5m0s"},
        BadCase{
            "freight_approved_scalar",
            FR_HEAD
            "origin: {kind: Warehouse, name: wh}\nstatus:\n  approvedFor:\n    prod: true\n",
            "t.yaml:9: Freight \"f1\": status.approvedFor.prod: must be a mapping, got a boolean"},
        // ---- Promotion
        BadCase{"promotion_stage", PROMO_HEAD "spec:\n  freight: abc\n",
                "t.yaml:6: Promotion \"p\": spec.stage: required"},
        BadCase{"promotion_freight", PROMO_HEAD "spec:\n  stage: prod\n",
                "t.yaml:6: Promotion \"p\": spec.freight: required: name the Freight to promote "
                "(or set origin)"},
        BadCase{"promotion_both",
                PROMO_HEAD
                "spec:\n  stage: prod\n  freight: abc\n  origin: {kind: Warehouse, name: wh}\n",
                "t.yaml:6: Promotion \"p\": spec: set exactly one of freight or origin, not both"},
        // ---- PromotionTask
        BadCase{"task_steps",
                "apiVersion: kargo.akuity.io/v1alpha1\nkind: PromotionTask\nmetadata: {name: t, "
                "namespace: p}\nspec:\n  vars: []\n",
                "t.yaml:4: PromotionTask \"t\": spec.steps: required"},
        BadCase{"task_nested_task",
                "apiVersion: kargo.akuity.io/v1alpha1\nkind: PromotionTask\nmetadata: {name: t, "
                "namespace: p}\nspec:\n  steps:\n  - task: {name: other}\n",
                "t.yaml:6: PromotionTask \"t\": spec.steps[0].task: a PromotionTask step cannot "
                "reference another task; use uses:"},
        // ---- Application
        BadCase{"app_project",
                APP_HEAD "spec:\n  destination: {namespace: x}\n  source:\n    repoURL: "
                         "https://github.com/x/y\n",
                "t.yaml:6: Application \"app\": spec.project: required"},
        BadCase{"app_destination", APP_HEAD "spec:\n  project: default\n",
                "t.yaml:6: Application \"app\": spec.destination: required"},
        BadCase{"app_repo",
                APP_HEAD "spec:\n  project: default\n  destination: {namespace: x}\n  source:\n    "
                         "path: env/dev\n",
                "t.yaml:9: Application \"app\": spec.source.repoURL: required"},
        BadCase{"app_target_revision_number",
                APP_HEAD
                "spec:\n  project: default\n  destination: {namespace: x}\n  source:\n    repoURL: "
                "https://charts.example.com\n    chart: c\n    targetRevision: 1.10\n",
                "t.yaml:12: Application \"app\": spec.source.targetRevision: must be a string, got "
                "a number (1.1); quote the value"},
        BadCase{"app_env_name",
                APP_HEAD
                "spec:\n  project: default\n  destination: {namespace: x}\n  source:\n    repoURL: "
                "https://github.com/x/y\n    plugin:\n      env:\n      - value: x\n",
                "t.yaml:13: Application \"app\": spec.source.plugin.env[0].name: required"},
        BadCase{
            "app_env_value_number",
            APP_HEAD
            "spec:\n  project: default\n  destination: {namespace: x}\n  sources:\n  - repoURL: "
            "https://github.com/x/y\n    plugin:\n      env:\n      - name: N\n        value: 3\n",
            "t.yaml:14: Application \"app\": spec.sources[0].plugin.env[0].value: must be a "
            "string, got a number (3); quote the value"},
        BadCase{"app_helm_force",
                APP_HEAD "spec:\n  project: default\n  destination: {namespace: x}\n  source:\n    "
                         "repoURL: https://github.com/x/y\n    helm:\n      parameters:\n      - "
                         "name: a\n        value: b\n        forceString: \"true\"\n",
                "t.yaml:15: Application \"app\": spec.source.helm.parameters[0].forceString: must "
                "be true or false, got a string (\"true\")"},
        BadCase{"app_kustomize_images",
                APP_HEAD "spec:\n  project: default\n  destination: {namespace: x}\n  source:\n    "
                         "repoURL: https://github.com/x/y\n    kustomize:\n      images: nginx:1\n",
                "t.yaml:12: Application \"app\": spec.source.kustomize.images: must be a list, got "
                "a string"},
        // ---- PromotionPolicy
        BadCase{"policy_selector", POL_HEAD "spec:\n  requireApproval: true\n",
                "t.yaml:6: PromotionPolicy \"gates\": spec.stageSelector: required"},
        BadCase{"policy_selector_empty", POL_HEAD "spec:\n  stageSelector: {}\n",
                "t.yaml:7: PromotionPolicy \"gates\": spec.stageSelector: must select stages: set "
                "name (exact, regex:... or glob:...) or matchLabels/matchExpressions"},
        BadCase{"policy_window_kind",
                POL_HEAD "spec:\n  stageSelector: {name: prod}\n  windows:\n  - kind: block\n    "
                         "schedule: \"0 18 * * 5\"\n    duration: 62h\n",
                "t.yaml:9: PromotionPolicy \"gates\": spec.windows[0].kind: unsupported value "
                "\"block\"; use allow or deny"},
        BadCase{"policy_window_schedule",
                POL_HEAD "spec:\n  stageSelector: {name: prod}\n  windows:\n  - kind: deny\n    "
                         "schedule: \"0 18 * *\"\n    duration: 62h\n",
                "t.yaml:10: PromotionPolicy \"gates\": spec.windows[0].schedule: must be a 5-field "
                "cron expression (minute hour day-of-month month day-of-week), e.g. \"0 18 * * "
                "5\"; got 4 fields"},
        BadCase{"policy_window_duration",
                POL_HEAD "spec:\n  stageSelector: {name: prod}\n  windows:\n  - kind: deny\n    "
                         "schedule: \"0 18 * * 5\"\n",
                "t.yaml:9: PromotionPolicy \"gates\": spec.windows[0].duration: required"},
        BadCase{"policy_require_approval",
                POL_HEAD "spec:\n  stageSelector: {name: prod}\n  requireApproval: yes\n",
                "t.yaml:8: PromotionPolicy \"gates\": spec.requireApproval: must be true or false, "
                "got a string (\"yes\")"},
        // ---- Project / ProjectConfig
        BadCase{"project_stage",
                "apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata:\n  name: "
                "p\nspec:\n  promotionPolicies:\n  - stage: dev\n  - autoPromotionEnabled: true\n",
                "t.yaml:8: Project \"p\": spec.promotionPolicies[1].stage: required"},
        BadCase{
            "project_auto_string",
            "apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata:\n  name: p\nspec:\n  "
            "promotionPolicies:\n  - stage: dev\n    autoPromotionEnabled: \"true\"\n",
            "t.yaml:8: Project \"p\": spec.promotionPolicies[0].autoPromotionEnabled: must be true "
            "or false, got a string (\"true\")"},
        BadCase{"projectconfig_both",
                PC_HEAD
                "spec:\n  promotionPolicies:\n  - stage: dev\n    stageSelector: {name: dev}\n",
                "t.yaml:8: ProjectConfig \"guestbook\": spec.promotionPolicies[0]: set exactly one "
                "of stage or stageSelector, not both"},
        BadCase{"projectconfig_neither",
                PC_HEAD "spec:\n  promotionPolicies:\n  - autoPromotionEnabled: true\n",
                "t.yaml:8: ProjectConfig \"guestbook\": spec.promotionPolicies[0].stageSelector: "
                "required: set stageSelector (or the deprecated stage)"},
        BadCase{"projectconfig_operator",
                PC_HEAD
                "spec:\n  promotionPolicies:\n  - stageSelector:\n      matchExpressions:\n      - "
                "key: tier\n        operator: Equals\n        values: [a]\n",
                "t.yaml:11: ProjectConfig \"guestbook\": "
                "spec.promotionPolicies[0].stageSelector.matchExpressions[0].operator: unsupported "
                "value \"Equals\"; use one of In, NotIn, Exists, DoesNotExist"},
        BadCase{"projectconfig_values",
                PC_HEAD "spec:\n  promotionPolicies:\n  - stageSelector:\n      "
                        "matchExpressions:\n      - key: tier\n        operator: In\n",
                "t.yaml:10: ProjectConfig \"guestbook\": "
                "spec.promotionPolicies[0].stageSelector.matchExpressions[0].values: required "
                "(must not be empty) for operator In"},
        // ---- RBAC
        BadCase{"role_verbs",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, "
                "namespace: n}\nrules:\n- resources: [stages]\n",
                "t.yaml:5: Role \"r\": rules[0].verbs: required"},
        BadCase{"binding_roleref",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, "
                "namespace: n}\nsubjects: []\n",
                "t.yaml:1: RoleBinding \"b\": roleRef: required"},
        BadCase{"binding_subject_kind",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, "
                "namespace: n}\nroleRef: {kind: Role, name: r}\nsubjects:\n- kind: Person\n  name: "
                "alice\n",
                "t.yaml:6: RoleBinding \"b\": subjects[0].kind: unsupported value \"Person\"; use "
                "one of User, Group, ServiceAccount"},
        BadCase{"crb_role",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: "
                "{name: b}\nroleRef:\n  kind: Role\n  name: r\n",
                "t.yaml:5: ClusterRoleBinding \"b\": roleRef.kind: a ClusterRoleBinding can only "
                "reference a ClusterRole"}),
    [](const testing::TestParamInfo<BadCase>& i) { return std::string(i.param.name); });

TEST(DecodeBad, CheckReportsEveryProblem) {
  fm::Document d = one(STAGE_HEAD
                       "spec:\n"                               // 6
                       "  requestedFreight:\n"                 // 7
                       "  - origin: {kind: Warehouse}\n"       // 8
                       "    sources:\n"                        // 9
                       "      direct: 1\n"                     // 10
                       "  - origin: {name: wh}\n"              // 11
                       "    sources: {requiredSoakTime: x}\n"  // 12
  );
  auto all = fm::check(d);
  std::vector<std::string> got;
  for (const auto& e : all) got.push_back(e.to_string());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "t.yaml:8: Stage \"prod\": spec.requestedFreight[0].origin.name: required",
                     "t.yaml:10: Stage \"prod\": spec.requestedFreight[0].sources.direct: must be "
                     "true or false, got a number (1)",
                     "t.yaml:12: Stage \"prod\": "
                     "spec.requestedFreight[1].sources.requiredSoakTime: invalid duration \"x\": "
                     "expected a number; use Go duration syntax such as 30s, 5m, 1h30m or 5m0s",
                 }));
}

TEST(DecodeBad, WrongKindForDecoder) {
  auto docs = example("warehouse.yaml");
  auto r = fm::decode_stage(docs[0]);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("kind: expected Stage, got \"Warehouse\""),
            std::string::npos)
      << r.error().to_string();
}

}  // namespace
