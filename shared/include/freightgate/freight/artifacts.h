// The artifact versions a piece of Freight carries, with Kargo's field names
// (reference kargo-api.md §1.4). Plain values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace freightgate {

// `origin: {kind: Warehouse, name: ...}`. Kargo knows only the kind "Warehouse".
struct FreightOrigin {
  std::string kind = "Warehouse";
  std::string name;
  // "Warehouse/<name>", as Kargo's FreightOrigin.String().
  std::string str() const { return kind + "/" + name; }
  bool operator==(const FreightOrigin&) const = default;
};

struct GitCommit {
  std::string repoURL;
  std::string id;  // full commit SHA
  std::string branch;
  std::string tag;
  std::string message;  // first line only
  std::string author;
  std::string committer;
  std::string subscriptionName;
  bool operator==(const GitCommit&) const = default;
};

struct Image {
  std::string repoURL;  // without tag or digest
  std::string tag;
  std::string digest;  // "sha256:..." or ""
  std::map<std::string, std::string> annotations;
  std::string subscriptionName;
  bool operator==(const Image&) const = default;
};

struct Chart {
  std::string repoURL;  // https://... or oci://...
  std::string name;     // empty for oci:// repositories
  std::string version;
  std::string subscriptionName;
  bool operator==(const Chart&) const = default;
};

// Generic subscription artifacts (Kargo >= v1.9).
struct GenericArtifact {
  std::string artifactType;
  std::string subscriptionName;
  std::string version;
  nlohmann::json metadata = nlohmann::json::object();
  bool operator==(const GenericArtifact&) const = default;
};

}  // namespace freightgate
