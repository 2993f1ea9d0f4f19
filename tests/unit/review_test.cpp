// AdmissionReview v1 parsing (400 cases) and response encoding, byte-exact where it matters.
#include "freightgate/admission/review.h"

#include <gtest/gtest.h>

#include "admission_test_util.h"

namespace fa = freightgate::admission;
using nlohmann::json;

namespace {

std::string fixture(const std::string& name) {
  return fgtest::read_file(std::string(FG_SOURCE_DIR) + "/tests/fixtures/admission/review/" + name);
}

TEST(ParseReview, ReadsEveryRequestField) {
  auto r = fa::parse_review(fixture("update-app.json"));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(r->kind.group, "argoproj.io");
  EXPECT_EQ(r->kind.version, "v1alpha1");
  EXPECT_EQ(r->kind.kind, "Application");
  EXPECT_EQ(r->resource.resource, "applications");
  EXPECT_EQ(r->subResource, "");
  EXPECT_EQ(r->name, "guestbook-prod");
  EXPECT_EQ(r->namespace_, "argocd");
  EXPECT_EQ(r->operation, "UPDATE");
  EXPECT_EQ(r->userInfo.username, "alice");
  EXPECT_EQ(r->userInfo.uid, "014fbff9a07c");
  EXPECT_EQ(r->userInfo.groups,
            (std::vector<std::string>{"system:authenticated", "release-managers"}));
  EXPECT_EQ(r->userInfo.extra.at("some-key").size(), 2u);
  EXPECT_EQ(r->object["metadata"]["name"], "guestbook-prod");
  EXPECT_TRUE(r->oldObject.is_object());
  EXPECT_FALSE(r->dryRun);
}

TEST(ParseReview, ConnectHasNullOldObject) {
  auto r = fa::parse_review(fixture("connect-exec.json"));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->operation, "CONNECT");
  EXPECT_EQ(r->subResource, "exec");
  EXPECT_TRUE(r->oldObject.is_null());
}

struct BadCase {
  const char* name;
  std::string body;
  const char* fragment;
};

class ParseReviewRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseReviewRejects, WithAMessageNamingTheField) {
  auto r = fa::parse_review(GetParam().body);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find(GetParam().fragment), std::string::npos)
      << r.error().to_string();
}

json good() { return json::parse(fixture("update-app.json")); }
std::string without(const std::string& ptr) {
  json j = good();
  json::json_pointer p(ptr);
  j[p.parent_pointer()].erase(p.back());
  return j.dump();
}
std::string with(const std::string& ptr, json v) {
  json j = good();
  j[json::json_pointer(ptr)] = std::move(v);
  return j.dump();
}

