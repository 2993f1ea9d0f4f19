// Helpers shared by the model tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// The documents of examples/guestbook/<name>.
inline std::vector<freightgate::model::Document> example(const std::string& name) {
  auto r =
      freightgate::model::parse_file(std::string(FG_SOURCE_DIR) + "/examples/guestbook/" + name);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? *r : std::vector<freightgate::model::Document>{};
}

// The value of `r`; fails the test (and returns T{}) when it is an error.
template <class T>
T must(const freightgate::Result<T>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : T{};
}

}  // namespace fg_model_test
