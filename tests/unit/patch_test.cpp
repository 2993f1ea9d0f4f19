// diff_patch: exactly nlohmann's json::diff operations (the patches the tests and users have
// always seen), each one reproducing its target under the strict applier.
#include "freightgate/admission/patch.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "freightgate/file.h"
#include "freightgate/model/json_reader.h"

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
  // The same operations from a view of `from`.
  freightgate::model::JsonDocument doc;
  auto view = doc.parse(from.dump());
  ASSERT_TRUE(view.ok());
  json from_view = json::array();
  fa::append_diff(*view, to, "", from_view);
  EXPECT_EQ(from_view, patch);
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
        Edit{"null_vs_missing", [](json& o) { o["spec"]["source"]["chart"] = nullptr; }}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DiffPatch, RootsOfDifferentTypesAreReplaced) {
  EXPECT_EQ(fa::diff_patch(json::object(), json::array()),
            json::diff(json::object(), json::array()));
}

// A view reads a repeated member as its last value, numbers across their types as nlohmann
// does: its diff is the one of the document build_json makes of it, for every pair of these.
TEST(DiffPatch, FromAViewIsFromItsDocument) {
  const std::vector<const char*> texts = {"null",
                                          "1",
                                          "1.0",
                                          "18446744073709551615",
                                          "\"a\"",
                                          "[]",
                                          "[1,2]",
                                          "[2]",
                                          "{}",
                                          R"({"a":1})",
                                          R"({"a":1,"a":2})",
                                          R"({"a":2})",
                                          R"({"b":[1,{"c":1,"c":2}],"a":1})",
                                          R"({"a":1,"b":[1,{"c":2}]})",
                                          R"({"a/b~c":{"x":1},"x":null})",
                                          R"({"a/b~c":{"x":2}})"};
  for (const char* a : texts) {
    for (const char* b : texts) {
      freightgate::model::JsonDocument doc;
      auto view = doc.parse(a);
      auto from = freightgate::model::read_json(a);
      auto to = freightgate::model::read_json(b);
      ASSERT_TRUE(view.ok() && from.ok() && to.ok());
      json ops = json::array();
      fa::append_diff(*view, *to, "/m", ops);
      json want = json::array();
      for (json op : fa::diff_patch(*from, *to)) {
        op["path"] = "/m" + op["path"].get<std::string>();
        want.push_back(op);
      }
      EXPECT_EQ(ops, want) << a << " -> " << b;
    }
  }
  json ops = json::array();
  fa::append_diff(freightgate::model::JsonView(), json{{"k", 1}}, "/m", ops);
  EXPECT_EQ(ops, json::parse(R"([{"op":"add","path":"/m","value":{"k":1}}])"));
}

}  // namespace
