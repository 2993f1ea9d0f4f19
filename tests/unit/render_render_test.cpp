// render(): directory selection, renderer detection and the exact tool argv, with a recording
// Runner (the real tools run in tests/integration/cmp).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "freightgate/render/render.h"

namespace fs = std::filesystem;
using freightgate::Error;
using freightgate::Result;
using freightgate::render::Request;
using freightgate::render::SourceKind;
using freightgate::render::Tools;

namespace {

class Render : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string t = (fs::temp_directory_path() / "fg-render-XXXXXX").string();
    ASSERT_NE(::mkdtemp(t.data()), nullptr);
    root_ = fs::canonical(t);
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  Request request(const std::string& app) {
    Request r;
    r.repo_root = root_.string();
    r.app_dir = (root_ / app).string();
    r.stage = "prod";
    r.freight = "f";
    r.images = {freightgate::freight::ImageRef{"ghcr.io/a/web", "2", ""}};
    return r;
  }
  // Records argv/cwd and prints one Deployment using ghcr.io/a/web:1.
  freightgate::render::Runner recorder() {
    return [this](const std::vector<std::string>& argv,
                  const std::string& cwd) -> Result<std::string> {
      argv_ = argv;
      cwd_ = cwd;
      return std::string(
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    "
          "spec:\n"
          "      containers: [{name: web, image: 'ghcr.io/a/web:1'}]\n");
    };
  }
  fs::path root_;
  std::vector<std::string> argv_;
  std::string cwd_;
};

TEST_F(Render, HelmArgvForHelm) {
  write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n");
  write("chart/values-prod.yaml", "a: 1\n");
  Request r = request("chart");
  r.release_name = "web";
  r.namespace_ = "prod";
  r.kube_version = "1.30.2";
  r.api_versions = {"v1", "apps/v1"};
  r.values_files = {"values-prod.yaml"};
  r.helm_set = {{"image.tag", "x"}};
  Tools t;
  t.helm = {"/opt/helm"};
  auto out = freightgate::render::render(r, t, recorder());
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(out->kind, SourceKind::Helm);
  const std::string values = (root_ / "chart/values-prod.yaml").string();
  EXPECT_EQ(argv_, (std::vector<std::string>{"/opt/helm", "template", "web", ".", "--namespace",
                                             "prod", "--include-crds", "--kube-version", "1.30.2",
                                             "--api-versions", "v1", "--api-versions", "apps/v1",
                                             "-f", values, "--set", "image.tag=x"}));
  EXPECT_EQ(cwd_, (root_ / "chart").string());
  EXPECT_NE(out->yaml.find("image: ghcr.io/a/web:2\n"), std::string::npos) << out->yaml;
}

TEST_F(Render, HelmArgvForHelmTemplate) {
  write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n");
  Request r = request("chart");
  r.release_name = "web";
  Tools t;
  t.helm = {"/x/helm-template"};
  ASSERT_TRUE(freightgate::render::render(r, t, recorder()).ok());
  EXPECT_EQ(argv_,
            (std::vector<std::string>{"/x/helm-template", ".", "--name", "web", "--include-crds"}));
}

TEST_F(Render, KustomizeInStageDirectory) {
  write("app/env/prod/kustomization.yaml", "resources:\n- ../../base\n");
  write("app/base/kustomization.yaml", "resources:\n- d.yaml\n");
  write("app/base/d.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
  Tools t;
  t.kustomize = {"kustomize", "build"};
  auto out = freightgate::render::render(request("app"), t, recorder());
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(out->source_dir, "app/env/prod");
  EXPECT_EQ(argv_, (std::vector<std::string>{"kustomize", "build", "."}));
  EXPECT_EQ(cwd_, (root_ / "app/env/prod").string());
}

TEST_F(Render, KustomizationChecksBeforeTheToolRuns) {
  write("k/kustomization.yaml", "resources:\n- missing.yaml\n");
  auto out = freightgate::render::render(request("k"), Tools{}, recorder());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().to_string().find("does not exist"), std::string::npos)
      << out.error().to_string();
  EXPECT_TRUE(argv_.empty());
  write("k/kustomization.yaml", "helmCharts:\n- name: x\n");
  out = freightgate::render::render(request("k"), Tools{}, recorder());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().path, "helmCharts");
  write("k/kustomization.yaml", "resources:\n- ../../../../../../etc\n");
  out = freightgate::render::render(request("k"), Tools{}, recorder());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().to_string().find("outside the repository"), std::string::npos)
      << out.error().to_string();
  EXPECT_TRUE(argv_.empty());
}

TEST_F(Render, ToolFailureIsTheError) {
  write("k/kustomization.yaml", "resources: []\n");
  auto failing = [](const std::vector<std::string>&, const std::string&) -> Result<std::string> {
    Error e;
    e.object = "`kubectl kustomize .`";
    e.message = "failed (exit status 1): accumulating resources";
    return e;
  };
  auto out = freightgate::render::render(request("k"), Tools{}, failing);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().to_string().find("accumulating resources"), std::string::npos);
}

TEST_F(Render, RealProcessRunnerNoShell) {
  auto ok = freightgate::render::run_process({"printf", "%s", "a b;echo x"}, root_.string());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "a b;echo x");  // arguments reach the tool verbatim
  auto fail = freightgate::render::run_process(
      {"sh", "-c", "echo first >&2; echo 'last line' >&2; exit 3"}, root_.string());
  ASSERT_FALSE(fail.ok());
  EXPECT_NE(fail.error().message.find("exit status 3"), std::string::npos);
  EXPECT_NE(fail.error().message.find("last line"), std::string::npos);
  auto missing = freightgate::render::run_process({"fg-no-such-tool"}, root_.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("not found on PATH"), std::string::npos);
  freightgate::render::RunLimits quick;
  quick.timeout = std::chrono::milliseconds(200);
  auto slow = freightgate::render::run_process({"sleep", "5"}, root_.string(), quick);
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.error().message.find("did not finish"), std::string::npos);
}

}  // namespace
