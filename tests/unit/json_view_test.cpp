// model::JsonView reads what model::read_json builds: the same members (a repeated key's last
// value), the same equality as nlohmann::json, the same errors and limits.
#include "freightgate/model/json_view.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "freightgate/model/json_reader.h"

namespace fm = freightgate::model;
using nlohmann::json;

namespace {

// Texts whose pairwise equality JsonView must judge as nlohmann::json does.
const std::vector<const char*> kValues = {
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1",
    "-1",
    "1.0",
    "-1.0",
    "1e0",
    "0.5",
    "2",
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775807",
    "1.8446744073709552e19",
    "\"\"",
    "\"a\"",
    "\"1\"",
    "\"null\"",
    "[]",
    "[1]",
    "[1.0]",
    "[1,2]",
    "[2,1]",
    "[[]]",
    "[null]",
    "{}",
    R"({"a":1})",
    R"({"a":1.0})",
    R"({"a":"1"})",
    R"({"b":1})",
    R"({"a":null})",
    R"({"a":1,"b":2})",
    R"({"b":2,"a":1})",
    R"({"a":1,"a":2})",
    R"({"a":2})",
    R"({"a":2,"a":1})",
    R"({"a":{"x":[1,{"y":true}]}})",
    R"({"a":{"x":[1,{"y":false}]}})",
    R"({"a":{"x":[1,{"y":true}]},"a":{"x":[1,{"y":true}]}})",
    R"({"a":1,"b":2,"a":3})",
    R"({"b":2,"a":3})",
    // Same keys in the same order, differing where a later occurrence overrides or not.
    R"({"a":9,"b":2,"a":3})",
    R"({"a":1,"b":9,"a":3})",
    R"({"a":3,"a":2})",
    R"({"a":1,"b":{"c":1,"c":2}})",
    R"({"a":1,"b":{"c":5,"c":2}})",
    R"({"a":1,"b":{"c":2,"c":5}})",
};

TEST(JsonView, EqualityIsNlohmanns) {
  fm::JsonDocument da, db;
  for (const char* a : kValues) {
    for (const char* b : kValues) {
      auto va = da.parse(a);
      auto vb = db.parse(b);
      ASSERT_TRUE(va.ok() && vb.ok()) << a << " / " << b;
      const bool want = *fm::read_json(a) == *fm::read_json(b);
      EXPECT_EQ(*va == *vb, want) << a << " == " << b;
    }
  }
}

TEST(JsonView, MembersAreTheOnesReadJsonKeeps) {
  fm::JsonDocument doc;
  auto v = doc.parse(R"({"b":1,"a":{"k":"first"},"c":[1,"two",null],"a":{"k":"last"}})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["a"]["k"].str(), "last");
  EXPECT_EQ(v->size(), 3u);
  std::vector<std::string> keys;
  for (const auto& [k, value] : v->members()) keys.emplace_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(v->members()[0].second["k"].str(), "last");
  EXPECT_EQ(*fm::build_json(*v), *fm::read_json(R"({"a":{"k":"last"},"b":1,"c":[1,"two",null]})"));
  EXPECT_EQ((*v)["c"].size(), 3u);
  EXPECT_EQ((*v)["c"].at(1).str(), "two");
  EXPECT_TRUE((*v)["c"].at(2).is_null());
  EXPECT_FALSE((*v)["c"].at(2).is_absent());
  EXPECT_TRUE((*v)["c"].at(3).is_absent());
  EXPECT_EQ((*v)["c"].elements().size(), 3u);
}

TEST(JsonView, AbsentReadsAsNull) {
  fm::JsonDocument doc;
  auto v = doc.parse(R"({"s":"x","n":null,"o":{}})");
  ASSERT_TRUE(v.ok());
  for (const char* path : {"missing", "s"}) {
    fm::JsonView deep = (*v)[path]["deeper"]["still"];
    EXPECT_TRUE(deep.is_absent() && deep.is_null()) << path;
    EXPECT_EQ(deep.str(), "");
    EXPECT_EQ(deep.size(), 0u);
  }
  EXPECT_TRUE((*v)["n"].is_null());
  EXPECT_FALSE((*v)["n"].is_absent());
  EXPECT_TRUE((*v)["n"] == (*v)["missing"]);  // as nlohmann's null for an absent member
  EXPECT_FALSE((*v)["o"] == (*v)["missing"]);
  EXPECT_EQ((*v)["s"].at(0).str(), "");
  EXPECT_TRUE(fm::build_json(fm::JsonView())->is_null());
}

TEST(JsonView, ErrorsAndLimitsAreReadJsons) {
  const std::string deep512 = std::string(512, '[') + std::string(512, ']');
  const std::string deep513 = std::string(513, '[') + std::string(513, ']');
  const std::string objects513 = [] {
    std::string s;
    for (int i = 0; i < 513; ++i) s += R"({"k":)";
    s += "1";
    for (int i = 0; i < 513; ++i) s += "}";
    return s;
  }();
  const std::string far(100000, '[');
  for (const std::string& text :
       {deep512, deep513, objects513, far + std::string(100000, ']'), std::string("{\"a\":1,}"),
        std::string("[1,2"), std::string("{\"a\":\"\\ud800\"}"), std::string("nul"),
        std::string("[1]\0[2]", 7), std::string("\"\xff\""), std::string("[1e999]"),
        std::string("[123456789012345678901234567890, 0.5]")}) {
    fm::JsonDocument doc;
    auto view = doc.parse(text);
    auto built = fm::read_json(text);
    ASSERT_EQ(view.ok(), built.ok()) << text.substr(0, 40);
    if (!view.ok()) {
      EXPECT_EQ(view.error().message, built.error().message) << text.substr(0, 40);
      continue;
    }
    EXPECT_EQ(*fm::build_json(*view), *built) << text.substr(0, 40);
  }
}

TEST(JsonView, NumbersTyped) {
  fm::JsonDocument doc;
  auto v = doc.parse("[1, -1, 1.5, 18446744073709551615, 123456789012345678901234567890]");
  ASSERT_TRUE(v.ok());
  json built = *fm::build_json(*v);
  EXPECT_TRUE(built[0].is_number_unsigned());
  EXPECT_TRUE(built[1].is_number_integer() && !built[1].is_number_unsigned());
  EXPECT_TRUE(built[2].is_number_float());
  EXPECT_TRUE(built[3].is_number_unsigned());
  EXPECT_TRUE(built[4].is_number_float());  // beyond 64 bits: a double, as in Go
}

// Comparing large objects stays n log n: 100,000 members, every key twice, compared with a
// reordered copy (quadratic would take minutes).
TEST(JsonView, LargeObjectsCompareQuickly) {
  std::string a = "{", b = "{";
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const std::string k = "\"k" + std::to_string(i) + "\":",
                      r = "\"k" + std::to_string(n - 1 - i) + "\":";
    a += (i ? "," : "") + k + "0," + k + std::to_string(i);
    b += (i ? "," : "") + r + std::to_string(n - 1 - i);
  }
  a += "}";
  b += "}";
  fm::JsonDocument da, db;
  auto va = da.parse(a), vb = db.parse(b);
  ASSERT_TRUE(va.ok() && vb.ok());
  EXPECT_TRUE(*va == *vb);
  EXPECT_EQ(va->size(), static_cast<std::size_t>(n));
}

TEST(JsonView, ParsingAgainReplacesTheDocument) {
  fm::JsonDocument doc;
  ASSERT_TRUE(doc.parse(R"({"a":"one"})").ok());
  auto second = doc.parse(R"({"a":"two"})");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)["a"].str(), "two");
}

}  // namespace

