// `freightgate validate`, run as the built binary: the guestbook example and Kargo's own
// example layout pass silently; a broken copy of the example gets one precise line per problem.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "admission_test_util.h"

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int code = -1;
  std::string out;
};

std::string binary() { return std::string(FG_BINARY_DIR) + "/cli/freightgate"; }

Outcome run(const std::string& args) {
  Outcome r;
  r.out = fgtest::run(binary() + " " + args + " 2>&1", &r.code);
  return r;
}

std::string read(const fs::path& p) { return fgtest::read_file(p.string()); }

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s;
}

// Replaces the first `from` at or after the first `after` (must exist).
std::string replace(std::string text, const std::string& from, const std::string& to,
                    const std::string& after = "") {
  size_t start = after.empty() ? 0 : text.find(after);
  EXPECT_NE(start, std::string::npos) << after;
  size_t pos = text.find(from, start == std::string::npos ? 0 : start);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

// 1-based line of the first `needle` at or after the first `after`.
int line_of(const std::string& text, const std::string& needle, const std::string& after = "") {
  size_t start = after.empty() ? 0 : text.find(after);
  size_t pos = text.find(needle, start == std::string::npos ? 0 : start);
  EXPECT_NE(pos, std::string::npos) << needle;
  return 1 +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fg-validate-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class Validate : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(binary())) << binary() << " is not built: build target freightgate-cli";
  }
};

TEST_F(Validate, GuestbookExampleIsClean) {
  Outcome r = run("validate -f " + std::string(FG_SOURCE_DIR) + "/examples");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.code, 0);
}

