// Pins of a stage's Application: expansion of one Freight (admission/application_pins.h).
#include "freightgate/admission/application_pins.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <unordered_map>

#include "freightgate/freight/image_ref.h"
#include "freightgate/freight/urls.h"
#include "freightgate/model/json_reader.h"

namespace freightgate::admission {

namespace {

using model::JsonView;
using nlohmann::json;

std::string str(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t");
  size_t b = s.find_last_not_of(" \t");
  return a == std::string_view::npos ? "" : std::string(s.substr(a, b - a + 1));
}

bool is_freightgate_plugin(const json& source) {
  if (!source.is_object() || !source.contains("plugin") || !source["plugin"].is_object())
    return false;
  return str(source["plugin"], "name") == kPluginName;
}

bool is_freightgate_plugin(JsonView source) {
  return source["plugin"]["name"].str() == kPluginName;
}

std::string_view env_value(JsonView source, std::string_view name) {
  if (!is_freightgate_plugin(source)) return "";
  for (JsonView e : source["plugin"]["env"].elements())
    if (e["name"].str() == name) return e["value"].str();
  return "";
}

std::string image_pin(const Image& i) {
  std::string s = i.repoURL;
  if (!i.tag.empty()) (s += ':') += i.tag;
  if (!i.digest.empty()) (s += '@') += i.digest;
  return s;
}

template <class T, class F>
std::string join_sorted(const std::vector<T>& items, F format) {
  std::vector<const T*> sorted;
  for (const auto& i : items) sorted.push_back(&i);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const T* a, const T* b) { return a->repoURL < b->repoURL; });
  std::string out;
  for (const T* i : sorted) {
    if (!out.empty()) out += ',';
    out += format(*i);
  }
  return out;
}

// The name part of a kustomize images entry: "old=new:tag" -> "old", else the whole entry.
std::string kustomize_entry_name(const std::string& entry) {
  size_t eq = entry.find('=');
  return eq == std::string::npos ? entry : entry.substr(0, eq);
}

// freight::normalize_git, remembered: a webhook asks about the same few repositories on every
// request, and parsing a URL the Go way costs a microsecond.
const std::string& normalized_git(const std::string& url) {
  thread_local std::unordered_map<std::string, std::string> known;
  if (auto it = known.find(url); it != known.end()) return it->second;
  if (known.size() >= 4096) known.clear();
  return known.emplace(url, freight::normalize_git(url)).first->second;
}

// The targetRevision a source gets: the Freight's commit for its Git repository, else (a Helm
// chart source) the version of its chart; nullptr when the Freight has neither.
const std::string* revision_pin(const std::string& repo, const std::string& chart,
                                const model::Freight& f) {
  if (chart.empty()) {
    if (repo.empty()) return nullptr;
    const std::string norm = normalized_git(repo);
    for (const auto& c : f.commits)
      if (normalized_git(c.repoURL) == norm) return &c.id;
    return nullptr;
  }
  for (const auto& c : f.charts) {
    bool match = c.name.empty() ? freight::normalize_chart(c.repoURL) ==
                                      freight::normalize_chart(repo + "/" + chart)
                                : c.name == chart && freight::normalize_chart(c.repoURL) ==
                                                         freight::normalize_chart(repo);
    if (match) return &c.version;
  }
  return nullptr;
}

// The freightgate plugin's env pins, in internals.md order, empty ones omitted.
constexpr const char* kEnvPinNames[] = {"FREIGHT", "STAGE",   "PROJECT",
                                        "IMAGES",  "COMMITS", "CHARTS"};

struct EnvPin {
  const char* name;
  std::string value;
};

std::vector<EnvPin> env_pins(const model::Freight& f, const StageRef& stage) {
  std::vector<EnvPin> out;
  out.reserve(std::size(kEnvPinNames));
  auto add = [&out](const char* name, std::string value) {
    if (!value.empty()) out.push_back({name, std::move(value)});
  };
  add(kEnvPinNames[0], f.metadata.name);
  add(kEnvPinNames[1], stage.stage);
  add(kEnvPinNames[2], stage.project);
  add(kEnvPinNames[3], images_pin(f));
  add(kEnvPinNames[4], commits_pin(f));
  add(kEnvPinNames[5], charts_pin(f));
  return out;
}

bool is_env_pin_name(std::string_view name) {
  return std::find(std::begin(kEnvPinNames), std::end(kEnvPinNames), name) !=
         std::end(kEnvPinNames);
}

// One entry of a pinned kustomize.images: an existing entry kept as it is (its index), or a pin.
struct ImageEntry {
  std::optional<std::size_t> kept;
  std::string pin;
};

