// A state::Snapshot from YAML text, for tests: every document decoded (a document that does not
// parse or decode fails the test) and the snapshot built from them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "freightgate/model/decode.h"
#include "freightgate/state/snapshot.h"

namespace fgtest {

inline std::shared_ptr<const freightgate::state::Snapshot> snapshot_from_yaml(
    const std::string& yaml, const std::string& file_name = "state.yaml") {
  namespace fm = freightgate::model;
  auto docs = fm::parse_stream(yaml, file_name);
  EXPECT_TRUE(docs.ok()) << (docs.ok() ? "" : docs.error().to_string());
  std::vector<fm::AnyObject> objects;
  if (docs.ok())
    for (const auto& d : *docs) {
      auto o = fm::decode_any(d);
      EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().to_string());
      if (o.ok()) objects.push_back(std::move(*o));
    }
  return freightgate::state::Snapshot::build(std::move(objects));
}

}  // namespace fgtest
