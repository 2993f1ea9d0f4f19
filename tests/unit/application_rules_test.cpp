// The Application rule set over the guestbook example, run the way kube-apiserver runs it:
// mutating webhook, its patch applied with `kubectl patch --local --type=json` (and compared
// with our own applier), then the validating webhook on the patched object.
#include <gtest/gtest.h>

#include <filesystem>

#include "admission_test_util.h"
#include "freightgate/admission/engine.h"
#include "freightgate/admission/patch.h"
#include "freightgate/model/meta.h"
#include "freightgate/state/dir_source.h"

namespace fa = freightgate::admission;
namespace fs = freightgate::state;
using nlohmann::json;

namespace {

const std::string kFixtures = std::string(FG_SOURCE_DIR) + "/tests/fixtures/admission/application/";

freightgate::model::Time parse_time(const std::string& rfc3339) {
  std::tm tm{};
  strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return freightgate::model::Clock::from_time_t(timegm(&tm));
}

std::shared_ptr<fs::DirSource> guestbook() {
  static std::shared_ptr<fs::DirSource> src = [] {
    auto s = fs::DirSource::open(std::string(FG_SOURCE_DIR) + "/examples/guestbook");
    if (!s) ADD_FAILURE() << s.error().to_string();
    return s ? *s : nullptr;
  }();
  return src;
}

struct Outcome {
  fa::Decision mutate;
  json patched;  // the object after the mutating webhook (kubectl-applied)
  fa::Decision validate;
};

// Mutate, apply the patch like kube-apiserver, validate the result.
Outcome admit(const std::string& fixture, const std::string& now = "2026-11-26T10:00:00Z") {
  auto src = guestbook();
  fa::EngineConfig config;
  fa::Context ctx{*src->current(), *src->authorizer(), parse_time(now), config};
  auto req = fa::parse_review(fgtest::read_file(kFixtures + fixture + ".json"));
  EXPECT_TRUE(req.ok()) << fixture << ": " << req.error().to_string();
  Outcome out;
  out.mutate = fa::decide(fa::Phase::Mutate, *req, ctx);
  EXPECT_TRUE(out.mutate.ok) << out.mutate.failure.message;
  out.patched = req->object;
  if (!out.mutate.response.patch.empty()) {
    out.patched = fgtest::kubectl_patch(req->object, out.mutate.response.patch.ops());
    auto ours = fa::apply_patch(req->object, out.mutate.response.patch.ops());
    EXPECT_TRUE(ours.ok());
    EXPECT_EQ(out.patched, *ours) << "kubectl and freightgate disagree on the patch";
    // Reinvocation (reinvocationPolicy: IfNeeded) must be a no-op.
    fa::AdmissionRequest again = *req;
    again.object = out.patched;
    auto second = fa::decide(fa::Phase::Mutate, again, ctx);
    EXPECT_TRUE(second.response.patch.empty())
        << "second mutation: " << second.response.patch.text();
  }
  fa::AdmissionRequest patched = *req;
  patched.object = out.patched;
  out.validate = fa::decide(fa::Phase::Validate, patched, ctx);
  EXPECT_TRUE(out.validate.ok) << out.validate.failure.message;
  EXPECT_TRUE(out.validate.response.patch.empty());
  EXPECT_EQ(out.validate.response.uid, req->uid);
  return out;
}

struct Case {
  const char* fixture;
  bool allowed;
  const char* message;  // fragment of the denial message ("" when allowed)
  const char* warning;  // fragment of a warning, or ""
  bool mutated;         // the mutating webhook wrote a patch
  std::vector<std::pair<const char*, json>> fields;  // JSON pointer -> value after mutation
  const char* now = "2026-11-26T10:00:00Z";
};

const char* kJolly = "15317018bfd430928c2bb2ecc4cd79fbe644bf16";
const char* kBrave = "6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497";
const char* kTidy = "93afe3ae59d445f27849cde1141aeefbd9d6954e";
const char* kJollyImage =
    "ghcr.io/akuity/"
    "guestbook:v0.0.3@sha256:395a642f6243d6708c8d2ab2df70c30b48a50de0f414d1a46f49b14825d6629e";
const char* kAnn = "/metadata/annotations/freightgate.io~1freight";

std::vector<Case> cases() {
  return {
      {"dev-promote-by-alias",
       true,
       "",
       "",
       true,
       {{kAnn, kJolly},
        {"/metadata/annotations/freightgate.io~1promoted-by", "alice@example.com"},
        {"/metadata/annotations/freightgate.io~1promoted-at", "2026-11-26T10:00:00Z"},
        {"/metadata/annotations/freightgate.io~1previous-freight", kBrave},
        {"/spec/source/targetRevision", "c0ffee00d15ea5e5b0a710adf00dfacecafe0123"},
        {"/spec/source/plugin/env/0", {{"name", "FREIGHT"}, {"value", kJolly}}},
        {"/spec/source/plugin/env/3", {{"name", "IMAGES"}, {"value", kJollyImage}}},
        {"/spec/source/plugin/env/4",
         {{"name", "COMMITS"},
          {"value",
           "https://github.com/example/"
           "guestbook-gitops.git@c0ffee00d15ea5e5b0a710adf00dfacecafe0123"}}}}},
      {"dev-promote-by-plugin-env",
       true,
       "",
       "",
       true,
       {{kAnn, kJolly}, {"/spec/source/plugin/env/0/value", kJolly}}},
      {"staging-unverified",
       false,
       "not verified in upstream Stage \"dev\"",
       "",
       true,
       {{kAnn, kJolly}}},
      {"staging-rollback",
       true,
       "",
       "rollback: guestbook:staging goes back to Freight \"tidy-otter\"",
       true,
       {{kAnn, kTidy}, {"/metadata/annotations/freightgate.io~1previous-freight", kBrave}}},
      {"prod-unapproved", false, "needs an approval: PromotionPolicy", "", true, {{kAnn, kBrave}}},
      {"prod-by-developer",
       false,
       "needs the promote verb on stages.kargo.akuity.io \"prod\" in namespace \"guestbook\", "
       "which "
       "user \"alice@example.com\" (groups guestbook-developers) does not have",
       "",
       true,
       {}},
      {"unknown-freight",
       false,
       "Freight \"sleepy-sloth\" does not exist in project \"guestbook\"",
       "",
       false,
       {}},
      {"prod-branch-target",
       false,
       "spec.source.targetRevision: does not match Freight \"tidy-otter\" (93afe3a), which this "
       "Application asks for in metadata.annotations[\"freightgate.io/freight\"]",
       "",
       false,
       {{"/spec/source/targetRevision", "main"}}},
      {"prod-path-change-developer",
       false,
       "changing spec.source.path of Stage \"prod\" of project \"guestbook\"'s Application needs "
       "the promote verb",
       "",
       false,
       {}},
      {"prod-path-change-release-manager", true, "", "", false, {}},
      {"prod-unauthorize-developer",
       false,
       "removing kargo.akuity.io/authorized-stage (Stage \"prod\" of project \"guestbook\") needs "
       "the promote verb",
       "",
       false,
       {}},
      {"prod-unauthorize-release-manager", true, "", "", false, {}},
      {"prod-drop-plugin", true, "", "", false, {}},
      {"prod-drop-plugin-developer",
       false,
       "changing spec.source.plugin of Stage \"prod\" of project \"guestbook\"'s Application "
       "needs the promote verb",
       "",
       false,
       {}},
      {"prod-status-only", true, "", "", false, {}},
      {"dev-two-stages", false, "lists several stages", "", false, {}},
      {"dev-unknown-stage",
       false,
       "Stage \"qa\" of project \"guestbook\" does not exist",
       "",
       false,
       {}},
      {"ungoverned", true, "", "", false, {}},
      {"create-dev-by-alias",
       true,
       "",
       "",
       true,
       {{kAnn, kBrave},
        {"/spec/source/targetRevision", "8a1b2c3d4e5f60718293a4b5c6d7e8f901234567"},
        {"/spec/source/plugin/env/1", {{"name", "STAGE"}, {"value", "dev"}}},
        {"/metadata/annotations/freightgate.io~1promoted-by", "alice@example.com"}}},
      {"create-dev-by-stranger", false, "user \"eve@example.com\"", "", true, {}},
      {"prod-by-controller", false, "needs an approval", "", true, {}},
      {"dev-kustomize-source",
       true,
       "",
       "",
       true,
       {{"/spec/source/kustomize/images", json::array({"redis:7.2", kJollyImage})},
        {"/spec/source/targetRevision", "c0ffee00d15ea5e5b0a710adf00dfacecafe0123"}}},
      {"dev-multi-source",
       true,
       "",
       "",
       true,
       {{"/spec/sources/0/targetRevision", "c0ffee00d15ea5e5b0a710adf00dfacecafe0123"},
        {"/spec/sources/1/targetRevision", "v1.4.0"},
        {"/spec/sources/0/plugin/env/0/value", kJolly}}},
      {"prod-unapproved",
       false,
       "is not allowed now: PromotionPolicy \"prod-gates\" "
       "spec.windows[0]: deny window \"0 18 * * 5\" for 62h (Europe/Berlin) is open from "
       "2026-11-27T18:00:00+01:00 until 2026-11-30T08:00:00+01:00; promote after "
       "2026-11-30T08:00:00+01:00",
       "",
       true,
       {},
       "2026-11-28T09:00:00Z"},
  };
}

class ApplicationRules : public ::testing::TestWithParam<Case> {};

TEST_P(ApplicationRules, MutateThenValidate) {
  const Case& c = GetParam();
  Outcome o = admit(c.fixture, c.now);
  EXPECT_EQ(!o.mutate.response.patch.empty(), c.mutated) << o.mutate.response.patch.text();
  for (const auto& [ptr, value] : c.fields) {
    json::json_pointer p(ptr);
    ASSERT_TRUE(o.patched.contains(p)) << ptr << " missing in " << o.patched.dump(2);
    EXPECT_EQ(o.patched[p], value) << ptr;
  }
  const auto& r = o.validate.response;
  EXPECT_EQ(r.allowed, c.allowed) << r.message;
  if (!c.allowed) {
    EXPECT_EQ(r.code, 403);
    EXPECT_EQ(r.reason, "Forbidden");
    EXPECT_NE(r.message.find(c.message), std::string::npos) << r.message;
    EXPECT_EQ(r.message.rfind("Application \"", 0), 0u) << r.message;
  }
  std::string warnings;
  for (const auto& w : r.warnings) warnings += w + "\n";
  if (*c.warning) {
    EXPECT_NE(warnings.find(c.warning), std::string::npos) << warnings;
  }
  for (const auto& w : r.warnings) EXPECT_LE(w.size(), 120u);
}

INSTANTIATE_TEST_SUITE_P(Guestbook, ApplicationRules, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           std::string n = info.param.fixture;
                           for (auto& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n + "_" + std::to_string(info.index);
                         });

TEST(ApplicationRules, MutationDoesNotTouchUngovernedOrDeletes) {
  auto src = guestbook();
  fa::EngineConfig config;
  fa::Context ctx{*src->current(), *src->authorizer(), parse_time("2026-11-26T10:00:00Z"), config};
  auto req = fa::parse_review(fgtest::read_file(kFixtures + "dev-promote-by-alias.json"));
  ASSERT_TRUE(req.ok());
  req->operation = "DELETE";
  req->oldObject = req->object;
  req->object = nullptr;
  auto d = fa::decide(fa::Phase::Mutate, *req, ctx);
  EXPECT_TRUE(d.response.allowed);
  EXPECT_TRUE(d.response.patch.empty());
}

// An authorizer that cannot answer must never turn into an allow.
struct BrokenAuthorizer : fa::Authorizer {
  freightgate::Result<bool> allowed(const fa::UserInfo&,
                                    const fa::ResourceAttributes&) const override {
    freightgate::Error e;
    e.message = "SubjectAccessReview: connection refused";
    return e;
  }
};

TEST(ApplicationRules, AuthorizerErrorIsAnInternalFailure) {
  auto src = guestbook();
  fa::EngineConfig config;
  BrokenAuthorizer broken;
  fa::Context ctx{*src->current(), broken, parse_time("2026-11-26T10:00:00Z"), config};
  auto body = fgtest::read_file(kFixtures + "prod-path-change-release-manager.json");
  auto d = fa::handle(fa::Phase::Validate, body, ctx);
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.failure.kind, fa::FailureKind::Internal);
  EXPECT_NE(d.failure.message.find("connection refused"), std::string::npos);
}

