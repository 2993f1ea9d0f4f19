// The guestbook promotion story, step by step, through the same engine the webhook runs.
// The "cluster" is examples/guestbook: every allowed change is written back (patched objects,
// Freight status as Kargo's controller and CI would record it) and the next step sees it.
#include <gtest/gtest.h>

#include "admission_test_util.h"
#include "freightgate/admission/engine.h"
#include "freightgate/admission/patch.h"
#include "freightgate/state/dir_source.h"
#include "freightgate/state/rbac.h"

namespace fa = freightgate::admission;
namespace fm = freightgate::model;
namespace fs = freightgate::state;
using nlohmann::json;

namespace {

const std::string kExample = std::string(FG_SOURCE_DIR) + "/examples/guestbook";
const char* kJolly = "15317018bfd430928c2bb2ecc4cd79fbe644bf16";
const char* kBrave = "6e1f9cb51dffd9a60cbb60ccd428699a6fb0f497";
const char* kTidy = "93afe3ae59d445f27849cde1141aeefbd9d6954e";

fm::Time at(const std::string& rfc3339) {
  std::tm tm{};
  strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return fm::Clock::from_time_t(timegm(&tm));
}

fa::UserInfo user(const std::string& name, std::vector<std::string> groups) {
  fa::UserInfo u;
  u.username = name;
  u.groups = std::move(groups);
  u.groups.push_back("system:authenticated");
  return u;
}
const fa::UserInfo kAlice = user("alice@example.com", {"guestbook-developers"});
const fa::UserInfo kRita = user("rita@example.com", {"guestbook-release-managers"});
const fa::UserInfo kCI = user("system:serviceaccount:guestbook:ci",
                              {"system:serviceaccounts", "system:serviceaccounts:guestbook"});

struct Result {
  bool allowed = false;
  std::string message;
  std::vector<std::string> warnings;
};

class Cluster {
 public:
  Cluster() {
    auto objects = fs::load_dir(kExample);
    EXPECT_TRUE(objects.ok()) << objects.error().to_string();
    objects_ = std::move(*objects);
    for (const auto& o : objects_)
      if (const auto* a = std::get_if<fm::Application>(&o)) apps_[a->metadata.name] = a->raw;
    rebuild();
  }

  json app(const std::string& name) const { return apps_.at(name); }

  json freight(const std::string& name) const {
    for (const auto& o : objects_)
      if (const auto* f = std::get_if<fm::Freight>(&o); f && f->metadata.name == name)
        return fm::encode(*f);
    ADD_FAILURE() << "no Freight " << name;
    return json();
  }

  // kube-apiserver: mutating webhook, patch, validating webhook; store the object if allowed.
  Result submit(const std::string& resource, const std::string& subresource, const fa::UserInfo& u,
                const json& object, const json& old, const std::string& now) {
    fa::AdmissionRequest req;
    req.uid = "uid-" + std::to_string(++uid_);
    const bool app = resource == "applications";
    req.kind = {app ? "argoproj.io" : "kargo.akuity.io", "v1alpha1",
                app ? "Application" : "Freight"};
    req.resource = {req.kind.group, "v1alpha1", resource};
    req.subResource = subresource;
    req.name = object["metadata"]["name"];
    req.namespace_ = object["metadata"].value("namespace", "");
    req.operation = old.is_null() ? "CREATE" : "UPDATE";
    req.userInfo = u;
    req.object = object;
    req.oldObject = old;
    fa::EngineConfig config;
    fa::Context ctx{*snapshot_, *authorizer_, at(now), config};
    Result r;
    auto m = fa::decide(fa::Phase::Mutate, req, ctx);
    EXPECT_TRUE(m.ok) << m.failure.message;
    if (!m.response.patch.empty()) {
      auto patched = fgtest::kubectl_patch(req.object, m.response.patch.ops());
      EXPECT_TRUE(patched.is_object()) << patched;
      req.object = patched;
    }
    auto v = fa::decide(fa::Phase::Validate, req, ctx);
    EXPECT_TRUE(v.ok) << v.failure.message;
    r.allowed = m.response.allowed && v.response.allowed;
    r.message = !m.response.allowed ? m.response.message : v.response.message;
    r.warnings = m.response.warnings;
    r.warnings.insert(r.warnings.end(), v.response.warnings.begin(), v.response.warnings.end());
    if (r.allowed) store(req.object, now);
    return r;
  }

  // A stage's Application asks for `freight` (name or alias), as `kubectl annotate` would.
  Result promote(const std::string& stage, const std::string& freight, const fa::UserInfo& u,
                 const std::string& now) {
    json old = app("guestbook-" + stage);
    json edited = old;
    edited["metadata"]["annotations"]["freightgate.io/freight"] = freight;
    return submit("applications", "", u, edited, old, now);
  }

