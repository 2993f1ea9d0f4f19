// freightgate.io PromotionPolicy rule set: selectors, windows (cron, duration, time zone),
// duplicate policies.
#include <gtest/gtest.h>

#include "rules_test_util.h"

namespace {

using rt::Case;

class PromotionPolicyRules : public ::testing::TestWithParam<Case> {};
TEST_P(PromotionPolicyRules, Decides) { rt::check("promotion_policy", GetParam()); }

const Case kCases[] = {
    {"create-staging", true, ""},
    {"duplicate-selector", false,
     "PromotionPolicy \"prod-more\" in namespace \"guestbook\": spec.stageSelector: selects the "
     "same Stages as PromotionPolicy \"prod-gates\"; merge the two policies into one"},
    {"update-same-policy", true, ""},
    {"bad-cron", false, "spec.windows[0].schedule: \"0 25 * * 5\""},
    {"bad-time-zone", false, "spec.windows[0].timeZone: \"Mars/Olympus_Mons\": unknown time zone"},
    {"bad-pattern", false, "spec.stageSelector.name: regular expression \"[unclosed\""},
    {"empty-selector", false, "spec.stageSelector: must select stages"},
    {"not-project", false, "namespace \"default\" is not a Kargo project"},
};
INSTANTIATE_TEST_SUITE_P(Table, PromotionPolicyRules, ::testing::ValuesIn(kCases), rt::case_name);

}  // namespace