TEST_F(Validate, BrokenCopyNamesEveryProblem) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "guestbook";
  fs::copy(std::string(FG_SOURCE_DIR) + "/examples/guestbook", dir, fs::copy_options::recursive);
  std::vector<std::string> want;
  const std::string d = dir.string() + "/";

  // applications.yaml: the prod Application loses spec.project.
  std::string apps = read(dir / "applications.yaml");
  apps = replace(apps, "  project: default\n", "", "name: guestbook-prod");
  write(dir / "applications.yaml", apps);
  want.push_back(
      d + "applications.yaml:" + std::to_string(line_of(apps, "spec:", "name: guestbook-prod")) +
      ": Application \"guestbook-prod\": spec.project: required");

  // broken.yaml: not YAML at all.
  write(dir / "broken.yaml", "apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nspec: [1, 2\n");
  // freight.yaml: a soak in days (Go durations have no "d").
  std::string fr = read(dir / "freight.yaml");
  fr = replace(fr, "longestSoak: 240h0m0s", "longestSoak: 10d");
  write(dir / "freight.yaml", fr);
  // policy.yaml: a window duration in words, and a 4-field schedule.
  std::string pol = read(dir / "policy.yaml");
  pol = replace(pol, "duration: 62h", "duration: 62 hours");
  pol = replace(pol, "schedule: \"0 18 * * 5\"", "schedule: \"0 18 * *\"");
  write(dir / "policy.yaml", pol);
  // project.yaml: a quoted boolean.
  std::string proj = read(dir / "project.yaml");
  proj = replace(proj, "autoPromotionEnabled: true", "autoPromotionEnabled: \"true\"");
  write(dir / "project.yaml", proj);
  // stages.yaml: staging's origin loses its name; prod's task step loses its task name.
  std::string st = read(dir / "stages.yaml");
  st = replace(st, "      name: guestbook\n", "", "name: staging");
  st = replace(st, "          name: argocd-pin\n", "          kind: PromotionTask\n", "name: prod");
  // ... and prod names a Stage that does not exist (a graph problem).
  st = replace(st, "      - staging\n", "      - stagin\n", "name: prod");
  write(dir / "stages.yaml", st);
  // warehouse.yaml: a discovery limit in words.
  std::string wh = read(dir / "warehouse.yaml");
  wh = replace(wh, "discoveryLimit: 10", "discoveryLimit: ten");
  write(dir / "warehouse.yaml", wh);
  // A Deployment with nonsense is none of validate's business.
  write(dir / "gitops/base/extra.yaml", "apiVersion: apps/v1\nkind: Deployment\nspec: 7\n");

  // Expected lines, in file order.
  want.push_back(d + "broken.yaml:4: invalid YAML: end of sequence flow not found");
  want.push_back(
      d + "freight.yaml:" + std::to_string(line_of(fr, "longestSoak: 10d")) +
      ": Freight \"93afe3ae59d445f27849cde1141aeefbd9d6954e\": status.verifiedIn.dev.longestSoak: "
      "invalid duration \"10d\": unknown unit \"d\"; use Go duration syntax such as 30s, 5m, "
      "1h30m or 5m0s");
  want.push_back(
      d + "policy.yaml:" + std::to_string(line_of(pol, "schedule:")) +
      ": PromotionPolicy \"prod-gates\": spec.windows[0].schedule: must be a 5-field cron "
      "expression (minute hour day-of-month month day-of-week), e.g. \"0 18 * * 5\"; got 4 fields");
  want.push_back(
      d + "policy.yaml:" + std::to_string(line_of(pol, "duration:")) +
      ": PromotionPolicy \"prod-gates\": spec.windows[0].duration: invalid duration \"62 hours\": "
      "unknown unit \"hours\"; use Go duration syntax such as 30s, 5m, 1h30m or 5m0s");
  want.push_back(
      d + "project.yaml:" + std::to_string(line_of(proj, "autoPromotionEnabled: \"true\"")) +
      ": Project \"guestbook\": spec.promotionPolicies[0].autoPromotionEnabled: must be true or "
      "false, got a string (\"true\")");
  want.push_back(d + "stages.yaml:" + std::to_string(line_of(st, "- origin:", "name: staging")) +
                 ": Stage \"staging\": spec.requestedFreight[0].origin.name: required");
  want.push_back(
      d + "stages.yaml:" + std::to_string(line_of(st, "- stagin", "name: prod")) +
      ": Stage \"prod\": spec.requestedFreight[0].sources.stages[0]: upstream Stage \"stagin\" "
      "does not exist");  // the graph module's wording continues; compared as a prefix
  want.push_back(d + "stages.yaml:" + std::to_string(line_of(st, "- task:", "name: prod")) +
                 ": Stage \"prod\": spec.promotionTemplate.spec.steps[0].task.name: required");
  want.push_back(
      d + "warehouse.yaml:" + std::to_string(line_of(wh, "discoveryLimit: ten")) +
      ": Warehouse \"guestbook\": spec.subscriptions[0].image.discoveryLimit: must be an integer, "
      "got a string (\"ten\")");
  Outcome r = run("validate -f " + dir.string());
  EXPECT_EQ(r.code, 1);
  std::vector<std::string> got;
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);) got.push_back(l);
  ASSERT_EQ(got.size(), want.size()) << r.out;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].find("does not exist") != std::string::npos)
      EXPECT_EQ(got[i].rfind(want[i], 0), 0u) << got[i] << "\nwant prefix\n" << want[i];
    else
      EXPECT_EQ(got[i], want[i]);
  }
}

