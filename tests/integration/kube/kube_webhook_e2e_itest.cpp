// End to end: the real freightgate-webhook binary started with `--state kube --kubeconfig F`
// against the test API server (TLS both ways). Objects created, changed and deleted on the API
// server change the decisions /mutate + /validate return within a bounded time; /readyz follows
// the informers; SubjectAccessReview failures are HTTP 500.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fake_apiserver.h"
#include "freightgate/kube/client.h"
#include "freightgate/kube/config.h"
#include "freightgate/model/decode.h"
#include "guestbook_api.h"

extern char** environ;

namespace fk = freightgate::kube;
using fgtest::example_objects;
using fgtest::example_rbac;
using fgtest::FakeApiServer;
using fgtest::plural_of;
using nlohmann::json;

namespace {

const std::string kSource = FG_SOURCE_DIR;
const char* kBrave = "6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497";  // v0.0.2, verified in staging

class Webhook {
 public:
  Webhook(const std::string& dir, const std::vector<std::string>& args)
      : log_(dir + "/webhook.log") {
    std::vector<std::string> argv = {FG_WEBHOOK_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&pid_, argv[0].c_str(), &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) pid_ = -1;
  }
  ~Webhook() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // The port from the JSON "listening" log line, 0 until it appears.
  int port() const {
    std::istringstream in(fgtest::read_file(log_));
    std::string line;
    while (std::getline(in, line)) {
      auto j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("msg", "") == "listening") return j.value("port", 0);
    }
    return 0;
  }
  std::string log() const { return fgtest::read_file(log_); }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

class KubeWebhookE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = fgtest::make_pki();
    dir_ = fgtest::make_temp_dir("fg-kube-e2e");
    server_ = std::make_unique<FakeApiServer>(pki_);
    server_->install_freightgate_kinds();
    server_->set_sar_handler(example_rbac);
    for (auto& o : example_objects()) server_->apply(plural_of(o["kind"]), o);
    fgtest::write_file(dir_ + "/tls/tls.crt", pki_.server.cert_pem);
    fgtest::write_file(dir_ + "/tls/tls.key", pki_.server.key_pem);
    fgtest::write_file(dir_ + "/token", "test-token\n");
    fgtest::write_file(dir_ + "/kubeconfig",
                       "apiVersion: v1\nkind: Config\ncurrent-context: e2e\n"
                       "clusters:\n- name: fake\n  cluster:\n    server: " +
                           server_->url() +
                           "\n    certificate-authority-data: " + fgtest::base64(pki_.ca.cert_pem) +
                           "\ncontexts:\n- name: e2e\n  context: {cluster: fake, user: webhook}\n"
                           "users:\n- name: webhook\n  user:\n    tokenFile: " +
                           dir_ + "/token\n");
  }
  void TearDown() override {
    webhook_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--listen",        "127.0.0.1:0",
                                     "--tls-cert-file", dir_ + "/tls/tls.crt",
                                     "--tls-key-file",  dir_ + "/tls/tls.key",
                                     "--state",         "kube",
                                     "--kubeconfig",    dir_ + "/kubeconfig",
                                     "--now",           "2026-11-26T10:00:00Z",
                                     "--max-staleness", "1s"};
    args.insert(args.end(), extra.begin(), extra.end());
    webhook_ = std::make_unique<Webhook>(dir_, args);
    ASSERT_TRUE(fgtest::wait_for([&] { return webhook_->port() != 0; }, 10000)) << webhook_->log();
    fk::ClientConfig cfg;
    cfg.server = "https://localhost:" + std::to_string(webhook_->port());
    cfg.ca_pem = pki_.ca.cert_pem;
    ASSERT_TRUE(fk::parse_server(cfg.server, &cfg).ok());
    fk::ClientOptions o;
    o.retry.max_attempts = 1;
    client_ = fk::Client::create(cfg, o).value();
  }

  int get_status(const std::string& path) {
    auto r = client_->request("GET", path);
    return r.ok() ? r->status : -1;
  }

  // Mutate, apply the patch (RFC 6902, as kube-apiserver does), validate. Returns the HTTP
  // status of /validate and its response.
  std::pair<int, json> admit(const std::string& fixture) {
    json review = json::parse(
        fgtest::read_file(kSource + "/tests/fixtures/admission/application/" + fixture + ".json"));
    auto m = client_->request("POST", "/mutate", review.dump());
    if (!m.ok()) return {-1, json(m.error().message)};
    if (m->status != 200) return {m->status, json(m->body)};
    json mresp = json::parse(m->body)["response"];
    if (mresp.contains("patch")) {
      auto raw = fk::base64_decode(mresp["patch"].get<std::string>());
      review["request"]["object"] = review["request"]["object"].patch(json::parse(raw.value()));
    }
    auto v = client_->request("POST", "/validate", review.dump());
    if (!v.ok()) return {-1, json(v.error().message)};
    auto body = json::parse(v->body, nullptr, false);
    return {v->status, body.is_discarded() ? json() : body["response"]};
  }

  bool denied_with(const std::string& fixture, const std::string& fragment) {
    auto [code, resp] = admit(fixture);
    return code == 200 && resp.value("allowed", true) == false &&
           resp["status"].value("message", "").find(fragment) != std::string::npos;
  }
  bool allowed(const std::string& fixture) {
    auto [code, resp] = admit(fixture);
    return code == 200 && resp.value("allowed", false);
  }
  std::string explain(const std::string& fixture) {
    auto [code, resp] = admit(fixture);
    return std::to_string(code) + " " + resp.dump();
  }

  fgtest::TestPki pki_;
  std::string dir_;
  std::unique_ptr<FakeApiServer> server_;
  std::unique_ptr<Webhook> webhook_;
  std::shared_ptr<fk::Client> client_;
};

