// Kargo's kinds (group kargo.akuity.io/v1alpha1), with Kargo's field names
// (reference kargo-api.md §1). Fields freightgate does not interpret stay in `raw`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/freight/artifacts.h"
#include "freightgate/model/meta.h"

namespace freightgate::model {

inline constexpr const char* kKargoGroup = "kargo.akuity.io";
inline constexpr const char* kKargoApiVersion = "kargo.akuity.io/v1alpha1";

// ---- Project (cluster-scoped). Kargo <= v1.4 had spec.promotionPolicies; the course uses it.
struct LegacyPromotionPolicy {
  std::string stage;
  bool autoPromotionEnabled = false;
};
struct Project : ObjectBase {
  std::vector<LegacyPromotionPolicy> promotionPolicies;  // spec.promotionPolicies (legacy)
};

// ---- ProjectConfig (namespaced; name == project namespace).
// stageSelector.name: exact name, "regex:..."/"regexp:..." or "glob:...".
struct PromotionPolicySelector {
  std::string name;
  LabelSelector labels;  // matchLabels / matchExpressions inlined
};
struct ProjectPromotionPolicy {
  std::string stage;  // deprecated form; exactly one of stage | stageSelector
  std::optional<PromotionPolicySelector> stageSelector;
  bool autoPromotionEnabled = false;
};
struct ProjectConfig : ObjectBase {
  std::vector<ProjectPromotionPolicy> promotionPolicies;
};

// ---- Warehouse
struct GitSubscription {
  std::string repoURL;
  std::string commitSelectionStrategy = "NewestFromBranch";  // |SemVer|Lexical|NewestTag
  std::string branch;
  bool strictSemvers = true;
  std::string semverConstraint;
  std::vector<std::string> allowTagsRegexes, ignoreTagsRegexes;
  std::vector<std::string> includePaths, excludePaths;
  int discoveryLimit = 20;
  bool insecureSkipTLSVerify = false;
};
struct ImageSubscription {
  std::string repoURL;
  std::string imageSelectionStrategy = "SemVer";  // Digest|Lexical|NewestBuild|SemVer
  std::string constraint;
  bool strictSemvers = true;
  std::vector<std::string> allowTagsRegexes, ignoreTagsRegexes;
  std::string platform;
  int discoveryLimit = 20;
  bool cacheByTag = false;
  bool insecureSkipTLSVerify = false;
};
struct ChartSubscription {
  std::string repoURL;
  std::string name;  // required for http(s), empty for oci://
  std::string semverConstraint;
  int discoveryLimit = 20;
  bool insecureSkipTLSVerify = false;
};
struct Subscription {
  enum class Type { Git, Image, Chart, Generic };
  Type type = Type::Git;
  std::string name;  // optional for git/image/chart; required for generic
  GitSubscription git;
  ImageSubscription image;
  ChartSubscription chart;
  std::string genericType;  // the key of a generic subscription
  nlohmann::json generic;   // its body
};
struct Warehouse : ObjectBase {
  std::string shard;
  std::string interval = "5m0s";
  std::string freightCreationPolicy = "Automatic";  // Automatic|Manual
  std::vector<Subscription> subscriptions;
};

// ---- Freight (no spec: fields at the top level)
struct FreightStatus {
  struct CurrentlyIn { std::optional<Time> since; };
  struct VerifiedIn { std::optional<Time> verifiedAt; std::optional<Duration> longestSoak; };
  struct ApprovedFor { std::optional<Time> approvedAt; };
  std::map<std::string, CurrentlyIn> currentlyIn;
  std::map<std::string, VerifiedIn> verifiedIn;
  std::map<std::string, ApprovedFor> approvedFor;
};
struct Freight : ObjectBase {
  std::string alias;
  std::optional<Time> discoveredAt;
  FreightOrigin origin;
  std::vector<GitCommit> commits;
  std::vector<Image> images;
  std::vector<Chart> charts;
  std::vector<GenericArtifact> artifacts;
  FreightStatus status;
};

// ---- Stage
struct FreightSources {
  bool direct = false;
  std::vector<std::string> stages;
  std::optional<Duration> requiredSoakTime;
  std::string availabilityStrategy;  // "" | OneOf | All   ("" == OneOf)
  std::string selectionPolicy = "NewestFreight";  // autoPromotionOptions.selectionPolicy
};
struct FreightRequest {
  FreightOrigin origin;
  FreightSources sources;
};
struct Stage : ObjectBase {
  std::string shard;
  std::vector<FreightRequest> requestedFreight;
  nlohmann::json promotionTemplate;  // kept as data (null when absent)
  nlohmann::json verification;       // kept as data (null when absent)
  std::string healthStatus;          // status.health.status
  std::string freightSummary;        // status.freightSummary
};

// ---- Promotion
struct Promotion : ObjectBase {
  std::string stage;
  std::string freight;
  std::optional<FreightOrigin> originRequest;  // spec.origin (v1.11+)
  nlohmann::json vars;                         // spec.vars, kept as data
  nlohmann::json steps;                        // spec.steps, kept as data
  std::string phase;                           // status.phase
  std::string message;                         // status.message
};

// ---- PromotionTask (namespaced; spec kept as data)
struct PromotionTask : ObjectBase {
  nlohmann::json spec;
};

}  // namespace freightgate::model
