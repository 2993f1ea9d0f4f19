// Decision shapes and JSON Patch generation; every generated patch is also applied with
// `kubectl patch --local --type=json` and must give the desired object.
#include "freightgate/admission/respond.h"

#include <gtest/gtest.h>

#include "admission_test_util.h"
#include "freightgate/admission/patch.h"

namespace fa = freightgate::admission;
using nlohmann::json;

namespace {

fa::AdmissionRequest request(json object) {
  fa::AdmissionRequest r;
  r.uid = "uid-1";
  r.operation = "UPDATE";
  r.object = std::move(object);
  return r;
}

json app() {
  return json::parse(R"({"apiVersion":"argoproj.io/v1alpha1","kind":"Application",
    "metadata":{"name":"guestbook-dev","namespace":"argocd"},
    "spec":{"project":"default","source":{"repoURL":"https://github.com/example/gitops.git",
      "path":"env/dev","targetRevision":"main","plugin":{"name":"freightgate"}},
      "destination":{"server":"https://kubernetes.default.svc","namespace":"guestbook-dev"}}})");
}

TEST(Respond, AllowEchoesUidAndCleansWarnings) {
  auto d = fa::allow(request(app()), {"line one\nline two"});
  EXPECT_TRUE(d.ok);
  EXPECT_TRUE(d.response.allowed);
  EXPECT_EQ(d.response.uid, "uid-1");
  EXPECT_EQ(d.response.warnings, (std::vector<std::string>{"line one line two"}));
  EXPECT_TRUE(d.response.patch.empty());
}

TEST(Respond, DenyIs403Forbidden) {
  auto d = fa::deny(request(app()), "no");
  EXPECT_TRUE(d.ok);
  EXPECT_FALSE(d.response.allowed);
  EXPECT_EQ(d.response.code, 403);
  EXPECT_EQ(d.response.reason, "Forbidden");
  EXPECT_EQ(d.response.message, "no");
}

TEST(Respond, FailIsNotADecision) {
  auto d = fa::fail(request(app()), fa::FailureKind::Internal, "authorizer down");
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.failure.kind, fa::FailureKind::Internal);
  EXPECT_EQ(d.failure.message, "authorizer down");
}

TEST(Respond, UnchangedObjectIsAPlainAllow) {
  auto d = fa::mutate_to(request(app()), app());
  EXPECT_TRUE(d.response.allowed);
  EXPECT_TRUE(d.response.patch.empty());
}

TEST(Respond, MutateWithoutObjectFails) {
  auto r = request(nullptr);
  r.operation = "DELETE";
  EXPECT_FALSE(fa::mutate_to(r, app()).ok);
}

struct PatchCase {
  const char* name;
  std::function<void(json&)> change;
};

class MutateTo : public ::testing::TestWithParam<PatchCase> {};

TEST_P(MutateTo, PatchAppliesWithKubectlAndNeverAddsUnderAMissingParent) {
  json desired = app();
  GetParam().change(desired);
  auto d = fa::mutate_to(request(app()), desired);
  ASSERT_TRUE(d.ok) << d.failure.message;
  ASSERT_FALSE(d.response.patch.empty());
  for (const auto& op : d.response.patch.ops()) {
    if (op["op"] != "add") continue;
    json::json_pointer parent = json::json_pointer(op["path"].get<std::string>()).parent_pointer();
    EXPECT_TRUE(app().contains(parent)) << op.dump();
  }
  EXPECT_EQ(fgtest::kubectl_patch(app(), d.response.patch.ops()), desired)
      << d.response.patch.text();
  auto mine = fa::apply_patch(app(), d.response.patch.ops());
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(*mine, desired);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, MutateTo,
    ::testing::Values(
        PatchCase{"AnnotationsMapMissing",
                  [](json& j) {
                    j["metadata"]["annotations"]["freightgate.io/freight"] = "abc";
                    j["metadata"]["annotations"]["freightgate.io/promoted-by"] = "alice";
                  }},
        PatchCase{"PluginEnvMissing",
                  [](json& j) {
                    j["spec"]["source"]["plugin"]["env"] =
                        json::array({{{"name", "FREIGHT"}, {"value", "abc"}}});
                  }},
        PatchCase{"KustomizeImagesMissing",
                  [](json& j) {
                    j["spec"]["source"]["kustomize"]["images"] = json::array({"nginx:1.25"});
                  }},
        PatchCase{"ReplaceTargetRevision",
                  [](json& j) { j["spec"]["source"]["targetRevision"] = "0123abcd"; }},
        PatchCase{"RemoveKey", [](json& j) { j["spec"]["source"].erase("targetRevision"); }},
        PatchCase{"SourcesListGrowsAndShrinks",
                  [](json& j) {
                    j["spec"]["sources"] = json::array({j["spec"]["source"], j["spec"]["source"]});
                    j["spec"].erase("source");
                  }}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ApplyPatch, RefusesAddUnderMissingParentLikeKubeApiserver) {
  json patch = json::parse(R"([{"op":"add","path":"/metadata/annotations/x","value":"y"}])");
  auto r = fa::apply_patch(app(), patch);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("missing parent /metadata/annotations"), std::string::npos);
  EXPECT_TRUE(fgtest::kubectl_patch(app(), patch).is_string());  // kubectl refuses it too
}

TEST(CleanWarning, ShortSingleLine) {
  EXPECT_EQ(fa::clean_warning("a\tb\r\nc"), "a b c");
  EXPECT_EQ(fa::clean_warning(std::string(300, 'x')).size(), 120u);
  EXPECT_EQ(fa::clean_warning("  \n "), "");
  // Never cut a multi-byte character in half.
  std::string s = std::string(119, 'x') + "\xC3\xA4";
  EXPECT_EQ(fa::clean_warning(s), std::string(119, 'x'));
  EXPECT_EQ(fa::clean_warning("bad \xFF byte"), "bad ? byte");
}

}  // namespace
