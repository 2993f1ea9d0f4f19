// Promotion rule set over the example pipeline: naming, create-actor, stage label, availability
// and the `promote` verb, immutability.
#include <gtest/gtest.h>

#include <regex>

#include "rules_test_util.h"

namespace {

using rt::Case;
using rt::json;

constexpr const char* kJolly = "15317018bfd430928c2bb2ecc4cd79fbe644bf16";

class PromotionRules : public ::testing::TestWithParam<Case> {};
TEST_P(PromotionRules, Decides) { rt::check("promotion", GetParam()); }

const Case kCases[] = {
    {"create-dev-by-developer", true, ""},
    {"create-staging-unverified", false,
     "spec.freight: Freight \"15317018bfd430928c2bb2ecc4cd79fbe644bf16\" (jolly-jaguar) is not "
     "available to Stage \"staging\": not verified in upstream Stage \"dev\"; to promote it, "
     "verify "
     "it in \"dev\", or approve it for \"staging\""},
    {"create-prod-by-developer", false,
     "spec.stage: subject \"alice@example.com\" is not permitted to create Promotions for Stage "
     "\"prod\""},
    {"create-prod-by-release-manager", true, ""},
    {"create-unknown-stage", false,
     "spec.stage: could not find Stage \"qa\" in namespace \"guestbook\""},
    {"create-alias-as-freight", false,
     "spec.freight: \"jolly-jaguar\" is an alias; name the Freight "
     "\"15317018bfd430928c2bb2ecc4cd79fbe644bf16\" instead"},
    {"create-by-origin", true, ""},
    {"create-by-controller", true, ""},
    {"update-spec", false, "spec: spec is immutable; create a new Promotion instead"},
    {"update-forged-actor", true, ""},
    {"delete-by-developer", false,
     "subject \"alice@example.com\" is not permitted to delete Promotions for Stage \"prod\""},
    {"delete-by-release-manager", true, ""},
};
INSTANTIATE_TEST_SUITE_P(Table, PromotionRules, ::testing::ValuesIn(kCases), rt::case_name);

TEST(PromotionRules, NameActorAndStageLabel) {
  auto o = rt::run("promotion", "create-dev-by-developer");
  ASSERT_TRUE(o.allowed);
  const std::string name = o.patched["metadata"]["name"];
  // lower("<stage>.<ULID>.<freight[:7]>"), the ULID starting with the clock's milliseconds.
  EXPECT_TRUE(std::regex_match(name, std::regex("dev\\.[0-9a-hjkmnp-tv-z]{26}\\.1531701"))) << name;
  EXPECT_EQ(name.substr(4, 10), "01m892bp80");  // 2026-11-25T10:00:00Z in Crockford base32
  const json& md = o.patched["metadata"];
  EXPECT_EQ(md["annotations"]["kargo.akuity.io/create-actor"], "kubernetes:alice@example.com");
  EXPECT_EQ(md["annotations"]["kargo.akuity.io/stage"], "dev");
  EXPECT_EQ(md["labels"]["kargo.akuity.io/stage"], "dev");
}

TEST(PromotionRules, OriginResolvesToNewestAvailableFreight) {
  auto o = rt::run("promotion", "create-by-origin");
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(o.patched["spec"]["freight"], kJolly);  // newest discoveredAt among dev's candidates
  EXPECT_FALSE(o.patched["spec"].contains("origin"));
}

TEST(PromotionRules, ControlPlaneHasNoCreateActor) {
  auto o = rt::run("promotion", "create-by-controller");
  ASSERT_TRUE(o.allowed);
  EXPECT_FALSE(o.patched["metadata"].contains("annotations") &&
               o.patched["metadata"]["annotations"].contains("kargo.akuity.io/create-actor"));
}

TEST(PromotionRules, CreateActorIsRestoredOnUpdate) {
  auto o = rt::run("promotion", "update-forged-actor");
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(o.patched["metadata"]["annotations"]["kargo.akuity.io/create-actor"],
            "kubernetes:rita@example.com");
  EXPECT_EQ(o.patched["metadata"]["name"], "prod.01jbz5m4q0000000000000000.6e1f9cb");
}

}  // namespace
