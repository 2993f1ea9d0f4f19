// Kubernetes object metadata and label selectors, shared by every kind.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace freightgate::model {

using Clock = std::chrono::system_clock;
using Time = Clock::time_point;
using Duration = std::chrono::milliseconds;

struct ObjectMeta {
  std::string name;
  std::string generateName;
  std::string namespace_;  // "namespace" in YAML
  std::string uid;
  std::string resourceVersion;
  long long generation = 0;
  std::optional<Time> creationTimestamp;
  std::optional<Time> deletionTimestamp;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;

  // Value of annotation/label `key`, or "" when absent.
  std::string annotation(const std::string& key) const;
  std::string label(const std::string& key) const;
};

struct LabelSelectorRequirement {
  std::string key;
  std::string operator_;  // In | NotIn | Exists | DoesNotExist
  std::vector<std::string> values;
};

// metav1.LabelSelector. An empty selector matches everything.
struct LabelSelector {
  std::map<std::string, std::string> matchLabels;
  std::vector<LabelSelectorRequirement> matchExpressions;
  bool matches(const std::map<std::string, std::string>& labels) const;
  bool empty() const { return matchLabels.empty() && matchExpressions.empty(); }
};

// Where a decoded object came from; used to put file:line into error messages.
struct Origin {
  std::string file;
  int line = 0;
};

// Common head of every decoded object: identity, metadata and the original document,
// kept so that unknown fields survive a decode/encode round trip.
struct ObjectBase {
  std::string apiVersion;
  std::string kind;
  ObjectMeta metadata;
  nlohmann::json raw = nlohmann::json::object();
  Origin origin;

  // `Stage "prod"` or `Stage "guestbook/prod"`: how messages name the object.
  std::string display_name() const;
};

}  // namespace freightgate::model
