// `--state kube` at the library level: make_kube_source against the test API server holding
// the guestbook example (examples/guestbook), readiness, staleness, snapshots that follow the
// server, the SAR authorizer, and decisions (admission::decide) that change when objects on
// the server are created, changed and deleted.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api_server_test.h"
#include "fake_apiserver.h"
#include "freightgate/admission/engine.h"
#include "freightgate/admission/patch.h"
#include "freightgate/kube/kube_source.h"
#include "freightgate/model/decode.h"
#include "guestbook_api.h"

namespace fk = freightgate::kube;
namespace fa = freightgate::admission;
namespace model = freightgate::model;
using fgtest::example_objects;
using fgtest::example_rbac;
using fgtest::FakeApiServer;
using fgtest::plural_of;
using nlohmann::json;

namespace {

const char* kBrave = "6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497";  // v0.0.2, verified in staging

model::Time parse_time(const std::string& rfc3339) {
  std::tm tm{};
  strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return model::Clock::from_time_t(timegm(&tm));
}

class KubeSource : public fgtest::ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    server_->set_sar_handler(example_rbac);
    for (auto& o : example_objects()) server_->apply(plural_of(o["kind"]), o);
  }
  void TearDown() override {
    source_.reset();
    server_.reset();
  }

  fk::KubeSourceOptions options() {
    fk::KubeSourceOptions o;
    fk::ClientConfig cfg;
    cfg.server = server_->url();
    cfg.ca_pem = pki_->ca.cert_pem;
    cfg.token = "test-token";
    o.config = cfg;
    o.debounce = fk::Millis(5);
    o.retry_initial = fk::Millis(10);
    o.retry_max = fk::Millis(50);
    o.client.retry.initial_backoff = fk::Millis(5);
    o.client.retry.max_backoff = fk::Millis(20);
    o.client.retry.max_attempts = 2;
    return o;
  }

  fk::KubeSource& start(const fk::KubeSourceOptions& o) {
    freightgate::Error err;
    source_ = fk::make_kube_source(o, &err);
    EXPECT_NE(source_, nullptr) << err.to_string();
    return static_cast<fk::KubeSource&>(*source_);
  }

  std::unique_ptr<freightgate::state::Source> source_;
};

TEST_F(KubeSource, BecomesReadyWithTheWholePipeline) {
  auto& src = start(options());
  ASSERT_TRUE(fgtest::wait_for([&] { return src.ready(); })) << src.not_ready_reason();
  auto snap = src.current();
  ASSERT_NE(snap, nullptr);
  EXPECT_NE(snap->stage("guestbook", "prod"), nullptr);
  EXPECT_NE(snap->warehouse("guestbook", "guestbook"), nullptr);
  EXPECT_NE(snap->freight_by_alias("guestbook", "brave-falcon"), nullptr);
  EXPECT_EQ(snap->applications_for_stage("guestbook", "prod").size(), 1u);
  EXPECT_EQ(snap->promotion_policies("guestbook").size(), 1u);
  EXPECT_TRUE(snap->is_project("guestbook"));
  ASSERT_TRUE(src.last_sync().has_value());
  EXPECT_LT(model::Clock::now() - *src.last_sync(), std::chrono::seconds(5));
}

TEST_F(KubeSource, NotReadyWhileACrdIsMissingAndSaysWhich) {
  server_->uninstall("promotionpolicies");
  auto& src = start(options());
  ASSERT_TRUE(fgtest::wait_for([&] {
    return src.not_ready_reason().find(
               "(is the CRD for freightgate.io/v1alpha1 promotionpolicies installed?)") !=
           std::string::npos;
  })) << src.not_ready_reason();
  EXPECT_FALSE(src.ready());
  EXPECT_EQ(src.current(), nullptr);  // no snapshot from a partial pipeline
  EXPECT_EQ(src.last_sync(), std::nullopt);
  server_->install("freightgate.io", "v1alpha1", "promotionpolicies", "PromotionPolicy", true);
  ASSERT_TRUE(fgtest::wait_for([&] { return src.ready(); })) << src.not_ready_reason();
  EXPECT_EQ(src.current()->promotion_policies("guestbook").size(), 1u);
}

