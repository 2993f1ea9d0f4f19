// The subset of Argo CD's Application (argoproj.io/v1alpha1) that the promotion model touches.
// Everything else survives in `raw` (and in each source's `raw`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/model/meta.h"

namespace freightgate::model {

inline constexpr const char* kArgoGroup = "argoproj.io";

struct EnvEntry {
  std::string name;
  std::string value;
  bool operator==(const EnvEntry&) const = default;
};

struct HelmParameter {
  std::string name;
  std::string value;
  bool forceString = false;
  bool operator==(const HelmParameter&) const = default;
};

struct ApplicationSource {
  std::string repoURL;
  std::string path;
  std::string chart;
  std::string targetRevision;
  std::string ref;
  std::optional<std::vector<std::string>> kustomizeImages;  // kustomize.images
  std::optional<std::vector<HelmParameter>> helmParameters;  // helm.parameters
  std::optional<std::string> pluginName;                     // plugin.name (plugin present => set, maybe "")
  std::vector<EnvEntry> pluginEnv;                           // plugin.env
  nlohmann::json pluginParameters;                           // plugin.parameters, kept as data
  bool hasPlugin = false;                                    // a `plugin:` key is present
  nlohmann::json raw = nlohmann::json::object();

  // Value of plugin env `name`, or nullopt.
  std::optional<std::string> env(const std::string& name) const;
};

struct Application : ObjectBase {
  std::string project;  // spec.project
  std::optional<ApplicationSource> source;
  std::vector<ApplicationSource> sources;
  // status (read-only)
  std::string healthStatus;      // status.health.status
  std::string syncStatus;        // status.sync.status
  std::string operationPhase;    // status.operationState.phase
};

}  // namespace freightgate::model
