// Engine dispatch and the contract it holds every rule set to: uid echoed, unknown kinds and
// CONNECT allowed untouched, no patch on DELETE or from validation, 400 for a malformed body.
#include "freightgate/admission/engine.h"

#include <gtest/gtest.h>

#include "admission_test_util.h"
#include "freightgate/state/dir_source.h"

namespace fa = freightgate::admission;
namespace fs = freightgate::state;
using nlohmann::json;

namespace {

struct Engine : ::testing::Test {
  std::shared_ptr<fs::DirSource> src;
  fa::EngineConfig config;
  void SetUp() override {
    auto s = fs::DirSource::open(std::string(FG_SOURCE_DIR) + "/examples/guestbook");
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    src = *s;
  }
  fa::Context ctx() {
    return fa::Context{*src->current(), *src->authorizer(), freightgate::model::Clock::now(),
                       config};
  }
  std::string fixture(const std::string& name) {
    return fgtest::read_file(std::string(FG_SOURCE_DIR) + "/tests/fixtures/admission/" + name);
  }
};

TEST_F(Engine, UnknownKindIsAllowedUntouched) {
  json review = json::parse(fixture("review/update-app.json"));
  review["request"]["resource"] = {
      {"group", "apps"}, {"version", "v1"}, {"resource", "deployments"}};
  for (auto phase : {fa::Phase::Mutate, fa::Phase::Validate}) {
    auto d = fa::handle(phase, review.dump(), ctx());
    ASSERT_TRUE(d.ok);
    EXPECT_TRUE(d.response.allowed);
    EXPECT_TRUE(d.response.patch.empty());
    EXPECT_EQ(d.response.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  }
}

TEST_F(Engine, ConnectIsAllowed) {
  auto d = fa::handle(fa::Phase::Validate, fixture("review/connect-exec.json"), ctx());
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(d.response.allowed);
  EXPECT_EQ(d.response.uid, "c0ffee00-0000-4000-8000-000000000001");
}

TEST_F(Engine, MalformedBodyIsBadRequest) {
  auto d = fa::handle(fa::Phase::Mutate, "{\"apiVersion\":\"admission.k8s.io/v1\"}", ctx());
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.failure.kind, fa::FailureKind::BadRequest);
}

TEST_F(Engine, DeleteNeverGetsAPatch) {
  json review = json::parse(fixture("application/dev-promote-by-alias.json"));
  review["request"]["operation"] = "DELETE";
  review["request"]["oldObject"] = review["request"]["object"];
  review["request"]["object"] = nullptr;
  auto d = fa::handle(fa::Phase::Mutate, review.dump(), ctx());
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(d.response.allowed);
  EXPECT_TRUE(d.response.patch.empty());
}

TEST_F(Engine, ApplicationsAreRoutedToTheApplicationRules) {
  auto body = fixture("application/prod-by-developer.json");
  auto m = fa::handle(fa::Phase::Mutate, body, ctx());
  ASSERT_TRUE(m.ok);
  EXPECT_FALSE(m.response.patch.empty());  // the alias was resolved and pinned
  auto v = fa::handle(fa::Phase::Validate, body, ctx());
  ASSERT_TRUE(v.ok);
  EXPECT_FALSE(v.response.allowed);
  EXPECT_EQ(v.response.code, 403);
  EXPECT_TRUE(v.response.patch.empty());
}

TEST_F(Engine, ControlPlaneRegex) {
  EXPECT_TRUE(
      fa::is_control_plane(config, "system:serviceaccount:argocd:argocd-application-controller"));
  EXPECT_FALSE(
      fa::is_control_plane(config, "system:serviceaccount:argocd:argocd-application-controllerX"));
  EXPECT_FALSE(fa::is_control_plane(config, "alice@example.com"));
  fa::EngineConfig broken;
  broken.control_plane_users = "(";
  EXPECT_FALSE(fa::is_control_plane(broken, "("));
  fa::EngineConfig none;
  none.control_plane_users = "";
  EXPECT_FALSE(fa::is_control_plane(none, "system:serviceaccount:kargo:kargo-api"));
}

}  // namespace
