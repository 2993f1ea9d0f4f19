// Helpers shared by the model tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "freightgate/model/decode.h"

namespace fg_model_test {

// Parses `yaml` (file name "t.yaml") and returns its only document; fails the test otherwise.
inline freightgate::model::Document one(const std::string& yaml) {
  auto r = freightgate::model::parse_stream(yaml, "t.yaml");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  if (!r.ok() || r->size() != 1) {
    ADD_FAILURE() << "expected one document";
    return {};
  }
  return r->front();
}

}  // namespace fg_model_test
