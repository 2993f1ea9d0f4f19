// Freight IDs: the reference's worked example plus table cases for each artifact kind.
#include "freightgate/freight/id.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace freightgate;
using freightgate::freight::freight_id;
using freightgate::freight::freight_id_input;
using freightgate::freight::FreightIdOptions;

namespace {

GitCommit commit(std::string repo, std::string id, std::string tag = "") {
  GitCommit c;
  c.repoURL = std::move(repo);
  c.id = std::move(id);
  c.tag = std::move(tag);
  return c;
}
Image image(std::string repo, std::string tag, std::string digest = "") {
  Image i;
  i.repoURL = std::move(repo);
  i.tag = std::move(tag);
  i.digest = std::move(digest);
  return i;
}
Chart chart(std::string repo, std::string name, std::string version) {
  Chart c;
  c.repoURL = std::move(repo);
  c.name = std::move(name);
  c.version = std::move(version);
  return c;
}

model::Freight worked_example() {
  model::Freight f;
  f.origin = {"Warehouse", "my-warehouse"};
  f.images.push_back(image("ghcr.io/example/app", "v1.2.3", "sha256:deadbeef"));
  f.commits.push_back(commit("https://github.com/example/repo.git", "abc123"));
  f.charts.push_back(chart("https://charts.example.com", "app", "1.0.0"));
  return f;
}

// Reference kargo-api.md §2.1, computed there with Kargo's Go code.
TEST(FreightId, ReferenceWorkedExample) {
  model::Freight f = worked_example();
  EXPECT_EQ(freight_id_input(f.origin, f.commits, f.images, f.charts, f.artifacts),
            "Warehouse/my-warehouse:ghcr.io/example/app:v1.2.3@sha256:deadbeef|"
            "https://github.com/example/repo:abc123|https:/charts.example.com/app:1.0.0");
  EXPECT_EQ(freight_id(f), "8f3266597adb502c7b0513f3497e4e8d0a19d679");
}

TEST(FreightId, Sha1OfKnownStrings) {
  EXPECT_EQ(freight::sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(freight::sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(FreightId, OrderOfArtifactsDoesNotMatter) {
  model::Freight a = worked_example();
  a.images.push_back(image("ghcr.io/example/worker", "v2"));
  model::Freight b = a;
  std::reverse(b.images.begin(), b.images.end());
  EXPECT_EQ(freight_id(a), freight_id(b));
}

TEST(FreightId, FieldsOutsideTheHashDoNotMatter) {
  model::Freight a = worked_example();
  model::Freight b = a;
  b.alias = "wonky-wombat";
  b.commits[0].message = "fix things";
  b.commits[0].author = "someone";
  b.commits[0].branch = "main";
  b.images[0].annotations["org.opencontainers.image.source"] = "x";
  b.metadata.name = "something-else";
  b.status.approvedFor["prod"] = {};
  EXPECT_EQ(freight_id(a), freight_id(b));
}

TEST(FreightId, CommitUrlIsNormalisedImageUrlIsNot) {
  model::Freight a = worked_example();
  model::Freight b = a;
  b.commits[0].repoURL = "https://GitHub.com/example/repo/";
  EXPECT_EQ(freight_id(a), freight_id(b));
  b = a;
  b.images[0].repoURL = "GHCR.io/example/app";
  EXPECT_NE(freight_id(a), freight_id(b));
}

TEST(FreightId, PartsPerKind) {
  FreightOrigin o{"Warehouse", "w"};
  EXPECT_EQ(freight_id_input(o, {commit("git@github.com:x/y.git", "c1", "v1")}, {}, {}, {}),
            "Warehouse/w:ssh://git@github.com/x/y:v1:c1");
  EXPECT_EQ(freight_id_input(o, {}, {image("nginx", "", "sha256:1")}, {}, {}),
            "Warehouse/w:nginx:@sha256:1");
  EXPECT_EQ(freight_id_input(o, {}, {}, {chart("oci://ghcr.io/x/chart", "", "1.0")}, {}),
            "Warehouse/w:ghcr.io/x/chart:1.0");
  EXPECT_EQ(
      freight_id_input(o, {}, {},
                       {chart("oci://registry-1.docker.io/bitnamicharts/redis", "", "19.0.0")}, {}),
      "Warehouse/w:bitnamicharts/redis:19.0.0");
  GenericArtifact g;
  g.artifactType = "tarball";
  g.subscriptionName = "sub";
  g.version = "7";
  EXPECT_EQ(freight_id_input(o, {}, {}, {}, {g}), "Warehouse/w:tarball:sub:7");
  EXPECT_EQ(freight_id_input(o, {}, {}, {}, {}), "Warehouse/w:");
}

TEST(FreightId, SortIsBytewise) {
  FreightOrigin o{"Warehouse", "w"};
  EXPECT_EQ(freight_id_input(o, {}, {image("b", "1"), image("B", "1"), image("a", "1")}, {}, {}),
            "Warehouse/w:B:1@|a:1@|b:1@");
}

TEST(FreightId, SubscriptionNameOnlyBehindOption) {
  model::Freight a = worked_example();
  model::Freight b = a;
  b.images[0].subscriptionName = "app";
  b.commits[0].subscriptionName = "src";
  EXPECT_EQ(freight_id(a), freight_id(b));
  FreightIdOptions main_branch{.include_subscription_name = true};
  EXPECT_NE(freight_id(b, main_branch), freight_id(a, main_branch));
  EXPECT_EQ(freight_id_input(b.origin, b.commits, b.images, b.charts, b.artifacts, main_branch),
            "Warehouse/my-warehouse:ghcr.io/example/app:v1.2.3@sha256:deadbeef:app|"
            "https://github.com/example/repo:abc123:src|https:/charts.example.com/app:1.0.0");
}

TEST(FreightId, LooksLikeId) {
  EXPECT_TRUE(freight::looks_like_freight_id("8f3266597adb502c7b0513f3497e4e8d0a19d679"));
  EXPECT_FALSE(freight::looks_like_freight_id("8F3266597adb502c7b0513f3497e4e8d0a19d679"));
  EXPECT_FALSE(freight::looks_like_freight_id("wonky-wombat"));
}

}  // namespace
