// Install tests: render the Helm chart (every meaningful values combination) and the kustomize
// tree, parse every document, and check that the pieces are wired together; validate the CRD
// schemas structurally and run the examples through them; check the chart's values schema,
// README and file copies.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "freightgate/kube/informer.h"
#include "support.h"
#include "wiring.h"

namespace fs = std::filesystem;
using fgtest::json;

namespace {

const std::string kSource = FG_SOURCE_DIR;
const std::string kChart = kSource + "/charts/freightgate";
const std::string kHelmTemplate = kSource + "/../shared/tools/helm-template";

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "\n  " + x;
  return s;
}

// The flags freightgate-webhook accepts, from the table in docs/internals.md.
std::set<std::string> known_flags() {
  std::set<std::string> flags;
  std::string doc = fgtest::read_file(kSource + "/docs/internals.md");
  std::regex row(R"(^\| `(--[a-z][a-z-]*))");
  std::regex alt(R"(/ `(--[a-z][a-z-]*))");
  std::stringstream ss(doc);
  std::string line;
  while (std::getline(ss, line)) {
    std::smatch m;
    if (std::regex_search(line, m, row)) flags.insert(m[1]);
    if (std::regex_search(line, m, alt)) flags.insert(m[1]);
  }
  return flags;
}

std::vector<std::pair<std::string, std::string>> watched() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : freightgate::kube::watched_resources()) out.emplace_back(r.group, r.plural);
  return out;
}

std::string plugin_yaml() {
  std::string p = kSource + "/cmp-plugin/plugin.yaml";
  return fs::exists(p) ? fgtest::read_file(p) : "";
}

fgtest::CommandResult helm_template(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kHelmTemplate, kChart};
  argv.insert(argv.end(), args.begin(), args.end());
  return fgtest::run(argv);
}

std::vector<json> render(const std::vector<std::string>& args) {
  auto r = helm_template(args);
  EXPECT_EQ(r.exit_code, 0) << "helm-template failed: " << r.err;
  if (r.exit_code != 0) return {};
  return fgtest::parse_yaml_stream(r.out);
}

fgtest::InstallExpectation expectation(const std::string& ns) {
  fgtest::InstallExpectation e;
  e.ns = ns;
  e.known_flags = known_flags();
  e.watched = watched();
  e.plugin_yaml = plugin_yaml();
  return e;
}

// ---------------------------------------------------------------- Helm chart: the matrix

struct Combo {
  bool standalone, cert_manager, metrics, cmp;
};
std::string combo_name(const testing::TestParamInfo<Combo>& info) {
  const Combo& c = info.param;
  return std::string(c.standalone ? "Standalone" : "AlongsideKargo") +
         (c.cert_manager ? "_CertManager" : "_SelfSigned") +
         (c.metrics ? "_Metrics" : "_NoMetrics") + (c.cmp ? "_Cmp" : "_NoCmp");
}
std::vector<Combo> all_combos() {
  std::vector<Combo> out;
  for (bool s : {true, false})
    for (bool cm : {true, false})
      for (bool m : {true, false})
        for (bool c : {true, false}) out.push_back({s, cm, m, c});
  return out;
}

class ChartMatrix : public testing::TestWithParam<Combo> {};

TEST_P(ChartMatrix, RendersAWiredInstall) {
  const Combo& c = GetParam();
  const std::string ns = "fg-system";
  std::vector<std::string> args = {
      "--name",
      "fg",
      "--namespace",
      ns,
      "--set",
      std::string("mode=") + (c.standalone ? "standalone" : "alongsideKargo"),
      "--set",
      std::string("certificates.certManager.enabled=") + (c.cert_manager ? "true" : "false"),
      "--set",
      std::string("metrics.enabled=") + (c.metrics ? "true" : "false"),
      "--set",
      std::string("cmp.enabled=") + (c.cmp ? "true" : "false")};
  if (c.metrics) args.insert(args.end(), {"--set", "metrics.serviceMonitor.enabled=true"});
  auto docs = render(args);
  ASSERT_FALSE(docs.empty());
  auto want = expectation(ns);
  want.standalone = c.standalone;
  want.cert_manager = c.cert_manager;
  want.metrics = c.metrics;
  want.service_monitor = c.metrics;
  want.cmp = c.cmp;
  auto errors = fgtest::check_install(docs, want);
  EXPECT_TRUE(errors.empty()) << combo_name({c, 0}) << ":" << join(errors);
}

