// kube::Client and kube config against the test API server over real TLS.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "api_server_test.h"
#include "fake_apiserver.h"
#include "freightgate/kube/client.h"
#include "freightgate/kube/config.h"

namespace fk = freightgate::kube;
using fgtest::FakeApiServer;
using fgtest::Fault;
using nlohmann::json;

namespace {

class KubeClient : public fgtest::ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    server_->apply("namespaces", fgtest::make_namespace("guestbook"));
    dir_ = fgtest::make_temp_dir("fg-kube-client");
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A kubeconfig with CA data and a static token.
  std::string kubeconfig(const std::string& user_yaml, const std::string& cluster_extra = "") {
    std::string path = dir_ + "/config";
    std::string cluster =
        cluster_extra.empty()
            ? "    certificate-authority-data: " + fgtest::base64(pki_->ca.cert_pem) + "\n"
            : cluster_extra;
    fgtest::write_file(
        path,
        "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
        "clusters:\n- name: test-cluster\n  cluster:\n    server: " +
            server_->url() + "\n" + cluster +
            "contexts:\n- name: test\n  context:\n    cluster: test-cluster\n    user: test-user\n"
            "users:\n- name: test-user\n  user:\n" +
            user_yaml);
    return path;
  }

  std::shared_ptr<fk::Client> client(const std::string& kc, fk::ClientOptions opts = fast()) {
    auto cfg = fk::load_kubeconfig(kc, "");
    EXPECT_TRUE(cfg.ok()) << cfg.error().to_string();
    auto c = fk::Client::create(cfg.value(), opts);
    EXPECT_TRUE(c.ok()) << c.error().to_string();
    return c.value();
  }

  static fk::ClientOptions fast() {
    fk::ClientOptions o;
    o.retry.initial_backoff = fk::Millis(10);
    o.retry.max_backoff = fk::Millis(50);
    o.retry.max_attempts = 3;
    o.request_timeout = fk::Millis(5000);
    return o;
  }

  std::string dir_;
};

TEST_F(KubeClient, ListsOverVerifiedTlsWithBearerToken) {
  auto c = client(kubeconfig("    token: test-token\n"));
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  auto body = json::parse(r->body);
  EXPECT_EQ(body["kind"], "NamespaceList");
  EXPECT_EQ(body["items"][0]["metadata"]["name"], "guestbook");
  EXPECT_EQ(server_->requests().back().authorization, "Bearer test-token");
}

TEST_F(KubeClient, ReusesOneConnectionForSequentialRequests) {
  auto c = client(kubeconfig("    token: test-token\n"));
  for (int i = 0; i < 5; ++i) {
    auto r = c->request("GET", "/api/v1/namespaces");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200);
  }
  EXPECT_EQ(c->connections_opened(), 1u);
  EXPECT_EQ(server_->connections(), 1u);
}

TEST_F(KubeClient, RejectsServerCertificateFromAnotherCa) {
  auto other = fgtest::make_pki();
  auto c = client(
      kubeconfig("    token: test-token\n",
                 "    certificate-authority-data: " + fgtest::base64(other.ca.cert_pem) + "\n"));
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("TLS handshake"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("certificate"), std::string::npos) << r.error().message;
  EXPECT_EQ(server_->count("GET", "/api/v1/namespaces", false), 0);
}

TEST_F(KubeClient, InsecureSkipTlsVerifyConnectsWithoutCa) {
  auto c = client(kubeconfig("    token: test-token\n", "    insecure-skip-tls-verify: true\n"));
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
}

TEST_F(KubeClient, AuthenticatesWithClientCertificateFiles) {
  fgtest::write_file(dir_ + "/pki/client.crt", pki_->client.cert_pem);
  fgtest::write_file(dir_ + "/pki/client.key", pki_->client.key_pem);
  fgtest::write_file(dir_ + "/pki/ca.crt", pki_->ca.cert_pem);
  // Relative paths resolve against the kubeconfig's directory, as kubectl does.
  auto c =
      client(kubeconfig("    client-certificate: pki/client.crt\n    client-key: pki/client.key\n",
                        "    certificate-authority: pki/ca.crt\n"));
  auto r = c->request("GET", "/apis/kargo.akuity.io/v1alpha1/stages");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server_->requests().back().authorization, "");
}

TEST_F(KubeClient, AuthenticatesWithClientCertificateData) {
  auto c =
      client(kubeconfig("    client-certificate-data: " + fgtest::base64(pki_->client.cert_pem) +
                        "\n    client-key-data: " + fgtest::base64(pki_->client.key_pem) + "\n"));
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
}

TEST_F(KubeClient, UnauthorizedIsReturnedNotRetried) {
  auto c = client(kubeconfig("    token: wrong-token\n"));
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(fk::status_message(r->body), "Unauthorized");
  EXPECT_EQ(server_->count("GET", "/api/v1/namespaces", false), 1);
}

