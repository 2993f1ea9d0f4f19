// kube/config.h: kubeconfig and in-cluster parsing, errors that name the missing setting;
// kube/client.h backoff; kube/informer.h trimming; kube/sar.h request shape.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "freightgate/kube/client.h"
#include "freightgate/kube/config.h"
#include "freightgate/kube/informer.h"
#include "freightgate/kube/sar.h"

namespace fk = freightgate::kube;
using nlohmann::json;

namespace {

const char* kConfig = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
- name: prod-cluster
  cluster:
    server: https://[fd00::1]/prefix/
    insecure-skip-tls-verify: true
    tls-server-name: kubernetes.default
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: guestbook}
- name: prod
  context: {cluster: prod-cluster, user: prod-user}
users:
- name: dev-user
  user: {token: abc123}
- name: prod-user
  user: {username: admin, password: s3cret}
)";

TEST(KubeConfig, CurrentContextSelectsClusterUserAndNamespace) {
  auto c = fk::parse_kubeconfig(kConfig, "/home/u/.kube/config", "");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->host, "10.0.0.1");
  EXPECT_EQ(c->port, "6443");
  EXPECT_EQ(c->base_path, "");
  EXPECT_EQ(c->token, "abc123");
  EXPECT_EQ(c->namespace_, "guestbook");
  EXPECT_EQ(c->ca_pem, "-----BEGIN CERTIFICATE-----\n");
  EXPECT_FALSE(c->insecure_skip_tls_verify);
}

TEST(KubeConfig, ExplicitContextWins) {
  auto c = fk::parse_kubeconfig(kConfig, "cfg", "prod");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->host, "fd00::1");
  EXPECT_EQ(c->port, "443");
  EXPECT_EQ(c->base_path, "/prefix");
  EXPECT_TRUE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->tls_server_name, "kubernetes.default");
  EXPECT_EQ(c->username, "admin");
  EXPECT_EQ(c->password, "s3cret");
}

TEST(KubeConfig, UnknownContextNamesIt) {
  auto c = fk::parse_kubeconfig(kConfig, "cfg", "staging");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().to_string(),
            "cfg: context \"staging\": contexts: no context named \"staging\"; pick one of "
            "`kubectl config get-contexts`");
}

TEST(KubeConfig, MissingCurrentContextSaysHowToFixIt) {
  auto c = fk::parse_kubeconfig("apiVersion: v1\nkind: Config\nclusters: []\n", "cfg", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().path, "current-context");
  EXPECT_NE(c.error().message.find("--context"), std::string::npos);
}

TEST(KubeConfig, MissingServerNamesTheCluster) {
  auto c = fk::parse_kubeconfig(
      "current-context: a\nclusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\n"
      "contexts:\n- name: a\n  context: {cluster: c}\n",
      "cfg", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().object, "cluster \"c\"");
  EXPECT_EQ(c.error().path, "cluster.server");
}

TEST(KubeConfig, MissingClusterAndUserAreNamed) {
  auto c = fk::parse_kubeconfig(
      "current-context: a\ncontexts:\n- name: a\n  context: {cluster: nope}\n", "cfg", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().path, "context.cluster");
  EXPECT_NE(c.error().message.find("no cluster named \"nope\""), std::string::npos);
  auto u = fk::parse_kubeconfig(
      "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://h'}\n"
      "contexts:\n- name: a\n  context: {cluster: c, user: ghost}\n",
      "cfg", "");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().path, "context.user");
  EXPECT_NE(u.error().message.find("no user named \"ghost\""), std::string::npos);
}

TEST(KubeConfig, ExecPluginsAreRefusedWithAnAlternative) {
  auto c = fk::parse_kubeconfig(
      "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://h'}\n"
      "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
      "users:\n- name: u\n  user:\n    exec: {command: aws}\n",
      "cfg", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().path, "user.exec");
  EXPECT_NE(c.error().message.find("not supported"), std::string::npos);
}

TEST(KubeConfig, ClientCertificateNeedsAKey) {
  auto c = fk::parse_kubeconfig(
      "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://h'}\n"
      "contexts:\n- name: a\n  context: {cluster: c, user: u}\n"
      "users:\n- name: u\n  user:\n    client-certificate-data: Y2VydA==\n",
      "cfg", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().path, "user.client-key");
}

