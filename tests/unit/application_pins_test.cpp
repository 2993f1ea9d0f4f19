// sources_pinned (the validating webhook's check, read off the view) against what it stands for:
// pin_application(pinned_members(app)) leaving spec unchanged. Every Application of the review
// fixtures, pinned and unpinned, for every Freight and stage of the guestbook example, and each
// pinned one again after edits a user could make to a source.
#include <gtest/gtest.h>

#include <functional>

#include "pins_test_util.h"

namespace fa = freightgate::admission;
namespace fm = freightgate::model;
using nlohmann::json;

namespace {

// What sources_pinned must say: spec as pin_application leaves it.
bool spec_unchanged_by_pins(const std::string& text, const fm::Freight& f,
                            const fa::StageRef& stage) {
  fm::JsonDocument doc;
  auto view = doc.parse(text);
  EXPECT_TRUE(view.ok());
  json members = fa::pinned_members(*view);
  json pinned = fa::pin_application(members, f, stage);
  return members.is_object() ? members.value("spec", json()) == pinned.value("spec", json()) : true;
}

bool pinned_on_view(const std::string& text, const fm::Freight& f, const fa::StageRef& stage) {
  fm::JsonDocument doc;
  auto view = doc.parse(text);
  EXPECT_TRUE(view.ok());
  return fa::sources_pinned(*view, f, stage);
}

// An edit of a source's plugin env, when it has one.
std::function<void(json&)> on_env(std::function<void(json&)> edit) {
  return [edit](json& s) {
    if (s.contains("plugin") && s["plugin"].contains("env")) edit(s["plugin"]["env"]);
  };
}

// Edits of one source (a json object) that may or may not undo a pin.
const std::vector<std::pair<std::string, std::function<void(json&)>>>& source_edits() {
  static const std::vector<std::pair<std::string, std::function<void(json&)>>> edits = {
      {"targetRevision removed", [](json& s) { s.erase("targetRevision"); }},
      {"targetRevision a number", [](json& s) { s["targetRevision"] = 7; }},
      {"targetRevision HEAD", [](json& s) { s["targetRevision"] = "HEAD"; }},
      {"repoURL another spelling",
       [](json& s) {
         if (s.contains("repoURL") && s["repoURL"].is_string())
           s["repoURL"] = s["repoURL"].get<std::string>() + "/";
       }},
      {"chart added", [](json& s) { s["chart"] = "guestbook"; }},
      {"env reversed", on_env([](json& env) { std::reverse(env.begin(), env.end()); })},
      {"env other entry appended", on_env([](json& env) {
         env.push_back({{"name", "REPLICAS"}, {"value", "2"}});
       })},
      {"env other entry first", on_env([](json& env) {
         env.insert(env.begin(), json{{"name", "REPLICAS"}, {"value", "2"}});
       })},
      {"env pin repeated", on_env([](json& env) {
         env.push_back({{"name", "STAGE"}, {"value", "dev"}});
       })},
      {"env entry with an extra member", on_env([](json& env) {
         if (!env.empty()) env[0]["note"] = "x";
       })},
      {"env entry not an object", on_env([](json& env) { env.push_back("FREIGHT=x"); })},
      {"env removed",
       [](json& s) {
         if (s.contains("plugin")) s["plugin"].erase("env");
       }},
      {"env emptied",
       [](json& s) {
         if (s.contains("plugin")) s["plugin"]["env"] = json::array();
       }},
      {"plugin renamed",
       [](json& s) {
         if (s.contains("plugin")) s["plugin"]["name"] = "other";
       }},
      {"kustomize added", [](json& s) { s["kustomize"] = json::object(); }},
      {"kustomize other image appended",
       [](json& s) {
         if (s.contains("kustomize")) s["kustomize"]["images"].push_back("nginx:1.27");
       }},
      {"kustomize pinned image repeated",
       [](json& s) {
         if (s.contains("kustomize") && s["kustomize"]["images"].is_array() &&
             !s["kustomize"]["images"].empty())
           s["kustomize"]["images"].push_back(s["kustomize"]["images"].back());
       }},
      {"kustomize image not a string",
       [](json& s) {
         if (s.contains("kustomize")) s["kustomize"]["images"].push_back(json{{"name", "x"}});
       }},
      {"kustomize images reversed",
       [](json& s) {
         if (s.contains("kustomize") && s["kustomize"]["images"].is_array())
           std::reverse(s["kustomize"]["images"].begin(), s["kustomize"]["images"].end());
       }},
      {"kustomize images removed",
       [](json& s) {
         if (s.contains("kustomize")) s["kustomize"].erase("images");
       }},
  };
  return edits;
}

// Every source of an Application: spec.source and spec.sources[i].
std::vector<json*> sources_of(json& app) {
  std::vector<json*> out;
  if (!app.contains("spec") || !app["spec"].is_object()) return out;
  json& spec = app["spec"];
  if (spec.contains("source")) out.push_back(&spec["source"]);
  if (spec.contains("sources") && spec["sources"].is_array())
    for (auto& s : spec["sources"]) out.push_back(&s);
  return out;
}

TEST(SourcesPinned, SaysWhatPinApplicationDoes) {
  fgtest::GuestbookPins pins = fgtest::guestbook_pins();
  std::vector<fa::StageRef> stages = pins.stages;
  stages.push_back({"elsewhere", "qa"});
  const auto& freight = pins.freight;
  const std::vector<json> apps = fgtest::fixture_applications();

  int compared = 0, held = 0;
  auto check = [&](const json& app, const fm::Freight& f, const fa::StageRef& stage,
                   const std::string& what) {
    const std::string text = app.dump();
    const bool want = spec_unchanged_by_pins(text, f, stage);
    EXPECT_EQ(pinned_on_view(text, f, stage), want)
        << what << " for " << f.metadata.name << " on " << stage.str() << ":\n"
        << app["spec"].dump(2);
    ++compared;
    held += want;
  };
  for (const json& app : apps) {
    for (const fm::Freight* f : freight) {
      for (const fa::StageRef& stage : stages) {
        check(app, *f, stage, "fixture Application");
        json pinned = fa::pin_application(app, *f, stage);
        check(pinned, *f, stage, "pinned Application");
        for (std::size_t i = 0; i < sources_of(pinned).size(); ++i)
          for (const auto& [name, edit] : source_edits()) {
            json edited = pinned;
            edit(*sources_of(edited)[i]);
            check(edited, *f, stage, "source " + std::to_string(i) + ", " + name);
          }
      }
    }
  }
  // Both answers occur often: the comparison is not one-sided.
  EXPECT_GE(held, 500);
  EXPECT_GE(compared - held, 500);
}

// A member written twice counts once, with its last value, as everywhere in a review.
TEST(SourcesPinned, RepeatedMembersCountTheirLastValue) {
  auto src =
      freightgate::state::DirSource::open(std::string(FG_SOURCE_DIR) + "/examples/guestbook");
  ASSERT_TRUE(src.ok());
  auto snapshot = (*src)->current();
  const fm::Freight* f = snapshot->freight_in("guestbook").front();
  const fa::StageRef stage{"guestbook", "dev"};
  json app = {{"metadata", {{"name", "guestbook-dev"}}},
              {"spec",
               {{"source",
                 {{"repoURL", "https://github.com/example/guestbook-gitops.git"},
                  {"path", "env/dev"},
                  {"plugin", {{"name", "freightgate"}}}}}}}};
  app = fa::pin_application(app, *f, stage);
  const std::string pinned = app.dump();
  ASSERT_TRUE(pinned_on_view(pinned, *f, stage));

  const std::string name = "\"name\":\"FREIGHT\"";
  ASSERT_NE(pinned.find(name), std::string::npos);
  // {"name":"FREIGHT","name":"FREIGHT",...}: still the pin.
  std::string twice = pinned;
  twice.replace(twice.find(name), name.size(), name + "," + name);
  EXPECT_TRUE(pinned_on_view(twice, *f, stage));
  EXPECT_EQ(spec_unchanged_by_pins(twice, *f, stage), true);
  // {"name":"OTHER","name":"FREIGHT",...}: the last one counts.
  std::string earlier = pinned;
  earlier.replace(earlier.find(name), name.size(), "\"name\":\"OTHER\"," + name);
  EXPECT_TRUE(pinned_on_view(earlier, *f, stage));
  // {"name":"FREIGHT","name":"OTHER",...}: no longer the pin.
  std::string later = pinned;
  later.replace(later.find(name), name.size(), name + ",\"name\":\"OTHER\"");
  EXPECT_FALSE(pinned_on_view(later, *f, stage));
  EXPECT_FALSE(spec_unchanged_by_pins(later, *f, stage));
  // targetRevision written twice: the earlier one stale, then the later one stale.
  const std::string rev = "\"targetRevision\":";
  std::string stale_first = pinned;
  stale_first.insert(stale_first.find(rev), rev + "\"HEAD\",");
  EXPECT_TRUE(pinned_on_view(stale_first, *f, stage));
  EXPECT_TRUE(spec_unchanged_by_pins(stale_first, *f, stage));
  std::string stale_last = pinned;
  const std::size_t value = stale_last.find(rev) + rev.size();
  stale_last.insert(stale_last.find('"', value + 1) + 1, "," + rev + "\"HEAD\"");
  EXPECT_FALSE(pinned_on_view(stale_last, *f, stage));
  EXPECT_FALSE(spec_unchanged_by_pins(stale_last, *f, stage));
}

// Only the annotations pins and stamps write are built: the others (kubectl's
// last-applied-configuration can be the whole Application again) are the same on both sides.
TEST(PinnedMembers, HoldOnlyTheAnnotationsPinsWrite) {
  auto members = [](const std::string& text) {
    fm::JsonDocument doc;
    auto view = doc.parse(text);
    EXPECT_TRUE(view.ok());
    return fa::pinned_members(*view);
  };
  const std::string last_applied(4096, 'x');
  json app = {
      {"metadata",
       {{"name", "a"},
        {"annotations",
         {{"kubectl.kubernetes.io/last-applied-configuration", last_applied},
          {"kargo.akuity.io/authorized-stage", "p:s"},
          {"freightgate.io/freight", "f1"},
          {"freightgate.io/promoted-by", "u"},
          {"freightgate.io/promoted-at", 7},
          {"freightgate.io/previous-freight", "f0"},
          {"freightgate.io/other", "y"}}}}},
      {"spec", {{"source", {{"repoURL", "r"}}}, {"destination", {{"name", "in-cluster"}}}}}};
  EXPECT_EQ(members(app.dump()), (json{{"metadata",
                                        {{"annotations",
                                          {{"freightgate.io/freight", "f1"},
                                           {"freightgate.io/promoted-by", "u"},
                                           {"freightgate.io/promoted-at", 7},
                                           {"freightgate.io/previous-freight", "f0"}}}}},
                                       {"spec", {{"source", {{"repoURL", "r"}}}}}}));
  // A repeated key counts its last value; annotations that are not an object stay what they are.
  EXPECT_EQ(members(R"({"metadata":{"annotations":{"freightgate.io/freight":"a",)"
                    R"("freightgate.io/freight":"b"}}})"),
            (json{{"metadata", {{"annotations", {{"freightgate.io/freight", "b"}}}}}}));
  EXPECT_EQ(members(R"({"metadata":{"annotations":"oops"}})"),
            (json{{"metadata", {{"annotations", "oops"}}}}));
  EXPECT_EQ(members(R"({"metadata":{"annotations":{"other":"1"}}})"),
            (json{{"metadata", {{"annotations", json::object()}}}}));
}

}  // namespace
