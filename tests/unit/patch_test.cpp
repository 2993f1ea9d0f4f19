// diff_patch: exactly nlohmann's json::diff operations (the patches the tests and users have
// always seen), each one reproducing its target under the strict applier.
#include "freightgate/admission/patch.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "freightgate/file.h"

namespace fa = freightgate::admission;
using nlohmann::json;

namespace {

json live_application() {
  auto text =
      freightgate::read_file(std::string(FG_SOURCE_DIR) + "/bench/admission/review-mutate.json");
  return text ? json::parse(*text)["request"]["oldObject"] : json();
}

struct Edit {
  const char* name;
  std::function<void(json&)> apply;
};

class DiffPatch : public ::testing::TestWithParam<Edit> {};

TEST_P(DiffPatch, IsJsonDiffAndReproducesTheTarget) {
  const json from = live_application();
  ASSERT_TRUE(from.is_object());
  json to = from;
  GetParam().apply(to);
  json patch = fa::diff_patch(from, to);
  EXPECT_EQ(patch, json::diff(from, to)) << patch.dump();
  // The webhook's text of it: byte for byte what nlohmann writes of the operations.
  EXPECT_EQ(fa::diff_patch_text(from, to), patch.dump());
  auto applied = fa::apply_patch(from, patch);
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_EQ(*applied, to);
}

INSTANTIATE_TEST_SUITE_P(
    Edits, DiffPatch,
    ::testing::Values(
        Edit{"nothing", [](json&) {}},
        Edit{"scalar", [](json& o) { o["spec"]["source"]["targetRevision"] = "abc"; }},
        Edit{"annotation_added",
             [](json& o) { o["metadata"]["annotations"]["freightgate.io/x~y"] = "1"; }},
        Edit{"annotation_removed",
             [](json& o) { o["metadata"]["annotations"].erase("freightgate.io/freight"); }},
        Edit{"new_subtree",
             [](json& o) {
               o["spec"]["source"]["kustomize"] = {{"images", {"a"}}};
             }},
        Edit{"array_item_changed",
             [](json& o) { o["spec"]["source"]["plugin"]["env"][1]["value"] = "prod"; }},
        Edit{"array_grows",
             [](json& o) {
               o["spec"]["source"]["plugin"]["env"].push_back({{"name", "A"}, {"value", "1"}});
               o["spec"]["source"]["plugin"]["env"].push_back({{"name", "B"}, {"value", "2"}});
             }},
        Edit{"array_shrinks",
             [](json& o) {
               auto& env = o["spec"]["source"]["plugin"]["env"];
               env.erase(env.begin() + 1, env.end());
             }},
        Edit{"array_emptied",
             [](json& o) { o["spec"]["syncPolicy"]["syncOptions"] = json::array(); }},
        Edit{"type_changes",
             [](json& o) {
               o["spec"]["source"]["plugin"] = json::array({1});
               o["metadata"]["generation"] = "42";
             }},
        Edit{"signed_equals_unsigned",
             [](json& o) { o["metadata"]["generation"] = static_cast<std::int64_t>(42); }},
        Edit{"whole_member_gone", [](json& o) { o.erase("status"); }},
        Edit{"null_vs_missing", [](json& o) { o["spec"]["source"]["chart"] = nullptr; }},
        Edit{"escaped_text",
             [](json& o) {
               o["metadata"]["annotations"]["a/b~c"] = "caf\u00e9 \"q\"\n\\";
               o["spec"]["source"]["plugin"]["env"][0]["value"] = "tab\there";
             }}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DiffPatch, RootsOfDifferentTypesAreReplaced) {
  EXPECT_EQ(fa::diff_patch(json::object(), json::array()),
            json::diff(json::object(), json::array()));
}

TEST(DiffPatch, TextOfNothingIsAnEmptyArray) {
  EXPECT_EQ(fa::diff_patch_text(json::object(), json::object()), "[]");
  EXPECT_EQ(fa::diff_patch_text(json::object(), json::array()),
            fa::diff_patch(json::object(), json::array()).dump());
}

}  // namespace