  // `kubectl patch freight X --subresource=status` adding status.<field>.<stage>.
  Result record(const std::string& freight_name, const std::string& field, const std::string& stage,
                const fa::UserInfo& u, const std::string& now) {
    json old = freight(freight_name);
    json edited = old;
    edited["status"][field][stage] =
        field == "approvedFor" ? json{{"approvedAt", now}} : json{{"verifiedAt", now}};
    return submit("freights", "status", u, edited, old, now);
  }

  std::string pinned(const std::string& stage) const {
    return app("guestbook-" + stage)["metadata"]["annotations"]["freightgate.io/freight"];
  }

 private:
  void store(const json& object, const std::string& now) {
    if (object["kind"] == "Application") {
      const std::string name = object["metadata"]["name"];
      std::string stage = object["metadata"]["annotations"]["kargo.akuity.io/authorized-stage"];
      stage = stage.substr(stage.find(':') + 1);
      const std::string before = apps_[name]["metadata"]["annotations"]["freightgate.io/freight"];
      apps_[name] = object;
      const std::string after = object["metadata"]["annotations"]["freightgate.io/freight"];
      // Kargo's controller would now record where the Freight runs.
      if (before != after) {
        json b = freight(before), a = freight(after);
        b["status"]["currentlyIn"].erase(stage);
        a["status"]["currentlyIn"][stage] = {{"since", now}};
        replace(b);
        replace(a);
      }
    } else {
      replace(object);
    }
    rebuild();
  }

  void replace(const json& object) {
    auto decoded = fm::decode_json(object);
    ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
    for (auto& o : objects_)
      if (auto* f = std::get_if<fm::Freight>(&o);
          f && f->metadata.name == object["metadata"]["name"])
        o = *decoded;
  }

  void rebuild() {
    snapshot_ = fs::Snapshot::build(objects_);
    authorizer_ = std::make_shared<fs::RbacAuthorizer>(snapshot_);
  }

  std::vector<fm::AnyObject> objects_;
  std::map<std::string, json> apps_;
  std::shared_ptr<const fs::Snapshot> snapshot_;
  std::shared_ptr<const fs::RbacAuthorizer> authorizer_;
  int uid_ = 0;
};

bool has(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

TEST(Scenario, GuestbookFromNewFreightToProdAndBack) {
  Cluster c;
  // Thursday 2026-11-26: jolly-jaguar (v0.0.3) is new. dev takes it directly.
  auto r = c.promote("dev", "jolly-jaguar", kAlice, "2026-11-26T09:00:00Z");
  ASSERT_TRUE(r.allowed) << r.message;
  EXPECT_EQ(c.pinned("dev"), kJolly);
  EXPECT_EQ(c.app("guestbook-dev")["spec"]["source"]["targetRevision"],
            "c0ffee00d15ea5e5b0a710adf00dfacecafe0123");

  // staging is refused until dev has verified it.
  r = c.promote("staging", "jolly-jaguar", kAlice, "2026-11-26T09:05:00Z");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r.message, "not verified in upstream Stage \"dev\"")) << r.message;
  EXPECT_EQ(c.pinned("staging"), kBrave);

  // Verification is recorded by CI (verify on dev), not by a developer.
  r = c.record(kJolly, "verifiedIn", "dev", kAlice, "2026-11-26T09:30:00Z");
  EXPECT_FALSE(r.allowed) << "a developer without `verify` recorded a verification";
  r = c.record(kJolly, "verifiedIn", "dev", kCI, "2026-11-26T09:30:00Z");
  ASSERT_TRUE(r.allowed) << r.message;
  r = c.promote("staging", "jolly-jaguar", kAlice, "2026-11-26T10:00:00Z");
  ASSERT_TRUE(r.allowed) << r.message;
  EXPECT_EQ(c.pinned("staging"), kJolly);
  r = c.record(kJolly, "verifiedIn", "staging", kCI, "2026-11-26T11:00:00Z");
  ASSERT_TRUE(r.allowed) << r.message;

