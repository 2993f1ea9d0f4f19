// Freight (pkg/webhook/kubernetes/freight in Kargo, reference kargo-api.md §2, §3.2).
// Mutate: metadata.name := the Kargo Freight ID (CREATE), discoveredAt defaulted, alias
// generated (unique in the namespace) or synced with the kargo.akuity.io/alias label.
// Validate: project namespace, at least one artifact, name is the ID, alias unique, Warehouse
// exists, artifacts match its subscriptions exactly once, artifacts immutable, and DELETE is
// refused while a Stage's Application pins the Freight or a Stage runs it.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "freightgate/admission/application_pins.h"
#include "freightgate/admission/rules.h"
#include "freightgate/freight/alias.h"
#include "freightgate/freight/id.h"
#include "freightgate/freight/urls.h"
#include "rules_common.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

// An alias no other Freight in `ns` uses, drawn from a generator seeded by the Freight ID so
// that the same request yields the same alias.
Result<std::string> unused_alias(const state::Snapshot& snap, const std::string& ns,
                                 const std::string& id) {
  uint32_t seed = 0;
  for (char c : id) seed = seed * 31 + static_cast<unsigned char>(c);
  return freight::unique_alias(
      seed, [&](const std::string& a) { return snap.freight_by_alias(ns, a) != nullptr; });
}

Decision mutate(const AdmissionRequest& req, const Context& ctx) {
  auto f = rules::decode_as<model::Freight>(req.object);
  if (!f) return allow(req);  // validation names the problem
  json desired = req.object;
  const std::string id = freight::freight_id(*f);
  if (req.operation == "CREATE") {
    desired["metadata"]["name"] = id;
    if (!desired.contains("discoveredAt") || desired["discoveredAt"].is_null()) {
      desired["discoveredAt"] = model::format_time(ctx.now);
    }
  }
  std::string alias = rules::json_str(desired, "alias");
  if (alias.empty() && req.operation == "CREATE") {
    // A label written by hand counts as the requested alias.
    alias = rules::json_label(desired, rules::kAliasLabel);
    if (alias.empty()) {
      auto generated = unused_alias(ctx.snapshot, req.namespace_, id);
      if (!generated) {
        return fail(req, FailureKind::Internal,
                    "generating an alias: " + generated.error().message);
      }
      alias = *generated;
    }
    desired["alias"] = alias;
  }
  rules::set_json_label(desired, rules::kAliasLabel,
                        alias.empty() ? std::nullopt : std::optional<std::string>(alias));
  return mutate_to(req, desired);
}

// What a subscription or artifact is about: type + normalised repository (+ chart name).
std::string git_key(const std::string& url) { return "git " + freight::normalize_git(url); }
std::string image_key(const std::string& url) { return "image " + freight::normalize_image(url); }
std::string chart_key(const std::string& url, const std::string& name) {
  const bool oci = url.rfind("oci://", 0) == 0;
  return "chart " + freight::normalize_chart(url) + (oci ? "" : " " + name);
}

struct SubRef {
  std::string label;  // how messages name it: the repoURL (and chart name)
  int count = 0;
};