TEST(ApplicationRules, MalformedReviewIsABadRequest) {
  auto src = guestbook();
  fa::EngineConfig config;
  fa::Context ctx{*src->current(), *src->authorizer(), parse_time("2026-11-26T10:00:00Z"), config};
  auto d = fa::handle(fa::Phase::Validate, "{\"kind\":\"AdmissionReview\"", ctx);
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.failure.kind, fa::FailureKind::BadRequest);
}

// The webhook reads an Application review straight from its text (admission::handle: views of
// the parsed body); the CLI and these tests build the request first (parse_review + decide).
// Both must answer every review alike, in both phases, including after the mutating patch.
TEST(ApplicationRules, ReadFromTheBodyOrBuiltFirstAlike) {
  auto src = guestbook();
  fa::EngineConfig config;
  fa::Context ctx{*src->current(), *src->authorizer(), parse_time("2026-11-26T10:00:00Z"), config};
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".json") continue;
    const std::string body = fgtest::read_file(entry.path().string());
    auto req = fa::parse_review(body);
    ASSERT_TRUE(req.ok()) << entry.path();
    for (auto phase : {fa::Phase::Mutate, fa::Phase::Validate}) {
      for (bool patched : {false, true}) {
        json review = json::parse(body);
        fa::AdmissionRequest r = *req;
        if (patched) {
          auto m = fa::decide(fa::Phase::Mutate, *req, ctx);
          if (m.response.patch.empty()) continue;
          r.object = fgtest::kubectl_patch(req->object, m.response.patch.ops());
          review["request"]["object"] = r.object;
        }
        fa::Decision built = fa::decide(phase, r, ctx);
        fa::Decision read = fa::handle(phase, review.dump(), ctx);
        const std::string what = entry.path().filename().string() +
                                 (phase == fa::Phase::Mutate ? " mutate" : " validate") +
                                 (patched ? " after the patch" : "");
        ASSERT_EQ(built.ok, read.ok) << what;
        EXPECT_EQ(built.failure.message, read.failure.message) << what;
        EXPECT_EQ(fa::encode_review_response(built.response),
                  fa::encode_review_response(read.response))
            << what;
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 40);
}

}  // namespace