  // prod: verified upstream, but the PromotionPolicy wants an approval too.
  r = c.promote("prod", "jolly-jaguar", kRita, "2026-11-26T12:00:00Z");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r.message, "needs an approval: PromotionPolicy \"prod-gates\"")) << r.message;

  // Approvals are admitted only from someone who may promote prod.
  r = c.record(kJolly, "approvedFor", "prod", kAlice, "2026-11-26T12:10:00Z");
  EXPECT_FALSE(r.allowed) << "a developer approved Freight for prod";
  r = c.record(kJolly, "approvedFor", "prod", kRita, "2026-11-26T12:10:00Z");
  ASSERT_TRUE(r.allowed) << r.message;

  // A developer may still not promote prod.
  r = c.promote("prod", "jolly-jaguar", kAlice, "2026-11-26T12:20:00Z");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r.message, "user \"alice@example.com\"")) << r.message;
  EXPECT_TRUE(has(r.message, "promote verb on stages.kargo.akuity.io \"prod\"")) << r.message;

  // Saturday is inside the weekend freeze (Fri 18:00 - Mon 08:00 Berlin).
  r = c.promote("prod", "jolly-jaguar", kRita, "2026-11-28T10:00:00Z");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r.message, "deny window \"0 18 * * 5\" for 62h (Europe/Berlin)")) << r.message;
  EXPECT_TRUE(has(r.message, "promote after 2026-11-30T08:00:00+01:00")) << r.message;

  // Thursday afternoon, approved, by a release manager: in.
  r = c.promote("prod", "jolly-jaguar", kRita, "2026-11-26T13:00:00Z");
  ASSERT_TRUE(r.allowed) << r.message;
  EXPECT_EQ(c.pinned("prod"), kJolly);
  auto prod = c.app("guestbook-prod");
  EXPECT_EQ(prod["metadata"]["annotations"]["freightgate.io/promoted-by"], "rita@example.com");
  EXPECT_EQ(prod["metadata"]["annotations"]["freightgate.io/promoted-at"], "2026-11-26T13:00:00Z");
  EXPECT_EQ(prod["metadata"]["annotations"]["freightgate.io/previous-freight"], kTidy);

  // Something is wrong with v0.0.3: roll prod back to tidy-otter, which it ran before.
  r = c.promote("prod", "tidy-otter", kRita, "2026-11-26T14:00:00Z");
  ASSERT_TRUE(r.allowed) << r.message;
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(has(r.warnings[0], "rollback: guestbook:prod goes back to Freight \"tidy-otter\""))
      << r.warnings[0];
  EXPECT_EQ(c.pinned("prod"), kTidy);
  EXPECT_EQ(c.app("guestbook-prod")["spec"]["source"]["targetRevision"],
            "3f7c9a1e5b2d4c6f8a0b1c2d3e4f5a6b7c8d9e0f");
}

// The CLI, both modes, on the example as it is on disk.
TEST(Scenario, CheckPrintsWhatKubectlWould) {
  fgtest::TempDir dir;
  const std::string cli = FG_CLI_BINARY;
  Cluster c;
  json old = c.app("guestbook-prod");
  json edited = old;
  edited["metadata"]["annotations"]["freightgate.io/freight"] = "brave-falcon";
  std::string old_file = dir.write("old.json", old.dump());
  std::string new_file = dir.write("new.json", edited.dump());
  int rc = 0;
  std::string out = fgtest::run(cli + " check --state dir:" + kExample + " --object " + new_file +
                                    " --old " + old_file +
                                    " --user alice@example.com --group guestbook-developers "
                                    "--now 2026-11-26T10:00:00Z 2>&1",
                                &rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_EQ(out.rfind("Error from server (Forbidden): admission webhook "
                      "\"applications.freightgate.io\" denied the request: Application "
                      "\"guestbook-prod\" in namespace \"argocd\": ",
                      0),
            0u)
      << out;

  // Staging back to tidy-otter: allowed, with the rollback warning first, like kubectl.
  json s_old = c.app("guestbook-staging");
  json s_new = s_old;
  s_new["metadata"]["annotations"]["freightgate.io/freight"] = "tidy-otter";
  out = fgtest::run(cli + " check --state " + kExample + " --object " +
                        dir.write("s_new.json", s_new.dump()) + " --old " +
                        dir.write("s_old.json", s_old.dump()) +
                        " --user alice@example.com --group guestbook-developers"
                        " --now 2026-11-26T10:00:00Z 2>&1",
                    &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_TRUE(has(out, "Warning: rollback: guestbook:staging goes back to Freight \"tidy-otter\""))
      << out;
  EXPECT_TRUE(has(out, "application.argoproj.io/guestbook-staging configured")) << out;

  // -f REVIEW.json: both responses, the patch applied in between.
  out = fgtest::run(cli + " check --state " + kExample + " -f " + FG_SOURCE_DIR +
                        "/tests/fixtures/admission/application/dev-promote-by-alias.json"
                        " --now 2026-11-26T10:00:00Z",
                    &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_TRUE(has(out, "# mutating webhook response")) << out;
  EXPECT_TRUE(has(out, "\"patchType\": \"JSONPatch\"")) << out;
  EXPECT_TRUE(has(out, "# validating webhook response")) << out;
}

}  // namespace
