// kube::Informer against the test API server: list+watch, pagination, bookmarks, 410 relists,
// dropped connections, missing CRDs, 401/403/500 on list, trimming.
#include <gtest/gtest.h>

#include <filesystem>
#include <variant>

#include "api_server_test.h"
#include "fake_apiserver.h"
#include "freightgate/kube/informer.h"
#include "test_client.h"

namespace fk = freightgate::kube;
namespace model = freightgate::model;
using fgtest::FakeApiServer;
using nlohmann::json;

namespace {

// The protocol is what is under test here, not the model's decoders: keep objects as data.
freightgate::Result<model::AnyObject> raw_decoder(const json& o) {
  model::Unknown u;
  u.apiVersion = o.value("apiVersion", "");
  u.kind = o.value("kind", "");
  u.metadata.name = o["metadata"].value("name", "");
  u.metadata.namespace_ = o["metadata"].value("namespace", "");
  u.metadata.resourceVersion = o["metadata"].value("resourceVersion", "");
  if (o.contains("spec") && o["spec"].value("invalid", false))
    return freightgate::Error{"", 0, u.metadata.name, "spec.invalid", "test decode failure"};
  u.raw = o;
  return model::AnyObject(std::move(u));
}

const json& raw_of(const std::shared_ptr<const model::AnyObject>& o) {
  return std::get<model::Unknown>(*o).raw;
}

class KubeInformer : public fgtest::ApiServerTest {
 protected:
  void SetUp() override {
    ApiServerTest::SetUp();
    client_ = fgtest::token_client(server_->url(), pki_->ca.cert_pem, 2);
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    informer_.reset();
    server_.reset();
  }

  fk::Informer& start(const std::string& plural, const std::string& ns = "",
                      int64_t page_size = 500) {
    fk::InformerOptions o;
    for (const auto& t : fk::watched_resources())
      if (t.plural == plural) o.type = t;
    o.namespace_ = ns;
    o.decode = raw_decoder;
    o.page_size = page_size;
    o.retry_initial = fk::Millis(10);
    o.retry_max = fk::Millis(40);
    o.on_change = [this] { changes_++; };
    informer_ = std::make_unique<fk::Informer>(client_, o);
    informer_->start();
    return *informer_;
  }

  static json stage(const std::string& ns, const std::string& name, const std::string& wh = "wh") {
    return fgtest::make_object("kargo.akuity.io/v1alpha1", "Stage", ns, name,
                               {{"spec",
                                 {{"requestedFreight",
                                   {{{"origin", {{"kind", "Warehouse"}, {"name", wh}}},
                                     {"sources", {{"direct", true}}}}}}}}});
  }

  std::shared_ptr<fk::Client> client_;
  std::unique_ptr<fk::Informer> informer_;
  std::atomic<int> changes_{0};
};

TEST_F(KubeInformer, ListsThenAppliesAddedModifiedDeleted) {
  server_->apply("stages", stage("guestbook", "dev"));
  server_->apply("stages", stage("guestbook", "prod"));
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.synced(); }));
  EXPECT_EQ(inf.size(), 2u);
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));

  server_->apply("stages", stage("guestbook", "staging"));
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.size() == 3; }));
  std::string rv = server_->apply("stages", stage("guestbook", "prod", "other-wh"));
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.resource_version() == rv; }));
  EXPECT_EQ(raw_of(inf.get("guestbook/prod"))["spec"]["requestedFreight"][0]["origin"]["name"],
            "other-wh");
  server_->remove("stages", "guestbook", "dev");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.size() == 2; }));
  EXPECT_EQ(inf.get("guestbook/dev"), nullptr);
  auto st = inf.stats();
  EXPECT_EQ(st.lists, 1u);
  EXPECT_EQ(st.events, 3u);
  // The watch started from the list's resourceVersion, with bookmarks.
  bool found = false;
  for (const auto& r : server_->requests())
    if (r.watch && r.target.find("allowWatchBookmarks=true") != std::string::npos &&
        r.target.find("resourceVersion=") != std::string::npos)
      found = true;
  EXPECT_TRUE(found);
}

TEST_F(KubeInformer, CoreListItemsWithoutTypeMetaGetTheirKind) {
  server_->apply("namespaces", fgtest::make_namespace("guestbook"));
  auto& inf = start("namespaces");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.synced(); }));
  auto ns = inf.get("guestbook");
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(std::get<model::Unknown>(*ns).kind, "Namespace");
  EXPECT_EQ(std::get<model::Unknown>(*ns).apiVersion, "v1");
}