TEST(KubeConfig, BadBase64DataIsNamed) {
  auto c = fk::parse_kubeconfig(
      "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://h', "
      "certificate-authority-data: '!!!'}\n"
      "contexts:\n- name: a\n  context: {cluster: c}\n",
      "cfg", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().path, "certificate-authority-data");
}

TEST(KubeConfig, MissingCaFileIsNamedWithItsResolvedPath) {
  auto c = fk::parse_kubeconfig(
      "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'https://h', "
      "certificate-authority: ca.crt}\n"
      "contexts:\n- name: a\n  context: {cluster: c}\n",
      "/nonexistent/dir/config", "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().path, "certificate-authority");
  EXPECT_NE(c.error().message.find("/nonexistent/dir/ca.crt"), std::string::npos)
      << c.error().message;
}

TEST(KubeConfig, PlainHttpServerIsRefused) {
  auto c = fk::parse_kubeconfig(
      "current-context: a\nclusters:\n- name: c\n  cluster: {server: 'http://h:8080'}\n"
      "contexts:\n- name: a\n  context: {cluster: c}\n",
      "cfg", "");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("only https://"), std::string::npos);
}

TEST(KubeConfig, KubeconfigListMergesFirstWins) {
  auto dir = std::filesystem::temp_directory_path() / "fg-kubeconfig-merge";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a") << "current-context: two\nusers:\n- name: u\n  user: {token: from-a}\n";
  std::ofstream(dir / "b")
      << "current-context: one\nclusters:\n- name: c\n  cluster: {server: 'https://h:1'}\n"
         "contexts:\n- name: two\n  context: {cluster: c, user: u}\n"
         "users:\n- name: u\n  user: {token: from-b}\n";
  auto c = fk::load_kubeconfig(
      (dir / "a").string() + ":" + (dir / "missing").string() + ":" + (dir / "b").string(), "");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->token, "from-a");
  EXPECT_EQ(c->port, "1");
}

TEST(KubeConfig, InClusterNeedsServiceHost) {
  unsetenv("KUBERNETES_SERVICE_HOST");
  auto c = fk::in_cluster_config();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().path, "KUBERNETES_SERVICE_HOST");
  EXPECT_NE(c.error().message.find("--kubeconfig"), std::string::npos);
}

TEST(KubeConfig, InClusterNamesTheMissingTokenFile) {
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  fk::InClusterPaths p{"/nonexistent/token", "/nonexistent/ca.crt", "/nonexistent/namespace"};
  auto c = fk::in_cluster_config(p);
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().file, "/nonexistent/token");
  EXPECT_EQ(c.error().path, "token");
}

TEST(KubeConfig, Base64DecodesPaddedInputAndRejectsJunk) {
  EXPECT_EQ(fk::base64_decode("aGVsbG8=").value(), "hello");
  EXPECT_EQ(fk::base64_decode("aGVs\nbG8h").value(), "hello!");
  EXPECT_EQ(fk::base64_decode("aA==").value(), "h");
  EXPECT_FALSE(fk::base64_decode("abc").ok());
  EXPECT_FALSE(fk::base64_decode("a*b=").ok());
}

TEST(KubeBackoff, GrowsExponentiallyWithinJitterBoundsAndCaps) {
  fk::RetryPolicy p;
  p.initial_backoff = fk::Millis(100);
  p.max_backoff = fk::Millis(1000);
  EXPECT_EQ(fk::backoff_delay(p, 1, 0.0).count(), 50);
  EXPECT_EQ(fk::backoff_delay(p, 1, 0.999).count(), 99);
  EXPECT_EQ(fk::backoff_delay(p, 2, 0.0).count(), 100);
  EXPECT_EQ(fk::backoff_delay(p, 3, 0.0).count(), 200);
  EXPECT_EQ(fk::backoff_delay(p, 10, 0.0).count(), 500);
  EXPECT_LE(fk::backoff_delay(p, 50, 0.999).count(), 1000);
}