// kustomize.images pinned: entries naming one of the Freight's images become its pin (once),
// entries for other images are kept, the Freight's images not named yet are appended.
// `existing[i]` is the i-th entry's text (nullopt when it is not a string).
std::vector<ImageEntry> kustomize_image_pins(
    const std::vector<std::optional<std::string_view>>& existing, const model::Freight& f) {
  std::vector<const Image*> sorted;
  for (const auto& i : f.images) sorted.push_back(&i);
  std::sort(sorted.begin(), sorted.end(),
            [](const Image* a, const Image* b) { return a->repoURL < b->repoURL; });
  std::vector<ImageEntry> out;
  std::set<std::string> done;
  for (std::size_t e = 0; e < existing.size(); ++e) {
    const Image* pin = nullptr;
    if (existing[e])
      for (const Image* i : sorted)
        if (freight::image_matches(kustomize_entry_name(std::string(*existing[e])), i->repoURL))
          pin = i;
    if (!pin)
      out.push_back({e, ""});
    else if (done.insert(pin->repoURL).second)
      out.push_back({std::nullopt, image_pin(*pin)});
  }
  for (const Image* i : sorted)
    if (done.insert(i->repoURL).second) out.push_back({std::nullopt, image_pin(*i)});
  return out;
}

void pin_source(json& source, const model::Freight& f, const StageRef& stage) {
  if (!source.is_object()) return;
  if (const std::string* rev = revision_pin(str(source, "repoURL"), str(source, "chart"), f))
    source["targetRevision"] = *rev;

  if (is_freightgate_plugin(source)) {
    json env = json::array();
    for (const EnvPin& pin : env_pins(f, stage)) {
      json entry = json::object();  // not an initializer list: nlohmann inspects those slowly
      entry["name"] = pin.name;
      entry["value"] = pin.value;
      env.push_back(std::move(entry));
    }
    json& plugin = source["plugin"];
    if (plugin.contains("env") && plugin["env"].is_array())
      for (const auto& e : plugin["env"])
        if (!is_env_pin_name(str(e, "name"))) env.push_back(e);
    plugin["env"] = std::move(env);
  }

  if (source.contains("kustomize") && source["kustomize"].is_object() && !f.images.empty()) {
    json& k = source["kustomize"];
    std::vector<std::optional<std::string_view>> existing;
    json old = k.contains("images") && k["images"].is_array() ? k["images"] : json::array();
    for (const auto& e : old)
      existing.push_back(e.is_string()
                             ? std::optional<std::string_view>(e.get_ref<const std::string&>())
                             : std::nullopt);
    json images = json::array();
    for (const ImageEntry& e : kustomize_image_pins(existing, f))
      images.push_back(e.kept ? old[*e.kept] : json(e.pin));
    k["images"] = std::move(images);
  }
}

// pin_source(source) as an Overlay over the view of `source`.
Overlay source_overlay(JsonView source, const model::Freight& f, const StageRef& stage) {
  if (!source.is_object()) return Overlay::view(source);
  Overlay out = Overlay::object(/*partial=*/true);
  if (const std::string* rev =
          revision_pin(std::string(source["repoURL"].str()), std::string(source["chart"].str()), f))
    out.set("targetRevision", Overlay::string(*rev));

  if (is_freightgate_plugin(source)) {
    Overlay env = Overlay::array();
    for (const EnvPin& pin : env_pins(f, stage)) {
      Overlay entry = Overlay::object(/*partial=*/false);
      entry.set("name", Overlay::string(pin.name));
      entry.set("value", Overlay::string(pin.value));
      env.items.emplace_back("", std::move(entry));
    }
    for (JsonView e : source["plugin"]["env"].elements())
      if (!is_env_pin_name(e["name"].str())) env.items.emplace_back("", Overlay::view(e));
    out.child("plugin").set("env", std::move(env));
  }

  JsonView k = source["kustomize"];
  if (k.is_object() && !f.images.empty()) {
    const std::vector<JsonView> old = k["images"].elements();
    std::vector<std::optional<std::string_view>> existing;
    for (JsonView e : old)
      existing.push_back(e.is_string() ? std::optional<std::string_view>(e.str()) : std::nullopt);
    Overlay images = Overlay::array();
    for (const ImageEntry& e : kustomize_image_pins(existing, f))
      images.items.emplace_back("", e.kept ? Overlay::view(old[*e.kept]) : Overlay::string(e.pin));
    out.child("kustomize").set("images", std::move(images));
  }
  return out;
}

// An object whose members are only `keys` (each may repeat: the last occurrence counts).
bool has_only_members(JsonView v, std::initializer_list<std::string_view> keys) {
  simdjson::dom::object o;
  if (!v.is_object() || v.element().get_object().get(o)) return false;
  for (auto field : o)
    if (std::find(keys.begin(), keys.end(), field.key) == keys.end()) return false;
  return true;
}

