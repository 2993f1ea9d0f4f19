// Image pinning in pod templates, the floating-image check, and stamping.
#include "freightgate/render/pin.h"

#include <string_view>

#include "freightgate/freight/urls.h"

namespace freightgate::render {

using nlohmann::json;

namespace {

constexpr std::string_view kContainerLists[] = {"containers", "initContainers",
                                                "ephemeralContainers"};

// JSON pointer and dotted path of the pod spec inside an object of `kind`, or nullptr.
const json* pod_spec_pointer(const json& obj, std::string& dotted) {
  const std::string& kind = obj["kind"].get_ref<const std::string&>();
  static const json::json_pointer kSpec("/spec"), kTemplate("/spec/template/spec"),
      kCron("/spec/jobTemplate/spec/template/spec");
  const json::json_pointer* p = nullptr;
  if (kind == "Pod") {
    p = &kSpec;
    dotted = "spec";
  } else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
             kind == "ReplicaSet" || kind == "ReplicationController" || kind == "Job") {
    p = &kTemplate;
    dotted = "spec.template.spec";
  } else if (kind == "Rollout" &&
             obj["apiVersion"].get_ref<const std::string&>().rfind("argoproj.io/", 0) == 0) {
    p = &kTemplate;
    dotted = "spec.template.spec";
  } else if (kind == "CronJob") {
    p = &kCron;
    dotted = "spec.jobTemplate.spec.template.spec";
  }
  if (!p || !obj.contains(*p)) return nullptr;
  const json& spec = obj.at(*p);
  return spec.is_object() ? &spec : nullptr;
}

Error object_error(const Object& o, const std::string& path, const std::string& message) {
  Error e;
  e.file = o.file;
  e.line = o.line;
  e.object = o.display_name();
  e.path = path;
  e.message = message;
  return e;
}

class Floating {
 public:
  Floating(const std::vector<freight::ImageRef>& pins) : pins_(pins) {
    for (const auto& p : pins) normalized_.push_back(freight::normalize_image(p.name));
  }

  // Walks `v` for container lists; returns the first floating image.
  Status walk(const Object& o, const json& v, const std::string& path) const {
    if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string child = path.empty() ? it.key() : path + "." + it.key();
        if (it.value().is_array() && is_container_list(it.key())) {
          const json& list = it.value();
          for (size_t i = 0; i < list.size(); ++i) {
            if (!list[i].is_object() || !list[i].contains("image") || !list[i]["image"].is_string())
              continue;
            auto st = check(o, list[i]["image"].get<std::string>(),
                            child + "[" + std::to_string(i) + "].image");
            if (!st) return st;
          }
        }
        auto st = walk(o, it.value(), child);
        if (!st) return st;
      }
    } else if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) {
        auto st = walk(o, v[i], path + "[" + std::to_string(i) + "]");
        if (!st) return st;
      }
    }
    return ok_status();
  }

 private:
  static bool is_container_list(const std::string& key) {
    for (auto k : kContainerLists)
      if (key == k) return true;
    return false;
  }

  Status check(const Object& o, const std::string& image, const std::string& path) const {
    const std::string name = freight::split_image(image).name;
    const std::string norm = freight::normalize_image(name);
    for (size_t i = 0; i < pins_.size(); ++i) {
      const auto& pin = pins_[i];
      const bool same = freight::image_matches(image, pin.name);
      if (!same && norm != normalized_[i]) continue;
      const std::string want = same ? freight::apply_pin(image, pin) : pin.str();
      if (image == want) return ok_status();
      if (same)
        return object_error(o, path,
                            "\"" + image + "\" is an image of pinned repository " + pin.name +
                                " left unpinned (freightgate pins the pod templates of workload "
                                "kinds only); write \"" +
                                want + "\" or set parameter fail-on-floating-image to \"false\"");
      return object_error(o, path,
                          "\"" + image + "\" names pinned repository " + pin.name +
                              " differently, so it cannot be pinned; write it as \"" + pin.name +
                              "\"");
    }
    return ok_status();
  }

  const std::vector<freight::ImageRef>& pins_;
  std::vector<std::string> normalized_;
};

}  // namespace

Result<PinReport> pin_images(std::vector<Object>& objects, const PinOptions& options) {
  PinReport report;
  std::vector<size_t> hits(options.images.size(), 0);
  if (!options.images.empty()) {
    for (auto& o : objects) {
      std::string dotted;
      const json* spec_c = pod_spec_pointer(o.body, dotted);
      if (!spec_c) continue;
      json& spec = const_cast<json&>(*spec_c);
      for (auto list_name : kContainerLists) {
        auto it = spec.find(std::string(list_name));
        if (it == spec.end() || !it->is_array()) continue;
        for (auto& c : *it) {
          if (!c.is_object()) continue;
          auto img = c.find("image");
          if (img == c.end() || !img->is_string()) continue;
          const std::string& value = img->get_ref<const std::string&>();
          for (size_t i = 0; i < options.images.size(); ++i) {
            if (!freight::image_matches(value, options.images[i].name)) continue;
            *img = freight::apply_pin(value, options.images[i]);
            ++hits[i];
            ++report.pinned;
            break;
          }
        }
      }
    }
  }
  for (size_t i = 0; i < options.images.size(); ++i)
    if (hits[i] == 0) report.unmatched.push_back(options.images[i].name);
  if (options.fail_on_unmatched_pin && !report.unmatched.empty()) {
    Error e;
    e.path = "IMAGES";
    e.message = "pinned image " + report.unmatched.front() +
                " matches no container image of the rendered objects; fix the image names in the "
                "manifests or set parameter fail-on-unmatched-pin to \"false\"";
    return e;
  }
  if (options.fail_on_floating && !options.images.empty()) {
    Floating f(options.images);
    for (const auto& o : objects) {
      if (o.body["kind"] == "CustomResourceDefinition") continue;
      auto st = f.walk(o, o.body, "");
      if (!st) return st.error();
    }
  }
  return report;
}

void stamp(std::vector<Object>& objects, const std::string& freight, const std::string& stage) {
  for (auto& o : objects) {
    json& meta = o.body["metadata"];
    if (!meta.is_object()) meta = json::object();
    json& ann = meta["annotations"];
    if (!ann.is_object()) ann = json::object();
    ann["freightgate.io/freight"] = freight;
    ann["freightgate.io/stage"] = stage;
  }
}

}  // namespace freightgate::render
