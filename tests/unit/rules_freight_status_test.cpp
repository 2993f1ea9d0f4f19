// freights/status: approvals need `promote` on the Stage, verifications `verify`, as RBAC in
// examples/guestbook/rbac.yaml grants them; control-plane identities bypass.
#include <gtest/gtest.h>

#include "rules_test_util.h"

namespace {

using rt::Case;

class FreightStatusRules : public ::testing::TestWithParam<Case> {};
TEST_P(FreightStatusRules, Decides) { rt::check("freight_status", GetParam()); }

const Case kCases[] = {
    {"approve-by-developer", false,
     "Freight \"15317018bfd430928c2bb2ecc4cd79fbe644bf16\" in namespace \"guestbook\": "
     "status.approvedFor.prod: user \"alice@example.com\" may not approve Freight for Stage "
     "\"prod\" (needs verb \"promote\" on stages \"prod\")"},
    {"approve-by-release-manager", true, ""},
    {"approve-unknown-stage", false,
     "status.approvedFor.prdo: Stage \"prdo\" does not exist in namespace \"guestbook\""},
    {"verify-by-ci", true, ""},
    {"verify-by-developer", false,
     "status.verifiedIn.dev: user \"alice@example.com\" may not record a verification in Stage "
     "\"dev\" (needs verb \"verify\""},
    {"verify-by-controller", true, ""},
    {"existing-approval-kept", true, ""},
};
INSTANTIATE_TEST_SUITE_P(Table, FreightStatusRules, ::testing::ValuesIn(kCases), rt::case_name);

TEST(FreightStatusRules, EmptyControlPlaneRegexMeansNoBypass) {
  rt::fa::EngineConfig config;
  config.control_plane_users = "";
  auto d = rt::decide(rt::fa::Phase::Validate,
                      rt::fixture("freight_status", "verify-by-controller"), config);
  ASSERT_TRUE(d.ok);
  EXPECT_FALSE(d.response.allowed);
  EXPECT_NE(d.response.message.find("system:serviceaccount:kargo:kargo-controller"),
            std::string::npos);
}

TEST(FreightStatusRules, MutationLeavesStatusAlone) {
  auto d = rt::decide(rt::fa::Phase::Mutate, rt::fixture("freight_status", "approve-by-developer"));
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(d.response.allowed);
  EXPECT_TRUE(d.response.patch.empty());
}

}  // namespace
