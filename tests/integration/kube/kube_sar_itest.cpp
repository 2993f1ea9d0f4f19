// kube::SarAuthorizer against the test API server: the review sent, allow/deny, the TTL cache
// and its key, failures that are errors and never allows.
#include <gtest/gtest.h>

#include "api_server_test.h"
#include "fake_apiserver.h"
#include "freightgate/kube/sar.h"
#include "test_client.h"

namespace fk = freightgate::kube;
using fgtest::FakeApiServer;
using freightgate::admission::ResourceAttributes;
using freightgate::admission::UserInfo;
using nlohmann::json;

namespace {

class KubeSar : public fgtest::ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    // RBAC stand-in: alice may promote to guestbook/prod; the group "qa" may verify anywhere.
    server_->set_sar_handler([](const json& spec) {
      const json& ra = spec["resourceAttributes"];
      if (ra["group"] != "kargo.akuity.io" || ra["resource"] != "stages") return false;
      if (spec["user"] == "alice" && ra["verb"] == "promote" && ra["namespace"] == "guestbook" &&
          ra["name"] == "prod")
        return true;
      for (const auto& g : spec.value("groups", json::array()))
        if (g == "qa" && ra["verb"] == "verify") return true;
      return false;
    });
    client_ = fgtest::token_client(server_->url(), pki_->ca.cert_pem, 3);
    ASSERT_NE(client_, nullptr);
  }

  static ResourceAttributes promote(const std::string& stage) {
    return ResourceAttributes{"promote", "kargo.akuity.io", "stages", "", stage, "guestbook"};
  }

  std::shared_ptr<fk::Client> client_;
};

TEST_F(KubeSar, AllowsAndDeniesAsTheApiServerAnswers) {
  fk::SarAuthorizer sar(client_);
  UserInfo alice{"alice", "u-1", {"devs"}, {}};
  UserInfo bob{"bob", "u-2", {"devs"}, {}};
  UserInfo carol{"carol", "u-3", {"qa"}, {}};
  EXPECT_TRUE(sar.allowed(alice, promote("prod")).value());
  EXPECT_FALSE(sar.allowed(alice, promote("staging")).value());
  EXPECT_FALSE(sar.allowed(bob, promote("prod")).value());
  EXPECT_TRUE(
      sar.allowed(carol, {"verify", "kargo.akuity.io", "stages", "", "staging", "guestbook"})
          .value());
  EXPECT_FALSE(sar.allowed(carol, promote("prod")).value());
}

TEST_F(KubeSar, SendsTheWholeIdentityAndResource) {
  fk::SarAuthorizer sar(client_);
  UserInfo u{"system:serviceaccount:ci:deployer",
             "6f1c",
             {"system:serviceaccounts", "system:authenticated"},
             {{"authentication.kubernetes.io/pod-name", {"ci-runner-7"}}}};
  ASSERT_TRUE(sar.allowed(u, promote("prod")).ok());
  auto reviews = server_->sar_reviews();
  ASSERT_EQ(reviews.size(), 1u);
  EXPECT_EQ(reviews[0], json::parse(R"({
    "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
    "spec": {"user": "system:serviceaccount:ci:deployer", "uid": "6f1c",
             "groups": ["system:serviceaccounts", "system:authenticated"],
             "extra": {"authentication.kubernetes.io/pod-name": ["ci-runner-7"]},
             "resourceAttributes": {"namespace": "guestbook", "verb": "promote", "group": "kargo.akuity.io",
                                    "resource": "stages", "name": "prod"}}})"));
}

TEST_F(KubeSar, CachesAnswersKeyedOnEveryInput) {
  fk::SarAuthorizer sar(client_);
  UserInfo alice{"alice", "u-1", {"devs"}, {}};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(sar.allowed(alice, promote("prod")).value());
  EXPECT_EQ(server_->sar_reviews().size(), 1u);
  EXPECT_EQ(sar.reviews_sent(), 1u);
  // Each differing input is a different question.
  UserInfo other_uid = alice;
  other_uid.uid = "u-9";
  UserInfo more_groups = alice;
  more_groups.groups.push_back("admins");
  UserInfo extra = alice;
  extra.extra["scopes"] = {"x"};
  ASSERT_TRUE(sar.allowed(other_uid, promote("prod")).ok());
  ASSERT_TRUE(sar.allowed(more_groups, promote("prod")).ok());
  ASSERT_TRUE(sar.allowed(extra, promote("prod")).ok());
  ASSERT_TRUE(
      sar.allowed(alice, {"verify", "kargo.akuity.io", "stages", "", "prod", "guestbook"}).ok());
  ASSERT_TRUE(
      sar.allowed(alice, {"promote", "kargo.akuity.io", "stages", "", "prod", "other-ns"}).ok());
  ASSERT_TRUE(
      sar.allowed(alice, {"promote", "kargo.akuity.io", "stages", "status", "prod", "guestbook"})
          .ok());
  EXPECT_EQ(server_->sar_reviews().size(), 7u);
}

