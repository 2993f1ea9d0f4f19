// Warehouse rule set: Kargo's defaults and validation.
#include <gtest/gtest.h>

#include "rules_test_util.h"

namespace {

using rt::Case;
using rt::json;

class WarehouseRules : public ::testing::TestWithParam<Case> {};
TEST_P(WarehouseRules, Decides) { rt::check("warehouse", GetParam()); }

const Case kCases[] = {
    {"create-defaults", true, ""},
    {"bad-git-url", false,
     "Warehouse \"charts\" in namespace \"guestbook\": spec.subscriptions[0].git.repoURL: "
     "\"github.com/example/x\" must be a valid Git repository URL"},
    {"bad-strategy", false, "imageSelectionStrategy"},
    {"digest-without-constraint", false,
     "spec.subscriptions[0].image.constraint: must be set when imageSelectionStrategy is Digest"},
    {"bad-constraint", false,
     "spec.subscriptions[0].image.constraint: improper constraint: ^^1.x.y"},
    {"image-with-tag", false, "must be a valid image repository URL without a tag"},
    {"oci-chart-with-name", false,
     "spec.subscriptions[0].chart.name: must be empty if repoURL starts with oci://"},
    {"http-chart-without-name", false,
     "spec.subscriptions[0].chart.name: must be non-empty if repoURL starts with http:// or "
     "https://"},
    {"duplicate-git", false,
     "spec.subscriptions[1].git: subscription for Git repository already exists at "
     "\"spec.subscriptions[0].git\""},
    {"discovery-limit", false, "discoveryLimit"},
    {"bad-platform", false, "\"linux\" must be in format <os>/<arch>"},
    {"duplicate-name", false, "spec.subscriptions[1].name: subscription name \"src\" already used"},
    {"generic-without-name", false,
     "spec.subscriptions[0].name: required for a generic (\"s3\") subscription"},
    {"no-subscriptions", false, "spec.subscriptions"},
};
INSTANTIATE_TEST_SUITE_P(Table, WarehouseRules, ::testing::ValuesIn(kCases), rt::case_name);

TEST(WarehouseRules, DefaultsAndShardLabel) {
  auto o = rt::run("warehouse", "create-defaults");
  ASSERT_TRUE(o.allowed);
  const json& spec = o.patched["spec"];
  EXPECT_EQ(spec["interval"], "5m0s");
  EXPECT_EQ(spec["freightCreationPolicy"], "Automatic");
  EXPECT_EQ(spec["subscriptions"][0]["git"]["commitSelectionStrategy"], "NewestFromBranch");
  EXPECT_EQ(spec["subscriptions"][0]["git"]["strictSemvers"], true);
  EXPECT_EQ(spec["subscriptions"][0]["git"]["discoveryLimit"], 20);
  EXPECT_EQ(spec["subscriptions"][1]["image"]["imageSelectionStrategy"], "SemVer");
  EXPECT_EQ(spec["subscriptions"][1]["image"]["discoveryLimit"], 20);
  EXPECT_EQ(spec["subscriptions"][2]["chart"]["discoveryLimit"], 20);
  EXPECT_FALSE(spec["subscriptions"][2]["chart"].contains("strictSemvers"));
  EXPECT_EQ(o.patched["metadata"]["labels"]["kargo.akuity.io/shard"], "eu");
}

}  // namespace