TEST_F(Validate, KargoExampleLayoutIsClean) {
  TempDir tmp;
  const fs::path d = tmp.path();
  write(
      d / "kargo/project.yaml",
      "apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata:\n  name: kargo-demo\n---\n"
      "apiVersion: kargo.akuity.io/v1alpha1\nkind: ProjectConfig\nmetadata:\n  name: kargo-demo\n"
      "  namespace: kargo-demo\nspec:\n  promotionPolicies:\n  - stageSelector:\n      name: test\n"
      "    autoPromotionEnabled: true\n");
  write(d / "kargo/warehouse.yml",
        "apiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata:\n  name: kargo-demo\n"
        "  namespace: kargo-demo\nspec:\n  subscriptions:\n  - image:\n      repoURL: "
        "public.ecr.aws/nginx/nginx\n"
        "      constraint: ^1.26.0\n      discoveryLimit: 5\n");
  write(
      d / "kargo/promotion-task.yaml",
      "apiVersion: kargo.akuity.io/v1alpha1\nkind: PromotionTask\nmetadata:\n  name: "
      "demo-promo-process\n"
      "  namespace: kargo-demo\nspec:\n  vars:\n  - name: gitopsRepo\n    value: "
      "https://github.com/x/kargo-demo.git\n"
      "  - name: imageRepo\n    value: public.ecr.aws/nginx/nginx\n  steps:\n  - uses: git-clone\n "
      "   config:\n"
      "      repoURL: ${{ vars.gitopsRepo }}\n      checkout:\n      - branch: main\n        path: "
      "./src\n"
      "      - branch: stage/${{ ctx.stage }}\n        create: true\n        path: ./out\n"
      "  - uses: git-clear\n    config:\n      path: ./out\n  - uses: kustomize-set-image\n    as: "
      "update\n"
      "    config:\n      path: ./src/base\n      images:\n      - image: ${{ vars.imageRepo }}\n"
      "        tag: ${{ imageFrom(vars.imageRepo).Tag }}\n  - uses: kustomize-build\n    config:\n"
      "      path: ./src/stages/${{ ctx.stage }}\n      outPath: ./out\n  - uses: git-commit\n    "
      "as: commit\n"
      "    config:\n      path: ./out\n      message: ${{ task.outputs.update.commitMessage }}\n"
      "  - uses: git-push\n    config:\n      path: ./out\n  - uses: argocd-update\n    config:\n  "
      "    apps:\n"
      "      - name: kargo-demo-${{ ctx.stage }}\n        sources:\n        - repoURL: ${{ "
      "vars.gitopsRepo }}\n"
      "          desiredRevision: ${{ task.outputs.commit.commit }}\n");
  write(
      d / "kargo/stages.yaml",
      "apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nmetadata:\n  name: test\n  namespace: "
      "kargo-demo\n"
      "spec:\n  requestedFreight:\n  - origin:\n      kind: Warehouse\n      name: kargo-demo\n    "
      "sources:\n"
      "      direct: true\n  promotionTemplate:\n    spec:\n      steps:\n      - task:\n"
      "          name: demo-promo-process\n        as: promo-process\n---\n"
      "apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nmetadata:\n  name: uat\n  namespace: "
      "kargo-demo\n"
      "spec:\n  requestedFreight:\n  - origin:\n      kind: Warehouse\n      name: kargo-demo\n    "
      "sources:\n"
      "      stages:\n      - test\n  promotionTemplate:\n    spec:\n      steps:\n      - task:\n"
      "          name: demo-promo-process\n        as: promo-process\n");
  write(d / "argocd/appset.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: kargo-demo\n"
        "spec:\n  generators: []\n  template: {}\n");
  write(d / "chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  write(d / "chart/templates/app.yaml", "{{- if .Values.x }}\nkind: Stage\n{{- end }}\n");
  write(d / ".git/config.yaml", "[core]\n");
  Outcome r = run("validate -f " + d.string());
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.code, 0);
}

TEST_F(Validate, FilesAndUsage) {
  const std::string ex = std::string(FG_SOURCE_DIR) + "/examples/guestbook/";
  Outcome several =
      run("validate -f " + ex + "stages.yaml " + ex + "warehouse.yaml -f " + ex + "policy.yaml");
  EXPECT_EQ(several.out, "");
  EXPECT_EQ(several.code, 0);
  Outcome missing = run("validate -f /nonexistent/dir");
  EXPECT_EQ(missing.out, "/nonexistent/dir: no such file or directory\n");
  EXPECT_EQ(missing.code, 1);
  Outcome none = run("validate");
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.out.find("usage: freightgate validate -f FILE_OR_DIR..."), std::string::npos);
  Outcome bad = run("validate --bogus");
  EXPECT_EQ(bad.code, 2);
}

}  // namespace
