// overlay_patch_text (the mutating webhook's patch, written over the request's view) against
// what it stands for, byte for byte: diff_patch_text between the built documents. Generic view
// to view diffs over edited fixture Applications; pin_overlay against
// pin_application(pinned_members(app)) for every fixture Application, Freight and stage of the
// guestbook example, with and without the promotion stamps, and after edits a user could make.
#include <gtest/gtest.h>

#include <functional>

#include "freightgate/admission/overlay_patch.h"
#include "freightgate/admission/patch.h"
#include "freightgate/admission/respond.h"
#include "freightgate/model/json_reader.h"
#include "pins_test_util.h"

namespace fa = freightgate::admission;
namespace fm = freightgate::model;
using fa::Overlay;
using nlohmann::json;

namespace {

// The first source of an Application (spec.source, else spec.sources[0]), if any.
json* first_source(json& app) {
  if (!app.contains("spec") || !app["spec"].is_object()) return nullptr;
  json& spec = app["spec"];
  if (spec.contains("source")) return &spec["source"];
  if (spec.contains("sources") && spec["sources"].is_array() && !spec["sources"].empty())
    return &spec["sources"][0];
  return nullptr;
}

json* env_of(json& app) {
  json* s = first_source(app);
  if (!s || !s->is_object() || !s->contains("plugin") || !(*s)["plugin"].is_object() ||
      !(*s)["plugin"].contains("env"))
    return nullptr;
  return &(*s)["plugin"]["env"];
}

using Edit = std::function<void(json&)>;

// Edits of a whole Application: documents a diff must turn into one another.
const std::vector<std::pair<std::string, Edit>>& app_edits() {
  static const std::vector<std::pair<std::string, Edit>> edits = {
      {"unchanged", [](json&) {}},
      {"metadata removed", [](json& a) { a.erase("metadata"); }},
      {"metadata a string", [](json& a) { a["metadata"] = "x"; }},
      {"annotations removed",
       [](json& a) {
         if (a.contains("metadata") && a["metadata"].is_object())
           a["metadata"].erase("annotations");
       }},
      {"annotations an array",
       [](json& a) {
         a["metadata"]["annotations"] = json::array({1, 2});
       }},
      {"annotation added", [](json& a) { a["metadata"]["annotations"]["x/y~z"] = "1"; }},
      {"spec a number", [](json& a) { a["spec"] = 3; }},
      {"spec emptied", [](json& a) { a["spec"] = json::object(); }},
      {"source not an object",
       [](json& a) {
         if (json* s = first_source(a)) *s = json::array({"a"});
       }},
      {"sources appended",
       [](json& a) {
         if (json* s = first_source(a)) a["spec"]["sources"].push_back(*s);
       }},
      {"sources has a string", [](json& a) { a["spec"]["sources"].push_back("x"); }},
      {"targetRevision a float",
       [](json& a) {
         if (json* s = first_source(a); s && s->is_object()) (*s)["targetRevision"] = 1.5;
       }},
      {"targetRevision 7 (unsigned)",
       [](json& a) {
         if (json* s = first_source(a); s && s->is_object()) (*s)["targetRevision"] = 7u;
       }},
      {"targetRevision -7",
       [](json& a) {
         if (json* s = first_source(a); s && s->is_object()) (*s)["targetRevision"] = -7;
       }},
      {"targetRevision 7.0",
       [](json& a) {
         if (json* s = first_source(a); s && s->is_object()) (*s)["targetRevision"] = 7.0;
       }},
      {"env reversed",
       [](json& a) {
         if (json* e = env_of(a); e && e->is_array()) std::reverse(e->begin(), e->end());
       }},
      {"env entry first",
       [](json& a) {
         if (json* e = env_of(a); e && e->is_array())
           e->insert(e->begin(), json{{"name", "REPLICAS"}, {"value", 2}});
       }},
      {"env entries appended",
       [](json& a) {
         if (json* e = env_of(a); e && e->is_array()) {
           e->push_back({{"name", "REPLICAS"}, {"value", "2"}, {"z", nullptr}});
           e->push_back("FREIGHT=x");
           e->push_back({{"name", "STAGE"}, {"value", "dev"}});
         }
       }},
      {"env entry extra member",
       [](json& a) {
         if (json* e = env_of(a); e && e->is_array() && !e->empty() && (*e)[0].is_object())
           (*e)[0]["a/b"] = {{"n", true}};
       }},
      {"env entry lost its value",
       [](json& a) {
         if (json* e = env_of(a); e && e->is_array() && !e->empty() && (*e)[0].is_object())
           (*e)[0].erase("value");
       }},
      {"env truncated",
       [](json& a) {
         if (json* e = env_of(a); e && e->is_array() && e->size() > 1) e->erase(e->begin() + 1);
       }},
      {"env an object",
       [](json& a) {
         if (json* e = env_of(a)) *e = {{"FREIGHT", "x"}};
       }},
      {"plugin env removed",
       [](json& a) {
         if (json* s = first_source(a); s && s->is_object() && s->contains("plugin"))
           (*s)["plugin"].erase("env");
       }},
      {"plugin added",
       [](json& a) {
         if (json* s = first_source(a); s && s->is_object())
           (*s)["plugin"] = {{"name", "freightgate"}, {"env", json::array()}};
       }},
      {"kustomize added",
       [](json& a) {
         if (json* s = first_source(a); s && s->is_object())
           (*s)["kustomize"] = {{"images", {"nginx:1.27", {{"name", "x"}}, "ghcr.io/a/b:1"}}};
       }},
      {"kustomize images a string",
       [](json& a) {
         if (json* s = first_source(a); s && s->is_object()) (*s)["kustomize"]["images"] = "x";
       }},
      {"deep numbers",
       [](json& a) {
         a["spec"]["x"] = {{"big", 18446744073709551615ull}, {"neg", -1}, {"f", 0.1}, {"e", 1e300}};
       }},
      {"unicode", [](json& a) { a["metadata"]["annotations"]["é/~1"] = "ü\n\"\\\x01"; }},
  };
  return edits;
}

fm::JsonView parsed(fm::JsonDocument& doc, const std::string& text) {
  auto view = doc.parse(text);
  EXPECT_TRUE(view.ok()) << text;
  return view.ok() ? *view : fm::JsonView();
}

json built(fm::JsonView v) { return *fm::build_json(v); }

TEST(OverlayPatch, ViewToViewIsDiffPatchText) {
  const std::vector<json> apps = fgtest::fixture_applications();
  int compared = 0, changed = 0;
  for (const json& app : apps) {
    std::vector<std::string> texts;
    for (const auto& [name, edit] : app_edits()) {
      json edited = app;
      edit(edited);
      texts.push_back(edited.dump());
    }
    // Every edit against the fixture and the fixture against every edit, both ways.
    for (std::size_t i = 0; i < texts.size(); ++i)
      for (std::size_t j : {std::size_t{0}, i}) {
        for (const auto& [a, b] : {std::pair{texts[j], texts[i]}, std::pair{texts[i], texts[j]}}) {
          fm::JsonDocument da, db;
          fm::JsonView from = parsed(da, a), to = parsed(db, b);
          const std::string want = fa::diff_patch_text(built(from), built(to));
          EXPECT_EQ(fa::overlay_patch_text(from, Overlay::view(to)), want)
              << app_edits()[i].first << "\nfrom: " << a << "\nto: " << b;
          ++compared;
          changed += want != "[]";
        }
      }
  }
  EXPECT_GE(compared, 1000);
  EXPECT_GE(changed, 500);
}

// Repeated members count their last value, on both sides.
TEST(OverlayPatch, RepeatedMembersCountTheirLastValue) {
  fm::JsonDocument da, db;
  fm::JsonView from = parsed(da, R"({"a":1,"b":{"c":1,"c":2},"a":3})");
  fm::JsonView to = parsed(db, R"({"b":{"c":2},"a":3,"d":[1,1]})");
  EXPECT_EQ(fa::overlay_patch_text(from, Overlay::view(to)),
            R"([{"op":"add","path":"/d","value":[1,1]}])");
}

TEST(OverlayPatch, PartialObjectsLeaveUnlistedMembersAlone) {
  fm::JsonDocument doc;
  fm::JsonView from = parsed(doc, R"({"m":{"keep":1,"gone":2,"same":"s"},"n":[1,2,3],"o":5})");
  Overlay to = Overlay::object(true);
  Overlay& m = to.child("m");
  m.set("gone", Overlay::absent());
  m.set("same", Overlay::string("s"));
  m.set("new", Overlay::string("v"));
  m.set("never", Overlay::absent());
  Overlay n = Overlay::array();
  n.items.emplace_back("", Overlay::string("x"));
  to.set("n", std::move(n));
  Overlay& p = to.child("p");  // absent in `from`: added as an object of its listed members
  p.set("q", Overlay::string("r"));
  EXPECT_EQ(fa::overlay_patch_text(from, to),
            R"([{"op":"remove","path":"/m/gone"},{"op":"add","path":"/m/new","value":"v"},)"
            R"({"op":"replace","path":"/n/0","value":"x"},{"op":"remove","path":"/n/2"},)"
            R"({"op":"remove","path":"/n/1"},{"op":"add","path":"/p","value":{"q":"r"}}])");
  Overlay whole = Overlay::object(false);
  whole.set("o", Overlay::string("5"));
  EXPECT_EQ(fa::overlay_patch_text(from, whole),
            R"([{"op":"remove","path":"/m"},{"op":"remove","path":"/n"},)"
            R"({"op":"replace","path":"/o","value":"5"}])");
  EXPECT_EQ(fa::overlay_patch_text(from, Overlay::object(true)), "[]");
}

// A patch needs an object to patch: anything else is an internal error (HTTP 500, so the
// webhook's failurePolicy decides), never a patch replacing the whole document.
TEST(OverlayPatch, DecisionNeedsAnObject) {
  fa::RequestInfo req;
  req.uid = "u1";
  req.operation = "DELETE";
  Overlay to = Overlay::object(true);
  to.child("metadata").child("annotations").set("a", Overlay::string("b"));
  for (const char* text : {"null", "\"x\"", "[1]"}) {
    fm::JsonDocument doc;
    fa::Decision d = fa::patch_decision(req, parsed(doc, text), to);
    EXPECT_FALSE(d.ok) << text;
    EXPECT_EQ(d.failure.kind, fa::FailureKind::Internal) << text;
    EXPECT_NE(d.failure.message.find("without an object (operation DELETE)"), std::string::npos);
  }
  EXPECT_FALSE(fa::patch_decision(req, fm::JsonView(), to).ok);
  fm::JsonDocument doc;
  fa::Decision d = fa::patch_decision(req, parsed(doc, R"({"metadata":{}})"), to);
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(d.response.allowed);
  EXPECT_EQ(d.response.patch.text(),
            R"([{"op":"add","path":"/metadata/annotations","value":{"a":"b"}}])");
  d = fa::patch_decision(req, parsed(doc, R"({"metadata":{"annotations":{"a":"b"}}})"), to);
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(d.response.patch.empty());
}

// The promotion stamps mutate writes, on both sides.
struct Stamps {
  std::optional<std::string> promoted_by, promoted_at, previous;
  bool set_previous = false;
};

std::string expected_patch(fm::JsonView app, const fm::Freight& f, const fa::StageRef& stage,
                           const Stamps& s) {
  json from = fa::pinned_members(app);
  json to = fa::pin_application(from, f, stage);
  json& annotations = to["metadata"]["annotations"];
  if (s.promoted_by) annotations[fa::kPromotedByKey] = *s.promoted_by;
  if (s.promoted_at) annotations[fa::kPromotedAtKey] = *s.promoted_at;
  if (s.set_previous) {
    if (s.previous)
      annotations[fa::kPreviousFreightKey] = *s.previous;
    else
      annotations.erase(fa::kPreviousFreightKey);
  }
  return fa::diff_patch_text(from, to);
}

std::string overlay_patch(fm::JsonView app, const fm::Freight& f, const fa::StageRef& stage,
                          const Stamps& s) {
  Overlay to = fa::pin_overlay(app, f, stage);
  Overlay& annotations = to.child("metadata").child("annotations");
  if (s.promoted_by) annotations.set(fa::kPromotedByKey, Overlay::string(*s.promoted_by));
  if (s.promoted_at) annotations.set(fa::kPromotedAtKey, Overlay::string(*s.promoted_at));
  if (s.set_previous)
    annotations.set(fa::kPreviousFreightKey,
                    s.previous ? Overlay::string(*s.previous) : Overlay::absent());
  return fa::overlay_patch_text(app, to);
}

TEST(PinOverlay, PatchIsPinApplicationsDiff) {
  const fgtest::GuestbookPins pins = fgtest::guestbook_pins();
  const std::vector<Stamps> stamps = {
      {},
      {"kubernetes-admin", "2026-11-26T10:00:00Z", std::nullopt, true},
      {"alice@example.com", std::nullopt, "some-freight", true},
      {"bob", std::nullopt, std::nullopt, false},
  };

  int compared = 0, changed = 0;
  for (const json& app : fgtest::fixture_applications())
    for (const auto& [name, edit] : app_edits()) {
      json edited = app;
      edit(edited);
      for (const fm::Freight* f : pins.freight)
        for (const fa::StageRef& stage : pins.stages)
          for (json doc : {edited, fa::pin_application(edited, *f, stage)}) {
            const std::string text = doc.dump();
            fm::JsonDocument parse;
            fm::JsonView view = parsed(parse, text);
            for (const Stamps& s : stamps) {
              const std::string want = expected_patch(view, *f, stage, s);
              ASSERT_EQ(overlay_patch(view, *f, stage, s), want)
                  << name << " for " << f->metadata.name << " on " << stage.str() << ":\n"
                  << text;
              ++compared;
              changed += want != "[]";
            }
          }
    }
  EXPECT_GE(compared, 10000);
  EXPECT_GE(changed, 5000);
  EXPECT_GE(compared - changed, 500);
}

}  // namespace