TEST_F(KubeSar, CachedAnswersExpire) {
  fk::SarOptions o;
  o.allowed_ttl = fk::Millis(30);
  o.denied_ttl = fk::Millis(30);
  fk::SarAuthorizer sar(client_, o);
  UserInfo alice{"alice", "u-1", {}, {}};
  EXPECT_TRUE(sar.allowed(alice, promote("prod")).value());
  // Revoke; once the TTL has passed the new answer is seen.
  server_->set_sar_handler([](const json&) { return false; });
  ASSERT_TRUE(fgtest::wait_for([&] { return !sar.allowed(alice, promote("prod")).value(); }, 2000));
  EXPECT_GE(server_->sar_reviews().size(), 2u);
}

TEST_F(KubeSar, ServerErrorIsAnErrorNeverAnAllow) {
  server_->set_sar_handler([](const json&) { return true; });
  server_->inject(
      fgtest::fault("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", 500, -1));
  fk::SarAuthorizer sar(client_);
  auto r = sar.allowed({"alice", "", {}, {}}, promote("prod"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(
                "SubjectAccessReview for alice promote stages/prod in guestbook failed"),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("500"), std::string::npos);
  // A failure is not cached: once the server recovers, the answer is the server's.
  server_->clear_faults();
  EXPECT_TRUE(sar.allowed({"alice", "", {}, {}}, promote("prod")).value());
}

TEST_F(KubeSar, ForbiddenToCreateReviewsIsAnError) {
  server_->set_sar_handler([](const json&) { return true; });
  server_->inject(
      fgtest::fault("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", 403, 1));
  fk::SarAuthorizer sar(client_);
  auto r = sar.allowed({"alice", "", {}, {}}, promote("prod"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("403 Forbidden"), std::string::npos) << r.error().message;
}

TEST_F(KubeSar, UnauthorizedWebhookIdentityIsAnError) {
  server_->set_sar_handler([](const json&) { return true; });
  server_->set_tokens({"rotated-away"});
  fk::SarAuthorizer sar(client_);
  auto r = sar.allowed({"alice", "", {}, {}}, promote("prod"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("401 Unauthorized"), std::string::npos) << r.error().message;
}

TEST_F(KubeSar, ThrottledReviewIsRetried) {
  server_->set_sar_handler([](const json&) { return true; });
  auto f = fgtest::fault("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", 429);
  f.retry_after = 0;
  server_->inject(f);
  fk::SarAuthorizer sar(client_);
  EXPECT_TRUE(sar.allowed({"alice", "", {}, {}}, promote("prod")).value());
  EXPECT_EQ(server_->count("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", false), 2);
}

TEST_F(KubeSar, ConnectionDropIsRetried) {
  server_->set_sar_handler([](const json&) { return true; });
  server_->inject(fgtest::disconnect("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews"));
  fk::SarAuthorizer sar(client_);
  EXPECT_TRUE(sar.allowed({"alice", "", {}, {}}, promote("prod")).value());
}

TEST_F(KubeSar, UnreachableApiServerIsAnError) {
  fk::SarAuthorizer sar(client_);
  server_->stop();
  auto r = sar.allowed({"alice", "", {}, {}}, promote("prod"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("connect"), std::string::npos) << r.error().message;
}

TEST_F(KubeSar, ConcurrentCallersGetConsistentAnswers) {
  fk::SarAuthorizer sar(client_);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        bool expect = (t % 2 == 0);
        auto r = sar.allowed({expect ? "alice" : "bob", "", {}, {}}, promote("prod"));
        if (!r.ok() || r.value() != expect) wrong++;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(server_->sar_reviews().size(), 16u);
}

}  // namespace
