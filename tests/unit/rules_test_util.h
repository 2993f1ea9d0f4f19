// Shared harness of the pipeline-kind rule tests (rules_<kind>_test.cpp): the example pipeline
// (examples/guestbook) as state with its RBAC as authorizer, a fixed clock, and the request path
// of kube-apiserver: mutating webhook -> patch applied -> validating webhook on the patched
// object. Every patch is also applied with `kubectl patch --local --type=json` and compared.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admission_test_util.h"
#include "freightgate/admission/engine.h"
#include "freightgate/admission/patch.h"
#include "freightgate/admission/review.h"
#include "freightgate/state/dir_source.h"

namespace rt {

using nlohmann::json;
namespace fa = freightgate::admission;
namespace fm = freightgate::model;
namespace fs = freightgate::state;

// Wednesday 2026-11-25 10:00 UTC: outside the example's weekend deny window.
inline fm::Time now() { return *fm::parse_time("2026-11-25T10:00:00Z"); }

inline std::shared_ptr<fs::DirSource> guestbook() {
  static std::shared_ptr<fs::DirSource> src = [] {
    auto s = fs::DirSource::open(std::string(FG_SOURCE_DIR) + "/examples/guestbook");
    if (!s.ok()) ADD_FAILURE() << s.error().to_string();
    return s.ok() ? *s : nullptr;
  }();
  return src;
}

inline json fixture(const std::string& kind, const std::string& name) {
  std::string text = fgtest::read_file(std::string(FG_SOURCE_DIR) + "/tests/fixtures/admission/" +
                                       kind + "/" + name + ".json");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "fixture " << kind << "/" << name << " is not JSON";
  return j;
}

inline fa::Decision decide(fa::Phase phase, const json& review,
                           const fa::EngineConfig& config = fa::EngineConfig{}) {
  auto src = guestbook();
  fa::Context ctx{*src->current(), *src->authorizer(), now(), config};
  return fa::handle(phase, review.dump(), ctx);
}

// One request as kube-apiserver processes it.
struct Outcome {
  fa::Decision mutate;
  fa::Decision validate;
  json patched;  // the object after the mutating webhook's patch (null on DELETE)
  bool allowed = false;
  std::optional<fa::AdmissionResponse> denial;  // the response that denied, if any
};

inline Outcome run(const std::string& kind, const std::string& name) {
  Outcome o;
  json review = fixture(kind, name);
  const json& request = review["request"];
  o.mutate = decide(fa::Phase::Mutate, review);
  EXPECT_TRUE(o.mutate.ok) << name << ": " << o.mutate.failure.message;
  EXPECT_EQ(o.mutate.response.uid, request["uid"].get<std::string>());
  o.patched = request["object"];
  if (o.mutate.ok && !o.mutate.response.allowed) {
    o.denial = o.mutate.response;
    return o;
  }
  if (!o.mutate.response.patch.empty()) {
    auto applied = fa::apply_patch(o.patched, o.mutate.response.patch.ops());
    EXPECT_TRUE(applied.ok()) << name << ": " << (applied.ok() ? "" : applied.error().to_string());
    if (applied.ok()) {
      json via_kubectl = fgtest::kubectl_patch(o.patched, o.mutate.response.patch.ops());
      EXPECT_EQ(via_kubectl, *applied) << name << ": kubectl patch --local disagrees";
      o.patched = *applied;
    }
    // Mutation is idempotent (reinvocationPolicy: IfNeeded): a second round changes nothing.
    json again = review;
    again["request"]["object"] = o.patched;
    fa::Decision second = decide(fa::Phase::Mutate, again);
    EXPECT_TRUE(second.response.patch.empty())
        << name << ": second mutation patched again: " << second.response.patch.text();
  }
  json validated = review;
  validated["request"]["object"] = o.patched;
  o.validate = decide(fa::Phase::Validate, validated);
  EXPECT_TRUE(o.validate.ok) << name << ": " << o.validate.failure.message;
  EXPECT_EQ(o.validate.response.uid, request["uid"].get<std::string>());
  EXPECT_TRUE(o.validate.response.patch.empty());
  o.allowed = o.validate.ok && o.validate.response.allowed;
  if (o.validate.ok && !o.validate.response.allowed) o.denial = o.validate.response;
  return o;
}

// A row of a rule table: the fixture, the outcome, a fragment of the denial message and of a
// warning (either "" when none is expected).
struct Case {
  const char* fixture;
  bool allowed;
  const char* message;
  const char* warning = "";
};

inline std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.fixture;
  std::replace_if(
      n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return n;
}

inline bool any_contains(const std::vector<std::string>& v, const std::string& frag) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& s) { return s.find(frag) != s.npos; });
}

// Checks one row: allowed, code/reason, message fragment, warnings, and the wire form.
inline void check(const std::string& kind, const Case& c) {
  Outcome o = run(kind, c.fixture);
  EXPECT_EQ(o.allowed, c.allowed) << c.fixture << ": "
                                  << (o.denial ? o.denial->message : std::string("allowed"));
  if (!c.allowed) {
    ASSERT_TRUE(o.denial.has_value()) << c.fixture;
    EXPECT_EQ(o.denial->code, 403);
    EXPECT_EQ(o.denial->reason, "Forbidden");
    EXPECT_NE(o.denial->message.find(c.message), std::string::npos)
        << c.fixture << ": message was: " << o.denial->message;
    EXPECT_EQ(o.denial->message.find('\n'), std::string::npos);
    // The wire form kube-apiserver reads.
    json wire = json::parse(fa::encode_review_response(*o.denial));
    EXPECT_EQ(wire["response"]["allowed"], false);
    EXPECT_EQ(wire["response"]["status"]["code"], 403);
    EXPECT_FALSE(wire["response"].contains("patch"));
  }
  std::vector<std::string> warnings = o.mutate.response.warnings;
  warnings.insert(warnings.end(), o.validate.response.warnings.begin(),
                  o.validate.response.warnings.end());
  if (std::string(c.warning).empty()) {
    EXPECT_TRUE(warnings.empty()) << c.fixture << ": unexpected warning: " << warnings.front();
  } else {
    EXPECT_TRUE(any_contains(warnings, c.warning))
        << c.fixture << ": no warning with: " << c.warning;
  }
  for (const auto& w : warnings) {
    EXPECT_LE(w.size(), 120u) << w;
    EXPECT_EQ(w.find_first_of("\n\t\r"), std::string::npos) << w;
  }
}

}  // namespace rt