INSTANTIATE_TEST_SUITE_P(
    BadRequests, ParseReviewRejects,
    ::testing::Values(
        BadCase{"malformed", R"({"apiVersion": "admission.k8s.io/v1", )", "not valid JSON"},
        BadCase{"empty", "", "not valid JSON"}, BadCase{"array", "[]", "must be a JSON object"},
        BadCase{"v1beta1", with("/apiVersion", "admission.k8s.io/v1beta1"),
                "apiVersion: must be \"admission.k8s.io/v1\""},
        BadCase{"noApiVersion", without("/apiVersion"), "apiVersion"},
        BadCase{"wrongKind", with("/kind", "AdmissionReviewList"), "kind: must be"},
        BadCase{"noRequest", without("/request"), "request: required"},
        BadCase{"requestNotObject", with("/request", json::array()), "request: required"},
        BadCase{"noUid", without("/request/uid"), "request.uid: required"},
        BadCase{"emptyUid", with("/request/uid", ""), "request.uid: required"},
        BadCase{"uidNumber", with("/request/uid", 7), "request.uid: must be a string"},
        BadCase{"badOperation", with("/request/operation", "PATCH"), "request.operation"},
        BadCase{"groupsNotList", with("/request/userInfo/groups", "admins"),
                "request.userInfo.groups"},
        BadCase{"objectNotObject", with("/request/object", "x"), "request.object"},
        BadCase{"dryRunString", with("/request/dryRun", "true"), "request.dryRun"},
        BadCase{"kindNotObject", with("/request/kind", "Application"),
                "request.kind: must be an object"},
        BadCase{"kindGroupNumber", with("/request/kind/group", 1),
                "request.kind.group: must be a string"},
        BadCase{"kindKindList", with("/request/kind/kind", json::array()),
                "request.kind.kind: must be a string"},
        BadCase{"resourceVersionBool", with("/request/resource/version", true),
                "request.resource.version: must be a string"},
        BadCase{"resourceResourceNumber", with("/request/resource/resource", 2),
                "request.resource.resource: must be a string"},
        BadCase{"subResourceNumber", with("/request/subResource", 3),
                "request.subResource: must be a string"},
        BadCase{"nameNumber", with("/request/name", 4), "request.name: must be a string"},
        BadCase{"namespaceObject", with("/request/namespace", json::object()),
                "request.namespace: must be a string"},
        BadCase{"usernameNumber", with("/request/userInfo/username", 5),
                "request.userInfo.username: must be a string"},
        BadCase{"userUidNumber", with("/request/userInfo/uid", 6),
                "request.userInfo.uid: must be a string"},
        BadCase{"userInfoString", with("/request/userInfo", "alice"),
                "request.userInfo: must be an object"},
        BadCase{"oldObjectNotObject", with("/request/oldObject", 8),
                "request.oldObject: must be an object"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(EncodeResponse, AllowIsMinimal) {
  fa::AdmissionResponse r;
  r.uid = "u-1";
  EXPECT_EQ(
      fa::encode_review_response(r),
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"allowed":true,"uid":"u-1"}})");
}

TEST(EncodeResponse, DenialCarriesStatusAndNoPatch) {
  fa::AdmissionResponse r;
  r.uid = "u-2";
  r.allowed = false;
  r.code = 403;
  r.reason = "Forbidden";
  r.message = "Application \"argocd/guestbook-prod\": not permitted";
  r.patch = fa::JsonPatch::of(json::array({{{"op", "remove"}, {"path", "/x"}}}));
  json out = json::parse(fa::encode_review_response(r));
  EXPECT_EQ(out["response"]["uid"], "u-2");
  EXPECT_EQ(out["response"]["allowed"], false);
  EXPECT_EQ(out["response"]["status"],
            (json{{"code", 403},
                  {"reason", "Forbidden"},
                  {"status", "Failure"},
                  {"message", "Application \"argocd/guestbook-prod\": not permitted"}}));
  EXPECT_FALSE(out["response"].contains("patch"));
  EXPECT_FALSE(out["response"].contains("patchType"));
}

TEST(EncodeResponse, DenialCodeBelow400BecomesForbidden) {
  fa::AdmissionResponse r;
  r.uid = "u";
  r.allowed = false;
  json out = json::parse(fa::encode_review_response(r));
  EXPECT_EQ(out["response"]["status"]["code"], 403);
  EXPECT_EQ(out["response"]["status"]["reason"], "Forbidden");
}

TEST(EncodeResponse, PatchIsStandardPaddedBase64OfTheJsonPatch) {
  fa::AdmissionResponse r;
  r.uid = "u-3";
  r.patch =
      fa::JsonPatch::of(json::array({{{"op", "add"}, {"path", "/spec/replicas"}, {"value", 3}}}));
  json out = json::parse(fa::encode_review_response(r));
  EXPECT_EQ(out["response"]["patchType"], "JSONPatch");
  fgtest::TempDir dir;
  std::string f = dir.write("p.b64", out["response"]["patch"].get<std::string>());
  std::string decoded = fgtest::run("base64 -d " + fgtest::shell_quote(f));
  EXPECT_EQ(json::parse(decoded), r.patch.ops());
  std::string encoded = out["response"]["patch"];
  EXPECT_EQ(encoded.size() % 4, 0u);  // padded
  EXPECT_EQ(encoded, fgtest::run("printf %s " + fgtest::shell_quote(r.patch.ops().dump()) +
                                 " | base64 -w0"));
}

TEST(EncodeResponse, EmptyPatchHasNoPatchType) {
  fa::AdmissionResponse r;
  r.uid = "u-4";
  r.patch = fa::JsonPatch::of(json::array());
  json out = json::parse(fa::encode_review_response(r));
  EXPECT_FALSE(out["response"].contains("patch"));
  EXPECT_FALSE(out["response"].contains("patchType"));
}

TEST(EncodeResponse, AuditKeysWithSlashAreDropped) {
  fa::AdmissionResponse r;
  r.uid = "u-5";
  r.auditAnnotations = {{"freight", "abc"}, {"freightgate.io/freight", "x"}, {"bad*key", "y"}};
  json out = json::parse(fa::encode_review_response(r));
  EXPECT_EQ(out["response"]["auditAnnotations"], (json{{"freight", "abc"}}));
}

TEST(EncodeResponse, WarningsAreCleanedAndDeduplicated) {
  fa::AdmissionResponse r;
  r.uid = "u-6";
  r.warnings = {"rollback to\nwonky-wombat", "rollback to wonky-wombat", "", "\t"};
  json out = json::parse(fa::encode_review_response(r));
  EXPECT_EQ(out["response"]["warnings"], (json{"rollback to wonky-wombat"}));
}

}  // namespace
