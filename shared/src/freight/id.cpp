// Kargo's GenerateFreightID.
#include "freightgate/freight/id.h"

#include <openssl/evp.h>

#include <algorithm>

#include "freightgate/freight/urls.h"

namespace freightgate::freight {
namespace {

std::string with_subscription(std::string part, const std::string& subscription,
                              const FreightIdOptions& options) {
  if (options.include_subscription_name && !subscription.empty()) part += ":" + subscription;
  return part;
}

}  // namespace

std::vector<std::string> freight_id_parts(const std::vector<GitCommit>& commits,
                                          const std::vector<Image>& images,
                                          const std::vector<Chart>& charts,
                                          const std::vector<GenericArtifact>& artifacts,
                                          const FreightIdOptions& options) {
  std::vector<std::string> parts;
  parts.reserve(commits.size() + images.size() + charts.size() + artifacts.size());
  for (const auto& c : commits) {
    std::string part = normalize_git(c.repoURL) + ":";
    if (!c.tag.empty()) part += c.tag + ":";
    part += c.id;
    parts.push_back(with_subscription(std::move(part), c.subscriptionName, options));
  }
  for (const auto& i : images)
    parts.push_back(
        with_subscription(i.repoURL + ":" + i.tag + "@" + i.digest, i.subscriptionName, options));
  for (const auto& c : charts) {
    std::string repo = normalize_chart(c.repoURL);
    parts.push_back(with_subscription(go_path_join({repo, c.name}) + ":" + c.version,
                                      c.subscriptionName, options));
  }
  for (const auto& a : artifacts)
    parts.push_back(a.artifactType + ":" + a.subscriptionName + ":" + a.version);
  return parts;
}

std::string freight_id_input(const FreightOrigin& origin, const std::vector<GitCommit>& commits,
                             const std::vector<Image>& images, const std::vector<Chart>& charts,
                             const std::vector<GenericArtifact>& artifacts,
                             const FreightIdOptions& options) {
  std::vector<std::string> parts = freight_id_parts(commits, images, charts, artifacts, options);
  std::sort(parts.begin(), parts.end());  // bytewise, as Go's slices.Sort on strings
  std::string input = origin.str() + ":";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) input.push_back('|');
    input += parts[i];
  }
  return input;
}

std::string freight_id(const FreightOrigin& origin, const std::vector<GitCommit>& commits,
                       const std::vector<Image>& images, const std::vector<Chart>& charts,
                       const std::vector<GenericArtifact>& artifacts,
                       const FreightIdOptions& options) {
  return sha1_hex(freight_id_input(origin, commits, images, charts, artifacts, options));
}

std::string freight_id(const model::Freight& f, const FreightIdOptions& options) {
  return freight_id(f.origin, f.commits, f.images, f.charts, f.artifacts, options);
}

std::string sha1_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

bool looks_like_freight_id(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace freightgate::freight
