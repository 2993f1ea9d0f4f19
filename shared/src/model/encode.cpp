// Encoders: the typed fields written over `raw`, so unknown fields survive and a decode/encode
// round trip of an unchanged object gives back the original document (see model_internal.h
// for how each field is written).
#include "freightgate/model/decode.h"
#include "model_internal.h"

namespace freightgate::model {

namespace detail {

void put_str(json& obj, const std::string& key, const std::string& v) {
  auto it = obj.find(key);
  if (v.empty()) {
    if (it != obj.end() && !(it->is_string() && it->get_ref<const std::string&>().empty()) &&
        !it->is_null())
      obj.erase(it);
    return;
  }
  if (it != obj.end() && it->is_string() && *it == v) return;
  obj[key] = v;
}

void put_bool(json& obj, const std::string& key, bool v, bool dflt) {
  auto it = obj.find(key);
  if (it != obj.end() && it->is_boolean() && it->get<bool>() == v) return;
  if ((it == obj.end() || it->is_null()) && v == dflt) return;
  obj[key] = v;
}

void put_int(json& obj, const std::string& key, long long v, long long dflt) {
  auto it = obj.find(key);
  if (it != obj.end() && it->is_number() && it->get<double>() == static_cast<double>(v)) return;
  if ((it == obj.end() || it->is_null()) && v == dflt) return;
  obj[key] = v;
}

void put_duration(json& obj, const std::string& key, const std::optional<Duration>& v) {
  auto it = obj.find(key);
  if (!v) {
    if (it != obj.end() && !it->is_null()) obj.erase(it);
    return;
  }
  if (it != obj.end() && it->is_string()) {
    auto cur = parse_duration(it->get<std::string>());
    if (cur && *cur == *v) return;
  }
  obj[key] = format_duration(*v);
}

void put_time(json& obj, const std::string& key, const std::optional<Time>& v) {
  auto it = obj.find(key);
  if (!v) {
    if (it != obj.end() && !it->is_null()) obj.erase(it);
    return;
  }
  if (it != obj.end() && it->is_string()) {
    auto cur = parse_time(it->get<std::string>());
    if (cur && *cur == *v) return;
  }
  obj[key] = format_time(*v);
}

void put_str_list(json& obj, const std::string& key, const std::vector<std::string>& v) {
  auto it = obj.find(key);
  if (v.empty()) {
    if (it != obj.end() && !it->is_null() && !(it->is_array() && it->empty())) obj.erase(it);
    return;
  }
  json arr = v;
  if (it != obj.end() && *it == arr) return;
  obj[key] = std::move(arr);
}

void put_str_map(json& obj, const std::string& key, const std::map<std::string, std::string>& v) {
  auto it = obj.find(key);
  if (v.empty()) {
    if (it != obj.end() && !it->is_null() && !(it->is_object() && it->empty())) obj.erase(it);
    return;
  }
  json m = json::object();
  for (const auto& [k, x] : v) m[k] = x;
  if (it != obj.end() && *it == m) return;
  obj[key] = std::move(m);
}

void put_json(json& obj, const std::string& key, const json& v) {
  if (v.is_null()) {
    auto it = obj.find(key);
    if (it != obj.end() && !it->is_null()) obj.erase(it);
    return;
  }
  obj[key] = v;
}

json& child(json& obj, const std::string& key) {
  json& c = obj[key];
  if (!c.is_object()) c = json::object();
  return c;
}

void drop_if_empty(json& obj, const std::string& key) {
  auto it = obj.find(key);
  if (it != obj.end() && it->is_object() && it->empty()) obj.erase(it);
}

namespace {

// Runs `write` on obj[key] (created if needed); removes it again if it was absent and stayed
// empty.
template <class F>
void in_child(json& obj, const std::string& key, F write) {
  const bool had = obj.contains(key) && obj[key].is_object();
  write(child(obj, key));
  if (!had) drop_if_empty(obj, key);
}

// Writes a list of typed items, each over the raw item at the same index.
template <class T, class F>
void put_list(json& obj, const std::string& key, const std::vector<T>& items, F write) {
  auto it = obj.find(key);
  if (items.empty()) {
    if (it != obj.end() && !it->is_null() && !(it->is_array() && it->empty())) obj.erase(it);
    return;
  }
  json old = (it != obj.end() && it->is_array()) ? *it : json::array();
  json arr = json::array();
  for (size_t i = 0; i < items.size(); ++i) {
    json e = (i < old.size() && old[i].is_object()) ? old[i] : json::object();
    write(e, items[i]);
    arr.push_back(std::move(e));
  }
  obj[key] = std::move(arr);
}

}  // namespace

void put_head(json& out, const ObjectBase& o) {
  if (!out.is_object()) out = json::object();
  put_str(out, "apiVersion", o.apiVersion);
  put_str(out, "kind", o.kind);
  in_child(out, "metadata", [&](json& m) {
    const ObjectMeta& md = o.metadata;
    put_str(m, "name", md.name);
    put_str(m, "generateName", md.generateName);
    put_str(m, "namespace", md.namespace_);
    put_str(m, "uid", md.uid);
    put_str(m, "resourceVersion", md.resourceVersion);
    put_int(m, "generation", md.generation, 0);
    put_time(m, "creationTimestamp", md.creationTimestamp);
    put_time(m, "deletionTimestamp", md.deletionTimestamp);
    put_str_map(m, "labels", md.labels);
    put_str_map(m, "annotations", md.annotations);
  });
}

void put_label_selector(json& obj, const LabelSelector& s) {
  put_str_map(obj, "matchLabels", s.matchLabels);
  put_list(obj, "matchExpressions", s.matchExpressions,
           [](json& e, const LabelSelectorRequirement& r) {
             put_str(e, "key", r.key);
             put_str(e, "operator", r.operator_);
             put_str_list(e, "values", r.values);
           });
}

void put_origin(json& obj, const FreightOrigin& o) {
  auto it = obj.find("kind");
  // kind defaults to Warehouse: leave it out when it was left out.
  if (!(o.kind == "Warehouse" && (it == obj.end() || it->is_null()))) put_str(obj, "kind", o.kind);
  put_str(obj, "name", o.name);
}

}  // namespace detail

using detail::child;
using detail::in_child;
using detail::json;
using detail::put_bool;
using detail::put_duration;
using detail::put_int;
using detail::put_json;
using detail::put_list;
using detail::put_str;
using detail::put_str_list;
using detail::put_str_map;
using detail::put_time;

namespace {

json start(const ObjectBase& o) {
  json out = o.raw.is_object() ? o.raw : json::object();
  detail::put_head(out, o);
  return out;
}

void put_selector(json& obj, const PromotionPolicySelector& s) {
  put_str(obj, "name", s.name);
  detail::put_label_selector(obj, s.labels);
}

void put_source(json& src, const ApplicationSource& s) {
  put_str(src, "repoURL", s.repoURL);
  put_str(src, "path", s.path);
  put_str(src, "chart", s.chart);
  put_str(src, "targetRevision", s.targetRevision);
  put_str(src, "ref", s.ref);
  if (s.kustomizeImages) {
    in_child(src, "kustomize", [&](json& k) {
      if (s.kustomizeImages->empty() && !k.contains("images"))
        k["images"] = json::array();
      else
        put_str_list(k, "images", *s.kustomizeImages);
    });
  } else if (src.contains("kustomize") && src["kustomize"].is_object()) {
    src["kustomize"].erase("images");
  }
  if (s.helmParameters) {
    in_child(src, "helm", [&](json& h) {
      put_list(h, "parameters", *s.helmParameters, [](json& e, const HelmParameter& p) {
        put_str(e, "name", p.name);
        put_str(e, "value", p.value);
        put_bool(e, "forceString", p.forceString, false);
      });
    });
  } else if (src.contains("helm") && src["helm"].is_object()) {
    src["helm"].erase("parameters");
  }
  if (s.hasPlugin || s.pluginName) {
    const bool was_null = src.contains("plugin") && src["plugin"].is_null();
    json& pl = child(src, "plugin");
    if (s.pluginName) put_str(pl, "name", *s.pluginName);
    put_list(pl, "env", s.pluginEnv, [](json& e, const EnvEntry& en) {
      put_str(e, "name", en.name);
      // An env value is a string; an empty one is written out (the CMP sees it set).
      e["value"] = en.value;
    });
    put_json(pl, "parameters", s.pluginParameters);
    if (was_null && pl.empty()) src["plugin"] = nullptr;
  } else {
    src.erase("plugin");
  }
}

}  // namespace

json encode(const Project& p) {
  json out = start(p);
  if (!p.promotionPolicies.empty() || out.contains("spec")) {
    in_child(out, "spec", [&](json& spec) {
      put_list(spec, "promotionPolicies", p.promotionPolicies,
               [](json& e, const LegacyPromotionPolicy& x) {
                 put_str(e, "stage", x.stage);
                 put_bool(e, "autoPromotionEnabled", x.autoPromotionEnabled, false);
               });
    });
  }
  return out;
}

json encode(const ProjectConfig& p) {
  json out = start(p);
  in_child(out, "spec", [&](json& spec) {
    put_list(spec, "promotionPolicies", p.promotionPolicies,
             [](json& e, const ProjectPromotionPolicy& x) {
               put_str(e, "stage", x.stage);
               if (x.stageSelector)
                 in_child(e, "stageSelector", [&](json& s) { put_selector(s, *x.stageSelector); });
               else
                 e.erase("stageSelector");
               put_bool(e, "autoPromotionEnabled", x.autoPromotionEnabled, false);
             });
  });
  return out;
}

json encode(const Warehouse& w) {
  json out = start(w);
  json& spec = child(out, "spec");
  put_str(spec, "shard", w.shard);
  {
    auto it = spec.find("interval");
    const bool absent = it == spec.end() || it->is_null();
    if (!(absent && w.interval == "5m0s")) put_str(spec, "interval", w.interval);
  }
  {
    auto it = spec.find("freightCreationPolicy");
    const bool absent = it == spec.end() || it->is_null();
    if (!(absent && w.freightCreationPolicy == "Automatic"))
      put_str(spec, "freightCreationPolicy", w.freightCreationPolicy);
  }
  put_list(spec, "subscriptions", w.subscriptions, [](json& e, const Subscription& s) {
    put_str(e, "name", s.name);
    // Enum-like string fields with defaults are left out when they were left out and still
    // hold the default.
    auto put_default = [](json& o, const std::string& key, const std::string& v, const char* dflt) {
      auto it = o.find(key);
      if ((it == o.end() || it->is_null()) && v == dflt) return;
      put_str(o, key, v);
    };
    switch (s.type) {
      case Subscription::Type::Git: {
        json& g = child(e, "git");
        const GitSubscription& x = s.git;
        put_str(g, "repoURL", x.repoURL);
        put_default(g, "commitSelectionStrategy", x.commitSelectionStrategy, "NewestFromBranch");
        put_str(g, "branch", x.branch);
        put_bool(g, "strictSemvers", x.strictSemvers, true);
        put_str(g, "semverConstraint", x.semverConstraint);
        put_str_list(g, "allowTagsRegexes", x.allowTagsRegexes);
        put_str_list(g, "ignoreTagsRegexes", x.ignoreTagsRegexes);
        put_str_list(g, "includePaths", x.includePaths);
        put_str_list(g, "excludePaths", x.excludePaths);
        put_int(g, "discoveryLimit", x.discoveryLimit, 20);
        put_bool(g, "insecureSkipTLSVerify", x.insecureSkipTLSVerify, false);
        break;
      }
      case Subscription::Type::Image: {
        json& g = child(e, "image");
        const ImageSubscription& x = s.image;
        put_str(g, "repoURL", x.repoURL);
        put_default(g, "imageSelectionStrategy", x.imageSelectionStrategy, "SemVer");
        put_str(g, "constraint", x.constraint);
        put_bool(g, "strictSemvers", x.strictSemvers, true);
        put_str_list(g, "allowTagsRegexes", x.allowTagsRegexes);
        put_str_list(g, "ignoreTagsRegexes", x.ignoreTagsRegexes);
        put_str(g, "platform", x.platform);
        put_int(g, "discoveryLimit", x.discoveryLimit, 20);
        put_bool(g, "cacheByTag", x.cacheByTag, false);
        put_bool(g, "insecureSkipTLSVerify", x.insecureSkipTLSVerify, false);
        break;
      }
      case Subscription::Type::Chart: {
        json& g = child(e, "chart");
        const ChartSubscription& x = s.chart;
        put_str(g, "repoURL", x.repoURL);
        put_str(g, "name", x.name);
        put_str(g, "semverConstraint", x.semverConstraint);
        put_int(g, "discoveryLimit", x.discoveryLimit, 20);
        put_bool(g, "insecureSkipTLSVerify", x.insecureSkipTLSVerify, false);
        break;
      }
      case Subscription::Type::Generic:
        if (!s.genericType.empty())
          e[s.genericType] = s.generic.is_null() ? json::object() : s.generic;
        break;
    }
  });
  return out;
}

json encode(const Freight& f) {
  json out = start(f);
  put_str(out, "alias", f.alias);
  put_time(out, "discoveredAt", f.discoveredAt);
  detail::put_origin(child(out, "origin"), f.origin);
  put_list(out, "commits", f.commits, [](json& e, const GitCommit& c) {
    put_str(e, "repoURL", c.repoURL);
    put_str(e, "id", c.id);
    put_str(e, "branch", c.branch);
    put_str(e, "tag", c.tag);
    put_str(e, "message", c.message);
    put_str(e, "author", c.author);
    put_str(e, "committer", c.committer);
    put_str(e, "subscriptionName", c.subscriptionName);
  });
  put_list(out, "images", f.images, [](json& e, const Image& c) {
    put_str(e, "repoURL", c.repoURL);
    put_str(e, "tag", c.tag);
    put_str(e, "digest", c.digest);
    put_str_map(e, "annotations", c.annotations);
    put_str(e, "subscriptionName", c.subscriptionName);
  });
  put_list(out, "charts", f.charts, [](json& e, const Chart& c) {
    put_str(e, "repoURL", c.repoURL);
    put_str(e, "name", c.name);
    put_str(e, "version", c.version);
    put_str(e, "subscriptionName", c.subscriptionName);
  });
  put_list(out, "artifacts", f.artifacts, [](json& e, const GenericArtifact& a) {
    put_str(e, "artifactType", a.artifactType);
    put_str(e, "subscriptionName", a.subscriptionName);
    put_str(e, "version", a.version);
    if (!a.metadata.empty() || e.contains("metadata")) e["metadata"] = a.metadata;
  });
  const FreightStatus& st = f.status;
  in_child(out, "status", [&](json& s) {
    // Each map is rebuilt from the typed entries, each entry over its raw value.
    auto put_map = [&s](const char* key, const auto& m, auto write) {
      json old = s.contains(key) && s[key].is_object() ? s[key] : json::object();
      if (m.empty()) {
        if (s.contains(key) && !s[key].is_null() && !old.empty()) s.erase(key);
        return;
      }
      json out_map = json::object();
      for (const auto& [stage, v] : m) {
        json e = old.contains(stage) && old[stage].is_object() ? old[stage] : json::object();
        write(e, v);
        out_map[stage] = std::move(e);
      }
      s[key] = std::move(out_map);
    };
    put_map("currentlyIn", st.currentlyIn,
            [](json& e, const FreightStatus::CurrentlyIn& c) { put_time(e, "since", c.since); });
    put_map("verifiedIn", st.verifiedIn, [](json& e, const FreightStatus::VerifiedIn& c) {
      put_time(e, "verifiedAt", c.verifiedAt);
      put_duration(e, "longestSoak", c.longestSoak);
    });
    put_map("approvedFor", st.approvedFor, [](json& e, const FreightStatus::ApprovedFor& c) {
      put_time(e, "approvedAt", c.approvedAt);
    });
  });
  return out;
}

json encode(const Stage& s) {
  json out = start(s);
  json& spec = child(out, "spec");
  put_str(spec, "shard", s.shard);
  put_list(spec, "requestedFreight", s.requestedFreight, [](json& e, const FreightRequest& r) {
    detail::put_origin(child(e, "origin"), r.origin);
    json& src = child(e, "sources");
    put_bool(src, "direct", r.sources.direct, false);
    put_str_list(src, "stages", r.sources.stages);
    put_duration(src, "requiredSoakTime", r.sources.requiredSoakTime);
    put_str(src, "availabilityStrategy", r.sources.availabilityStrategy);
    auto it = src.find("autoPromotionOptions");
    const bool absent = it == src.end() || !it->is_object();
    if (!(absent && r.sources.selectionPolicy == "NewestFreight"))
      put_str(child(src, "autoPromotionOptions"), "selectionPolicy", r.sources.selectionPolicy);
  });
  put_json(spec, "promotionTemplate", s.promotionTemplate);
  put_json(spec, "verification", s.verification);
  if (!s.healthStatus.empty() || !s.freightSummary.empty() || out.contains("status")) {
    in_child(out, "status", [&](json& st) {
      put_str(st, "freightSummary", s.freightSummary);
      in_child(st, "health", [&](json& h) { put_str(h, "status", s.healthStatus); });
    });
  }
  return out;
}

json encode(const Promotion& p) {
  json out = start(p);
  json& spec = child(out, "spec");
  put_str(spec, "stage", p.stage);
  put_str(spec, "freight", p.freight);
  if (p.originRequest)
    detail::put_origin(child(spec, "origin"), *p.originRequest);
  else
    spec.erase("origin");
  put_json(spec, "vars", p.vars);
  put_json(spec, "steps", p.steps);
  if (!p.phase.empty() || !p.message.empty() || out.contains("status")) {
    in_child(out, "status", [&](json& st) {
      put_str(st, "phase", p.phase);
      put_str(st, "message", p.message);
    });
  }
  return out;
}

json encode(const PromotionTask& t) {
  json out = start(t);
  put_json(out, "spec", t.spec);
  return out;
}

json encode(const Application& a) {
  json out = start(a);
  json& spec = child(out, "spec");
  put_str(spec, "project", a.project);
  if (a.source) {
    json src = spec.contains("source") && spec["source"].is_object() ? spec["source"]
               : a.source->raw.is_object()                           ? a.source->raw
                                                                     : json::object();
    put_source(src, *a.source);
    spec["source"] = std::move(src);
  } else {
    spec.erase("source");
  }
  if (!a.sources.empty()) {
    json old =
        spec.contains("sources") && spec["sources"].is_array() ? spec["sources"] : json::array();
    json arr = json::array();
    for (size_t i = 0; i < a.sources.size(); ++i) {
      json src = i < old.size() && old[i].is_object() ? old[i]
                 : a.sources[i].raw.is_object()       ? a.sources[i].raw
                                                      : json::object();
      put_source(src, a.sources[i]);
      arr.push_back(std::move(src));
    }
    spec["sources"] = std::move(arr);
  } else if (spec.contains("sources") && !(spec["sources"].is_array() && spec["sources"].empty())) {
    spec.erase("sources");
  }
  if (!a.healthStatus.empty() || !a.syncStatus.empty() || !a.operationPhase.empty() ||
      out.contains("status")) {
    in_child(out, "status", [&](json& st) {
      in_child(st, "health", [&](json& h) { put_str(h, "status", a.healthStatus); });
      in_child(st, "sync", [&](json& h) { put_str(h, "status", a.syncStatus); });
      in_child(st, "operationState", [&](json& h) { put_str(h, "phase", a.operationPhase); });
    });
  }
  return out;
}

json encode(const PromotionPolicy& p) {
  json out = start(p);
  json& spec = child(out, "spec");
  put_selector(child(spec, "stageSelector"), p.stageSelector);
  put_bool(spec, "requireApproval", p.requireApproval, false);
  put_list(spec, "windows", p.windows, [](json& e, const PromotionWindow& w) {
    // kind is case-insensitive on input; keep the user's spelling when it means the same.
    auto it = e.find("kind");
    std::string cur = it != e.end() && it->is_string() ? it->get<std::string>() : "";
    std::string lower = cur;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != w.kind) put_str(e, "kind", w.kind);
    put_str(e, "schedule", w.schedule);
    put_duration(e, "duration", w.duration);
    auto tz = e.find("timeZone");
    if (!((tz == e.end() || tz->is_null()) && w.timeZone == "UTC"))
      put_str(e, "timeZone", w.timeZone);
  });
  return out;
}

