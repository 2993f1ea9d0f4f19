// Decoders, one per kind, with Kargo's defaults and field-path errors (see decode.h).
#include "freightgate/model/decode.h"

#include <algorithm>
#include <sstream>

#include "model_internal.h"

namespace freightgate::model {

using detail::json;
using detail::Path;
using detail::Reader;

namespace {

const Path kRoot{};

// Group and version of an apiVersion ("kargo.akuity.io/v1alpha1"; "v1" is the core group).
std::pair<std::string, std::string> split_api_version(const std::string& av) {
  auto slash = av.find('/');
  if (slash == std::string::npos) return {"", av};
  return {av.substr(0, slash), av.substr(slash + 1)};
}

void expect_kind(Reader& r, const ObjectBase& o, std::initializer_list<const char*> kinds) {
  if (o.kind.empty()) return;  // head() reported it
  for (const char* k : kinds)
    if (o.kind == k) return;
  std::string want;
  for (const char* k : kinds) want += (want.empty() ? "" : " or ") + std::string(k);
  r.fail(kRoot.key("kind"), "expected " + want + ", got \"" + o.kind + "\"");
}

void expect_version(Reader& r, const ObjectBase& o, const std::string& group,
                    const std::string& version) {
  auto [g, v] = split_api_version(o.apiVersion);
  if (o.apiVersion.empty()) return;
  if (g != group || v != version)
    r.fail(kRoot.key("apiVersion"), "unsupported apiVersion \"" + o.apiVersion + "\"; use " +
                                        (group.empty() ? version : group + "/" + version));
}

// Iterates the mappings of a list field, reporting non-mapping items.
template <class F>
void each_object(Reader& r, const json* list, const Path& p, F f) {
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& e = (*list)[i];
    if (!e.is_object()) {
      r.fail(p.at(i), "must be a mapping, got " + detail::type_name(e));
      continue;
    }
    f(e, p.at(i), i);
  }
}

// Promotion steps of Stage.promotionTemplate.spec and PromotionTask.spec: exactly one of
// uses | task; task steps name a (Cluster)PromotionTask and cannot retry or continue on error.
void check_steps(Reader& r, const json& spec, const Path& sp, bool allow_task) {
  const json* steps = r.array(spec, sp, "steps", true);
  const Path p = sp.key("steps");
  if (steps && steps->empty()) r.fail(p, "required (must not be empty)");
  each_object(r, steps, p, [&](const json& s, const Path& at, size_t) {
    std::string uses;
    const bool has_uses = r.str(s, at, "uses", uses);
    const json* task = r.object(s, at, "task");
    if (has_uses && task) {
      r.fail(at, "set exactly one of uses or task, not both");
    } else if (!has_uses && !task && !r.get(s, at, "uses")) {
      r.fail(
          at.key(allow_task ? "uses" : "uses"),
          allow_task ? "required: set uses (a step kind) or task (a PromotionTask)" : "required");
    }
    if (task) {
      const Path tp = at.key("task");
      if (!allow_task) r.fail(tp, "a PromotionTask step cannot reference another task; use uses:");
      std::string name, kind;
      r.str(*task, tp, "name", name, true);
      r.one_of(*task, tp, "kind", kind, {"PromotionTask", "ClusterPromotionTask"});
      if (r.get(s, at, "continueOnError"))
        r.fail(at.key("continueOnError"), "not allowed on a task step");
      if (r.get(s, at, "retry")) r.fail(at.key("retry"), "not allowed on a task step");
    }
    std::string as;
    r.str(s, at, "as", as);
    r.str(s, at, "if", as);
    bool b;
    r.boolean(s, at, "continueOnError", b);
    if (const json* retry = r.object(s, at, "retry")) {
      std::optional<Duration> d;
      r.duration(*retry, at.key("retry"), "timeout", d);
      long long n;
      r.integer(*retry, at.key("retry"), "errorThreshold", n);
    }
    r.array(s, at, "vars");
  });
}

// ---- per-kind readers ----------------------------------------------------------------------

void read_project(Reader& r, Project& o) {
  r.head(o, true);
  expect_kind(r, o, {"Project"});
  expect_version(r, o, kKargoGroup, "v1alpha1");
  const json* spec = r.object(r.doc().body, kRoot, "spec");
  if (!spec) return;
  const Path sp = kRoot.key("spec");
  each_object(r, r.array(*spec, sp, "promotionPolicies"), sp.key("promotionPolicies"),
              [&](const json& e, const Path& p, size_t) {
                LegacyPromotionPolicy pp;
                r.str(e, p, "stage", pp.stage, true);
                r.boolean(e, p, "autoPromotionEnabled", pp.autoPromotionEnabled);
                o.promotionPolicies.push_back(std::move(pp));
              });
}

void read_selector(Reader& r, const json& obj, const Path& p, PromotionPolicySelector& sel) {
  r.str(obj, p, "name", sel.name);
  r.label_selector(obj, p, sel.labels);
}

void read_project_config(Reader& r, ProjectConfig& o) {
  r.head(o, true);
  expect_kind(r, o, {"ProjectConfig"});
  expect_version(r, o, kKargoGroup, "v1alpha1");
  const json* spec = r.object(r.doc().body, kRoot, "spec");
  if (!spec) return;
  const Path sp = kRoot.key("spec");
  each_object(r, r.array(*spec, sp, "promotionPolicies"), sp.key("promotionPolicies"),
              [&](const json& e, const Path& p, size_t) {
                ProjectPromotionPolicy pp;
                const bool has_stage = r.str(e, p, "stage", pp.stage);
                if (const json* sel = r.object(e, p, "stageSelector")) {
                  PromotionPolicySelector s;
                  read_selector(r, *sel, p.key("stageSelector"), s);
                  pp.stageSelector = std::move(s);
                }
                if (has_stage && pp.stageSelector)
                  r.fail(p, "set exactly one of stage or stageSelector, not both");
                else if (!has_stage && !pp.stageSelector && !r.get(e, p, "stage"))
                  r.fail(p.key("stageSelector"),
                         "required: set stageSelector (or the deprecated stage)");
                r.boolean(e, p, "autoPromotionEnabled", pp.autoPromotionEnabled);
                o.promotionPolicies.push_back(std::move(pp));
              });
}

void discovery_limit(Reader& r, const json& obj, const Path& p, int& out) {
  if (r.integer(obj, p, "discoveryLimit", out) && (out < 1 || out > 100))
    r.fail(p.key("discoveryLimit"), "must be between 1 and 100");
}

void read_subscription(Reader& r, const json& e, const Path& p, Subscription& s) {
  r.str(e, p, "name", s.name);
  std::vector<std::string> types;
  for (auto it = e.begin(); it != e.end(); ++it)
    if (it.key() != "name") types.push_back(it.key());
  if (types.empty()) {
    r.fail(p, "required: set one of git, image or chart (or a generic subscription type)");
    return;
  }
  if (types.size() > 1) {
    r.fail(p, "has " + types[0] + " and " + types[1] +
                  "; each subscription takes exactly one type, use one list item per repository");
    return;
  }
  const std::string& type = types[0];
  const Path tp = p.key(type);
  if (type == "git") {
    s.type = Subscription::Type::Git;
    const json* g = r.object(e, p, "git", true);
    if (!g) return;
    GitSubscription& x = s.git;
    r.str(*g, tp, "repoURL", x.repoURL, true);
    r.one_of(*g, tp, "commitSelectionStrategy", x.commitSelectionStrategy,
             {"NewestFromBranch", "SemVer", "Lexical", "NewestTag"});
    r.str(*g, tp, "branch", x.branch);
    r.boolean(*g, tp, "strictSemvers", x.strictSemvers);
    r.str(*g, tp, "semverConstraint", x.semverConstraint);
    r.str_list(*g, tp, "allowTagsRegexes", x.allowTagsRegexes);
    r.str_list(*g, tp, "ignoreTagsRegexes", x.ignoreTagsRegexes);
    r.str_list(*g, tp, "includePaths", x.includePaths);
    r.str_list(*g, tp, "excludePaths", x.excludePaths);
    discovery_limit(r, *g, tp, x.discoveryLimit);
    r.boolean(*g, tp, "insecureSkipTLSVerify", x.insecureSkipTLSVerify);
    std::string tmp;
    r.str(*g, tp, "allowTags", tmp);
    std::vector<std::string> tmpv;
    r.str_list(*g, tp, "ignoreTags", tmpv);
    std::optional<Time> since;
    r.time(*g, tp, "since", since);
    bool b;
    r.boolean(*g, tp, "blobless", b);
  } else if (type == "image") {
    s.type = Subscription::Type::Image;
    const json* g = r.object(e, p, "image", true);
    if (!g) return;
    ImageSubscription& x = s.image;
    r.str(*g, tp, "repoURL", x.repoURL, true);
    r.one_of(*g, tp, "imageSelectionStrategy", x.imageSelectionStrategy,
             {"Digest", "Lexical", "NewestBuild", "SemVer"});
    r.str(*g, tp, "constraint", x.constraint);
    r.boolean(*g, tp, "strictSemvers", x.strictSemvers);
    r.str_list(*g, tp, "allowTagsRegexes", x.allowTagsRegexes);
    r.str_list(*g, tp, "ignoreTagsRegexes", x.ignoreTagsRegexes);
    r.str(*g, tp, "platform", x.platform);
    discovery_limit(r, *g, tp, x.discoveryLimit);
    r.boolean(*g, tp, "cacheByTag", x.cacheByTag);
    r.boolean(*g, tp, "insecureSkipTLSVerify", x.insecureSkipTLSVerify);
  } else if (type == "chart") {
    s.type = Subscription::Type::Chart;
    const json* g = r.object(e, p, "chart", true);
    if (!g) return;
    ChartSubscription& x = s.chart;
    r.str(*g, tp, "repoURL", x.repoURL, true);
    r.str(*g, tp, "name", x.name);
    r.str(*g, tp, "semverConstraint", x.semverConstraint);
    discovery_limit(r, *g, tp, x.discoveryLimit);
    r.boolean(*g, tp, "insecureSkipTLSVerify", x.insecureSkipTLSVerify);
  } else {
    s.type = Subscription::Type::Generic;
    s.genericType = type;
    const json* g = r.object(e, p, type, true);
    if (g) s.generic = *g;
    if (s.name.empty() && !r.get(e, p, "name"))
      r.fail(p.key("name"), "required for a generic (\"" + type + "\") subscription");
  }
}

void read_warehouse(Reader& r, Warehouse& o) {
  r.head(o, true);
  expect_kind(r, o, {"Warehouse"});
  expect_version(r, o, kKargoGroup, "v1alpha1");
  const json* spec = r.object(r.doc().body, kRoot, "spec", true);
  if (!spec) return;
  const Path sp = kRoot.key("spec");
  r.str(*spec, sp, "shard", o.shard);
  std::optional<Duration> iv;
  if (r.duration(*spec, sp, "interval", iv)) r.str(*spec, sp, "interval", o.interval);
  r.one_of(*spec, sp, "freightCreationPolicy", o.freightCreationPolicy, {"Automatic", "Manual"});
  const json* subs = r.array(*spec, sp, "subscriptions", true);
  const Path subp = sp.key("subscriptions");
  if (subs && subs->empty())
    r.fail(subp, "required (must not be empty): subscribe to at least one repository");
  each_object(r, subs, subp, [&](const json& e, const Path& p, size_t) {
    Subscription s;
    read_subscription(r, e, p, s);
    o.subscriptions.push_back(std::move(s));
  });
}

void read_freight(Reader& r, Freight& o) {
  r.head(o, false);
  expect_kind(r, o, {"Freight"});
  expect_version(r, o, kKargoGroup, "v1alpha1");
  const json& b = r.doc().body;
  r.str(b, kRoot, "alias", o.alias);
  r.time(b, kRoot, "discoveredAt", o.discoveredAt);
  r.origin(b, kRoot, "origin", o.origin, true);
  each_object(r, r.array(b, kRoot, "commits"), kRoot.key("commits"),
              [&](const json& e, const Path& p, size_t) {
                GitCommit c;
                r.str(e, p, "repoURL", c.repoURL, true);
                r.str(e, p, "id", c.id);
                r.str(e, p, "branch", c.branch);
                r.str(e, p, "tag", c.tag);
                r.str(e, p, "message", c.message);
                r.str(e, p, "author", c.author);
                r.str(e, p, "committer", c.committer);
                r.str(e, p, "subscriptionName", c.subscriptionName);
                o.commits.push_back(std::move(c));
              });
  each_object(r, r.array(b, kRoot, "images"), kRoot.key("images"),
              [&](const json& e, const Path& p, size_t) {
                Image c;
                r.str(e, p, "repoURL", c.repoURL, true);
                r.str(e, p, "tag", c.tag);
                r.str(e, p, "digest", c.digest);
                r.str_map(e, p, "annotations", c.annotations);
                r.str(e, p, "subscriptionName", c.subscriptionName);
                o.images.push_back(std::move(c));
              });
  each_object(r, r.array(b, kRoot, "charts"), kRoot.key("charts"),
              [&](const json& e, const Path& p, size_t) {
                Chart c;
                r.str(e, p, "repoURL", c.repoURL, true);
                r.str(e, p, "name", c.name);
                r.str(e, p, "version", c.version);
                r.str(e, p, "subscriptionName", c.subscriptionName);
                o.charts.push_back(std::move(c));
              });
  each_object(r, r.array(b, kRoot, "artifacts"), kRoot.key("artifacts"),
              [&](const json& e, const Path& p, size_t) {
                GenericArtifact a;
                r.str(e, p, "artifactType", a.artifactType);
                r.str(e, p, "subscriptionName", a.subscriptionName);
                r.str(e, p, "version", a.version);
                if (const json* m = r.object(e, p, "metadata")) a.metadata = *m;
                o.artifacts.push_back(std::move(a));
              });
  const json* st = r.object(b, kRoot, "status");
  if (!st) return;
  const Path stp = kRoot.key("status");
  // Each status map: {<stage>: {...}}; null entries mean "present, no details".
  auto each_stage = [&](const char* key, auto f) {
    const json* m = r.object(*st, stp, key);
    if (!m) return;
    const Path mp = stp.key(key);
    for (auto it = m->begin(); it != m->end(); ++it) {
      if (!it->is_null() && !it->is_object()) {
        r.fail(mp.key(it.key()), "must be a mapping, got " + detail::type_name(*it));
        continue;
      }
      static const json empty = json::object();
      f(it.key(), it->is_null() ? empty : *it, mp.key(it.key()));
    }
  };
  each_stage("currentlyIn", [&](const std::string& stage, const json& v, const Path& p) {
    FreightStatus::CurrentlyIn c;
    r.time(v, p, "since", c.since);
    o.status.currentlyIn[stage] = c;
  });
  each_stage("verifiedIn", [&](const std::string& stage, const json& v, const Path& p) {
    FreightStatus::VerifiedIn c;
    r.time(v, p, "verifiedAt", c.verifiedAt);
    r.duration(v, p, "longestSoak", c.longestSoak);
    o.status.verifiedIn[stage] = c;
  });
  each_stage("approvedFor", [&](const std::string& stage, const json& v, const Path& p) {
    FreightStatus::ApprovedFor c;
    r.time(v, p, "approvedAt", c.approvedAt);
    o.status.approvedFor[stage] = c;
  });
}

void read_stage(Reader& r, Stage& o) {
  r.head(o, true);
  expect_kind(r, o, {"Stage"});
  expect_version(r, o, kKargoGroup, "v1alpha1");
  const json& b = r.doc().body;
  const json* spec = r.object(b, kRoot, "spec", true);
  if (spec) {
    const Path sp = kRoot.key("spec");
    r.str(*spec, sp, "shard", o.shard);
    const json* rf = r.array(*spec, sp, "requestedFreight", true);
    const Path rfp = sp.key("requestedFreight");
    if (rf && rf->empty())
      r.fail(rfp, "required (must not be empty): request Freight from a Warehouse");
    each_object(r, rf, rfp, [&](const json& e, const Path& p, size_t) {
      FreightRequest fr;
      r.origin(e, p, "origin", fr.origin, true);
      const json* src = r.object(e, p, "sources", true);
      if (src) {
        const Path srp = p.key("sources");
        FreightSources& s = fr.sources;
        r.boolean(*src, srp, "direct", s.direct);
        r.str_list(*src, srp, "stages", s.stages);
        r.duration(*src, srp, "requiredSoakTime", s.requiredSoakTime);
        r.one_of(*src, srp, "availabilityStrategy", s.availabilityStrategy, {"", "OneOf", "All"});
        if (const json* apo = r.object(*src, srp, "autoPromotionOptions"))
          r.one_of(*apo, srp.key("autoPromotionOptions"), "selectionPolicy", s.selectionPolicy,
                   {"NewestFreight", "MatchUpstream"});
      }
      o.requestedFreight.push_back(std::move(fr));
    });
    if (const json* pt = r.object(*spec, sp, "promotionTemplate")) {
      o.promotionTemplate = *pt;
      const Path ptp = sp.key("promotionTemplate");
      if (const json* pts = r.object(*pt, ptp, "spec", true))
        check_steps(r, *pts, ptp.key("spec"), true);
    } else {
      o.promotionTemplate = nullptr;
    }
    if (const json* v = r.object(*spec, sp, "verification"))
      o.verification = *v;
    else
      o.verification = nullptr;
    r.array(*spec, sp, "vars");
  }
  if (const json* st = r.object(b, kRoot, "status")) {
    const Path stp = kRoot.key("status");
    if (const json* h = r.object(*st, stp, "health"))
      r.str(*h, stp.key("health"), "status", o.healthStatus);
    r.str(*st, stp, "freightSummary", o.freightSummary);
  }
}

void read_promotion(Reader& r, Promotion& o) {
  r.head(o, true);
  expect_kind(r, o, {"Promotion"});
  expect_version(r, o, kKargoGroup, "v1alpha1");
  const json& b = r.doc().body;
  const json* spec = r.object(b, kRoot, "spec", true);
  if (spec) {
    const Path sp = kRoot.key("spec");
    r.str(*spec, sp, "stage", o.stage, true);
    const bool has_freight = r.str(*spec, sp, "freight", o.freight);
    if (r.get(*spec, sp, "origin")) {
      FreightOrigin fo;
      r.origin(*spec, sp, "origin", fo, false);
      o.originRequest = fo;
    }
    if (has_freight && o.originRequest)
      r.fail(sp, "set exactly one of freight or origin, not both");
    else if (!has_freight && !o.originRequest && !r.get(*spec, sp, "freight"))
      r.fail(sp.key("freight"), "required: name the Freight to promote (or set origin)");
    o.vars = spec->contains("vars") ? (*spec)["vars"] : json(nullptr);
    o.steps = spec->contains("steps") ? (*spec)["steps"] : json(nullptr);
    r.array(*spec, sp, "vars");
    r.array(*spec, sp, "steps");
  }
  if (const json* st = r.object(b, kRoot, "status")) {
    const Path stp = kRoot.key("status");
    r.str(*st, stp, "phase", o.phase);
    r.str(*st, stp, "message", o.message);
  }
}

void read_promotion_task(Reader& r, PromotionTask& o) {
  r.head(o, true);
  expect_kind(r, o, {"PromotionTask", "ClusterPromotionTask"});
  expect_version(r, o, kKargoGroup, "v1alpha1");
  const json* spec = r.object(r.doc().body, kRoot, "spec", true);
  if (!spec) return;
  o.spec = *spec;
  check_steps(r, *spec, kRoot.key("spec"), false);
  r.array(*spec, kRoot.key("spec"), "vars");
}

void read_source(Reader& r, const json& e, const Path& p, ApplicationSource& s) {
  r.str(e, p, "repoURL", s.repoURL, true);
  r.str(e, p, "path", s.path);
  r.str(e, p, "chart", s.chart);
  r.str(e, p, "targetRevision", s.targetRevision);
  r.str(e, p, "ref", s.ref);
  if (const json* k = r.object(e, p, "kustomize")) {
    std::vector<std::string> images;
    if (r.str_list(*k, p.key("kustomize"), "images", images)) s.kustomizeImages = std::move(images);
  }
  if (const json* h = r.object(e, p, "helm")) {
    const Path hp = p.key("helm");
    if (const json* params = r.array(*h, hp, "parameters")) {
      std::vector<HelmParameter> out;
      each_object(r, params, hp.key("parameters"), [&](const json& x, const Path& xp, size_t) {
        HelmParameter hpm;
        r.str(x, xp, "name", hpm.name, true);
        r.str(x, xp, "value", hpm.value);
        r.boolean(x, xp, "forceString", hpm.forceString);
        out.push_back(std::move(hpm));
      });
      s.helmParameters = std::move(out);
    }
  }
  if (e.contains("plugin")) {
    s.hasPlugin = true;
    s.pluginName = std::string();
    if (const json* pl = r.object(e, p, "plugin")) {
      const Path pp = p.key("plugin");
      r.str(*pl, pp, "name", *s.pluginName);
      each_object(r, r.array(*pl, pp, "env"), pp.key("env"),
                  [&](const json& x, const Path& xp, size_t) {
                    EnvEntry en;
                    r.str(x, xp, "name", en.name, true);
                    r.str(x, xp, "value", en.value);
                    s.pluginEnv.push_back(std::move(en));
                  });
      if (const json* params = r.array(*pl, pp, "parameters")) s.pluginParameters = *params;
    }
  }
  s.raw = e;
}

void read_application(Reader& r, Application& o) {
  r.head(o, true);
  expect_kind(r, o, {"Application"});
  expect_version(r, o, kArgoGroup, "v1alpha1");
  const json& b = r.doc().body;
  const json* spec = r.object(b, kRoot, "spec", true);
  if (spec) {
    const Path sp = kRoot.key("spec");
    r.str(*spec, sp, "project", o.project, true);
    r.object(*spec, sp, "destination", true);
    if (const json* src = r.object(*spec, sp, "source")) {
      ApplicationSource s;
      read_source(r, *src, sp.key("source"), s);
      o.source = std::move(s);
    }
    each_object(r, r.array(*spec, sp, "sources"), sp.key("sources"),
                [&](const json& e, const Path& p, size_t) {
                  ApplicationSource s;
                  read_source(r, e, p, s);
                  o.sources.push_back(std::move(s));
                });
  }
  if (const json* st = r.object(b, kRoot, "status")) {
    const Path stp = kRoot.key("status");
    if (const json* h = r.object(*st, stp, "health"))
      r.str(*h, stp.key("health"), "status", o.healthStatus);
    if (const json* s = r.object(*st, stp, "sync"))
      r.str(*s, stp.key("sync"), "status", o.syncStatus);
    if (const json* op = r.object(*st, stp, "operationState"))
      r.str(*op, stp.key("operationState"), "phase", o.operationPhase);
  }
}

void read_promotion_policy(Reader& r, PromotionPolicy& o) {
  r.head(o, true);
  expect_kind(r, o, {"PromotionPolicy"});
  expect_version(r, o, kFreightgateGroup, "v1alpha1");
  const json* spec = r.object(r.doc().body, kRoot, "spec", true);
  if (!spec) return;
  const Path sp = kRoot.key("spec");
  if (const json* sel = r.object(*spec, sp, "stageSelector", true)) {
    read_selector(r, *sel, sp.key("stageSelector"), o.stageSelector);
    if (o.stageSelector.name.empty() && o.stageSelector.labels.empty() && !r.failed())
      r.fail(sp.key("stageSelector"),
             "must select stages: set name (exact, regex:... or glob:...) or "
             "matchLabels/matchExpressions");
  }
  r.boolean(*spec, sp, "requireApproval", o.requireApproval);
  each_object(r, r.array(*spec, sp, "windows"), sp.key("windows"),
              [&](const json& e, const Path& p, size_t) {
                PromotionWindow w;
                std::string kind;
                if (r.str(e, p, "kind", kind, true)) {
                  std::string lower = kind;
                  std::transform(lower.begin(), lower.end(), lower.begin(),
                                 [](unsigned char c) { return std::tolower(c); });
                  if (lower == "allow" || lower == "deny")
                    w.kind = lower;
                  else
                    r.fail(p.key("kind"), "unsupported value \"" + kind + "\"; use allow or deny");
                }
                if (r.str(e, p, "schedule", w.schedule, true)) {
                  std::istringstream in(w.schedule);
                  std::string f;
                  int n = 0;
                  while (in >> f) ++n;
                  if (n != 5)
                    r.fail(p.key("schedule"),
                           "must be a 5-field cron expression (minute hour day-of-month month "
                           "day-of-week), e.g. \"0 18 * * 5\"; got " +
                               std::to_string(n) + " fields");
                }
                std::optional<Duration> d;
                if (r.duration(e, p, "duration", d, true)) {
                  w.duration = *d;
                  if (d->count() <= 0) r.fail(p.key("duration"), "must be positive, e.g. 2h");
                }
                r.str(e, p, "timeZone", w.timeZone);
                if (w.timeZone.empty()) w.timeZone = "UTC";
                o.windows.push_back(std::move(w));
              });
}

void read_namespace(Reader& r, Namespace& o) {
  r.head(o, true);
  expect_kind(r, o, {"Namespace"});
  expect_version(r, o, "", "v1");
}

void read_role(Reader& r, Role& o) {
  r.head(o, true);
  expect_kind(r, o, {"Role", "ClusterRole"});
  expect_version(r, o, "rbac.authorization.k8s.io", "v1");
  const json& b = r.doc().body;
  each_object(r, r.array(b, kRoot, "rules"), kRoot.key("rules"),
              [&](const json& e, const Path& p, size_t) {
                PolicyRule pr;
                r.str_list(e, p, "verbs", pr.verbs, true);
                r.str_list(e, p, "apiGroups", pr.apiGroups);
                r.str_list(e, p, "resources", pr.resources);
                r.str_list(e, p, "resourceNames", pr.resourceNames);
                r.str_list(e, p, "nonResourceURLs", pr.nonResourceURLs);
                o.rules.push_back(std::move(pr));
              });
  if (const json* ag = r.object(b, kRoot, "aggregationRule")) {
    const Path ap = kRoot.key("aggregationRule");
    each_object(r, r.array(*ag, ap, "clusterRoleSelectors"), ap.key("clusterRoleSelectors"),
                [&](const json& e, const Path& p, size_t) {
                  LabelSelector s;
                  r.label_selector(e, p, s);
                  o.aggregationSelectors.push_back(std::move(s));
                });
  }
}

void read_role_binding(Reader& r, RoleBinding& o) {
  r.head(o, true);
  expect_kind(r, o, {"RoleBinding", "ClusterRoleBinding"});
  expect_version(r, o, "rbac.authorization.k8s.io", "v1");
  const json& b = r.doc().body;
  if (const json* rr = r.object(b, kRoot, "roleRef", true)) {
    const Path rp = kRoot.key("roleRef");
    if (r.get(*rr, rp, "kind", true))
      r.one_of(*rr, rp, "kind", o.roleRef.kind, {"Role", "ClusterRole"});
    r.str(*rr, rp, "name", o.roleRef.name, true);
    if (o.kind == "ClusterRoleBinding" && o.roleRef.kind == "Role")
      r.fail(rp.key("kind"), "a ClusterRoleBinding can only reference a ClusterRole");
  }
  each_object(r, r.array(b, kRoot, "subjects"), kRoot.key("subjects"),
              [&](const json& e, const Path& p, size_t) {
                Subject s;
                if (r.get(e, p, "kind", true))
                  r.one_of(e, p, "kind", s.kind, {"User", "Group", "ServiceAccount"});
                r.str(e, p, "name", s.name, true);
                r.str(e, p, "namespace", s.namespace_);
                o.subjects.push_back(std::move(s));
              });
}

void read_unknown(Reader& r, Unknown& o) { r.head(o, false); }

template <class T, class F>
Result<T> run(const Document& doc, F read) {
  Reader r(doc);
  T out;
  read(r, out);
  if (r.failed()) return r.errors().front();
  return out;
}

template <class T, class F>
AnyObject run_any(const Document& doc, F read, std::vector<Error>& errors) {
  Reader r(doc);
  T out;
  read(r, out);
  errors = r.take_errors();
  return AnyObject(std::move(out));
}

AnyObject dispatch(const Document& doc, std::vector<Error>& all) {
  std::string av, kind;
  if (doc.body.is_object()) {
    if (auto it = doc.body.find("apiVersion"); it != doc.body.end() && it->is_string()) av = *it;
    if (auto it = doc.body.find("kind"); it != doc.body.end() && it->is_string()) kind = *it;
  }
  const std::string group = split_api_version(av).first;
  if (group == kKargoGroup) {
    if (kind == "Project") return run_any<Project>(doc, read_project, all);
    if (kind == "ProjectConfig") return run_any<ProjectConfig>(doc, read_project_config, all);
    if (kind == "Warehouse") return run_any<Warehouse>(doc, read_warehouse, all);
    if (kind == "Freight") return run_any<Freight>(doc, read_freight, all);
    if (kind == "Stage") return run_any<Stage>(doc, read_stage, all);
    if (kind == "Promotion") return run_any<Promotion>(doc, read_promotion, all);
    if (kind == "PromotionTask" || kind == "ClusterPromotionTask")
      return run_any<PromotionTask>(doc, read_promotion_task, all);
  } else if (group == kArgoGroup && kind == "Application") {
    return run_any<Application>(doc, read_application, all);
  } else if (group == kFreightgateGroup && kind == "PromotionPolicy") {
    return run_any<PromotionPolicy>(doc, read_promotion_policy, all);
  } else if (av == "v1" && kind == "Namespace") {
    return run_any<Namespace>(doc, read_namespace, all);
  } else if (group == "rbac.authorization.k8s.io") {
    if (kind == "Role" || kind == "ClusterRole") return run_any<Role>(doc, read_role, all);
    if (kind == "RoleBinding" || kind == "ClusterRoleBinding")
      return run_any<RoleBinding>(doc, read_role_binding, all);
  }
  Reader r(doc);
  Unknown u;
  read_unknown(r, u);
  all.clear();
  return AnyObject(std::move(u));
}

}  // namespace

