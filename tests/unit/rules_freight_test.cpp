// Freight rule set over the example pipeline: naming by Kargo ID, alias generation and sync,
// artifacts against the Warehouse's subscriptions, immutability, deletion while pinned.
#include <gtest/gtest.h>

#include "freightgate/freight/alias.h"
#include "freightgate/freight/id.h"
#include "rules_test_util.h"

namespace {

using rt::Case;
using rt::json;

constexpr const char* kNewId = "2dcee69679a446cc57a1269c38527828ecb1ff06";

class FreightRules : public ::testing::TestWithParam<Case> {};
TEST_P(FreightRules, Decides) { rt::check("freight", GetParam()); }

const Case kCases[] = {
    {"create-new", true, ""},
    {"create-new-named", true, ""},
    {"create-label-alias", true, ""},
    {"create-wrong-name", true, ""},  // the mutating webhook renames it to the ID
    {"create-no-artifacts", false,
     "Freight \"e795730af81a843532428e9a819ec955a6a827cb\" in namespace \"guestbook\": freight "
     "must "
     "contain at least one commit, image, chart or artifact"},
    {"create-unknown-warehouse", false,
     "origin.name: Warehouse \"nope\" does not exist in namespace \"guestbook\"; create it first"},
    {"create-unsubscribed-image", false,
     "images[1]: no subscription found for image repository \"ghcr.io/akuity/other\" in Warehouse "
     "\"guestbook\""},
    {"create-missing-commit", false,
     "no artifact found for subscription \"https://github.com/example/guestbook-gitops.git\" of "
     "Warehouse \"guestbook\""},
    {"create-two-images", false,
     "images[1]: multiple artifacts found for subscription \"ghcr.io/akuity/guestbook\""},
    {"create-not-project", false,
     "metadata.namespace: namespace \"default\" is not a Kargo project; create Project "
     "\"default\""},
    {"create-alias-taken", false,
     "alias: alias \"tidy-otter\" already used by another piece of Freight in namespace "
     "\"guestbook\""},
    {"update-immutable", false,
     "Freight \"15317018bfd430928c2bb2ecc4cd79fbe644bf16\" in namespace \"guestbook\": images[0]: "
     "Freight is immutable; create a new Freight instead"},
    {"update-alias", true, ""},
    {"update-alias-taken", false, "alias \"brave-falcon\" already used"},
    {"delete-pinned", false,
     "Freight is pinned by Application \"argocd/guestbook-prod\" of Stage \"prod\"; promote other "
     "Freight to that Stage first"},
    {"delete-unused", true, ""},
    {"delete-in-use", false, "freight is in-use by stages (\"qa\")"},
};
INSTANTIATE_TEST_SUITE_P(Table, FreightRules, ::testing::ValuesIn(kCases), rt::case_name);

TEST(FreightRules, CreateNamesByIdAndGeneratesAlias) {
  auto o = rt::run("freight", "create-new");
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(o.patched["metadata"]["name"], kNewId);
  const std::string alias = o.patched["alias"];
  EXPECT_TRUE(freightgate::freight::is_generated_alias(alias)) << alias;
  EXPECT_EQ(o.patched["metadata"]["labels"]["kargo.akuity.io/alias"], alias);
  EXPECT_EQ(o.patched["discoveredAt"], "2026-11-25T10:00:00Z");
  // Unique in the namespace: none of the example's aliases.
  auto snap = rt::guestbook()->current();
  EXPECT_EQ(snap->freight_by_alias("guestbook", alias), nullptr);
  // The ID agrees with the freight module's computation on the decoded object.
  auto decoded = freightgate::model::decode_json(o.patched);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(freightgate::freight::freight_id(std::get<freightgate::model::Freight>(*decoded)),
            kNewId);
}

TEST(FreightRules, KeepsGivenNameAliasAndDiscoveredAt) {
  auto o = rt::run("freight", "create-new-named");
  ASSERT_TRUE(o.allowed);
  EXPECT_TRUE(o.mutate.response.patch.empty()) << o.mutate.response.patch.text();
  EXPECT_EQ(o.patched["alias"], "shiny-shark");
}

TEST(FreightRules, LabelCountsAsRequestedAlias) {
  auto o = rt::run("freight", "create-label-alias");
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(o.patched["alias"], "handy-hare");
  EXPECT_EQ(o.patched["metadata"]["labels"]["kargo.akuity.io/alias"], "handy-hare");
}

TEST(FreightRules, WrongNameIsReplacedByTheId) {
  auto o = rt::run("freight", "create-wrong-name");
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(o.patched["metadata"]["name"], kNewId);
  // Without the mutating webhook (failed open), validation refuses the name.
  auto d = rt::decide(rt::fa::Phase::Validate, rt::fixture("freight", "create-wrong-name"));
  ASSERT_FALSE(d.response.allowed);
  EXPECT_NE(
      d.response.message.find("metadata.name: must be the Freight ID \"" + std::string(kNewId)),
      std::string::npos)
      << d.response.message;
}

TEST(FreightRules, AliasChangeSyncsLabel) {
  auto o = rt::run("freight", "update-alias");
  ASSERT_TRUE(o.allowed);
  EXPECT_EQ(
      o.mutate.response.patch.ops(),
      json::parse(
          R"([{"op":"replace","path":"/metadata/labels/kargo.akuity.io~1alias","value":"jumpy-jaguar"}])"));
}

}  // namespace
