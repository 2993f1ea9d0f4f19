// Project rule set: name rules, legacy promotion policies.
#include <gtest/gtest.h>

#include "rules_test_util.h"

namespace {

using rt::Case;

class ProjectRules : public ::testing::TestWithParam<Case> {};
TEST_P(ProjectRules, Decides) { rt::check("project", GetParam()); }

const Case kCases[] = {
    {"create-shop", true, ""},
    {"create-bad-name", false,
     "Project \"Shop_1\": metadata.name: \"Shop_1\" is not a valid DNS-1123 label"},
    {"create-duplicate-policy", false,
     "spec.promotionPolicies[1].stage: stage name already defined at spec.promotionPolicies[0]"},
    {"update-guestbook", true, ""},
};
INSTANTIATE_TEST_SUITE_P(Table, ProjectRules, ::testing::ValuesIn(kCases), rt::case_name);

}  // namespace