TEST_F(KubeSource, SnapshotsFollowTheServerAndStayImmutable) {
  auto& src = start(options());
  ASSERT_TRUE(fgtest::wait_for([&] { return src.ready(); }));
  auto before = src.current();
  ASSERT_EQ(before->stage("guestbook", "qa"), nullptr);
  json qa = fgtest::make_object("kargo.akuity.io/v1alpha1", "Stage", "guestbook", "qa",
                                {{"spec",
                                  {{"requestedFreight",
                                    {{{"origin", {{"kind", "Warehouse"}, {"name", "guestbook"}}},
                                      {"sources", {{"stages", {"dev"}}}}}}}}}});
  server_->apply("stages", qa);
  ASSERT_TRUE(fgtest::wait_for([&] { return src.current()->stage("guestbook", "qa") != nullptr; }));
  EXPECT_EQ(before->stage("guestbook", "qa"), nullptr);  // the old snapshot did not change
  server_->remove("stages", "guestbook", "qa");
  ASSERT_TRUE(fgtest::wait_for([&] { return src.current()->stage("guestbook", "qa") == nullptr; }));
  EXPECT_GE(src.generation(), 3u);
}

TEST_F(KubeSource, AWatchDownLongerThanMaxStalenessMakesItNotReady) {
  auto o = options();
  o.max_staleness = fk::Millis(150);
  auto& src = start(o);
  ASSERT_TRUE(fgtest::wait_for([&] { return src.ready(); }));
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  auto f = fgtest::fault("GET", "/apis/kargo.akuity.io/v1alpha1/stages", 503, -1);
  f.watch = "only";
  server_->inject(f);
  server_->drop_watches("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return !src.ready(); }));
  EXPECT_NE(src.not_ready_reason().find("watch of kargo.akuity.io/v1alpha1 stages down for"),
            std::string::npos)
      << src.not_ready_reason();
  ASSERT_TRUE(src.last_sync().has_value());
  EXPECT_GE(model::Clock::now() - *src.last_sync(), std::chrono::milliseconds(150));
  EXPECT_NE(src.current(), nullptr);  // the last complete snapshot is still served
  server_->clear_faults();
  ASSERT_TRUE(fgtest::wait_for([&] { return src.ready(); })) << src.not_ready_reason();
}

TEST_F(KubeSource, ConfiguredNamespacesLimitTheWatch) {
  json other = fgtest::make_object(
      "kargo.akuity.io/v1alpha1", "Warehouse", "other", "wh",
      {{"spec", {{"subscriptions", {{{"image", {{"repoURL", "ghcr.io/x/y"}}}}}}}}});
  server_->apply("namespaces", fgtest::make_namespace("other"));
  server_->apply("warehouses", other);
  auto o = options();
  o.namespaces = {"guestbook"};
  auto& src = start(o);
  ASSERT_TRUE(fgtest::wait_for([&] { return src.ready(); })) << src.not_ready_reason();
  EXPECT_NE(src.current()->warehouse("guestbook", "guestbook"), nullptr);
  EXPECT_EQ(src.current()->warehouse("other", "wh"), nullptr);
  EXPECT_GT(server_->count("GET", "/apis/kargo.akuity.io/v1alpha1/namespaces/guestbook/warehouses",
                           false),
            0);
  EXPECT_EQ(server_->count("GET", "/apis/kargo.akuity.io/v1alpha1/warehouses", false), 0);
}

TEST_F(KubeSource, BadKubeconfigIsReportedWithTheSetting) {
  fk::KubeSourceOptions o;
  o.kubeconfig = "/nonexistent/kubeconfig";
  freightgate::Error err;
  auto src = fk::make_kube_source(o, &err);
  EXPECT_EQ(src, nullptr);
  EXPECT_EQ(err.to_string(), "/nonexistent/kubeconfig: kubeconfig file does not exist");
}

TEST_F(KubeSource, AuthorizerIsTheSubjectAccessReview) {
  auto& src = start(options());
  auto authz = src.authorizer();
  ASSERT_NE(authz, nullptr);
  fa::UserInfo rita{"rita@example.com", "", {"guestbook-release-managers"}, {}};
  fa::UserInfo alice{"alice@example.com", "", {"guestbook-developers"}, {}};
  fa::ResourceAttributes prod{"promote", "kargo.akuity.io", "stages", "", "prod", "guestbook"};
  EXPECT_TRUE(authz->allowed(rita, prod).value());
  EXPECT_FALSE(authz->allowed(alice, prod).value());
  EXPECT_EQ(server_->sar_reviews().size(), 2u);
}

// The library-level end-to-end: the same AdmissionReview (rita promotes prod to brave-falcon)
// is decided again as objects on the API server are created, changed and deleted.
TEST_F(KubeSource, DecisionsFollowObjectsOnTheServer) {
  json brave = *server_->get("freights", "guestbook", kBrave);
  server_->remove("freights", "guestbook", kBrave);
  auto& src = start(options());
  ASSERT_TRUE(fgtest::wait_for([&] { return src.ready(); })) << src.not_ready_reason();
  std::string review = fgtest::read_file(
      std::string(FG_SOURCE_DIR) + "/tests/fixtures/admission/application/prod-unapproved.json");
  fa::EngineConfig config;
  auto decide = [&]() -> fa::Decision {
    auto snap = src.current();  // hold the snapshot for the whole decision
    fa::Context ctx{*snap, *src.authorizer(), parse_time("2026-11-26T10:00:00Z"), config};
    auto req = fa::parse_review(review);
    EXPECT_TRUE(req.ok());
    fa::Decision m = fa::decide(fa::Phase::Mutate, *req, ctx);
    fa::AdmissionRequest patched = *req;
    if (!m.response.patch.empty()) {
      auto p = fa::apply_patch(req->object, m.response.patch.ops());
      if (p.ok()) patched.object = *p;
    }
    return fa::decide(fa::Phase::Validate, patched, ctx);
  };
  auto denied_with = [&](const std::string& fragment) {
    auto d = decide();
    return d.ok && !d.response.allowed && d.response.message.find(fragment) != std::string::npos;
  };
  auto allowed = [&] {
    auto d = decide();
    return d.ok && d.response.allowed;
  };
  auto elapsed = [](auto t0) { return std::chrono::steady_clock::now() - t0; };

  // 1. The Freight is not on the server: unknown.
  EXPECT_TRUE(denied_with("does not exist")) << decide().response.message;

  // 2. Created, verified in staging but not approved for prod: the policy wants an approval.
  auto t0 = std::chrono::steady_clock::now();
  server_->apply("freights", brave);
  ASSERT_TRUE(fgtest::wait_for([&] { return denied_with("needs an approval"); }, 2000))
      << decide().response.message;
  EXPECT_LT(elapsed(t0), std::chrono::seconds(2));

  // 3. Changed: a release manager approved it for prod.
  brave["status"]["approvedFor"] = {{"prod", {{"approvedAt", "2026-11-25T09:00:00Z"}}}};
  server_->apply("freights", brave);
  ASSERT_TRUE(fgtest::wait_for(allowed, 2000)) << decide().response.message;

  // 4. The PromotionPolicy is deleted and the approval withdrawn: still allowed (no policy).
  brave["status"].erase("approvedFor");
  server_->remove("promotionpolicies", "guestbook", "prod-gates");
  server_->apply("freights", brave);
  ASSERT_TRUE(fgtest::wait_for(
      [&] { return src.current()->promotion_policies("guestbook").empty(); }, 2000));
  EXPECT_TRUE(allowed()) << decide().response.message;

  // 5. Deleted again: unknown.
  server_->remove("freights", "guestbook", kBrave);
  ASSERT_TRUE(fgtest::wait_for([&] { return denied_with("does not exist"); }, 2000))
      << decide().response.message;

  // The authorizer was consulted through SubjectAccessReviews for rita on prod.
  bool asked = false;
  for (const auto& r : server_->sar_reviews())
    if (r["spec"]["user"] == "rita@example.com" &&
        r["spec"]["resourceAttributes"]["name"] == "prod")
      asked = true;
  EXPECT_TRUE(asked);
}

TEST_F(KubeSource, SarFailureIsAnInternalFailureNotAnAllow) {
  auto& src = start(options());
  ASSERT_TRUE(fgtest::wait_for([&] { return src.ready(); }));
  server_->inject(
      fgtest::fault("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", 500, -1));
  // rita (a release manager) changes prod's source path: only the promote check can decide it.
  std::string review = fgtest::read_file(
      std::string(FG_SOURCE_DIR) +
      "/tests/fixtures/admission/application/prod-path-change-release-manager.json");
  fa::EngineConfig config;
  auto snap = src.current();  // hold the snapshot for the whole decision
  fa::Context ctx{*snap, *src.authorizer(), parse_time("2026-11-26T10:00:00Z"), config};
  auto d = fa::handle(fa::Phase::Validate, review, ctx);
  EXPECT_FALSE(d.ok) << d.response.allowed << " " << d.response.message;
  EXPECT_EQ(d.failure.kind, fa::FailureKind::Internal);
  EXPECT_NE(d.failure.message.find("SubjectAccessReview"), std::string::npos) << d.failure.message;
  // Once the API server answers again, so does the webhook.
  server_->clear_faults();
  auto again = fa::handle(fa::Phase::Validate, review, ctx);
  EXPECT_TRUE(again.ok && again.response.allowed)
      << again.failure.message << again.response.message;
}

}  // namespace
