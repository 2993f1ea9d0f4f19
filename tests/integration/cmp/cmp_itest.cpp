// freightgate-cmp end to end, invoked exactly like argocd-cmp-server does (reference
// argocd-cmp.md §2): a fresh copy of the repository in a temp dir, cwd = the app path, the
// build and plugin variables in the environment (ARGOCD_APP_PARAMETERS = `null`, `$`-expanded
// ARGOCD_ENV_ values, empty values), argv without a shell. Real kubectl kustomize and
// ../shared/tools/helm-template do the base rendering.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/render/manifests.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kFreight = "6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497";
const std::string kDigest =
    "sha256:e1d15c83907c79250b9835f874517f7978e0dc88e0b97f250dd877c2b304f473";
const std::string kImage = "ghcr.io/akuity/guestbook";
const std::string kPinned = kImage + ":v0.0.2@" + kDigest;
const std::string kRevision = "8a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

struct Result {
  int rc = -1;
  std::string out, err;
};

std::string slurp_fd(int fd) {
  std::string s;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

// posix_spawn with cwd and an explicit environment; stdout/stderr to temp files.
Result spawn(const std::vector<std::string>& argv, const std::string& cwd,
             const std::map<std::string, std::string>& env) {
  char out_name[] = "/tmp/fg-cmp-out-XXXXXX", err_name[] = "/tmp/fg-cmp-err-XXXXXX";
  int out_fd = ::mkstemp(out_name), err_fd = ::mkstemp(err_name);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  std::vector<std::string> envs;
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> a, e;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  for (const auto& s : envs) e.push_back(const_cast<char*>(s.c_str()));
  e.push_back(nullptr);
  pid_t pid;
  Result r;
  if (::posix_spawn(&pid, a[0], &fa, nullptr, a.data(), e.data()) == 0) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  posix_spawn_file_actions_destroy(&fa);
  ::lseek(out_fd, 0, SEEK_SET);
  ::lseek(err_fd, 0, SEEK_SET);
  r.out = slurp_fd(out_fd);
  r.err = slurp_fd(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  ::unlink(out_name);
  ::unlink(err_name);
  return r;
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class Cmp : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "fg-cmp-itest-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    tmp_ = tmpl;
    // argocd-cmp-server extracts each request into /tmp/_cmp_server/<uuid>.
    repo_ = tmp_ / "_cmp_server" / "3f2a9c1e-0b1d-4f6e-9a55-1c2d3e4f5a6b";
    fs::create_directories(repo_);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  // The environment argocd-cmp-server gives `generate` for an app at `path`.
  std::map<std::string, std::string> env(const std::string& path,
                                         const std::string& stage = "prod") const {
    std::map<std::string, std::string> e = {
        {"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"},
        {"HOME", tmp_.string()},
        {"ARGOCD_APP_NAME", "guestbook-" + stage},
        {"ARGOCD_APP_NAMESPACE", "guestbook-" + stage},
        {"ARGOCD_APP_PROJECT_NAME", "default"},
        {"ARGOCD_APP_REVISION", kRevision},
        {"ARGOCD_APP_REVISION_SHORT", kRevision.substr(0, 7)},
        {"ARGOCD_APP_REVISION_SHORT_8", kRevision.substr(0, 8)},
        {"ARGOCD_APP_SOURCE_REPO_URL", "https://github.com/example/guestbook-gitops.git"},
        {"ARGOCD_APP_SOURCE_PATH", path},
        {"ARGOCD_APP_SOURCE_TARGET_REVISION", kRevision},
        {"KUBE_VERSION", "1.30.2"},
        {"KUBE_API_VERSIONS", "v1,apps/v1,batch/v1,apiextensions.k8s.io/v1"},
        {"ARGOCD_APP_PARAMETERS", "null"},
        {"ARGOCD_ENV_FREIGHT", kFreight},
        {"ARGOCD_ENV_STAGE", stage},
        {"ARGOCD_ENV_PROJECT", "guestbook"},
        {"ARGOCD_ENV_IMAGES", kPinned},
        {"ARGOCD_ENV_COMMITS", "https://github.com/example/guestbook-gitops.git@" + kRevision},
        // `rev-$ARGOCD_APP_REVISION` after Argo CD's Envsubst; an empty value (v3.0+).
        {"ARGOCD_ENV_REV", "rev-" + kRevision},
        {"ARGOCD_ENV_NOTE", ""},
    };
    if (const char* x = std::getenv("XDG_CACHE_HOME")) e["XDG_CACHE_HOME"] = x;
    return e;
  }

  Result generate(const std::string& path, std::map<std::string, std::string> e) const {
    return spawn({FG_CMP_BINARY, "generate"}, (repo_ / path).lexically_normal().string(), e);
  }
  Result generate(const std::string& path) const { return generate(path, env(path)); }

  static std::vector<json> objects(const std::string& yaml) {
    auto r = freightgate::render::read_manifests(yaml, "stdout", {}, nullptr);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    std::vector<json> out;
    if (r.ok())
      for (auto& o : *r) out.push_back(o.body);
    return out;
  }

  // A failed run: non-zero, nothing on stdout, exactly one stderr line containing `needle`.
  static void expect_refused(const Result& r, const std::string& needle) {
    EXPECT_NE(r.rc, 0);
    EXPECT_EQ(r.out, "");
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  }

  void copy_guestbook() {
    fs::copy(fs::path(FG_SOURCE_DIR) / "examples/guestbook/gitops", repo_,
             fs::copy_options::recursive);
  }

  fs::path tmp_, repo_;
};

const std::string kDeployment =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
    "      initContainers:\n      - name: init\n        image: ghcr.io/akuity/guestbook@sha256:" +
    std::string(64, '0') +
    "\n      containers:\n      - name: web\n        image: ghcr.io/akuity/guestbook:latest\n"
    "        env:\n        - {name: PORT, value: \"8080\"}\n      - name: proxy\n        image: "
    "envoyproxy/envoy:v1.30.1\n";

TEST_F(Cmp, PlainDirectoryMultiDocListsCrdsJson) {
  write_file(repo_ / "apps/plain/10-app.yaml", kDeployment +
                                                   "---\napiVersion: v1\nkind: Service\nmetadata: "
                                                   "{name: web}\nspec: {ports: [{port: 80}]}\n");
  write_file(repo_ / "apps/plain/sub/20-list.yml",
             "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: "
             "{name: a}, data: {x: 'yes'}}\n"
             "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n");
  write_file(
      repo_ / "apps/plain/05-crd.yaml",
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: "
      "widgets.example.com}\n"
      "spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n"
      "  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: "
      "object}}}]\n"
      "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n");
  write_file(repo_ / "apps/plain/30-cm.json",
             R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}})");
  write_file(repo_ / "apps/plain/values.yaml", "replicaCount: 2\n");
  write_file(repo_ / "apps/plain/README.md", "not yaml: [\n");
  write_file(repo_ / "apps/plain/.argocd-source.yaml", "plugin: {env: []}\n");
  write_file(repo_ / "apps/plain/env/dev/x.yaml",
             "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dev-only}\n");

  Result r = generate("apps/plain");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto objs = objects(r.out);
  std::vector<std::string> names;
  for (const auto& o : objs)
    names.push_back(o["kind"].get<std::string>() + "/" + o["metadata"]["name"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"CustomResourceDefinition/widgets.example.com",
                                             "Widget/w", "Deployment/web", "Service/web",
                                             "ConfigMap/j", "ConfigMap/a", "ConfigMap/b"}));
  const json& pod = objs[2]["spec"]["template"]["spec"];
  EXPECT_EQ(pod["containers"][0]["image"], kPinned);
  EXPECT_EQ(pod["initContainers"][0]["image"], kPinned);
  EXPECT_EQ(pod["containers"][1]["image"], "envoyproxy/envoy:v1.30.1");
  EXPECT_EQ(pod["containers"][0]["env"][0]["value"], "8080");  // still a string
  EXPECT_EQ(objs[5]["data"]["x"], "yes");
  for (const auto& o : objs) {
    EXPECT_EQ(o["metadata"]["annotations"]["freightgate.io/freight"], kFreight);
    EXPECT_EQ(o["metadata"]["annotations"]["freightgate.io/stage"], "prod");
  }
  EXPECT_NE(r.err.find("apps/plain/values.yaml:1: skipped"), std::string::npos) << r.err;

  // Byte-for-byte deterministic, also from a second fresh copy elsewhere.
  Result again = generate("apps/plain");
  EXPECT_EQ(again.out, r.out);
  fs::path other = tmp_ / "_cmp_server" / "second";
  fs::copy(repo_, other, fs::copy_options::recursive);
  Result third =
      spawn({FG_CMP_BINARY, "generate"}, (other / "apps/plain").string(), env("apps/plain"));
  EXPECT_EQ(third.out, r.out);
}

