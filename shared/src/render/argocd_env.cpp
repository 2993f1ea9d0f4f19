// Argo CD environment -> render::Request; dynamic parameter announcements.
#include "freightgate/render/argocd_env.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace freightgate::render {

using nlohmann::json;

namespace {

Error env_error(const std::string& var, const std::string& message) {
  Error e;
  e.path = var;
  e.message = message;
  return e;
}

std::string get(const Env& env, const std::string& k) {
  auto it = env.find(k);
  return it == env.end() ? "" : it->second;
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path + "/") {
    if (c == '/') {
      if (!cur.empty() && cur != ".") out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

Result<bool> parse_bool(const std::string& name, const std::string& v) {
  if (v == "true") return true;
  if (v == "false") return false;
  return env_error("ARGOCD_APP_PARAMETERS",
                   "parameter " + name + ": \"" + v + "\" is not \"true\" or \"false\"");
}

// ARGOCD_APP_PARAMETERS: null, absent, or [{name, string|array|map}].
Result<json> parameters(const Env& env) {
  auto it = env.find("ARGOCD_APP_PARAMETERS");
  if (it == env.end() || it->second.empty() || it->second == "null") return json::array();
  json p = json::parse(it->second, nullptr, false);
  if (p.is_discarded() || !p.is_array())
    return env_error("ARGOCD_APP_PARAMETERS",
                     "is not a JSON array of parameters; check spec.source.plugin.parameters");
  return p;
}

}  // namespace

Result<std::string> repo_root_from_env(const Env& env, const std::string& cwd) {
  const std::string override_root = get(env, "FG_REPO_ROOT");
  if (!override_root.empty()) return override_root;
  const std::string src = get(env, "ARGOCD_APP_SOURCE_PATH");
  auto parts = components(src);
  for (const auto& p : parts)
    if (p == "..")
      return env_error("ARGOCD_APP_SOURCE_PATH",
                       "\"" + src + "\" leaves the repository; use a path inside it");
  auto cwd_parts = components(cwd);
  if (parts.size() > cwd_parts.size() ||
      !std::equal(parts.rbegin(), parts.rend(), cwd_parts.rbegin()))
    return env_error("ARGOCD_APP_SOURCE_PATH",
                     "\"" + src + "\" is not the end of the working directory " + cwd +
                         "; run the plugin from the application path (argocd-cmp-server does)");
  std::string root;
  for (size_t i = 0; i < cwd_parts.size() - parts.size(); ++i) root += "/" + cwd_parts[i];
  return root.empty() ? "/" : root;
}

Result<Request> request_from_env(const Env& env, const std::string& cwd) {
  Request r;
  auto root = repo_root_from_env(env, cwd);
  if (!root) return root.error();
  r.repo_root = *root;
  r.app_dir = cwd;
  r.freight = get(env, "ARGOCD_ENV_FREIGHT");
  r.stage = get(env, "ARGOCD_ENV_STAGE");
  if (r.freight.empty())
    return env_error("ARGOCD_ENV_FREIGHT",
                     "is not set: the Application must pin its Freight in spec.source.plugin.env "
                     "(name FREIGHT); "
                     "promote the stage with freightgate so the webhook writes the pins");
  if (r.stage.empty())
    return env_error(
        "ARGOCD_ENV_STAGE",
        "is not set: the Application must name its stage in spec.source.plugin.env (name STAGE)");
  for (char c : r.stage)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
      return env_error("ARGOCD_ENV_STAGE", "\"" + r.stage + "\" is not a stage name");
  auto images = freight::parse_image_pins(get(env, "ARGOCD_ENV_IMAGES"));
  if (!images) {
    Error e = images.error();
    e.path = "ARGOCD_ENV_" + e.path;
    return e;
  }
  r.images = std::move(*images);

  std::string app = get(env, "ARGOCD_APP_NAME");
  if (auto us = app.find('_'); us != std::string::npos) app = app.substr(us + 1);  // <ns>_<name>
  r.release_name = app;
  r.namespace_ = get(env, "ARGOCD_APP_NAMESPACE");
  r.kube_version = get(env, "KUBE_VERSION");
  std::istringstream av(get(env, "KUBE_API_VERSIONS"));
  for (std::string a; std::getline(av, a, ',');)
    if (!a.empty()) r.api_versions.push_back(a);

  auto params = parameters(env);
  if (!params) return params.error();
  for (const auto& p : *params) {
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string())
      return env_error("ARGOCD_APP_PARAMETERS", "a parameter has no name");
    const std::string name = p["name"].get<std::string>();
    const std::string str =
        p.contains("string") && p["string"].is_string() ? p["string"].get<std::string>() : "";
    auto need = [&](const char* field) -> Status {
      if (p.contains(field)) return ok_status();
      return env_error("ARGOCD_APP_PARAMETERS", "parameter " + name + " needs `" + field + ":`");
    };
    if (name == "values-files") {
      if (auto s = need("array"); !s) return s.error();
      for (const auto& v : p["array"])
        if (v.is_string()) r.values_files.push_back(v.get<std::string>());
    } else if (name == "helm-parameters") {
      if (auto s = need("map"); !s) return s.error();
      for (auto it = p["map"].begin(); it != p["map"].end(); ++it)
        if (it.value().is_string())
          r.helm_set.emplace_back(it.key(), it.value().get<std::string>());
    } else if (name == "release-name") {
      if (!str.empty()) r.release_name = str;
    } else if (name == "renderer") {
      auto k = parse_source_kind(str);
      if (!k) return env_error("ARGOCD_APP_PARAMETERS", "parameter renderer: " + k.error().message);
      r.kind = *k;
    } else if (name == "stamp" || name == "fail-on-unmatched-pin" ||
               name == "fail-on-floating-image") {
      auto b = parse_bool(name, str);
      if (!b) return b.error();
      (name == "stamp"                   ? r.stamp
       : name == "fail-on-unmatched-pin" ? r.fail_on_unmatched_pin
                                         : r.fail_on_floating) = *b;
    } else if (name == "freight" || name == "stage" || name == "images") {
      // Shown by `parameters` for information; the pins in plugin env are what counts.
    } else {
      return env_error(
          "ARGOCD_APP_PARAMETERS",
          "unknown parameter \"" + name +
              "\"; known: values-files, helm-parameters, release-name, renderer, stamp, "
              "fail-on-unmatched-pin, fail-on-floating-image");
    }
  }
  return r;
}

Result<std::string> announcements(const Env& env) {
  json out = json::array();
  auto add = [&](json a) { out.push_back(std::move(a)); };
  const std::string freight = get(env, "ARGOCD_ENV_FREIGHT");
  const std::string stage = get(env, "ARGOCD_ENV_STAGE");
  add({{"name", "freight"},
       {"title", "Pinned Freight (read-only: promote to change)"},
       {"tooltip", "From plugin env FREIGHT, written by the freightgate webhook on promotion"},
       {"string", freight.empty() ? "(not pinned)" : freight}});
  add({{"name", "stage"}, {"title", "Stage"}, {"string", stage.empty() ? "(not set)" : stage}});
  json images = json::array();
  auto pins = freight::parse_image_pins(get(env, "ARGOCD_ENV_IMAGES"));
  if (pins)
    for (const auto& p : *pins) images.push_back(p.str());
  else
    images.push_back("invalid IMAGES: " + pins.error().message);
  add({{"name", "images"},
       {"title", "Pinned images"},
       {"collectionType", "array"},
       {"array", images}});

  // Current values of the plugin's own parameters, defaults where unset.
  std::string renderer = "auto", stamp = "true", unmatched = "false", floating = "true", release;
  json values = json::array(), sets = json::object();
  auto params = parameters(env);
  if (params) {
    for (const auto& p : *params) {
      if (!p.is_object() || !p.contains("name") || !p["name"].is_string()) continue;
      const std::string n = p["name"].get<std::string>();
      const std::string s =
          p.contains("string") && p["string"].is_string() ? p["string"].get<std::string>() : "";
      if (n == "renderer")
        renderer = s;
      else if (n == "stamp")
        stamp = s;
      else if (n == "fail-on-unmatched-pin")
        unmatched = s;
      else if (n == "fail-on-floating-image")
        floating = s;
      else if (n == "release-name")
        release = s;
      else if (n == "values-files" && p.contains("array"))
        values = p["array"];
      else if (n == "helm-parameters" && p.contains("map"))
        sets = p["map"];
    }
  }
  add({{"name", "renderer"},
       {"title", "Renderer: auto, kustomize, helm or directory"},
       {"string", renderer}});
  add({{"name", "values-files"},
       {"title", "Helm values files"},
       {"collectionType", "array"},
       {"array", values}});
  add({{"name", "helm-parameters"},
       {"title", "Helm --set values"},
       {"collectionType", "map"},
       {"map", sets}});
  add({{"name", "release-name"},
       {"title", "Helm release name (default: the app name)"},
       {"string", release}});
  add({{"name", "stamp"},
       {"title", "Stamp objects with freightgate.io/freight and /stage"},
       {"string", stamp}});
  add({{"name", "fail-on-unmatched-pin"},
       {"title", "Fail when a pinned image matches no container"},
       {"string", unmatched}});
  add({{"name", "fail-on-floating-image"},
       {"title", "Fail when an image of a pinned repository stays unpinned"},
       {"string", floating}});
  return out.dump();
}

}  // namespace freightgate::render
