#include "guestbook_api.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "freightgate/file.h"
#include "freightgate/kube/informer.h"
#include "freightgate/model/decode.h"

namespace fgtest {

using nlohmann::json;

std::string plural_of(const std::string& kind) {
  const auto* type = freightgate::kube::watched_resource_of_kind(kind);
  return type ? type->plural : "";
}

std::vector<json> example_objects() {
  std::vector<json> out;
  for (const char* f : {"project.yaml", "warehouse.yaml", "stages.yaml", "freight.yaml",
                        "applications.yaml", "policy.yaml"}) {
    auto docs =
        freightgate::model::parse_file(std::string(FG_SOURCE_DIR) + "/examples/guestbook/" + f);
    EXPECT_TRUE(docs.ok()) << docs.error().to_string();
    if (!docs.ok()) continue;
    for (const auto& d : *docs)
      if (!plural_of(d.body.value("kind", "")).empty()) out.push_back(d.body);
  }
  return out;
}

bool example_rbac(const json& spec) {
  const json& ra = spec["resourceAttributes"];
  if (ra.value("group", "") != "kargo.akuity.io" || ra.value("resource", "") != "stages" ||
      ra.value("namespace", "") != "guestbook")
    return false;
  for (const auto& g : spec.value("groups", json::array())) {
    if (g == "guestbook-release-managers") return true;
    if (g == "guestbook-developers" && ra.value("verb", "") == "promote" &&
        ra.value("name", "") != "prod")
      return true;
  }
  return false;
}

std::string read_file(const std::string& path) {
  auto text = freightgate::read_file(path);
  return text ? std::move(*text) : std::string();
}

}  // namespace fgtest
