// Inputs of the pin tests: the Applications of the admission review fixtures, and the guestbook
// example's stages and Freight to pin them for.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admission_test_util.h"
#include "freightgate/admission/application_pins.h"
#include "freightgate/state/dir_source.h"

namespace fgtest {

// request.object and request.oldObject of every review under tests/fixtures/admission/application.
inline std::vector<nlohmann::json> fixture_applications() {
  const std::string dir = std::string(FG_SOURCE_DIR) + "/tests/fixtures/admission/application/";
  std::vector<nlohmann::json> apps;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    auto review = nlohmann::json::parse(read_file(entry.path().string()));
    for (const char* which : {"object", "oldObject"})
      if (review["request"].contains(which) && review["request"][which].is_object())
        apps.push_back(review["request"][which]);
  }
  EXPECT_GE(apps.size(), 30u);
  return apps;
}

struct GuestbookPins {
  std::shared_ptr<const freightgate::state::Snapshot> snapshot;  // owns the Freight
  std::vector<freightgate::admission::StageRef> stages;          // the project's stages
  std::vector<const freightgate::model::Freight*> freight;
};

inline GuestbookPins guestbook_pins() {
  GuestbookPins out;
  auto src =
      freightgate::state::DirSource::open(std::string(FG_SOURCE_DIR) + "/examples/guestbook");
  EXPECT_TRUE(src.ok()) << src.error().to_string();
  if (!src.ok()) return out;
  out.snapshot = (*src)->current();
  for (const auto* s : out.snapshot->stages("guestbook"))
    out.stages.push_back({"guestbook", s->metadata.name});
  out.freight = out.snapshot->freight_in("guestbook");
  EXPECT_GE(out.freight.size(), 3u);
  return out;
}

}  // namespace fgtest
