// The dir:PATH source: loads the example pipeline, walks directories in sorted order, skips
// hidden and non-YAML files, reports file:line for broken input, and keeps the previous state
// when a reload fails.
#include "freightgate/state/dir_source.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fa = freightgate::admission;
namespace fm = freightgate::model;
namespace fs = freightgate::state;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/fg-state-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& rel, const std::string& text) const {
    std::filesystem::path p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
};

constexpr const char* kStageDev = R"(apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: shop}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: shop}
    sources: {direct: true}
)";

TEST(DirSource, LoadsGuestbookExample) {
  auto src = fs::DirSource::open(std::string(FG_SOURCE_DIR) + "/examples/guestbook");
  ASSERT_TRUE(src.ok()) << src.error().to_string();
  EXPECT_TRUE((*src)->ready());
  EXPECT_TRUE((*src)->not_ready_reason().empty());
  ASSERT_TRUE((*src)->last_sync().has_value());
  auto snap = (*src)->current();
  ASSERT_NE(snap, nullptr);
  EXPECT_NE(snap->stage("guestbook", "prod"), nullptr);
  EXPECT_NE(snap->freight_by_alias("guestbook", "jolly-jaguar"), nullptr);
  // The gitops/ tree (Deployments, Kustomizations) is loaded but ignored by the snapshot.
  EXPECT_GT(snap->object_count(), 20u);
  // Its authorizer evaluates the example's RBAC.
  auto authz = (*src)->authorizer();
  ASSERT_NE(authz, nullptr);
  fa::UserInfo alice{"alice@example.com", "", {"guestbook-developers"}, {}};
  fa::ResourceAttributes attrs{"promote", "kargo.akuity.io", "stages", "", "staging", "guestbook"};
  EXPECT_TRUE(*authz->allowed(alice, attrs));
  attrs.name = "prod";
  EXPECT_FALSE(*authz->allowed(alice, attrs));
}

TEST(DirSource, RecursiveSortedAndFiltered) {
  TempDir d;
  d.write("b/stage.yml", kStageDev);
  d.write(
      "a/ns.json",
      R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","labels":{"kargo.akuity.io/project":"true"}}})");
  d.write("notes.txt", "not: yaml: at all: [");
  d.write(".hidden/broken.yaml", "kind: [");
  d.write(".broken.yaml", "kind: [");
  d.write("values.yaml", "replicaCount: 2\nimage: {tag: v1}\n");  // not a Kubernetes object
  d.write("multi.yaml", "---\n" + std::string(kStageDev) +
                            "---\napiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\n"
                            "metadata: {name: shop, namespace: shop}\nspec:\n  subscriptions:\n"
                            "  - image: {repoURL: ghcr.io/example/shop}\n");
  // Same Stage twice (b/stage.yml and multi.yaml): an error naming both places.
  auto dup = fs::load_dir(d.path.string());
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("defined twice"), std::string::npos)
      << dup.error().to_string();
  EXPECT_NE(dup.error().to_string().find("multi.yaml:2"), std::string::npos)
      << dup.error().to_string();
  EXPECT_NE(dup.error().message.find("b/stage.yml:1"), std::string::npos)
      << dup.error().to_string();

  std::filesystem::remove(d.path / "b/stage.yml");
  auto objects = fs::load_dir(d.path.string());
  ASSERT_TRUE(objects.ok()) << objects.error().to_string();
  ASSERT_EQ(objects->size(), 3u);
  // Sorted by path: a/ns.json, then multi.yaml's two documents in order.
  EXPECT_TRUE(std::holds_alternative<fm::Namespace>((*objects)[0]));
  EXPECT_TRUE(std::holds_alternative<fm::Stage>((*objects)[1]));
  EXPECT_TRUE(std::holds_alternative<fm::Warehouse>((*objects)[2]));
}

TEST(DirSource, ErrorsNameFileAndLine) {
  TempDir d;
  d.write("ok.yaml", kStageDev);
  d.write("z/bad.yaml",
          std::string(kStageDev).replace(std::string(kStageDev).find("dev"), 3, "qa") +
              "---\napiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\n"
              "metadata: {name: prod, namespace: shop}\nspec:\n  requestedFreight:\n"
              "  - origin: {kind: Warehouse}\n    sources: {direct: true}\n");
  auto src = fs::DirSource::open(d.path.string());
  ASSERT_FALSE(src.ok());
  const std::string msg = src.error().to_string();
  EXPECT_NE(src.error().file.find("z/bad.yaml"), std::string::npos) << msg;
  EXPECT_GT(src.error().line, 8) << msg;  // inside the second document
  EXPECT_NE(msg.find("origin"), std::string::npos) << msg;
}

TEST(DirSource, SyntaxErrorNamesFileAndLine) {
  TempDir d;
  d.write("broken.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [unclosed\n");
  auto objects = fs::load_dir(d.path.string());
  ASSERT_FALSE(objects.ok());
  EXPECT_NE(objects.error().file.find("broken.yaml"), std::string::npos);
  EXPECT_GE(objects.error().line, 4) << objects.error().to_string();
}

TEST(DirSource, MissingDirectory) {
  auto src = fs::DirSource::open("/nonexistent/fg-state");
  ASSERT_FALSE(src.ok());
  EXPECT_NE(src.error().to_string().find("does not exist"), std::string::npos);
}

TEST(DirSource, ReloadKeepsPreviousStateOnError) {
  TempDir d;
  d.write("stage.yaml", kStageDev);
  auto src = fs::DirSource::open(d.path.string());
  ASSERT_TRUE(src.ok()) << src.error().to_string();
  auto first = (*src)->current();
  ASSERT_NE(first->stage("shop", "dev"), nullptr);

  d.write("broken.yaml", "kind: [");
  EXPECT_FALSE((*src)->reload().ok());
  EXPECT_EQ((*src)->current(), first);
  EXPECT_TRUE((*src)->ready());

  std::filesystem::remove(d.path / "broken.yaml");
  d.write("more.yaml", std::string(kStageDev).replace(std::string(kStageDev).find("dev"), 3, "qa"));
  ASSERT_TRUE((*src)->reload().ok());
  EXPECT_NE((*src)->current(), first);
  EXPECT_NE((*src)->current()->stage("shop", "qa"), nullptr);
}

TEST(DirSource, SingleFile) {
  TempDir d;
  d.write("stage.yaml", kStageDev);
  auto objects = fs::load_dir((d.path / "stage.yaml").string());
  ASSERT_TRUE(objects.ok()) << objects.error().to_string();
  EXPECT_EQ(objects->size(), 1u);
}

TEST(DirSource, ParseSpec) {
  EXPECT_EQ(*fs::parse_dir_spec("dir:/etc/state"), "/etc/state");
  EXPECT_EQ(*fs::parse_dir_spec("dir:relative/x"), "relative/x");
  EXPECT_FALSE(fs::parse_dir_spec("kube").ok());
  EXPECT_FALSE(fs::parse_dir_spec("dir:").ok());
  auto bad = fs::parse_dir_spec("/etc/state");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().to_string().find("dir:PATH"), std::string::npos);
}

}  // namespace