TEST_F(KubeInformer, PaginatedListCollectsEveryPage) {
  for (int i = 0; i < 7; ++i)
    server_->apply("freights", fgtest::make_object("kargo.akuity.io/v1alpha1", "Freight",
                                                   "guestbook", "f" + std::to_string(i)));
  auto& inf = start("freights", "", 3);
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.synced(); }));
  EXPECT_EQ(inf.size(), 7u);
  EXPECT_EQ(server_->count("GET", "/apis/kargo.akuity.io/v1alpha1/freights", false), 3);
}

TEST_F(KubeInformer, NamespacedInformerSeesOnlyItsNamespace) {
  server_->apply("stages", stage("guestbook", "dev"));
  server_->apply("stages", stage("other", "dev"));
  auto& inf = start("stages", "guestbook");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.synced(); }));
  EXPECT_EQ(inf.size(), 1u);
  server_->apply("stages", stage("other", "prod"));
  std::string rv = server_->apply("stages", stage("guestbook", "prod"));
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.resource_version() == rv; }));
  EXPECT_EQ(inf.size(), 2u);
  EXPECT_EQ(inf.get("other/prod"), nullptr);
}

TEST_F(KubeInformer, BookmarkAdvancesResourceVersionOnly) {
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  server_->apply("warehouses",
                 fgtest::make_object("kargo.akuity.io/v1alpha1", "Warehouse", "guestbook", "wh"));
  std::string rv = server_->resource_version();
  ASSERT_NE(inf.resource_version(), rv);
  int before = changes_.load();
  server_->bookmark("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.resource_version() == rv; }));
  EXPECT_EQ(inf.stats().bookmarks, 1u);
  EXPECT_EQ(inf.stats().events, 0u);
  EXPECT_EQ(changes_.load(), before);
}

TEST_F(KubeInformer, ExpiredWatchRelistsAndSwapsTheStoreWhole) {
  server_->apply("stages", stage("guestbook", "dev"));
  server_->apply("stages", stage("guestbook", "prod"));
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  // While the informer's watch is being expired, state moves on; history is compacted, so only
  // a relist can catch up.
  server_->compact_and_expire("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.stats().relists == 1 && inf.stats().lists == 2; }));
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  server_->remove("stages", "guestbook", "dev");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.size() == 1; }));
  EXPECT_TRUE(inf.synced());
  EXPECT_EQ(inf.status(), "");
}

TEST_F(KubeInformer, WatchFromACompactedVersionRelists) {
  server_->apply("stages", stage("guestbook", "dev"));
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  // Drop the watch and compact past the informer's resourceVersion while it is away: the
  // re-watch gets an ERROR event with a 410 Status, the informer relists and sees the change.
  auto f = fgtest::fault("GET", "/apis/kargo.akuity.io/v1alpha1/stages", 500, -1);
  f.watch = "only";
  server_->inject(f);
  server_->drop_watches("stages");
  ASSERT_TRUE(fgtest::wait_for(
      [&] { return server_->open_watches("stages") == 0 && inf.stats().failures >= 2; }));
  std::string before = inf.resource_version();
  server_->apply("stages", stage("guestbook", "qa"));
  server_->compact_and_expire("none");
  server_->clear_faults();
  EXPECT_EQ(inf.resource_version(), before);
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.stats().relists >= 1; }));
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.size() == 2; }));
  EXPECT_NE(inf.get("guestbook/qa"), nullptr);
}

TEST_F(KubeInformer, GoneStatusOnWatchRelists) {
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  server_->set_watch_gone_status(true);
  server_->drop_watches("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.stats().relists >= 1; }));
  server_->set_watch_gone_status(false);
  server_->apply("stages", stage("guestbook", "new"));
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.size() == 1; }));
}

TEST_F(KubeInformer, DroppedConnectionRewatchesFromTheLastResourceVersion) {
  server_->apply("stages", stage("guestbook", "dev"));
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  std::string rv = server_->apply("stages", stage("guestbook", "prod"));
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.resource_version() == rv; }));
  server_->drop_watches("stages");
  ASSERT_TRUE(fgtest::wait_for(
      [&] { return inf.stats().watches == 2 && server_->open_watches("stages") == 1; }));
  EXPECT_EQ(inf.stats().lists, 1u);  // no relist: the watch resumed
  auto reqs = server_->requests();
  std::string last_watch;
  for (const auto& r : reqs)
    if (r.watch) last_watch = r.target;
  EXPECT_NE(last_watch.find("resourceVersion=" + rv), std::string::npos) << last_watch;
  server_->remove("stages", "guestbook", "dev");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.size() == 1; }));
  EXPECT_TRUE(inf.synced());
  EXPECT_EQ(inf.down_since(), std::nullopt);
}

