// ProjectConfig rule set: name == namespace, selectors that parse, no duplicate policies,
// webhook receivers of exactly one type.
#include <gtest/gtest.h>

#include "rules_test_util.h"

namespace {

using rt::Case;

class ProjectConfigRules : public ::testing::TestWithParam<Case> {};
TEST_P(ProjectConfigRules, Decides) { rt::check("project_config", GetParam()); }

const Case kCases[] = {
    {"create-valid", true, ""},
    {"name-mismatch", false,
     "ProjectConfig \"config\" in namespace \"guestbook\": metadata.name: name \"config\" must "
     "match project name \"guestbook\"; name the ProjectConfig \"guestbook\""},
    {"bad-pattern", false,
     "spec.promotionPolicies[0].stageSelector.name: invalid pattern identifier \"wildcard\": must "
     "be "
     "\"regex\", \"regexp\" or \"glob\""},
    {"bad-regex", false,
     "spec.promotionPolicies[0].stageSelector.name: regular expression \"(prod\""},
    {"duplicate-stage", false,
     "spec.promotionPolicies[1]: stage name already defined at spec.promotionPolicies[0]"},
    {"stage-and-selector", false,
     "spec.promotionPolicies[0]: set exactly one of stage or stageSelector, not both"},
    {"receiver-two-types", false,
     "spec.webhookReceivers[0]: cannot define a receiver that is of more than one type, found 2: "
     "[github, gitlab]"},
    {"not-project", false, "namespace \"default\" is not a Kargo project"},
    {"bad-expression", false,
     "spec.promotionPolicies[0].stageSelector.matchExpressions[0].values: required (must not be "
     "empty) for operator In"},
};
INSTANTIATE_TEST_SUITE_P(Table, ProjectConfigRules, ::testing::ValuesIn(kCases), rt::case_name);

}  // namespace