// pin_source(source) would leave `source` as it is (the same decisions, read off the view).
bool one_source_pinned(JsonView source, const model::Freight& f, const StageRef& stage) {
  if (!source.is_object()) return true;
  if (const std::string* rev = revision_pin(std::string(source["repoURL"].str()),
                                            std::string(source["chart"].str()), f)) {
    JsonView have = source["targetRevision"];
    if (!have.is_string() || have.str() != *rev) return false;
  }

  if (is_freightgate_plugin(source)) {
    // Pinned env = the pins, then the other entries in their order: so the first entries must
    // be the pins, exactly, and none after them may carry a pin's name.
    JsonView env = source["plugin"]["env"];
    if (!env.is_array()) return false;
    const std::vector<EnvPin> pins = env_pins(f, stage);
    const std::vector<JsonView> entries = env.elements();
    if (entries.size() < pins.size()) return false;
    for (std::size_t i = 0; i < pins.size(); ++i) {
      JsonView e = entries[i];
      if (!has_only_members(e, {"name", "value"}) || !e["name"].is_string() ||
          e["name"].str() != pins[i].name || !e["value"].is_string() ||
          e["value"].str() != pins[i].value)
        return false;
    }
    for (std::size_t i = pins.size(); i < entries.size(); ++i)
      if (is_env_pin_name(entries[i]["name"].str())) return false;
  }

  JsonView k = source["kustomize"];
  if (k.is_object() && !f.images.empty()) {
    JsonView images = k["images"];
    if (!images.is_array()) return false;
    const std::vector<JsonView> entries = images.elements();
    std::vector<std::optional<std::string_view>> existing;
    for (JsonView e : entries)
      existing.push_back(e.is_string() ? std::optional<std::string_view>(e.str()) : std::nullopt);
    const std::vector<ImageEntry> want = kustomize_image_pins(existing, f);
    if (want.size() != entries.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (want[i].kept ? !(entries[*want[i].kept] == entries[i])
                       : !entries[i].is_string() || entries[i].str() != want[i].pin)
        return false;
    }
  }
  return true;
}

}  // namespace

std::string_view annotation(JsonView app, std::string_view key) {
  return app["metadata"]["annotations"][key].str();
}

Result<std::optional<StageRef>> authorized_stage(JsonView app) {
  std::string value = trim(annotation(app, kAuthorizedStageKey));
  if (value.empty()) return std::optional<StageRef>();
  auto bad = [&](const std::string& why) {
    Error e;
    e.path = std::string("metadata.annotations[\"") + kAuthorizedStageKey + "\"]";
    e.message = "\"" + value + "\" " + why +
                "; write exactly one \"<project>:<stage>\", e.g. \"guestbook:prod\"";
    return e;
  };
  if (value.find(',') != std::string::npos)
    return bad(
        "lists several stages, but a freightgate-governed Application runs one stage's "
        "Freight");
  if (value.find('*') != std::string::npos)
    return bad("is a glob expression, which Kargo no longer supports");
  size_t colon = value.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == value.size() ||
      value.find(':', colon + 1) != std::string::npos)
    return bad("is not of the form <project>:<stage>");
  return std::optional<StageRef>(
      StageRef{trim(value.substr(0, colon)), trim(value.substr(colon + 1))});
}

std::string images_pin(const model::Freight& f) { return join_sorted(f.images, image_pin); }

std::string commits_pin(const model::Freight& f) {
  return join_sorted(f.commits, [](const GitCommit& c) { return c.repoURL + "@" + c.id; });
}

std::string charts_pin(const model::Freight& f) {
  return join_sorted(f.charts, [](const Chart& c) {
    return (c.name.empty() ? c.repoURL : c.repoURL + "/" + c.name) + ":" + c.version;
  });
}

json pin_application(const json& app, const model::Freight& f, const StageRef& stage) {
  json out = app;
  if (!out.is_object()) return out;
  json& meta = out["metadata"];
  if (!meta.is_object()) meta = json::object();
  if (!meta.contains("annotations") || !meta["annotations"].is_object())
    meta["annotations"] = json::object();
  meta["annotations"][kFreightKey] = f.metadata.name;
  if (out.contains("spec") && out["spec"].is_object()) {
    json& spec = out["spec"];
    if (spec.contains("source")) pin_source(spec["source"], f, stage);
    if (spec.contains("sources") && spec["sources"].is_array())
      for (auto& s : spec["sources"]) pin_source(s, f, stage);
  }
  return out;
}