INSTANTIATE_TEST_SUITE_P(Install, ChartMatrix, testing::ValuesIn(all_combos()), combo_name);

// ---------------------------------------------------------------- Helm chart: single cases

TEST(Chart, ReleaseNameContainingChartNameIsNotDoubled) {
  auto docs = render({"--name", "freightgate", "--namespace", "freightgate"});
  ASSERT_FALSE(docs.empty());
  bool found = false;
  for (const auto& d : docs)
    if (d["kind"] == "Service" && d["metadata"]["name"] == "freightgate-webhook") found = true;
  EXPECT_TRUE(found) << "release `freightgate` should name its Service freightgate-webhook";
  auto errors = fgtest::check_install(docs, expectation("freightgate"));
  EXPECT_TRUE(errors.empty()) << join(errors);
}

TEST(Chart, RejectsAnUnknownMode) {
  auto r = helm_template({"--set", "mode=standlone"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("mode: \"standlone\" is not valid; use standalone or alongsideKargo"),
            std::string::npos)
      << r.err;
}

TEST(Chart, UserNamespaceSelectorKeepsTheBuiltInExclusions) {
  auto docs = render({"--namespace", "fg", "--set", "webhook.excludeNamespaces={legacy,sandbox}",
                      "--set", "webhook.namespaceSelector.matchLabels.freightgate=enabled"});
  ASSERT_FALSE(docs.empty());
  int checked = 0;
  for (const auto& d : docs) {
    if (d["kind"] != "ValidatingWebhookConfiguration" &&
        d["kind"] != "MutatingWebhookConfiguration")
      continue;
    for (const auto& w : d["webhooks"]) {
      const json& sel = w["namespaceSelector"];
      EXPECT_EQ(sel["matchLabels"], json({{"freightgate", "enabled"}})) << w["name"];
      std::set<std::string> excluded;
      for (const auto& v : sel["matchExpressions"][0]["values"])
        excluded.insert(v.get<std::string>());
      EXPECT_EQ(excluded, (std::set<std::string>{"kube-system", "kube-node-lease", "fg", "legacy",
                                                 "sandbox"}))
          << w["name"];
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6);  // standalone: 2 mutating + 4 validating webhooks
}

TEST(Chart, CertManagerWithAnExistingIssuerCreatesNoIssuers) {
  auto docs = render({"--namespace", "fg", "--set", "certificates.certManager.enabled=true",
                      "--set", "certificates.certManager.issuerRef.name=corp-ca", "--set",
                      "certificates.certManager.issuerRef.kind=ClusterIssuer"});
  ASSERT_FALSE(docs.empty());
  int certs = 0;
  for (const auto& d : docs) {
    EXPECT_NE(d["kind"], "Issuer");
    EXPECT_NE(d["kind"], "Secret") << "cert-manager mode must not ship a generated key";
    if (d["kind"] == "Certificate") {
      ++certs;
      EXPECT_EQ(d["spec"]["issuerRef"], json({{"name", "corp-ca"}, {"kind", "ClusterIssuer"}}));
    }
  }
  EXPECT_EQ(certs, 1);
}

TEST(Chart, SelfSignedCertificatesDifferPerRenderButAlwaysChain) {
  // Two renders generate two CAs (helm-template has no `lookup`); each is internally consistent.
  auto a = render({"--namespace", "fg"});
  auto b = render({"--namespace", "fg"});
  auto bundle = [](const std::vector<json>& docs) {
    for (const auto& d : docs)
      if (d["kind"] == "ValidatingWebhookConfiguration")
        return d["webhooks"][0]["clientConfig"]["caBundle"].get<std::string>();
    return std::string();
  };
  EXPECT_NE(bundle(a), bundle(b));
  EXPECT_TRUE(fgtest::check_install(b, expectation("fg")).empty());
}

// The wiring checks catch what they claim to catch.
TEST(Chart, WiringChecksDetectBrokenInstalls) {
  auto good = render({"--name", "fg", "--namespace", "fg"});
  ASSERT_FALSE(good.empty());
  auto want = expectation("fg");
  ASSERT_TRUE(fgtest::check_install(good, want).empty());
  auto mutate_and_check = [&](const std::string& what, auto&& mutate, const std::string& expected) {
    auto docs = good;
    mutate(docs);
    auto errors = fgtest::check_install(docs, want);
    bool found = false;
    for (const auto& e : errors) found = found || e.find(expected) != std::string::npos;
    EXPECT_TRUE(found) << what << ": expected an error containing \"" << expected
                       << "\", got:" << join(errors);
  };
  mutate_and_check(
      "service port",
      [](std::vector<json>& docs) {
        for (auto& d : docs)
          if (d["kind"] == "Service" && d["metadata"]["name"] == "fg-freightgate-webhook")
            d["spec"]["ports"][0]["targetPort"] = 8443;
      },
      "does not reach the webhook container's https port");
  mutate_and_check(
      "own namespace",
      [](std::vector<json>& docs) {
        for (auto& d : docs)
          if (d["kind"] == "ValidatingWebhookConfiguration")
            d["webhooks"][1]["namespaceSelector"]["matchExpressions"][0]["values"] =
                json::array({"kube-system", "kube-node-lease"});
      },
      "should exclude namespace fg");
  mutate_and_check(
      "rbac",
      [](std::vector<json>& docs) {
        for (auto& d : docs)
          if (d["kind"] == "ClusterRole" && d["metadata"]["name"] == "fg-freightgate-webhook")
            d["rules"][1]["verbs"] = json::array({"list", "get"});
      },
      "may not watch kargo.akuity.io/projects");
  mutate_and_check(
      "ca",
      [&](std::vector<json>& docs) {
        auto other = render({"--name", "fg", "--namespace", "fg"});
        for (auto& d : docs)
          if (d["kind"] == "Secret")
            for (const auto& o : other)
              if (o["kind"] == "Secret") d["data"]["tls.crt"] = o["data"]["tls.crt"];
      },
      "tls.crt is not signed by the caBundle CA");
  mutate_and_check(
      "subPath",
      [](std::vector<json>& docs) {
        for (auto& d : docs)
          if (d["kind"] == "Deployment")
            d["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0]["subPath"] =
                "tls.crt";
      },
      "subPath");
  mutate_and_check(
      "status-only",
      [](std::vector<json>& docs) {
        for (auto& d : docs)
          if (d["kind"] == "MutatingWebhookConfiguration")
            d["webhooks"][0].erase("matchConditions");
      },
      "status-only Application updates");
  mutate_and_check(
      "unknown flag",
      [](std::vector<json>& docs) {
        for (auto& d : docs)
          if (d["kind"] == "Deployment")
            d["spec"]["template"]["spec"]["containers"][0]["args"].push_back("--tls-cert=/x");
      },
      "is not a freightgate-webhook flag");
}

// The chart's generated certificate and the Deployment's exact arguments start the real
// freightgate-webhook, and a TLS client that trusts only the caBundle and dials the Service's
// DNS name (<svc>.<ns>.svc, resolved to 127.0.0.1) gets /healthz, /readyz and /metrics.
TEST(Chart, GeneratedCertificateAndArgsServeTheRealWebhook) {
#ifndef FG_WEBHOOK_BIN
  GTEST_SKIP() << "freightgate-webhook is not a target of this build";
#else
  const std::string bin = FG_WEBHOOK_BIN;
  if (!fs::exists(bin)) GTEST_SKIP() << bin << " not built";
  if (fgtest::which("curl").empty()) GTEST_SKIP() << "curl not installed";
  auto docs = render({"--name", "fg", "--namespace", "fg"});
  ASSERT_FALSE(docs.empty());
  const json *secret = nullptr, *deploy = nullptr, *webhooks = nullptr;
  for (const auto& d : docs) {
    if (d["kind"] == "Secret") secret = &d;
    if (d["kind"] == "Deployment") deploy = &d;
    if (d["kind"] == "ValidatingWebhookConfiguration") webhooks = &d;
  }
  ASSERT_TRUE(secret && deploy && webhooks);
  const std::string dir = testing::TempDir() + "fg-install-e2e-" + std::to_string(getpid());
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name, std::ios::binary) << text;
  };
  write("tls.crt", fgtest::base64_decode(secret->at("data").at("tls.crt")));
  write("tls.key", fgtest::base64_decode(secret->at("data").at("tls.key")));
  write("ca.crt", fgtest::base64_decode(webhooks->at("webhooks")[0]["clientConfig"]["caBundle"]));

  // The Deployment's args, with only addresses, the mount directory, the state source and the
  // drain time moved to what a test can use.
  const int https_port = fgtest::free_port(), metrics_port = fgtest::free_port();
  std::vector<std::string> argv = {bin};
  for (const auto& a : deploy->at("spec")["template"]["spec"]["containers"][0]["args"]) {
    std::string arg = a.get<std::string>();
    if (arg.rfind("--listen=", 0) == 0) arg = "--listen=127.0.0.1:" + std::to_string(https_port);
    if (arg.rfind("--metrics-listen=", 0) == 0)
      arg = "--metrics-listen=127.0.0.1:" + std::to_string(metrics_port);
    if (arg.rfind("--state=", 0) == 0) arg = "--state=dir:" + kSource + "/examples/guestbook";
    if (arg.rfind("--drain-grace=", 0) == 0) arg = "--drain-grace=1s";  // keep the test fast
    for (const char* f :
         {"--tls-cert-file=/etc/freightgate/tls/", "--tls-key-file=/etc/freightgate/tls/"})
      if (arg.rfind(f, 0) == 0)
        arg = std::string(f).substr(0, std::string(f).find('=') + 1) + dir + "/" +
              arg.substr(std::string(f).size());
    argv.push_back(arg);
  }
  const std::string log = dir + "/webhook.log";
  int pid = fgtest::spawn(argv, log);
  ASSERT_GT(pid, 0);
  const std::string host = "fg-freightgate-webhook.fg.svc";
  auto get = [&](const std::string& path) {
    return fgtest::run({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                        "--cacert", dir + "/ca.crt", "--resolve",
                        host + ":" + std::to_string(https_port) + ":127.0.0.1",
                        "https://" + host + ":" + std::to_string(https_port) + path});
  };
  std::string code;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       std::chrono::steady_clock::now() < deadline;) {
    code = get("/readyz").out;
    if (code == "200") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(code, "200") << "/readyz over TLS to " << host << "; log:\n" << fgtest::read_file(log);
  auto health = get("/healthz");
  EXPECT_EQ(health.out, "200") << health.err;
  auto metrics = fgtest::run({"curl", "-sS", "--max-time", "2",
                              "http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics"});
  EXPECT_EQ(metrics.exit_code, 0) << metrics.err;
  // A client that dials a name not in the SANs must fail verification.
  auto wrong =
      fgtest::run({"curl", "-sS", "-o", "/dev/null", "--max-time", "2", "--cacert", dir + "/ca.crt",
                   "--resolve", "other.fg.svc:" + std::to_string(https_port) + ":127.0.0.1",
                   "https://other.fg.svc:" + std::to_string(https_port) + "/healthz"});
  EXPECT_NE(wrong.exit_code, 0) << "a name outside the SANs was accepted";
  kill(pid, SIGTERM);
  EXPECT_EQ(fgtest::wait_exit(pid, 15000), 0) << fgtest::read_file(log);
  fs::remove_all(dir);
#endif
}

// helm-template skips NOTES.txt; render it as an ordinary template from a copy of the chart so a
// broken NOTES fails here rather than at the end of `helm install`.
TEST(Chart, NotesRenderInEveryMode) {
  const fs::path copy = testing::TempDir() + "fg-notes-" + std::to_string(getpid());
  fs::remove_all(copy);
  fs::create_directories(copy);
  fs::copy(kChart, copy / "freightgate", fs::copy_options::recursive);
  fs::rename(copy / "freightgate/templates/NOTES.txt",
             copy / "freightgate/templates/zz-notes.yaml");
  // Each branch of NOTES.txt both ways, in four renders.
  struct Case {
    const char *mode, *cm, *cmp;
  };
  for (const Case& c :
       {Case{"standalone", "true", "true"}, Case{"standalone", "false", "false"},
        Case{"alongsideKargo", "true", "false"}, Case{"alongsideKargo", "false", "true"}}) {
    const char *mode = c.mode, *cm = c.cm, *cmp = c.cmp;
    SCOPED_TRACE(std::string(mode) + " certManager=" + cm + " cmp=" + cmp);
    auto r = fgtest::run({kHelmTemplate, (copy / "freightgate").string(), "--name", "fg",
                          "--namespace", "fg", "--set", std::string("mode=") + mode, "--set",
                          std::string("certificates.certManager.enabled=") + cm, "--set",
                          std::string("cmp.enabled=") + cmp});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string notes = r.out.substr(r.out.find("# Source: freightgate/templates/zz-notes.yaml"));
    EXPECT_NE(notes.find("kubectl -n fg rollout status deployment/fg-freightgate-webhook"),
              std::string::npos)
        << notes;
    EXPECT_EQ(
        notes.find("kubectl -n fg get certificate fg-freightgate-webhook-tls") != std::string::npos,
        std::string(cm) == "true");
    EXPECT_EQ(notes.find("argo-cd-values") != std::string::npos, std::string(cmp) == "true");
    EXPECT_EQ(notes.find("Mode alongsideKargo") != std::string::npos,
              std::string(mode) == "alongsideKargo");
  }
  fs::remove_all(copy);
}

// ---------------------------------------------------------------- Helm chart: files and docs

std::vector<std::string> leaf_paths(const json& v, const std::string& prefix) {
  std::vector<std::string> out;
  if (v.is_object() && !v.empty()) {
    for (const auto& [k, child] : v.items()) {
      auto sub = leaf_paths(child, prefix.empty() ? k : prefix + "." + k);
      out.insert(out.end(), sub.begin(), sub.end());
    }
  } else {
    out.push_back(prefix);
  }
  return out;
}

TEST(Chart, ValuesMatchTheirSchema) {
  json schema = json::parse(fgtest::read_file(kChart + "/values.schema.json"));
  json values = fgtest::parse_yaml(fgtest::read_file(kChart + "/values.yaml"));
  auto errors = fgtest::validate(schema, values);
  EXPECT_TRUE(errors.empty()) << join(errors);
  auto expect_error = [&](const std::string& pointer, const json& bad,
                          const std::string& expected) {
    json v = values;
    v[json::json_pointer(pointer)] = bad;
    auto errs = fgtest::validate(schema, v);
    bool found = false;
    for (const auto& e : errs) found = found || e.find(expected) != std::string::npos;
    EXPECT_TRUE(found) << pointer << " = " << bad << ": expected \"" << expected
                       << "\", got:" << join(errs);
  };
  expect_error("/mode", "standlone", ".mode: \"standlone\" is not one of");
  expect_error("/webhook/validating/failurePolicy", "Sometimes",
               ".webhook.validating.failurePolicy");
  expect_error("/webhook/timeoutSeconds", 60, ".webhook.timeoutSeconds: must be <= 30");
  expect_error("/replicaCount", "two", ".replicaCount: must be of type integer");
  expect_error("/replicas", 2, ".replicas: unknown field");
  expect_error("/certificates/certManager/duration", "1 year", "does not match pattern");
}

TEST(Chart, ReadmeDocumentsEveryValue) {
  json values = fgtest::parse_yaml(fgtest::read_file(kChart + "/values.yaml"));
  std::string readme = fgtest::read_file(kChart + "/README.md");
  for (const auto& path : leaf_paths(values, ""))
    EXPECT_NE(readme.find("`" + path + "`"), std::string::npos)
        << "README.md does not document value `" << path << "`";
}

TEST(Chart, CrdCopiesMatchManifests) {
  std::set<std::string> in_chart, in_manifests;
  for (const auto& e : fs::directory_iterator(kChart + "/files/crds"))
    in_chart.insert(e.path().filename());
  for (const auto& e : fs::recursive_directory_iterator(kSource + "/manifests/crds")) {
    if (e.path().filename() == "kustomization.yaml" || !e.is_regular_file()) continue;
    in_manifests.insert(e.path().filename());
    std::string chart_copy = kChart + "/files/crds/" + e.path().filename().string();
    ASSERT_TRUE(fs::exists(chart_copy))
        << chart_copy << " missing; cp manifests/crds/*/*.yaml charts/freightgate/files/crds/";
    EXPECT_EQ(fgtest::read_file(e.path()), fgtest::read_file(chart_copy))
        << chart_copy << " differs from " << e.path()
        << "; cp manifests/crds/*/*.yaml charts/freightgate/files/crds/";
  }
  EXPECT_EQ(in_chart, in_manifests);
  EXPECT_EQ(in_manifests.size(), 8u);
}

// The chart re-emits the CRDs (to add labels and the keep policy): nothing else may change.
TEST(Chart, RendersTheManifestsCrdsUnchanged) {
  std::map<std::string, json> expected;
  for (const auto& e : fs::recursive_directory_iterator(kSource + "/manifests/crds")) {
    if (e.path().filename() == "kustomization.yaml" || !e.is_regular_file()) continue;
    json crd = fgtest::parse_yaml(fgtest::read_file(e.path()));
    crd["metadata"].erase("labels");
    expected[crd["metadata"]["name"]] = crd;
  }
  auto docs = render({"--namespace", "fg", "--set", "certificates.certManager.enabled=true"});
  size_t seen = 0;
  for (auto d : docs) {
    if (d["kind"] != "CustomResourceDefinition") continue;
    ++seen;
    EXPECT_EQ(d["metadata"]["annotations"]["helm.sh/resource-policy"], "keep");
    d["metadata"].erase("labels");
    d["metadata"].erase("annotations");
    EXPECT_EQ(d, expected[d["metadata"]["name"]]) << d["metadata"]["name"];
  }
  EXPECT_EQ(seen, expected.size());
}

TEST(Chart, PluginYamlMatchesTheCmpPlugin) {
  std::string upstream = plugin_yaml();
  ASSERT_FALSE(upstream.empty()) << "cmp-plugin/plugin.yaml is missing";
  EXPECT_EQ(fgtest::read_file(kChart + "/files/plugin.yaml"), upstream)
      << "cp cmp-plugin/plugin.yaml charts/freightgate/files/plugin.yaml";
}

// ---------------------------------------------------------------- kustomize

// The documents a kustomization renders to, for kustomizations that only list `resources`
// (files or directories), as every kustomization under manifests/ does. This lets the wiring
// checks run where kubectl is not installed; where it is, `kubectl kustomize` must agree.
std::vector<json> resolve_kustomization(const fs::path& dir) {
  std::vector<json> out;
  json k = fgtest::parse_yaml(fgtest::read_file(dir / "kustomization.yaml"));
  for (const auto& [key, _] : k.items())
    EXPECT_TRUE(key == "apiVersion" || key == "kind" || key == "resources")
        << (dir / "kustomization.yaml") << ": `" << key
        << "` is not understood by the test's resolver; extend resolve_kustomization()";
  for (const auto& r : k.value("resources", json::array())) {
    fs::path p = dir / r.get<std::string>();
    std::vector<json> docs = fs::is_directory(p) ? resolve_kustomization(p)
                                                 : fgtest::parse_yaml_stream(fgtest::read_file(p));
    out.insert(out.end(), docs.begin(), docs.end());
  }
  return out;
}

std::set<std::string> doc_set(const std::vector<json>& docs) {
  std::set<std::string> out;
  for (const auto& d : docs) out.insert(d.dump());
  return out;
}

std::vector<json> kustomize(const std::string& dir) {
  auto docs = resolve_kustomization(dir);
  if (fgtest::which("kubectl").empty()) return docs;  // the wiring checks still run
  auto r = fgtest::run({"kubectl", "kustomize", dir});
  EXPECT_EQ(r.exit_code, 0) << "kubectl kustomize " << dir << ": " << r.err;
  if (r.exit_code != 0) return {};
  auto rendered = fgtest::parse_yaml_stream(r.out);
  EXPECT_EQ(doc_set(rendered), doc_set(docs))
      << "kubectl kustomize " << dir << " renders other objects than its resources";
  return rendered;
}

TEST(Kustomize, StandaloneRendersAWiredInstall) {
  auto docs = kustomize(kSource + "/manifests");
  ASSERT_FALSE(docs.empty());
  auto want = expectation("freightgate");
  want.cert_manager = true;
  auto errors = fgtest::check_install(docs, want);
  EXPECT_TRUE(errors.empty()) << join(errors);
}

TEST(Kustomize, AlongsideKargoRendersAWiredInstall) {
  auto docs = kustomize(kSource + "/manifests/alongside-kargo");
  ASSERT_FALSE(docs.empty());
  auto want = expectation("freightgate");
  want.cert_manager = true;
  want.standalone = false;
  auto errors = fgtest::check_install(docs, want);
  EXPECT_TRUE(errors.empty()) << join(errors);
}

// ---------------------------------------------------------------- CRDs

std::map<std::string, json> load_crds() {  // kind -> CRD
  std::map<std::string, json> out;
  for (const auto& e : fs::recursive_directory_iterator(kSource + "/manifests/crds")) {
    if (e.path().filename() == "kustomization.yaml" || !e.is_regular_file()) continue;
    json crd = fgtest::parse_yaml(fgtest::read_file(e.path()));
    out[crd["spec"]["names"]["kind"].get<std::string>()] = crd;
  }
  return out;
}

const json& version_of(const json& crd) { return crd["spec"]["versions"][0]; }

std::vector<std::string> columns(const json& crd) {
  std::vector<std::string> out;
  for (const auto& c : version_of(crd).value("additionalPrinterColumns", json::array()))
    out.push_back(c["name"].get<std::string>() + "=" + c["jsonPath"].get<std::string>());
  return out;
}

TEST(Crds, AreStructuralWithKargosNamesAndColumns) {
  auto crds = load_crds();
  ASSERT_EQ(crds.size(), 8u);
  for (const auto& [kind, crd] : crds) {
    SCOPED_TRACE(kind);
    auto errors = fgtest::structural_errors(version_of(crd)["schema"]["openAPIV3Schema"]);
    EXPECT_TRUE(errors.empty()) << join(errors);
    EXPECT_EQ(crd["metadata"]["name"], crd["spec"]["names"]["plural"].get<std::string>() + "." +
                                           crd["spec"]["group"].get<std::string>());
    EXPECT_EQ(crd["spec"]["versions"].size(), 1u);
    EXPECT_EQ(version_of(crd)["name"], "v1alpha1");
    EXPECT_TRUE(version_of(crd)["served"] == true && version_of(crd)["storage"] == true);
    bool has_status =
        version_of(crd).contains("/schema/openAPIV3Schema/properties/status"_json_pointer);
    EXPECT_EQ(version_of(crd).contains("/subresources/status"_json_pointer), has_status)
        << "kinds with a status need the status subresource";
  }
  EXPECT_EQ(crds["Project"]["spec"]["scope"], "Cluster");
  for (const char* k : {"ProjectConfig", "Warehouse", "Freight", "Stage", "Promotion",
                        "PromotionTask", "PromotionPolicy"})
    EXPECT_EQ(crds[k]["spec"]["scope"], "Namespaced") << k;
  for (const char* k : {"Project", "ProjectConfig", "Warehouse", "Freight", "Stage", "Promotion"})
    EXPECT_EQ(crds[k]["spec"]["group"], "kargo.akuity.io") << k;
  EXPECT_EQ(crds["PromotionPolicy"]["spec"]["group"], "freightgate.io");
  EXPECT_EQ(crds["Promotion"]["spec"]["names"]["shortNames"], json::array({"promo", "promos"}));
  EXPECT_EQ(columns(crds["Freight"]),
            (std::vector<std::string>{"Alias=.metadata.labels.kargo\\.akuity\\.io/alias",
                                      "Origin (Kind)=.origin.kind", "Origin (Name)=.origin.name",
                                      "Age=.metadata.creationTimestamp"}));
  auto stage = columns(crds["Stage"]);
  EXPECT_NE(std::find(stage.begin(), stage.end(), "Current Freight=.status.freightSummary"),
            stage.end());
  EXPECT_NE(std::find(stage.begin(), stage.end(), "Health=.status.health.status"), stage.end());
  auto promo = columns(crds["Promotion"]);
  for (const char* c : {"Stage=.spec.stage", "Freight=.spec.freight", "Phase=.status.phase"})
    EXPECT_NE(std::find(promo.begin(), promo.end(), c), promo.end()) << c;
}

// Every example document of a CRD kind, validated against that CRD's schema.
std::map<std::string, std::vector<std::pair<std::string, json>>> example_docs(
    const std::map<std::string, json>& crds) {
  std::map<std::string, std::vector<std::pair<std::string, json>>> out;  // kind -> (file, doc)
  for (const auto& e : fs::recursive_directory_iterator(kSource + "/examples")) {
    auto ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
    for (const auto& doc : fgtest::parse_yaml_stream(fgtest::read_file(e.path()))) {
      if (!doc.is_object() || !doc.contains("kind")) continue;
      auto it = crds.find(doc["kind"].get<std::string>());
      if (it == crds.end()) continue;
      std::string group = it->second["spec"]["group"];
      if (doc.value("apiVersion", "") != group + "/v1alpha1") continue;
      out[doc["kind"]].emplace_back(fs::relative(e.path(), kSource), doc);
    }
  }
  return out;
}

TEST(Crds, AcceptEveryExample) {
  auto crds = load_crds();
  auto examples = example_docs(crds);
  size_t total = 0;
  for (const auto& [kind, docs] : examples)
    for (const auto& [file, doc] : docs) {
      ++total;
      auto errors = fgtest::validate(version_of(crds[kind])["schema"]["openAPIV3Schema"], doc);
      EXPECT_TRUE(errors.empty()) << file << ": " << kind << " "
                                  << doc["metadata"].value("name", "") << join(errors);
    }
  // The guestbook pipeline has at least these kinds; all of them went through a schema.
  for (const char* k :
       {"Project", "Warehouse", "Stage", "Freight", "PromotionTask", "PromotionPolicy"})
    EXPECT_GT(examples[k].size(), 0u) << "no example " << k << " was validated";
  EXPECT_GE(total, 9u);
}

TEST(Crds, RejectInvalidObjects) {
  auto crds = load_crds();
  auto examples = example_docs(crds);
  auto first = [&](const std::string& kind) {
    EXPECT_FALSE(examples[kind].empty()) << kind;
    return examples[kind].empty() ? json::object() : examples[kind][0].second;
  };
  auto expect_error = [&](const std::string& kind, const std::string& pointer, const json* value,
                          const std::string& expected) {
    json doc = first(kind);
    if (value)
      doc[json::json_pointer(pointer)] = *value;
    else
      doc.at(json::json_pointer(pointer).parent_pointer())
          .erase(json::json_pointer(pointer).back());
    auto errors = fgtest::validate(version_of(crds[kind])["schema"]["openAPIV3Schema"], doc);
    bool found = false;
    for (const auto& e : errors) found = found || e.find(expected) != std::string::npos;
    EXPECT_TRUE(found) << kind << " " << pointer << ": expected \"" << expected
                       << "\", got:" << join(errors);
  };
  json store = "Store", yes = "yes", five = "5 minutes", maybe = "maybe", yesterday = "yesterday",
       cron = "every friday", surprise = {{"surprise", true}}, upper = "Prod_Stage";
  expect_error("Freight", "/origin/kind", &store,
               ".origin.kind: \"Store\" is not one of [\"Warehouse\"]");
  expect_error("Freight", "/origin", nullptr, ".origin: required");
  expect_error("Freight", "/discoveredAt", &yesterday,
               ".discoveredAt: \"yesterday\" is not an RFC 3339 date-time");
  expect_error("Stage", "/spec/requestedFreight/0/sources/direct", &yes,
               ".spec.requestedFreight[0].sources.direct: must be of type boolean");
  expect_error("Stage", "/spec/requestedFreight", nullptr, ".spec.requestedFreight: required");
  expect_error("Warehouse", "/spec/interval", &five,
               ".spec.interval: \"5 minutes\" does not match pattern");
  expect_error("PromotionPolicy", "/spec/windows/0/kind", &maybe,
               ".spec.windows[0].kind: \"maybe\" is not one of");
  expect_error("PromotionPolicy", "/spec/windows/0/schedule", &cron,
               ".spec.windows[0].schedule: \"every friday\" does not match pattern");
  expect_error("PromotionPolicy", "/spec/extra", &surprise, ".spec.extra: unknown field");
  expect_error("Project", "/spec/promotionPolicies/0/stage", &upper,
               ".spec.promotionPolicies[0].stage: \"Prod_Stage\" does not match pattern");
}

// ---------------------------------------------------------------- Dockerfiles

TEST(Dockerfiles, AreMultiStageNonRootDebian) {
  for (const std::string& which : {std::string("webhook"), std::string("cmp-plugin")}) {
    SCOPED_TRACE(which);
    std::string text = fgtest::read_file(kSource + "/" + which + "/Dockerfile");
    std::regex from(R"((^|\n)FROM ([^\s]+))");
    std::vector<std::string> bases;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), from);
         it != std::sregex_iterator(); ++it)
      bases.push_back((*it)[2]);
    ASSERT_GE(bases.size(), 2u) << "multi-stage build expected";
    EXPECT_EQ(bases.front().rfind("debian:12", 0), 0u) << "build stage should be Debian 12";
    EXPECT_EQ(bases.back().rfind("debian:12-slim", 0), 0u) << "runtime should be debian:12-slim";
    std::smatch user;
    std::string last_stage = text.substr(text.rfind("\nFROM "));
    ASSERT_TRUE(std::regex_search(last_stage, user, std::regex(R"(\nUSER ([0-9]+))")))
        << "runtime USER must be numeric";
    EXPECT_NE(user[1], "0");
    if (which == "cmp-plugin") {
      EXPECT_EQ(user[1], "999") << "Argo CD CMP sidecars run as uid 999";
      EXPECT_NE(last_stage.find("HOME=/tmp"), std::string::npos);
      EXPECT_NE(last_stage.find("TMPDIR=/tmp"), std::string::npos);
      EXPECT_NE(last_stage.find("kubectl"), std::string::npos) << "the CMP renders kustomize bases";
    }
  }
}

}  // namespace
