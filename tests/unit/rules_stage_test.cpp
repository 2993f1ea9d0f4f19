// Stage rule set over the example pipeline (dev -> staging -> prod).
#include <gtest/gtest.h>

#include "rules_test_util.h"

namespace {

using rt::Case;
using rt::json;

class StageRules : public ::testing::TestWithParam<Case> {};
TEST_P(StageRules, Decides) { rt::check("stage", GetParam()); }

const Case kCases[] = {
    {"create-qa", true, ""},
    {"create-unknown-upstream", false,
     "Stage \"qa\" in namespace \"guestbook\": spec.requestedFreight[0].sources.stages[0]: "
     "upstream Stage \"stagin\" does not exist in project \"guestbook\"; did you mean "
     "\"staging\"?"},
    {"update-cycle", false, "cycle in the Warehouse/guestbook pipeline"},
    {"create-duplicate-origin", false,
     "spec.requestedFreight[1].origin: Warehouse/guestbook is already requested by "
     "spec.requestedFreight[0]"},
    {"create-matchupstream-direct", false,
     "selection policy 'MatchUpstream' cannot be used when accepting Freight directly from its "
     "origin"},
    {"create-matchupstream-two", false,
     "selection policy 'MatchUpstream' requires exactly one upstream Stage"},
    {"create-reserved-alias", false,
     "spec.promotionTemplate.spec.steps[0].as: step alias \"step-1\" is reserved"},
    {"create-duplicate-alias", false,
     "spec.promotionTemplate.spec.steps[1].as: step alias duplicates that of "
     "spec.promotionTemplate.spec.steps[0]"},
    {"create-task-with-config", false,
     "spec.promotionTemplate.spec.steps[0].config: PromotionTemplate step referencing a task "
     "cannot have a config"},
    {"create-other-origin-upstream", false,
     "upstream Stage \"dev\" does not request Freight from Warehouse/charts",
     "Warehouse \"charts\" does not exist in namespace \"guestbook\" yet"},
    {"update-reverify", true, ""},
    {"create-not-project", false, "namespace \"default\" is not a Kargo project"},
};
INSTANTIATE_TEST_SUITE_P(Table, StageRules, ::testing::ValuesIn(kCases), rt::case_name);

TEST(StageRules, ShardLabelSynced) {
  auto o = rt::run("stage", "create-qa");
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(o.patched["metadata"]["labels"]["kargo.akuity.io/shard"], "eu");
}

TEST(StageRules, ReverifyRequestGetsActor) {
  auto o = rt::run("stage", "update-reverify");
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(o.patched["metadata"]["annotations"]["kargo.akuity.io/reverify"],
            R"({"id":"verification-1","actor":"kubernetes:rita@example.com"})");
}

}  // namespace