TEST_F(KubeInformer, MissingCrdIsRetriedAndReportedUntilInstalled) {
  server_->uninstall("stages");
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.stats().failures >= 2; }));
  EXPECT_FALSE(inf.synced());
  EXPECT_NE(inf.status().find(
                "404 Not Found: the server could not find the requested resource (is the CRD"),
            std::string::npos)
      << inf.status();
  EXPECT_NE(inf.down_since(), std::nullopt);
  server_->install("kargo.akuity.io", "v1alpha1", "stages", "Stage", true);
  server_->apply("stages", stage("guestbook", "dev"));
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.synced(); }));
  EXPECT_EQ(inf.size(), 1u);
  EXPECT_EQ(inf.status(), "");
}

TEST_F(KubeInformer, ForbiddenListIsRetriedAndReported) {
  server_->inject(fgtest::fault("GET", "/apis/kargo.akuity.io/v1alpha1/stages", 403, 3));
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.synced(); }));
  EXPECT_EQ(inf.stats().failures, 3u);
  EXPECT_EQ(server_->count("GET", "/apis/kargo.akuity.io/v1alpha1/stages", false), 4);
}

TEST_F(KubeInformer, UnauthorizedListIsReportedNotSynced) {
  server_->set_tokens({"another-token"});
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.stats().failures >= 1; }));
  EXPECT_FALSE(inf.synced());
  EXPECT_NE(inf.status().find("401 Unauthorized: Unauthorized"), std::string::npos) << inf.status();
  server_->set_tokens({"test-token"});
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.synced(); }));
}

TEST_F(KubeInformer, ServerErrorsOnWatchBackOffAndRecover) {
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  auto f = fgtest::fault("GET", "/apis/kargo.akuity.io/v1alpha1/stages", 500, 3);
  f.watch = "only";
  server_->inject(f);
  server_->drop_watches("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.stats().failures >= 3; }));
  EXPECT_NE(inf.down_since(), std::nullopt);
  server_->apply("stages", stage("guestbook", "dev"));
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.size() == 1 && !inf.down_since(); }));
  EXPECT_EQ(inf.stats().lists, 1u);
}

TEST_F(KubeInformer, UndecodableObjectIsSkippedAndNeverKeptStale) {
  server_->apply("stages", stage("guestbook", "dev"));
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  json bad = stage("guestbook", "dev");
  bad["spec"]["invalid"] = true;
  server_->apply("stages", bad);
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.size() == 0; }));
  EXPECT_EQ(inf.stats().decode_errors, 1u);
}

TEST_F(KubeInformer, ApplicationsAreTrimmedBeforeStorage) {
  json app =
      fgtest::make_object("argoproj.io/v1alpha1", "Application", "argocd", "guestbook-prod",
                          {{"spec", {{"project", "default"}}},
                           {"status",
                            {{"health", {{"status", "Healthy"}}},
                             {"resources", json::array({{{"kind", "Deployment"}}})},
                             {"operationState", {{"phase", "Running"}, {"message", "x"}}}}}});
  app["metadata"]["managedFields"] = json::array({{{"manager", "kubectl"}}});
  server_->apply("applications", app);
  auto& inf = start("applications");
  ASSERT_TRUE(fgtest::wait_for([&] { return inf.synced(); }));
  const json& stored = raw_of(inf.get("argocd/guestbook-prod"));
  EXPECT_EQ(stored["status"],
            json::parse(R"({"health":{"status":"Healthy"},"operationState":{"phase":"Running"}})"));
  EXPECT_FALSE(stored["metadata"].contains("managedFields"));
}

TEST_F(KubeInformer, StopInterruptsAnOpenWatchPromptly) {
  auto& inf = start("stages");
  ASSERT_TRUE(fgtest::wait_for([&] { return server_->open_watches("stages") == 1; }));
  auto t0 = std::chrono::steady_clock::now();
  inf.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

TEST_F(KubeInformer, ServerTimeoutEndsTheStreamAndTheInformerWatchesAgain) {
  fk::InformerOptions o;
  o.type = fk::watched_resources()[5];  // stages
  o.decode = raw_decoder;
  o.watch_timeout_seconds = 1;  // the server ends each stream after 1-2 s
  informer_ = std::make_unique<fk::Informer>(client_, o);
  informer_->start();
  ASSERT_TRUE(fgtest::wait_for([&] { return informer_->stats().watches >= 2; }, 6000));
  EXPECT_EQ(informer_->stats().failures, 0u);
  EXPECT_EQ(informer_->stats().lists, 1u);
}

}  // namespace