json encode(const Namespace& n) { return start(n); }

json encode(const Role& r) {
  json out = start(r);
  put_list(out, "rules", r.rules, [](json& e, const PolicyRule& pr) {
    put_str_list(e, "verbs", pr.verbs);
    put_str_list(e, "apiGroups", pr.apiGroups);
    put_str_list(e, "resources", pr.resources);
    put_str_list(e, "resourceNames", pr.resourceNames);
    put_str_list(e, "nonResourceURLs", pr.nonResourceURLs);
  });
  if (!r.aggregationSelectors.empty())
    in_child(out, "aggregationRule", [&](json& ag) {
      put_list(ag, "clusterRoleSelectors", r.aggregationSelectors,
               [](json& e, const LabelSelector& s) { detail::put_label_selector(e, s); });
    });
  return out;
}

json encode(const RoleBinding& b) {
  json out = start(b);
  json& rr = child(out, "roleRef");
  if (!rr.contains("apiGroup")) rr["apiGroup"] = "rbac.authorization.k8s.io";
  put_str(rr, "kind", b.roleRef.kind);
  put_str(rr, "name", b.roleRef.name);
  put_list(out, "subjects", b.subjects, [](json& e, const Subject& s) {
    put_str(e, "kind", s.kind);
    put_str(e, "name", s.name);
    put_str(e, "namespace", s.namespace_);
  });
  return out;
}

json encode(const Unknown& u) { return start(u); }

json encode(const AnyObject& o) {
  return std::visit([](const auto& x) { return encode(x); }, o);
}

}  // namespace freightgate::model
