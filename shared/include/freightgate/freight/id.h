// Freight identity exactly as Kargo computes it (pkg/api/freight.go GenerateFreightID;
// reference kargo-api.md §2.1):
//
//   sha1_hex( origin.str() + ":" + join(sort(parts), "|") )
//
// with one part per artifact:
//   commit with tag     NormalizeGit(repoURL) + ":" + tag + ":" + id
//   commit without tag  NormalizeGit(repoURL) + ":" + id
//   image               repoURL + ":" + tag + "@" + digest      (repoURL NOT normalised)
//   chart               path.Join(NormalizeChart(repoURL), name) + ":" + version
//   generic artifact    artifactType + ":" + subscriptionName + ":" + version
//
// Annotations, messages, authors, branches, alias and status do not affect the ID.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "freightgate/freight/artifacts.h"
#include "freightgate/model/kargo.h"

namespace freightgate::freight {

struct FreightIdOptions {
  // Kargo main (after v1.11.2, PR #6207) appends ":" + subscriptionName to commit, image and
  // chart parts when it is set. Off by default: IDs match Kargo v1.11.2.
  bool include_subscription_name = false;
};

// The hash parts, in artifact order (commits, images, charts, artifacts), unsorted.
std::vector<std::string> freight_id_parts(const std::vector<GitCommit>& commits,
                                          const std::vector<Image>& images,
                                          const std::vector<Chart>& charts,
                                          const std::vector<GenericArtifact>& artifacts,
                                          const FreightIdOptions& options = {});

// The exact string that is hashed (origin + ":" + sorted parts joined by "|").
std::string freight_id_input(const FreightOrigin& origin, const std::vector<GitCommit>& commits,
                             const std::vector<Image>& images, const std::vector<Chart>& charts,
                             const std::vector<GenericArtifact>& artifacts,
                             const FreightIdOptions& options = {});

// Lowercase hex SHA-1 of freight_id_input(): the Freight's metadata.name in Kargo.
std::string freight_id(const FreightOrigin& origin, const std::vector<GitCommit>& commits,
                       const std::vector<Image>& images, const std::vector<Chart>& charts,
                       const std::vector<GenericArtifact>& artifacts,
                       const FreightIdOptions& options = {});
std::string freight_id(const model::Freight& freight, const FreightIdOptions& options = {});

// Lowercase hex SHA-1 of arbitrary bytes (OpenSSL).
std::string sha1_hex(const std::string& data);

// True when `s` has the shape of a Freight name: 40 lowercase hex characters.
bool looks_like_freight_id(const std::string& s);

}  // namespace freightgate::freight