// Rule: every artifact maps to a subscription of the Warehouse and every git/image/chart
// subscription is covered exactly once. "" when it holds.
std::string artifacts_problem(const model::Freight& f, const model::Warehouse& wh,
                              std::string* field) {
  std::map<std::string, SubRef> subs;
  std::map<std::string, SubRef> generic;  // by subscription name
  for (const model::Subscription& s : wh.subscriptions) {
    switch (s.type) {
      case model::Subscription::Type::Git:
        subs[git_key(s.git.repoURL)].label = s.git.repoURL;
        break;
      case model::Subscription::Type::Image:
        subs[image_key(s.image.repoURL)].label = s.image.repoURL;
        break;
      case model::Subscription::Type::Chart:
        subs[chart_key(s.chart.repoURL, s.chart.name)].label =
            s.chart.name.empty() ? s.chart.repoURL : s.chart.repoURL + " " + s.chart.name;
        break;
      case model::Subscription::Type::Generic:
        generic[s.name].label = s.name;
        break;
    }
  }
  const std::string wh_name = "Warehouse \"" + wh.metadata.name + "\"";
  auto claim = [&](std::map<std::string, SubRef>& m, const std::string& key, const std::string& at,
                   const std::string& what, const std::string& url) -> std::string {
    auto it = m.find(key);
    if (it == m.end()) {
      *field = at;
      return "no subscription found for " + what + " \"" + url + "\" in " + wh_name +
             "; add a subscription for it to the Warehouse or remove the artifact";
    }
    if (++it->second.count > 1) {
      *field = at;
      return "multiple artifacts found for subscription \"" + it->second.label + "\" of " +
             wh_name + "; a Freight carries one version per subscription";
    }
    return "";
  };
  for (size_t i = 0; i < f.commits.size(); ++i) {
    const auto& c = f.commits[i];
    if (auto p = claim(subs, git_key(c.repoURL), "commits[" + std::to_string(i) + "]",
                       "Git repository", c.repoURL);
        !p.empty()) {
      return p;
    }
  }
  for (size_t i = 0; i < f.images.size(); ++i) {
    const auto& c = f.images[i];
    if (auto p = claim(subs, image_key(c.repoURL), "images[" + std::to_string(i) + "]",
                       "image repository", c.repoURL);
        !p.empty()) {
      return p;
    }
  }
  for (size_t i = 0; i < f.charts.size(); ++i) {
    const auto& c = f.charts[i];
    if (auto p = claim(subs, chart_key(c.repoURL, c.name), "charts[" + std::to_string(i) + "]",
                       "Helm chart", c.name.empty() ? c.repoURL : c.repoURL + " " + c.name);
        !p.empty()) {
      return p;
    }
  }
  for (size_t i = 0; i < f.artifacts.size(); ++i) {
    const auto& a = f.artifacts[i];
    if (auto p = claim(generic, a.subscriptionName, "artifacts[" + std::to_string(i) + "]",
                       "subscription", a.subscriptionName);
        !p.empty()) {
      return p;
    }
  }
  for (const auto& [key, ref] : subs) {
    if (ref.count == 0) {
      *field = "";
      return "no artifact found for subscription \"" + ref.label + "\" of " + wh_name +
             "; add the version of that repository this Freight carries";
    }
  }
  return "";
}

// Rule: origin and artifacts never change. "" when unchanged, else the first changed path.
std::string changed_artifact(const json& before, const json& after) {
  for (const char* key : {"origin", "commits", "images", "charts", "artifacts"}) {
    const json empty = key == std::string("origin") ? json(nullptr) : json::array();
    json a = before.is_object() && before.contains(key) ? before[key] : empty;
    json b = after.is_object() && after.contains(key) ? after[key] : empty;
    if (a.is_null() && b.is_array() && b.empty()) continue;
    if (a == b) continue;
    if (a.is_array() && b.is_array()) {
      for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i] != b[i]) return std::string(key) + "[" + std::to_string(i) + "]";
      }
    }
    return key;
  }
  return "";
}