TEST(KubeTrim, ApplicationKeepsOnlyTheStatusTheRulesRead) {
  json app = json::parse(R"({
    "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
    "metadata": {"name": "guestbook-prod", "namespace": "argocd",
                 "annotations": {"kargo.akuity.io/authorized-stage": "guestbook:prod",
                                 "kubectl.kubernetes.io/last-applied-configuration": "{...}"},
                 "managedFields": [{"manager": "argocd-controller"}]},
    "spec": {"project": "default", "source": {"repoURL": "https://github.com/x/y", "targetRevision": "abc"}},
    "status": {"health": {"status": "Healthy", "lastTransitionTime": "2026-01-01T00:00:00Z"},
               "sync": {"status": "Synced", "revision": "abc", "comparedTo": {"source": {}}},
               "operationState": {"phase": "Succeeded", "syncResult": {"resources": [1, 2, 3]}},
               "resources": [{"kind": "Deployment"}], "history": [{"id": 1}], "summary": {"images": ["x"]}}
  })");
  fk::ResourceType apps{"argoproj.io", "v1alpha1", "applications", "Application", true};
  fk::trim_object(apps, app);
  EXPECT_EQ(app["status"], json::parse(R"({"health": {"status": "Healthy"},
    "sync": {"status": "Synced", "revision": "abc"}, "operationState": {"phase": "Succeeded"}})"));
  EXPECT_FALSE(app["metadata"].contains("managedFields"));
  EXPECT_EQ(app["metadata"]["annotations"],
            json::parse(R"({"kargo.akuity.io/authorized-stage": "guestbook:prod"})"));
  EXPECT_EQ(app["spec"]["source"]["targetRevision"], "abc");
}

TEST(KubeTrim, StageStatusIsKept) {
  json stage = {{"metadata", {{"name", "prod"}, {"managedFields", json::array()}}},
                {"status", {{"freightSummary", "1/1"}}}};
  fk::ResourceType stages{"kargo.akuity.io", "v1alpha1", "stages", "Stage", true};
  fk::trim_object(stages, stage);
  EXPECT_EQ(stage["status"]["freightSummary"], "1/1");
  EXPECT_FALSE(stage["metadata"].contains("managedFields"));
}

TEST(KubeResources, PathsAndTheWatchedSet) {
  fk::ResourceType ns{"", "v1", "namespaces", "Namespace", false};
  EXPECT_EQ(ns.collection_path(""), "/api/v1/namespaces");
  fk::ResourceType st{"kargo.akuity.io", "v1alpha1", "stages", "Stage", true};
  EXPECT_EQ(st.collection_path(""), "/apis/kargo.akuity.io/v1alpha1/stages");
  EXPECT_EQ(st.collection_path("guestbook"),
            "/apis/kargo.akuity.io/v1alpha1/namespaces/guestbook/stages");
  std::vector<std::string> plurals;
  for (const auto& r : fk::watched_resources()) plurals.push_back(r.api_version() + "/" + r.plural);
  EXPECT_EQ(plurals,
            (std::vector<std::string>{
                "v1/namespaces", "kargo.akuity.io/v1alpha1/projects",
                "kargo.akuity.io/v1alpha1/projectconfigs", "kargo.akuity.io/v1alpha1/warehouses",
                "kargo.akuity.io/v1alpha1/freights", "kargo.akuity.io/v1alpha1/stages",
                "kargo.akuity.io/v1alpha1/promotions", "freightgate.io/v1alpha1/promotionpolicies",
                "argoproj.io/v1alpha1/applications"}));
}

TEST(KubeSar, RequestCarriesEveryAttribute) {
  freightgate::admission::UserInfo u{
      "alice", "uid-1", {"devs", "system:authenticated"}, {{"scopes", {"a", "b"}}}};
  freightgate::admission::ResourceAttributes a{"promote", "kargo.akuity.io", "stages", "",
                                               "prod",    "guestbook"};
  EXPECT_EQ(fk::sar_request(u, a), json::parse(R"({
    "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
    "spec": {"user": "alice", "uid": "uid-1", "groups": ["devs", "system:authenticated"],
             "extra": {"scopes": ["a", "b"]},
             "resourceAttributes": {"namespace": "guestbook", "verb": "promote", "group": "kargo.akuity.io",
                                    "resource": "stages", "name": "prod"}}})"));
}

TEST(KubeStatus, MessageOfAStatusBody) {
  EXPECT_EQ(
      fk::status_message(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
    "message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})"),
      "the server could not find the requested resource");
  EXPECT_EQ(fk::status_message("not json"), "");
  EXPECT_EQ(fk::status_message(R"({"kind":"Pod"})"), "");
}

}  // namespace
