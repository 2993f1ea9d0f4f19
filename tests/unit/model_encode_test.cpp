// Encoders: round trips keep every field (known or not) unchanged; typed edits change exactly
// the fields they touch (the mutating webhook diffs encode() output against the request).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "freightgate/model/decode.h"
#include "model_test_util.h"

namespace fm = freightgate::model;
using fg_model_test::example;
using fg_model_test::must;
using fg_model_test::one;
using nlohmann::json;

namespace {

TEST(Encode, EveryExampleDocumentRoundTripsUnchanged) {
  int n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(FG_SOURCE_DIR) + "/examples/guestbook")) {
    if (entry.path().extension() != ".yaml") continue;
    for (const auto& d : example(entry.path().filename().string())) {
      auto r = fm::decode_any(d);
      ASSERT_TRUE(r.ok()) << r.error().to_string();
      EXPECT_EQ(fm::encode(*r), d.body) << entry.path() << "\n"
                                        << json::diff(d.body, fm::encode(*r)).dump();
      ++n;
    }
  }
  EXPECT_GE(n, 20);
}

TEST(Encode, UnknownFieldsSurvive) {
  const std::string y = R"(apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: prod
  namespace: guestbook
  finalizers: [kargo.akuity.io/finalizer]
  ownerReferences: [{kind: X, name: y}]
  creationTimestamp: null
spec:
  futureField: {a: 1}
  vars: [{name: a, value: b}]
  requestedFreight:
  - origin: {name: wh}
    sources:
      stages: [staging]
      requiredSoakTime: 1h
      futureSource: true
    futureRequest: 3
  promotionTemplate:
    spec:
      steps:
      - uses: argocd-update
        config: {apps: [{name: x}]}
status:
  freightHistory: [{id: abc}]
  health: {status: Healthy, issues: []}
extra: [1, 2]
)";
  fm::Document d = one(y);
  fm::Stage s = must(fm::decode_stage(d));
  EXPECT_EQ(fm::encode(s), d.body);
  EXPECT_EQ(fm::encode(fm::AnyObject(s)), d.body);
  // An edit changes only what it touches; "1h" stays as written while it means the same.
  s.requestedFreight[0].sources.requiredSoakTime = std::chrono::minutes(90);
  s.requestedFreight[0].sources.stages.push_back("qa");
  json patch = json::diff(d.body, fm::encode(s));
  EXPECT_EQ(patch, json::parse(R"([
    {"op": "replace", "path": "/spec/requestedFreight/0/sources/requiredSoakTime", "value": "1h30m0s"},
    {"op": "add", "path": "/spec/requestedFreight/0/sources/stages/-", "value": "qa"}
  ])"))
      << patch.dump();
}

TEST(Encode, ApplicationPinEditsAreMinimal) {
  fm::Document d = example("applications.yaml")[0];
  fm::Application a = must(fm::decode_application(d));
  a.metadata.annotations["freightgate.io/freight"] = "15317018bfd430928c2bb2ecc4cd79fbe644bf16";
  a.source->targetRevision = "c0ffee00d15ea5e5b0a710adf00dfacecafe0123";
  a.source->pluginEnv[0].value = "15317018bfd430928c2bb2ecc4cd79fbe644bf16";
  a.source->pluginEnv.push_back({"CHARTS", ""});
  a.source->kustomizeImages = std::vector<std::string>{"ghcr.io/akuity/guestbook:v0.0.3"};
  json patch = json::diff(d.body, fm::encode(a));
  EXPECT_EQ(patch, json::parse(R"([
    {"op": "replace", "path": "/metadata/annotations/freightgate.io~1freight", "value": "15317018bfd430928c2bb2ecc4cd79fbe644bf16"},
    {"op": "replace", "path": "/spec/source/plugin/env/0/value", "value": "15317018bfd430928c2bb2ecc4cd79fbe644bf16"},
    {"op": "add", "path": "/spec/source/plugin/env/-", "value": {"name": "CHARTS", "value": ""}},
    {"op": "replace", "path": "/spec/source/targetRevision", "value": "c0ffee00d15ea5e5b0a710adf00dfacecafe0123"},
    {"op": "add", "path": "/spec/source/kustomize", "value": {"images": ["ghcr.io/akuity/guestbook:v0.0.3"]}}
  ])"))
      << patch.dump(2);
  // Dropping the plugin and an annotation removes exactly those.
  fm::Application b = must(fm::decode_application(d));
  b.source->hasPlugin = false;
  b.source->pluginName.reset();
  b.metadata.annotations.erase("freightgate.io/previous-freight");
  json out = fm::encode(b);
  EXPECT_FALSE(out["spec"]["source"].contains("plugin"));
  EXPECT_FALSE(out["metadata"]["annotations"].contains("freightgate.io/previous-freight"));
  EXPECT_EQ(out["spec"]["destination"], d.body["spec"]["destination"]);
}