TEST_F(KubeWebhookE2E, DecisionsFollowObjectsCreatedChangedAndDeletedOnTheApiServer) {
  json brave = *server_->get("freights", "guestbook", kBrave);
  server_->remove("freights", "guestbook", kBrave);
  start();
  ASSERT_TRUE(fgtest::wait_for([&] { return get_status("/readyz") == 200; }, 10000))
      << webhook_->log();

  // Not on the server: rita's promotion of prod to brave-falcon names an unknown Freight.
  EXPECT_TRUE(denied_with("prod-unapproved", "does not exist")) << explain("prod-unapproved");

  // Created (verified in staging, not approved): the PromotionPolicy wants an approval.
  auto t0 = std::chrono::steady_clock::now();
  server_->apply("freights", brave);
  ASSERT_TRUE(
      fgtest::wait_for([&] { return denied_with("prod-unapproved", "needs an approval"); }, 3000))
      << explain("prod-unapproved");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));

  // Changed: approved for prod.
  brave["status"]["approvedFor"] = {{"prod", {{"approvedAt", "2026-11-25T09:00:00Z"}}}};
  server_->apply("freights", brave);
  ASSERT_TRUE(fgtest::wait_for([&] { return allowed("prod-unapproved"); }, 3000))
      << explain("prod-unapproved");

  // Deleted: unknown again.
  server_->remove("freights", "guestbook", kBrave);
  ASSERT_TRUE(
      fgtest::wait_for([&] { return denied_with("prod-unapproved", "does not exist"); }, 3000))
      << explain("prod-unapproved");

  // Re-created: alice (a developer) is refused prod by the API server's answer to the
  // SubjectAccessReview.
  server_->apply("freights", brave);
  ASSERT_TRUE(fgtest::wait_for(
      [&] { return denied_with("prod-by-developer", "needs the promote verb"); }, 3000))
      << explain("prod-by-developer");
  bool asked_for_alice = false;
  for (const auto& r : server_->sar_reviews())
    if (r["spec"]["user"] == "alice@example.com") asked_for_alice = true;
  EXPECT_TRUE(asked_for_alice);
}

TEST_F(KubeWebhookE2E, ReadinessFollowsTheInformers) {
  server_->uninstall("stages");
  start();
  ASSERT_TRUE(fgtest::wait_for([&] { return get_status("/healthz") == 200; }, 10000))
      << webhook_->log();
  EXPECT_NE(get_status("/readyz"), 200);
  server_->install("kargo.akuity.io", "v1alpha1", "stages", "Stage", true);
  ASSERT_TRUE(fgtest::wait_for([&] { return get_status("/readyz") == 200; }, 10000))
      << webhook_->log();
  // A watch that stays down longer than --max-staleness (1s) takes readiness away.
  auto f = fgtest::fault("GET", "/apis/kargo.akuity.io/v1alpha1/stages", 503, -1);
  f.watch = "only";
  server_->inject(f);
  server_->drop_watches("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return get_status("/readyz") != 200; }, 5000));
  server_->clear_faults();
  ASSERT_TRUE(fgtest::wait_for([&] { return get_status("/readyz") == 200; }, 5000));
}

TEST_F(KubeWebhookE2E, SubjectAccessReviewFailureIsHttp500) {
  start();
  ASSERT_TRUE(fgtest::wait_for([&] { return get_status("/readyz") == 200; }, 10000))
      << webhook_->log();
  server_->inject(
      fgtest::fault("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", 500, -1));
  // rita changes prod's source path: only the promote check (a SubjectAccessReview) decides it.
  auto [code, resp] = admit("prod-path-change-release-manager");
  // The test client reports a 5xx it did not retry as an error carrying the status.
  EXPECT_EQ(code, -1);
  EXPECT_NE(resp.get<std::string>().find("POST /validate: 500 Internal Server Error"),
            std::string::npos)
      << resp;
  server_->clear_faults();
  EXPECT_TRUE(allowed("prod-path-change-release-manager"))
      << explain("prod-path-change-release-manager");
}

}  // namespace
