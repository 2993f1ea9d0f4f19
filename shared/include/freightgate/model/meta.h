// Kubernetes object metadata and label selectors, shared by every kind.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/status.h"

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
  // Rule: `Kind "name"` (the namespace is left out: file:line or the request already says
  // where); `Kind "generateName*"` when only generateName is set; `Kind` when unnamed.
  std::string display_name() const;
  // Always with the namespace when there is one: `Stage "guestbook/prod"`.
  std::string qualified_name() const;
};

// Go time.ParseDuration syntax ("1h", "30m", "5m0s", "1h30m", "1.5h", "300ms", "0").
// Precision is milliseconds (finer parts are truncated). Errors say what form is expected.
Result<Duration> parse_duration(std::string_view text);
// Go time.Duration.String() form: "1h0m0s", "5m0s", "1.5s", "300ms", "0s".
std::string format_duration(Duration d);

// RFC 3339 ("2024-05-01T10:00:00Z", "2024-05-01T12:00:00.5+02:00").
Result<Time> parse_time(std::string_view text);
// UTC RFC 3339 as Kubernetes writes metav1.Time: "2024-05-01T10:00:00Z" (".123" added only
// when the time has milliseconds).
std::string format_time(Time t);

}  // namespace freightgate::model