TEST(Encode, MultiSourceApplicationKeepsSourceExtras) {
  fm::Document d = one(R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: app, namespace: argocd}
spec:
  project: default
  destination: {namespace: x}
  sources:
  - repoURL: https://charts.example.com
    chart: c
    targetRevision: 1.2.3
    helm:
      valueFiles: [$values/prod.yaml]
      parameters: [{name: a, value: b}]
  - repoURL: https://github.com/example/values.git
    ref: values
    directory: {recurse: true}
)");
  fm::Application a = must(fm::decode_application(d));
  EXPECT_EQ(fm::encode(a), d.body);
  a.sources[0].targetRevision = "1.3.0";
  (*a.sources[0].helmParameters)[0].value = "c";
  json patch = json::diff(d.body, fm::encode(a));
  EXPECT_EQ(patch, json::parse(R"([
    {"op": "replace", "path": "/spec/sources/0/helm/parameters/0/value", "value": "c"},
    {"op": "replace", "path": "/spec/sources/0/targetRevision", "value": "1.3.0"}
  ])"))
      << patch.dump();
}

TEST(Encode, FreightStatusEdits) {
  fm::Document d = example("freight.yaml")[2];  // no status
  fm::Freight f = must(fm::decode_freight(d));
  EXPECT_EQ(fm::encode(f), d.body);
  f.status.approvedFor["prod"].approvedAt = *fm::parse_time("2026-11-25T10:00:00Z");
  f.status.verifiedIn["dev"].verifiedAt = *fm::parse_time("2026-11-25T09:00:00Z");
  f.status.verifiedIn["dev"].longestSoak = std::chrono::hours(1);
  json out = fm::encode(f);
  EXPECT_EQ(out["status"], json::parse(R"({
    "approvedFor": {"prod": {"approvedAt": "2026-11-25T10:00:00Z"}},
    "verifiedIn": {"dev": {"verifiedAt": "2026-11-25T09:00:00Z", "longestSoak": "1h0m0s"}}
  })"));
  // Decoding the encoded object gives the same typed values back.
  fm::Document d2 = one(fm::to_yaml(out));
  fm::Freight g = must(fm::decode_freight(d2));
  EXPECT_EQ(g.status.approvedFor.count("prod"), 1u);
  EXPECT_EQ(g.status.verifiedIn["dev"].longestSoak, std::chrono::hours(1));
  EXPECT_EQ(g.images, f.images);
  EXPECT_EQ(g.commits, f.commits);
}

TEST(Encode, DefaultsAreNotWrittenOut) {
  fm::Document d = one(R"(apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: wh, namespace: p}
spec:
  subscriptions:
  - git: {repoURL: "https://github.com/x/y.git"}
  - image: {repoURL: nginx}
  - chart: {repoURL: "oci://ghcr.io/x/chart"}
  - name: notes
    http: {config: {u: 1}}
)");
  fm::Warehouse w = must(fm::decode_warehouse(d));
  EXPECT_EQ(w.interval, "5m0s");
  EXPECT_EQ(w.subscriptions[0].git.discoveryLimit, 20);
  EXPECT_EQ(fm::encode(w), d.body);
  w.subscriptions[1].image.imageSelectionStrategy = "Digest";
  w.subscriptions[1].image.constraint = "latest";
  w.interval = "10m0s";
  json patch = json::diff(d.body, fm::encode(w));
  EXPECT_EQ(patch.size(), 3u) << patch.dump();
}

TEST(Encode, PolicyProjectRbacPromotionRoundTrip) {
  const std::string y = R"(apiVersion: freightgate.io/v1alpha1
kind: PromotionPolicy
metadata: {name: p, namespace: n}
spec:
  stageSelector:
    name: "glob:prod-*"
    matchLabels: {tier: production}
  windows:
  - kind: Deny
    schedule: "0 18 * * 5"
    duration: 62h
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Promotion
metadata: {name: prod.1, namespace: n}
spec:
  stage: prod
  origin: {kind: Warehouse, name: wh}
  vars: [{name: a, value: b}]
status: {phase: Running}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: n, namespace: n}
spec:
  promotionPolicies:
  - stageSelector:
      matchExpressions: [{key: env, operator: NotIn, values: [prod]}]
    autoPromotionEnabled: true
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate: "true"}
rules: []
)";
  auto docs = fm::parse_stream(y, "t.yaml");
  ASSERT_TRUE(docs.ok()) << docs.error().to_string();
  for (const auto& d : *docs) {
    auto r = fm::decode_any(d);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(fm::encode(*r), d.body) << json::diff(d.body, fm::encode(*r)).dump();
  }
  auto pol = must(fm::decode_promotion_policy((*docs)[0]));
  EXPECT_EQ(pol.windows[0].kind, "deny");
  EXPECT_EQ(pol.windows[0].timeZone, "UTC");
  pol.windows[0].kind = "allow";
  EXPECT_EQ(fm::encode(pol)["spec"]["windows"][0]["kind"], "allow");
}

TEST(Encode, ToYamlOfEncodedExampleParsesBackEqual) {
  for (const auto& d : example("stages.yaml")) {
    auto r = fm::decode_any(d);
    ASSERT_TRUE(r.ok());
    std::string y = fm::to_yaml(fm::encode(*r));
    fm::Document back = one(y);
    EXPECT_EQ(back.body, d.body) << y;
    EXPECT_EQ(fm::to_yaml(back.body), y);
  }
}

}  // namespace