TEST_F(Cmp, KustomizeOverlayEqualsKubectlKustomizeWithImagesOverride) {
  copy_guestbook();
  Result r = generate("env/prod");
  ASSERT_EQ(r.rc, 0) << r.err;

  // What Kargo's kustomize-set-image step would have written, rendered by kubectl kustomize.
  fs::path expected_repo = tmp_ / "expected";
  fs::copy(fs::path(FG_SOURCE_DIR) / "examples/guestbook/gitops", expected_repo,
           fs::copy_options::recursive);
  std::ofstream(expected_repo / "env/prod/kustomization.yaml", std::ios::app)
      << "images:\n- name: " << kImage << "\n  newTag: v0.0.2\n  digest: " << kDigest << "\n";
  Result k = spawn({"/usr/bin/env", "kubectl", "kustomize", "."},
                   (expected_repo / "env/prod").string(), env("env/prod"));
  ASSERT_EQ(k.rc, 0) << k.err;

  auto got = objects(r.out), want = objects(k.out);
  ASSERT_EQ(got.size(), want.size());
  ASSERT_FALSE(want.empty());
  for (size_t i = 0; i < got.size(); ++i) {
    json g = got[i];
    json& ann = g["metadata"]["annotations"];
    EXPECT_EQ(ann["freightgate.io/freight"], kFreight);
    EXPECT_EQ(ann["freightgate.io/stage"], "prod");
    ann.erase("freightgate.io/freight");
    ann.erase("freightgate.io/stage");
    if (ann.empty()) g["metadata"].erase("annotations");
    EXPECT_EQ(g, want[i]) << "object " << i << "\n got: " << g.dump()
                          << "\nwant: " << want[i].dump();
  }
  bool pinned = false;
  for (const auto& o : got)
    if (o["kind"] == "Deployment")
      pinned = o["spec"]["template"]["spec"]["containers"][0]["image"] == kPinned;
  EXPECT_TRUE(pinned);
}