// Depth counts every container, empty ones too (root = 1), as nlohmann's tree has them; simdjson
// counts only containers that hold something, so the limit is checked at its edges: full and
// empty innermost containers, arrays and objects, at and one past the limit, one document
// parsing again under other limits.
TEST(JsonView, DepthLimitCountsEmptyContainers) {
  // `levels` nested containers, alternating array/object from `object_first`, the innermost
  // empty or holding 1.
  auto nest = [](int levels, bool empty, bool object_first) {
    std::string open, close;
    for (int i = 0; i < levels; ++i) {
      const bool object = (i % 2 == 0) == object_first;
      const bool innermost = i == levels - 1;
      open += object ? (innermost && empty ? "{" : R"({"k":)") : "[";
      close.insert(0, object ? "}" : "]");
    }
    return open + (empty ? "" : "1") + close;
  };
  // The oracle: nlohmann's tree, its depth counted here.
  auto depth = [](const json& v, auto&& self) -> std::size_t {
    if (!v.is_structured()) return 0;
    std::size_t deepest = 0;
    for (const auto& child : v) deepest = std::max(deepest, self(child, self));
    return deepest + 1;
  };
  fm::JsonDocument reused;
  for (std::size_t limit : {1, 2, 3, 4, 7}) {
    for (int levels = 1; levels <= 9; ++levels) {
      for (bool empty : {false, true}) {
        for (bool object_first : {false, true}) {
          const std::string text = nest(levels, empty, object_first);
          ASSERT_EQ(depth(json::parse(text), depth), static_cast<std::size_t>(levels)) << text;
          const bool within = static_cast<std::size_t>(levels) <= limit;
          fm::JsonDocument fresh;
          for (fm::JsonDocument* doc : {&fresh, &reused}) {
            auto got = doc->parse(text, limit);
            ASSERT_EQ(got.ok(), within) << text << " limit " << limit;
            if (!within) {
              EXPECT_EQ(got.error().message,
                        "nested deeper than " + std::to_string(limit) + " levels");
              continue;
            }
            EXPECT_EQ(*fm::build_json(*got), json::parse(text)) << text;
          }
        }
      }
    }
  }
}