Result<Project> decode_project(const Document& doc) { return run<Project>(doc, read_project); }
Result<ProjectConfig> decode_project_config(const Document& doc) {
  return run<ProjectConfig>(doc, read_project_config);
}
Result<Warehouse> decode_warehouse(const Document& doc) {
  return run<Warehouse>(doc, read_warehouse);
}
Result<Freight> decode_freight(const Document& doc) { return run<Freight>(doc, read_freight); }
Result<Stage> decode_stage(const Document& doc) { return run<Stage>(doc, read_stage); }
Result<Promotion> decode_promotion(const Document& doc) {
  return run<Promotion>(doc, read_promotion);
}
Result<PromotionTask> decode_promotion_task(const Document& doc) {
  return run<PromotionTask>(doc, read_promotion_task);
}
Result<Application> decode_application(const Document& doc) {
  return run<Application>(doc, read_application);
}
Result<PromotionPolicy> decode_promotion_policy(const Document& doc) {
  return run<PromotionPolicy>(doc, read_promotion_policy);
}
Result<Namespace> decode_namespace(const Document& doc) {
  return run<Namespace>(doc, read_namespace);
}
Result<Role> decode_role(const Document& doc) { return run<Role>(doc, read_role); }
Result<RoleBinding> decode_role_binding(const Document& doc) {
  return run<RoleBinding>(doc, read_role_binding);
}

Result<AnyObject> decode_any(const Document& doc) {
  std::vector<Error> errors;
  AnyObject o = dispatch(doc, errors);
  if (!errors.empty()) return errors.front();
  return o;
}

std::vector<Error> check(const Document& doc) {
  std::vector<Error> errors;
  dispatch(doc, errors);
  return errors;
}

AnyObject decode_partial(const Document& doc, std::vector<Error>& errors) {
  return dispatch(doc, errors);
}

Result<AnyObject> decode_json(const nlohmann::json& object, const std::string& what) {
  Document d;
  d.body = object;
  d.file = what;
  return decode_any(d);
}

const ObjectBase& base(const AnyObject& o) {
  return std::visit([](const auto& x) -> const ObjectBase& { return x; }, o);
}

ObjectBase& base(AnyObject& o) {
  return std::visit([](auto& x) -> ObjectBase& { return x; }, o);
}

}  // namespace freightgate::model