TEST_F(Cmp, StageDirectorySelectedFromRepositoryRoot) {
  copy_guestbook();
  Result direct = generate("env/staging", env("env/staging", "staging"));
  Result selected = generate(".", env(".", "staging"));
  ASSERT_EQ(selected.rc, 0) << selected.err;
  EXPECT_EQ(selected.out, direct.out);
  EXPECT_NE(selected.out.find("namespace: guestbook-staging"), std::string::npos);
}

TEST_F(Cmp, HelmChartWithValuesFilesAndParameters) {
  write_file(repo_ / "charts/guestbook/Chart.yaml",
             "apiVersion: v2\nname: guestbook\nversion: 0.1.0\n");
  write_file(repo_ / "charts/guestbook/values.yaml",
             "replicaCount: 1\nimage:\n  repository: ghcr.io/akuity/guestbook\n  tag: latest\n");
  write_file(repo_ / "charts/guestbook/values-prod.yaml", "replicaCount: 3\n");
  write_file(repo_ / "charts/guestbook/crds/widget.yaml",
             "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: "
             "{name: widgets.example.com}\n"
             "spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: "
             "Namespaced, versions: []}\n");
  write_file(repo_ / "charts/guestbook/templates/deployment.yaml",
             "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
             "  namespace: {{ .Release.Namespace }}\nspec:\n  replicas: {{ .Values.replicaCount "
             "}}\n  template:\n"
             "    spec:\n      containers:\n      - name: web\n"
             "        image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n"
             "        imagePullPolicy: {{ .Values.pullPolicy | default \"IfNotPresent\" }}\n");
  auto e = env("charts/guestbook");
  e["FG_HELM"] = std::string(FG_SOURCE_DIR) + "/../shared/tools/helm-template";
  e["ARGOCD_APP_PARAMETERS"] =
      R"([{"array":["values-prod.yaml"],"name":"values-files"},{"map":{"pullPolicy":"Always"},"name":"helm-parameters"}])";
  Result r = generate("charts/guestbook", e);
  ASSERT_EQ(r.rc, 0) << r.err;
  auto objs = objects(r.out);
  const json* dep = nullptr;
  bool crd = false;
  for (const auto& o : objs) {
    if (o["kind"] == "Deployment") dep = &o;
    crd = crd || o["kind"] == "CustomResourceDefinition";
  }
  EXPECT_TRUE(crd);
  ASSERT_NE(dep, nullptr) << r.out;
  EXPECT_EQ((*dep)["metadata"]["name"], "guestbook-prod");
  EXPECT_EQ((*dep)["metadata"]["namespace"], "guestbook-prod");
  EXPECT_EQ((*dep)["spec"]["replicas"], 3);
  EXPECT_EQ((*dep)["spec"]["template"]["spec"]["containers"][0]["image"], kPinned);
  EXPECT_EQ((*dep)["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "Always");

  // A values file outside the repository is refused before helm runs.
  write_file(tmp_ / "outside.yaml", "replicaCount: 9\n");
  e["ARGOCD_APP_PARAMETERS"] = R"([{"array":["../../../../outside.yaml"],"name":"values-files"}])";
  expect_refused(generate("charts/guestbook", e), "outside the repository");
}

TEST_F(Cmp, UnparseableFileIsRefusedWithFileAndLine) {
  write_file(repo_ / "app/ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
  write_file(repo_ / "app/broken.yaml",
             "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n");
  Result r = generate("app");
  expect_refused(r, "app/broken.yaml:");
}

TEST_F(Cmp, SymlinkOutOfTheRepositoryIsRefused) {
  write_file(tmp_ / "secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: stolen}\n");
  write_file(repo_ / "app/ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
  fs::create_symlink(tmp_ / "secret.yaml", repo_ / "app/link.yaml");
  expect_refused(generate("app"), "leads outside the repository");

  // Also through a kustomization: a resource symlinked out of the repository.
  write_file(repo_ / "kapp/kustomization.yaml", "resources:\n- link.yaml\n");
  fs::create_symlink(tmp_ / "secret.yaml", repo_ / "kapp/link.yaml");
  Result k = generate("kapp");
  expect_refused(k, "outside the repository");
  EXPECT_EQ(k.out.find("stolen"), std::string::npos);

  // A symlink that stays inside is fine.
  fs::remove(repo_ / "app/link.yaml");
  fs::create_symlink(repo_ / "app/ok.yaml", repo_ / "app/same.yaml");
  EXPECT_EQ(generate("app").rc, 0);
}

TEST_F(Cmp, KustomizeRemoteResourceRefused) {
  write_file(repo_ / "kapp/kustomization.yaml",
             "resources:\n- "
             "https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.0.0\n");
  expect_refused(generate("kapp"), "remote resource");
}

TEST_F(Cmp, AliasBombIsRefused) {
  std::string bomb =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a "
      "[lol,lol,lol,lol,lol,lol,lol,lol,lol]\n";
  std::string prev = "a";
  for (int i = 0; i < 9; ++i) {
    std::string n = "b" + std::to_string(i);
    bomb += "  " + n + ": &" + n + " [";
    for (int j = 0; j < 9; ++j) bomb += std::string(j ? "," : "") + "*" + prev;
    bomb += "]\n";
    prev = n;
  }
  write_file(repo_ / "app/bomb.yaml", bomb);
  expect_refused(generate("app"), "alias");
  // Behind kustomize too: checked before kustomize would expand it.
  write_file(repo_ / "kapp/kustomization.yaml", "resources:\n- bomb.yaml\n");
  write_file(repo_ / "kapp/bomb.yaml", bomb);
  expect_refused(generate("kapp"), "alias");
}

TEST_F(Cmp, MissingOrBadPinsAreRefused) {
  write_file(repo_ / "app/d.yaml", kDeployment);
  auto e = env("app");
  e.erase("ARGOCD_ENV_FREIGHT");
  expect_refused(generate("app", e), "ARGOCD_ENV_FREIGHT");
  e = env("app");
  e.erase("ARGOCD_ENV_STAGE");
  expect_refused(generate("app", e), "ARGOCD_ENV_STAGE");
  e = env("app");
  e["ARGOCD_ENV_IMAGES"] = kImage;  // no tag, no digest
  expect_refused(generate("app", e), "pins no version");
  // A pin that matches nothing, with the strict option.
  e = env("app");
  e["ARGOCD_ENV_IMAGES"] = "ghcr.io/other/app:1";
  e["ARGOCD_APP_PARAMETERS"] = R"([{"name":"fail-on-unmatched-pin","string":"true"}])";
  expect_refused(generate("app", e), "matches no container");
}

TEST_F(Cmp, FloatingImageOfPinnedRepositoryIsRefused) {
  write_file(repo_ / "app/ksvc.yaml",
             "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n  "
             "template:\n    spec:\n"
             "      containers:\n      - image: ghcr.io/akuity/guestbook:latest\n");
  expect_refused(generate("app"), "left unpinned");
  auto e = env("app");
  e["ARGOCD_APP_PARAMETERS"] =
      R"([{"name":"fail-on-floating-image","string":"false"},{"name":"stamp","string":"false"}])";
  Result r = generate("app", e);
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out.find("freightgate.io/"), std::string::npos);
}

TEST_F(Cmp, EmptyRenderIsRefusedNotPruned) {
  write_file(repo_ / "app/values.yaml", "a: 1\n");
  expect_refused(generate("app"), "rendered no objects");
}

TEST_F(Cmp, ParametersAnnouncement) {
  write_file(repo_ / "app/d.yaml", kDeployment);
  // GetParametersAnnouncement gets a reduced environment (reference §2.3).
  std::map<std::string, std::string> e = {
      {"PATH", "/usr/bin:/bin"},
      {"ARGOCD_APP_NAME", "guestbook-prod"},
      {"ARGOCD_APP_SOURCE_REPO_URL", "https://github.com/example/guestbook-gitops.git"},
      {"ARGOCD_APP_SOURCE_PATH", "app"},
      {"ARGOCD_APP_SOURCE_TARGET_REVISION", kRevision},
      {"ARGOCD_ENV_FREIGHT", kFreight},
      {"ARGOCD_ENV_STAGE", "prod"},
      {"ARGOCD_ENV_IMAGES", kPinned},
      {"ARGOCD_APP_PARAMETERS", "null"}};
  Result r = spawn({FG_CMP_BINARY, "parameters"}, (repo_ / "app").string(), e);
  ASSERT_EQ(r.rc, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  std::map<std::string, json> by;
  for (const auto& a : j) by[a["name"]] = a;
  EXPECT_EQ(by["freight"]["string"], kFreight);
  EXPECT_EQ(by["stage"]["string"], "prod");
  EXPECT_EQ(by["images"]["array"], json::array({kPinned}));
}

TEST_F(Cmp, ManyRunsAtOnceInTheirOwnDirectories) {
  copy_guestbook();
  std::vector<fs::path> copies;
  for (int i = 0; i < 4; ++i) {
    copies.push_back(tmp_ / "_cmp_server" / ("run" + std::to_string(i)));
    fs::copy(repo_, copies.back(), fs::copy_options::recursive);
  }
  Result first = generate("env/dev", env("env/dev", "dev"));
  ASSERT_EQ(first.rc, 0) << first.err;
  std::vector<pid_t> pids;
  std::vector<std::string> outs;
  for (const auto& c : copies) outs.push_back((c / "out.yaml").string());
  for (size_t i = 0; i < copies.size(); ++i) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, outs[i].c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addchdir_np(&fa, (copies[i] / "env/dev").c_str());
    std::vector<std::string> envs;
    for (const auto& [k, v] : env("env/dev", "dev")) envs.push_back(k + "=" + v);
    std::vector<char*> ev;
    for (auto& s : envs) ev.push_back(s.data());
    ev.push_back(nullptr);
    std::string bin = FG_CMP_BINARY, cmd = "generate";
    char* argv[] = {bin.data(), cmd.data(), nullptr};
    pid_t pid;
    ASSERT_EQ(::posix_spawn(&pid, argv[0], &fa, nullptr, argv, ev.data()), 0);
    posix_spawn_file_actions_destroy(&fa);
    pids.push_back(pid);
  }
  for (pid_t p : pids) {
    int st = 0;
    ::waitpid(p, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  for (const auto& o : outs) EXPECT_EQ(read_file(o), first.out);
}

}  // namespace

namespace {

// plugin.yaml passes Argo CD's ValidatePluginConfig and matches the manifests' copy; the
// sidecar component renders over an Argo CD repo-server Deployment with the required settings.
TEST(CmpInstall, PluginYamlAndSidecarComponent) {
  const fs::path src = FG_SOURCE_DIR;
  const std::string plugin = read_file(src / "cmp-plugin/plugin.yaml");
  EXPECT_EQ(plugin, read_file(src / "manifests/cmp/plugin.yaml"));
  auto docs = freightgate::render::read_manifests(plugin, "plugin.yaml", {}, nullptr);
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 1u);
  const json& p = (*docs)[0].body;
  EXPECT_EQ(p["kind"], "ConfigManagementPlugin");
  EXPECT_EQ(p["metadata"]["name"], "freightgate");  // internals.md: plugin name, no version
  EXPECT_FALSE(p["spec"].contains("version"));
  EXPECT_FALSE(p["spec"].contains("discover"));
  EXPECT_EQ(p["spec"]["generate"]["command"],
            json::array({"/usr/local/bin/freightgate-cmp", "generate"}));
  EXPECT_EQ(p["spec"]["parameters"]["dynamic"]["command"][1], "parameters");

  std::string tmpl = (fs::temp_directory_path() / "fg-cmp-install-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const fs::path dir = tmpl;
  fs::copy(src / "manifests/cmp", dir / "cmp", fs::copy_options::recursive);
  write_file(dir / "repo-server.yaml",
             "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: argocd-repo-server}\nspec:\n "
             " template:\n"
             "    spec:\n      containers: [{name: argocd-repo-server, image: "
             "'quay.io/argoproj/argocd:v3.1.0'}]\n"
             "      volumes: [{name: var-files, emptyDir: {}}, {name: plugins, emptyDir: {}}]\n");
  write_file(dir / "kustomization.yaml",
             "namespace: argocd\nresources:\n- repo-server.yaml\ncomponents:\n- cmp\n");
  Result k = spawn({"/usr/bin/env", "kubectl", "kustomize", "."}, dir.string(),
                   {{"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"},
                    {"HOME", dir.string()}});
  fs::remove_all(dir);
  ASSERT_EQ(k.rc, 0) << k.err;
  auto objs = freightgate::render::read_manifests(k.out, "kustomize", {}, nullptr);
  ASSERT_TRUE(objs.ok());
  const json *cm = nullptr, *dep = nullptr;
  for (const auto& o : *objs) {
    if (o.body["kind"] == "ConfigMap") cm = &o.body;
    if (o.body["kind"] == "Deployment") dep = &o.body;
  }
  ASSERT_TRUE(cm && dep);
  EXPECT_EQ((*cm)["data"]["plugin.yaml"], plugin);
  const json& spec = (*dep)["spec"]["template"]["spec"];
  const json* side = nullptr;
  for (const auto& c : spec["containers"])
    if (c["name"] == "freightgate-cmp") side = &c;
  ASSERT_NE(side, nullptr);
  EXPECT_EQ((*side)["command"], json::array({"/var/run/argocd/argocd-cmp-server"}));
  EXPECT_EQ((*side)["securityContext"]["runAsUser"], 999);
  EXPECT_EQ((*side)["securityContext"]["runAsNonRoot"], true);
  std::map<std::string, json> mounts;
  for (const auto& m : (*side)["volumeMounts"]) mounts[m["mountPath"]] = m;
  EXPECT_EQ(mounts["/var/run/argocd"]["name"], "var-files");
  EXPECT_EQ(mounts["/home/argocd/cmp-server/plugins"]["name"], "plugins");
  EXPECT_EQ(mounts["/home/argocd/cmp-server/config/plugin.yaml"]["subPath"], "plugin.yaml");
  const std::string tmp_vol = mounts["/tmp"]["name"];
  std::map<std::string, json> vols;
  for (const auto& v : spec["volumes"]) vols[v["name"]] = v;
  EXPECT_TRUE(vols[tmp_vol].contains("emptyDir"));
  EXPECT_NE(tmp_vol, "tmp");  // not the repo-server's own /tmp volume
  EXPECT_EQ(vols[mounts["/home/argocd/cmp-server/config/plugin.yaml"]["name"]]["configMap"]["name"],
            (*cm)["metadata"]["name"]);
}

}  // namespace