Decision validate_delete(const AdmissionRequest& req, const Context& ctx) {
  const json& old = req.oldObject;
  const std::string who = rules::describe(req);
  const std::string& ns = req.namespace_;
  const std::string name =
      req.name.empty() ? rules::json_str(old.value("metadata", json::object()), "name") : req.name;
  // The namespace itself is going away: its controller must be able to empty it.
  const model::Namespace* nso = ctx.snapshot.namespace_(ns);
  if (nso != nullptr && nso->metadata.deletionTimestamp) return allow(req);
  const std::string alias = rules::json_str(old, "alias");
  for (const model::Stage* stage : ctx.snapshot.stages(ns)) {
    for (const model::Application* app :
         ctx.snapshot.applications_for_stage(ns, stage->metadata.name)) {
      const std::string pinned = app->metadata.annotation(kFreightKey);
      if (pinned.empty() || (pinned != name && (alias.empty() || pinned != alias))) continue;
      return deny(req, rules::message(who, "",
                                      "Freight is pinned by Application \"" +
                                          app->metadata.namespace_ + "/" + app->metadata.name +
                                          "\" of Stage \"" + stage->metadata.name +
                                          "\"; promote other Freight to that Stage first"));
    }
  }
  std::vector<std::string> in_use;
  if (old.contains("status") && old["status"].is_object() &&
      old["status"].contains("currentlyIn") && old["status"]["currentlyIn"].is_object()) {
    for (const auto& [stage, _] : old["status"]["currentlyIn"].items()) in_use.push_back(stage);
  }
  if (!in_use.empty()) {
    std::string list;
    for (const auto& s : in_use) list += (list.empty() ? "" : ", ") + ("\"" + s + "\"");
    return deny(req, rules::message(who, "",
                                    "freight is in-use by stages (" + list +
                                        "); promote other Freight to them first"));
  }
  return allow(req);
}

}  // namespace

Decision freight_rules(Phase phase, const AdmissionRequest& req, const Context& ctx) {
  if (phase == Phase::Mutate) return req.operation == "DELETE" ? allow(req) : mutate(req, ctx);
  if (req.operation == "DELETE") return validate_delete(req, ctx);

  const std::string who = rules::describe(req);
  auto f = rules::decode_as<model::Freight>(req.object);
  if (!f) return rules::deny_invalid(req, f.error());
  const std::string& ns = req.namespace_;
  auto deny_at = [&](const std::string& field, const std::string& text) {
    return deny(req, rules::message(who, field, text));
  };

  if (req.operation == "CREATE") {
    if (std::string p = rules::project_problem(ctx.snapshot, ns); !p.empty()) {
      return deny_at("metadata.namespace", p);
    }
    // Rule: at least one artifact.
    if (f->commits.empty() && f->images.empty() && f->charts.empty() && f->artifacts.empty()) {
      return deny_at("",
                     "freight must contain at least one commit, image, chart or artifact; "
                     "list the versions this Freight carries");
    }
    // Rule: the name is the Freight ID (the mutating webhook sets it; this holds if it did not
    // run).
    const std::string id = freight::freight_id(*f);
    if (f->metadata.name != id) {
      return deny_at("metadata.name",
                     "must be the Freight ID \"" + id +
                         "\" computed from its origin and artifacts; use that name or leave "
                         "naming to the mutating webhook");
    }
  } else {
    // Rule: artifacts are immutable.
    if (std::string path = changed_artifact(req.oldObject, req.object); !path.empty()) {
      return deny_at(path, "Freight is immutable; create a new Freight instead");
    }
  }
  // Rule: the alias is unique in the namespace.
  if (!f->alias.empty()) {
    const model::Freight* other = ctx.snapshot.freight_by_alias(ns, f->alias);
    if (other != nullptr && other->metadata.name != f->metadata.name) {
      return deny_at("alias", "alias \"" + f->alias +
                                  "\" already used by another piece of Freight in namespace \"" +
                                  ns + "\" (" + other->metadata.name + "); choose another alias");
    }
    if (std::string p = rules::dns1123_label_problem(f->alias); !p.empty()) {
      return deny_at("alias", p);
    }
  }
  if (req.operation == "CREATE") {
    // Rule: the Warehouse exists and the artifacts match its subscriptions.
    const model::Warehouse* wh = ctx.snapshot.warehouse(ns, f->origin.name);
    if (wh == nullptr) {
      return deny_at("origin.name", "Warehouse \"" + f->origin.name +
                                        "\" does not exist in namespace \"" + ns +
                                        "\"; create it first or fix origin.name");
    }
    std::string field;
    if (std::string p = artifacts_problem(*f, *wh, &field); !p.empty()) return deny_at(field, p);
  }
  return allow(req);
}

}  // namespace freightgate::admission
