#include "freightgate/status.h"

#include <gtest/gtest.h>

namespace freightgate {
namespace {

TEST(ErrorTest, FormatsAllParts) {
  Error e{"stages.yaml", 14, "Stage \"prod\"", "spec.requestedFreight[0].origin.name", "required"};
  EXPECT_EQ(e.to_string(),
            "stages.yaml:14: Stage \"prod\": spec.requestedFreight[0].origin.name: required");
}

TEST(ErrorTest, LeavesOutEmptyParts) {
  EXPECT_EQ((Error{"", 0, "", "", "boom"}).to_string(), "boom");
  EXPECT_EQ((Error{"a.yaml", 0, "", "x", "bad"}).to_string(), "a.yaml: x: bad");
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = 3;
  Result<int> bad = Error{"", 0, "", "", "nope"};
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "nope");
}

}  // namespace
}  // namespace freightgate