TEST_F(KubeClient, ForbiddenIsReturnedWithTheStatusMessage) {
  server_->inject(fgtest::fault("GET", "/apis/kargo.akuity.io/v1alpha1/stages", 403, 1));
  auto c = client(kubeconfig("    token: test-token\n"));
  auto r = c->request("GET", "/apis/kargo.akuity.io/v1alpha1/stages");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 403);
  std::string d = fk::describe_failure("GET", "/apis/kargo.akuity.io/v1alpha1/stages", r.value());
  EXPECT_NE(d.find("403 Forbidden: forbidden: User"), std::string::npos) << d;
  EXPECT_EQ(server_->count("GET", "/apis/kargo.akuity.io/v1alpha1/stages", false), 1);
}

TEST_F(KubeClient, RetriesInternalErrorsWithBackoff) {
  server_->inject(fgtest::fault("GET", "/api/v1/namespaces", 500, 2));
  auto c = client(kubeconfig("    token: test-token\n"));
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(server_->count("GET", "/api/v1/namespaces", false), 3);
}

TEST_F(KubeClient, GivesUpAfterMaxAttemptsWithTheLastStatus) {
  server_->inject(fgtest::fault("GET", "/api/v1/namespaces", 500, -1));
  auto c = client(kubeconfig("    token: test-token\n"));
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(
                "500 Internal Server Error: Internal error occurred: injected failure"),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("gave up after 3 attempts"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(server_->count("GET", "/api/v1/namespaces", false), 3);
}

TEST_F(KubeClient, HonoursRetryAfterOn429) {
  auto f = fgtest::fault("GET", "/api/v1/namespaces", 429);
  f.retry_after = 1;
  server_->inject(f);
  auto c = client(kubeconfig("    token: test-token\n"));
  auto start = std::chrono::steady_clock::now();
  auto r = c->request("GET", "/api/v1/namespaces");
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
  // Our own backoff is <= 50ms here: only Retry-After: 1 explains a wait of a second.
  EXPECT_GE(elapsed, std::chrono::milliseconds(950));
}

TEST_F(KubeClient, CapsRetryAfterAtTheConfiguredMaximum) {
  auto f = fgtest::fault("GET", "/api/v1/namespaces", 429);
  f.retry_after = 3600;
  server_->inject(f);
  auto opts = fast();
  opts.retry.max_retry_after = fk::Millis(20);
  auto c = client(kubeconfig("    token: test-token\n"), opts);
  auto start = std::chrono::steady_clock::now();
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(KubeClient, RetriesAbruptDisconnects) {
  server_->inject(fgtest::disconnect("GET", "/api/v1/namespaces"));
  auto c = client(kubeconfig("    token: test-token\n"));
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
}

TEST_F(KubeClient, ConnectionRefusedIsAnErrorAfterRetries) {
  auto c = client(kubeconfig("    token: test-token\n"));
  server_->stop();
  auto r = c->request("GET", "/api/v1/namespaces");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("connect 127.0.0.1"), std::string::npos) << r.error().message;
}

TEST_F(KubeClient, RereadsTheTokenFileWhenItRotates) {
  std::string token_file = dir_ + "/token";
  fgtest::write_file(token_file, "token-one\n");
  server_->set_tokens({"token-one"});
  auto c = client(kubeconfig("    tokenFile: " + token_file + "\n"));
  auto r1 = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->status, 200);
  // The kubelet rotates the bound token: the server now accepts only the new one.
  server_->set_tokens({"token-two"});
  fgtest::write_file(token_file, "token-two\n");
  auto r2 = c->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(server_->requests().back().authorization, "Bearer token-two");
}

TEST_F(KubeClient, InClusterConfigUsesServiceAccountFiles) {
  fk::InClusterPaths paths{dir_ + "/sa/token", dir_ + "/sa/ca.crt", dir_ + "/sa/namespace"};
  fgtest::write_file(paths.token_file, "test-token");
  fgtest::write_file(paths.ca_file, pki_->ca.cert_pem);
  fgtest::write_file(paths.namespace_file, "freightgate\n");
  setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", std::to_string(server_->port()).c_str(), 1);
  auto cfg = fk::in_cluster_config(paths);
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(cfg.ok()) << cfg.error().to_string();
  EXPECT_EQ(cfg->namespace_, "freightgate");
  EXPECT_EQ(cfg->token_file, paths.token_file);
  auto c = fk::Client::create(cfg.value(), fast());
  ASSERT_TRUE(c.ok());
  auto r = c.value()->request("GET", "/api/v1/namespaces");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
}

TEST_F(KubeClient, WatchCanBeCancelledFromAnotherThread) {
  auto c = client(kubeconfig("    token: test-token\n"));
  fk::Cancel cancel;
  std::atomic<int> opened{0};
  std::thread t([&] {
    auto r = c->watch(
        "/api/v1/namespaces?watch=1&resourceVersion=" + server_->resource_version(),
        fk::Millis(30000), [&](int) { opened++; }, [](std::string_view) { return true; }, &cancel);
    EXPECT_FALSE(r.ok());
  });
  ASSERT_TRUE(fgtest::wait_for([&] { return opened.load() == 1; }));
  auto start = std::chrono::steady_clock::now();
  cancel.cancel();
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