// A NUL byte anywhere is refused, at its offset, where nlohmann would stop reading at it.
TEST(JsonView, NulAnywhereIsRefusedAtItsOffset) {
  const std::string review =
      R"({"apiVersion":"admission.k8s.io/v1","request":{"uid":"u-1","object":{"a":[1,-2.5e3,true,)"
      R"(null,"x\"y"],"b":{}},"dryRun":false}})";
  ASSERT_TRUE(json::accept(review));
  fm::JsonDocument doc;
  for (std::size_t at = 0; at <= review.size(); ++at) {
    std::string text = review;
    text.insert(at, 1, '\0');
    auto got = doc.parse(text);
    ASSERT_FALSE(got.ok()) << "NUL at " << at;
    EXPECT_EQ(got.error().message,
              "a NUL byte at offset " + std::to_string(at) + " (JSON text cannot contain one)");
  }
  EXPECT_TRUE(doc.parse(review).ok());  // and the document reads again
}

// pick reads what operator[] reads, key by key: the last of repeated keys, absent ones absent,
// nothing from a value that is not an object; keys of equal length and first byte told apart.
TEST(JsonView, PickReadsWhatLookupsRead) {
  fm::JsonDocument doc;
  static constexpr std::string_view kKeys[] = {"a", "ab", "ac", "", "b", "zz", "a\"b"};
  for (const char* text :
       {R"({"a":1,"ab":2,"ac":3,"":4,"b":[5],"a\"b":6})", R"({"ab":1,"ab":2,"a":{"x":1},"a":7})",
        R"({"ac":null,"b":{},"zz":"z","zz":"last","":"e","":""})", R"({})", R"([1,2])", R"("a")"}) {
    auto root = doc.parse(text);
    ASSERT_TRUE(root.ok()) << text;
    fm::JsonView found[std::size(kKeys)];
    root->pick(kKeys, found);
    for (std::size_t i = 0; i < std::size(kKeys); ++i) {
      const fm::JsonView one = (*root)[kKeys[i]];
      EXPECT_EQ(found[i].is_absent(), one.is_absent()) << text << " " << kKeys[i];
      if (!one.is_absent()) {
        EXPECT_EQ(*fm::build_json(found[i]), *fm::build_json(one)) << text << " " << kKeys[i];
      }
    }
  }
  auto dup = doc.parse(R"({"ab":1,"ab":2})");
  fm::JsonView got[1];
  static constexpr std::string_view kAb[] = {"ab"};
  dup->pick(kAb, got);
  EXPECT_EQ(*fm::build_json(got[0]), json(2));  // the last occurrence
}

// Limits at the ends of their range: 0 lets only scalars through; a huge one (beyond what
// simdjson could allocate a level table for) reads documents as the default does.
TEST(JsonView, DepthLimitsAtTheEndsOfTheirRange) {
  fm::JsonDocument doc;
  for (const char* text : {"{}", "[]", "[1]", R"({"a":{}})"}) {
    auto got = doc.parse(text, 0);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.error().message, "nested deeper than 0 levels") << text;
  }
  for (const char* text : {"1", "\"s\"", "null", "123456789012345678901234567890"})
    EXPECT_TRUE(doc.parse(text, 0).ok()) << text;
  for (std::size_t huge : {std::size_t(1) << 40, std::numeric_limits<std::size_t>::max()}) {
    for (const char* text : {"{}", "[[1]]", R"({"a":[{"b":null}]})", "7"}) {
      auto got = doc.parse(text, huge);
      ASSERT_TRUE(got.ok()) << text << ": " << got.error().message;
      EXPECT_EQ(*fm::build_json(*got), json::parse(text)) << text;
    }
  }
  EXPECT_TRUE(doc.parse("[[1]]", 2).ok());  // and back to a small limit
  EXPECT_FALSE(doc.parse("[[[1]]]", 2).ok());
}