Overlay pin_overlay(JsonView app, const model::Freight& f, const StageRef& stage) {
  Overlay out = Overlay::object(/*partial=*/true);
  out.child("metadata").child("annotations").set(kFreightKey, Overlay::string(f.metadata.name));
  JsonView spec = app["spec"];
  if (!spec.is_object()) return out;
  Overlay& pinned_spec = out.child("spec");
  if (JsonView source = spec["source"]; source.is_object())
    pinned_spec.set("source", source_overlay(source, f, stage));
  if (JsonView sources = spec["sources"]; sources.is_array()) {
    Overlay list = Overlay::array();
    for (JsonView s : sources.elements()) list.items.emplace_back("", source_overlay(s, f, stage));
    pinned_spec.set("sources", std::move(list));
  }
  return out;
}

bool sources_pinned(JsonView app, const model::Freight& f, const StageRef& stage) {
  JsonView spec = app["spec"];
  if (!spec.is_object()) return true;
  if (!one_source_pinned(spec["source"], f, stage)) return false;
  for (JsonView s : spec["sources"].elements())
    if (!one_source_pinned(s, f, stage)) return false;
  return true;
}

json pinned_members(JsonView app) {
  if (!app.is_object()) return json();
  json out = json::object();
  JsonView meta = app["metadata"];
  if (meta.is_object()) {
    out["metadata"] = json::object();
    JsonView annotations = meta["annotations"];
    if (annotations.is_object()) {
      json& ours = out["metadata"]["annotations"] = json::object();
      for (const char* key : {kFreightKey, kPromotedByKey, kPromotedAtKey, kPreviousFreightKey})
        if (JsonView v = annotations[key]; !v.is_absent()) ours[key] = *build_json(v);
    } else if (!annotations.is_absent()) {
      out["metadata"]["annotations"] = *build_json(annotations);
    }
  } else if (!meta.is_absent()) {
    out["metadata"] = *build_json(meta);
  }
  JsonView spec = app["spec"];
  if (spec.is_object()) {
    out["spec"] = json::object();
    for (const char* key : {"source", "sources"})
      if (spec.contains(key)) out["spec"][key] = *build_json(spec[key]);
  } else if (!spec.is_absent()) {
    out["spec"] = *build_json(spec);
  }
  return out;
}

std::optional<FreightRequestKey> requested_freight(JsonView app, JsonView old) {
  const std::string field_ann = std::string("metadata.annotations[\"") + kFreightKey + "\"]";
  std::string ann = trim(annotation(app, kFreightKey));
  std::string old_ann = trim(annotation(old, kFreightKey));
  // A FREIGHT env edit (Argo CD UI) that differs from before and from the annotation wins when
  // the annotation itself was left alone.
  for (const auto& [path, source] : application_sources(app)) {
    std::string env = trim(env_value(source, "FREIGHT"));
    if (env.empty() || env == ann) continue;
    std::string old_env;
    for (const auto& [old_path, old_source] : application_sources(old))
      if (old_path == path) old_env = trim(env_value(old_source, "FREIGHT"));
    if (env != old_env && ann == old_ann)
      return FreightRequestKey{env, path + ".plugin.env[FREIGHT]"};
  }
  if (!ann.empty()) return FreightRequestKey{ann, field_ann};
  for (const auto& [path, source] : application_sources(app)) {
    std::string env = trim(env_value(source, "FREIGHT"));
    if (!env.empty()) return FreightRequestKey{env, path + ".plugin.env[FREIGHT]"};
  }
  return std::nullopt;
}

std::string pinned_freight(JsonView app) {
  std::string ann = trim(annotation(app, kFreightKey));
  if (!ann.empty()) return ann;
  for (const auto& [path, source] : application_sources(app)) {
    std::string env = trim(env_value(source, "FREIGHT"));
    if (!env.empty()) return env;
  }
  return "";
}

std::string first_difference(const json& a, const json& b, const std::string& path) {
  if (a == b) return "";
  const std::string here = path.empty() ? "(object)" : path;
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.insert(k);
    for (const auto& [k, v] : b.items()) keys.insert(k);
    for (const auto& k : keys) {
      bool dotted = k.find_first_of("./") != std::string::npos;
      std::string sub = dotted ? path + "[\"" + k + "\"]" : (path.empty() ? k : path + "." + k);
      if (!a.contains(k) || !b.contains(k)) return sub;
      std::string d = first_difference(a[k], b[k], sub);
      if (!d.empty()) return d;
    }
    return here;
  }
  if (a.is_array() && b.is_array()) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      std::string d = first_difference(a[i], b[i], path + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return here;
  }
  return here;
}

std::vector<std::pair<std::string, JsonView>> application_sources(JsonView app) {
  std::vector<std::pair<std::string, JsonView>> out;
  JsonView spec = app["spec"];
  if (spec["source"].is_object()) out.emplace_back("spec.source", spec["source"]);
  std::vector<JsonView> sources = spec["sources"].elements();
  for (size_t i = 0; i < sources.size(); ++i)
    out.emplace_back("spec.sources[" + std::to_string(i) + "]", sources[i]);
  return out;
}

}  // namespace freightgate::admission
