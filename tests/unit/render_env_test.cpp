// The Argo CD environment -> render::Request, repository root, parameter announcements.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "freightgate/render/argocd_env.h"

using freightgate::render::announcements;
using freightgate::render::Env;
using freightgate::render::repo_root_from_env;
using freightgate::render::request_from_env;
using freightgate::render::SourceKind;

namespace {

const std::string kFreight = "6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497";
const std::string kDigest =
    "sha256:e1d15c83907c79250b9835f874517f7978e0dc88e0b97f250dd877c2b304f473";

Env base_env() {
  return {{"ARGOCD_APP_NAME", "argocd-apps_guestbook-prod"},
          {"ARGOCD_APP_NAMESPACE", "guestbook-prod"},
          {"ARGOCD_APP_SOURCE_PATH", "env/prod"},
          {"ARGOCD_APP_PARAMETERS", "null"},
          {"KUBE_VERSION", "1.30.2"},
          {"KUBE_API_VERSIONS", "v1,apps/v1,batch/v1"},
          {"ARGOCD_ENV_FREIGHT", kFreight},
          {"ARGOCD_ENV_STAGE", "prod"},
          {"ARGOCD_ENV_IMAGES", "ghcr.io/akuity/guestbook:v0.0.2@" + kDigest}};
}

TEST(RepoRoot, FromSourcePath) {
  Env e = base_env();
  EXPECT_EQ(*repo_root_from_env(e, "/tmp/_cmp_server/u1/env/prod"), "/tmp/_cmp_server/u1");
  e["ARGOCD_APP_SOURCE_PATH"] = "./env//prod/";
  EXPECT_EQ(*repo_root_from_env(e, "/tmp/_cmp_server/u1/env/prod"), "/tmp/_cmp_server/u1");
  e["ARGOCD_APP_SOURCE_PATH"] = ".";
  EXPECT_EQ(*repo_root_from_env(e, "/tmp/_cmp_server/u1"), "/tmp/_cmp_server/u1");
  e.erase("ARGOCD_APP_SOURCE_PATH");
  EXPECT_EQ(*repo_root_from_env(e, "/tmp/_cmp_server/u1"), "/tmp/_cmp_server/u1");
}

TEST(RepoRoot, MismatchAndEscapeRefused) {
  Env e = base_env();
  auto r = repo_root_from_env(e, "/tmp/_cmp_server/u1/env/dev");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().path, "ARGOCD_APP_SOURCE_PATH");
  e["ARGOCD_APP_SOURCE_PATH"] = "../x";
  EXPECT_FALSE(repo_root_from_env(e, "/tmp/x").ok());
  e["FG_REPO_ROOT"] = "/srv/repo";
  EXPECT_EQ(*repo_root_from_env(e, "/anything"), "/srv/repo");
}

TEST(RequestFromEnv, PinsAndBuildVariables) {
  auto r = request_from_env(base_env(), "/tmp/_cmp_server/u1/env/prod");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->freight, kFreight);
  EXPECT_EQ(r->stage, "prod");
  ASSERT_EQ(r->images.size(), 1u);
  EXPECT_EQ(r->images[0].name, "ghcr.io/akuity/guestbook");
  EXPECT_EQ(r->images[0].tag, "v0.0.2");
  EXPECT_EQ(r->release_name, "guestbook-prod");  // "<ns>_" prefix dropped
  EXPECT_EQ(r->namespace_, "guestbook-prod");
  EXPECT_EQ(r->kube_version, "1.30.2");
  EXPECT_EQ(r->api_versions, (std::vector<std::string>{"v1", "apps/v1", "batch/v1"}));
  EXPECT_TRUE(r->stamp);
  EXPECT_TRUE(r->fail_on_floating);
  EXPECT_FALSE(r->fail_on_unmatched_pin);
  EXPECT_EQ(r->kind, SourceKind::Auto);
}

TEST(RequestFromEnv, ParametersJsonAnyKeyOrder) {
  Env e = base_env();
  e["ARGOCD_APP_PARAMETERS"] =
      R"([{"array":["values-prod.yaml","values-extra.yaml"],"name":"values-files"},)"
      R"({"map":{"image.pullPolicy":"Always","replicaCount":"3"},"name":"helm-parameters"},)"
      R"({"name":"stamp","string":"false"},{"string":"true","name":"fail-on-unmatched-pin"},)"
      R"({"name":"renderer","string":"helm"},{"name":"release-name","string":"gb"}])";
  auto r = request_from_env(e, "/r/env/prod");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->values_files, (std::vector<std::string>{"values-prod.yaml", "values-extra.yaml"}));
  ASSERT_EQ(r->helm_set.size(), 2u);
  EXPECT_EQ(r->helm_set[0].first, "image.pullPolicy");
  EXPECT_FALSE(r->stamp);
  EXPECT_TRUE(r->fail_on_unmatched_pin);
  EXPECT_EQ(r->kind, SourceKind::Helm);
  EXPECT_EQ(r->release_name, "gb");
}

TEST(RequestFromEnv, ErrorsNameTheVariableAndFix) {
  struct C {
    std::string var, value, path, needle;
  };
  const C cases[] = {
      {"ARGOCD_ENV_FREIGHT", "", "ARGOCD_ENV_FREIGHT", "promote"},
      {"ARGOCD_ENV_STAGE", "", "ARGOCD_ENV_STAGE", "STAGE"},
      {"ARGOCD_ENV_STAGE", "a b", "ARGOCD_ENV_STAGE", "not a stage name"},
      {"ARGOCD_ENV_IMAGES", "ghcr.io/akuity/guestbook", "ARGOCD_ENV_IMAGES[0]", "pins no version"},
      {"ARGOCD_APP_PARAMETERS", "{not json", "ARGOCD_APP_PARAMETERS", "JSON array"},
      {"ARGOCD_APP_PARAMETERS", R"([{"name":"valuesfiles","array":[]}])", "ARGOCD_APP_PARAMETERS",
       "unknown parameter"},
      {"ARGOCD_APP_PARAMETERS", R"([{"name":"stamp","string":"yes"}])", "ARGOCD_APP_PARAMETERS",
       "\"true\" or"},
      {"ARGOCD_APP_PARAMETERS", R"([{"name":"renderer","string":"jsonnet"}])",
       "ARGOCD_APP_PARAMETERS", "renderer"},
  };
  for (const auto& c : cases) {
    Env e = base_env();
    if (c.value.empty())
      e.erase(c.var);
    else
      e[c.var] = c.value;
    auto r = request_from_env(e, "/r/env/prod");
    ASSERT_FALSE(r.ok()) << c.var << "=" << c.value;
    EXPECT_EQ(r.error().path, c.path);
    EXPECT_NE(r.error().message.find(c.needle), std::string::npos) << r.error().message;
  }
}

TEST(RequestFromEnv, EmptyImagesAndAbsentParameters) {
  Env e = base_env();
  e["ARGOCD_ENV_IMAGES"] = "";
  e.erase("ARGOCD_APP_PARAMETERS");
  auto r = request_from_env(e, "/r/env/prod");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->images.empty());
}

TEST(Announcements, ShowPinsAndCurrentValues) {
  Env e = base_env();
  e["ARGOCD_APP_PARAMETERS"] = R"([{"name":"values-files","array":["v.yaml"]}])";
  auto a = announcements(e);
  ASSERT_TRUE(a.ok());
  auto j = nlohmann::json::parse(*a);
  ASSERT_TRUE(j.is_array());
  std::map<std::string, nlohmann::json> by;
  for (const auto& x : j) by[x["name"]] = x;
  EXPECT_EQ(by["freight"]["string"], kFreight);
  EXPECT_EQ(by["stage"]["string"], "prod");
  EXPECT_EQ(by["images"]["collectionType"], "array");
  EXPECT_EQ(by["images"]["array"][0], "ghcr.io/akuity/guestbook:v0.0.2@" + kDigest);
  EXPECT_EQ(by["values-files"]["array"][0], "v.yaml");
  EXPECT_EQ(by["helm-parameters"]["collectionType"], "map");
  EXPECT_TRUE(by["helm-parameters"]["map"].is_object());
  EXPECT_EQ(by["stamp"]["string"], "true");
  for (const auto& x : j) {
    EXPECT_TRUE(x["name"].is_string());
    for (auto it = x.begin(); it != x.end(); ++it)
      if (it.key() == "map") {
        for (const auto& v : it.value()) EXPECT_TRUE(v.is_string());
      }
  }
}

}  // namespace
