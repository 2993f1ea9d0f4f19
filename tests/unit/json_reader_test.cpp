// model::read_json: the same values as nlohmann's parser on every input both accept, errors on
// every input it rejects, members left out only where asked, depth bounded.
#include "freightgate/model/json_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "freightgate/file.h"

namespace fm = freightgate::model;
using nlohmann::json;

namespace {

std::string slurp(const std::string& path) {
  auto text = freightgate::read_file(path);
  return text ? std::move(*text) : std::string();
}

class ReadsLikeNlohmann : public ::testing::TestWithParam<const char*> {};

TEST_P(ReadsLikeNlohmann, SameValueAndSameDump) {
  const std::string text = GetParam();
  auto got = fm::read_json(text);
  ASSERT_TRUE(got.ok()) << text << ": " << got.error().to_string();
  json want = json::parse(text);
  EXPECT_EQ(*got, want) << text;
  EXPECT_EQ(got->dump(), want.dump()) << text;  // same number types, key order, escapes
}

INSTANTIATE_TEST_SUITE_P(
    Values, ReadsLikeNlohmann,
    ::testing::Values(
        "{}", "[]", "null", "true", "false", "0", "-0", "42", "-42", "18446744073709551615",
        "-9223372036854775808", "9223372036854775807", "1.5", "-2.5e-3", "1E300", "0.1",
        "123456789012345678901234567890", R"("")", R"("a\"b\\c\/d\b\f\n\r\t")",
        R"("\u00e9\u20ac\ud83d\ude00")", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
        R"({"b":1,"a":[1,2,{"c":null}],"d":{"e":"f"}})", R"({"dup":1,"dup":2})",
        R"( { "spaced" : [ 1 , 2 ] } )", R"([[[[[[[[[[1]]]]]]]]]])",
        R"({"metadata":{"annotations":{"kargo.akuity.io/authorized-stage":"guestbook:dev"}}})"));

class RejectsLikeNlohmann : public ::testing::TestWithParam<std::string> {};

TEST_P(RejectsLikeNlohmann, WithAMessage) {
  const std::string& text = GetParam();
  EXPECT_FALSE(json::accept(text)) << "the case itself must be invalid JSON";
  auto got = fm::read_json(text);
  ASSERT_FALSE(got.ok()) << text;
  EXPECT_FALSE(got.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(Values, RejectsLikeNlohmann,
                         ::testing::Values(std::string(""), std::string("   "), std::string("{"),
                                           std::string(R"({"a":1,})"), std::string("[1,]"),
                                           std::string("{a:1}"), std::string("'x'"),
                                           std::string("NaN"), std::string("01"),
                                           std::string("{} {}"), std::string("{}x"),
                                           std::string("// c\n{}"), std::string("\"\xff\""),
                                           std::string("\"\xc3\""), std::string("\"a\nb\""),
                                           std::string("\"a\tb\""), std::string("{\"a\0\":1}", 8),
                                           std::string(R"("\x")"), std::string(R"("\ud800")"),
                                           std::string("1E400"), std::string("[-1e999]")));

TEST(ReadJson, NulBytesAreRejectedWhereNlohmannStopsReading) {
  EXPECT_TRUE(json::accept(std::string("{\"a\":1}\0{", 9)));  // nlohmann: the end of the text
  auto got = fm::read_json(std::string("{\"a\":1}\0{", 9));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "a NUL byte at offset 7 (JSON text cannot contain one)");
}

TEST(ReadJson, ErrorSaysWhere) {
  auto got = fm::read_json(R"({"a": [1, 2,, 3]})");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("column"), std::string::npos) << got.error().message;
}

TEST(ReadJson, DepthIsBounded) {
  fm::JsonReadOptions o;
  o.max_depth = 3;
  EXPECT_TRUE(fm::read_json("[[[1]]]", o).ok());
  auto deep = fm::read_json("[[[[1]]]]", o);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().message, "nested deeper than 3 levels");
  // Far beyond the default: an error, not a stack overflow, on both paths (the second input
  // is rejected by simdjson, so nlohmann's parser words the error).
  std::string nested(100000, '[');
  EXPECT_FALSE(fm::read_json(nested + std::string(100000, ']')).ok());
  EXPECT_FALSE(fm::read_json(nested + "1e999999999999999999999" + std::string(100000, ']')).ok());
}

TEST(ReadJson, IntegersBeyond64BitsBecomeDoublesLikeGo) {
  auto got = fm::read_json(R"({"big":[123456789012345678901234567890,-99999999999999999999]})");
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_TRUE((*got)["big"][0].is_number_float());
  EXPECT_TRUE((*got)["big"][1].is_number_float());
}

TEST(ReadJson, SkipsOnlyTheMembersAskedFor) {
  fm::JsonReadOptions o;
  std::vector<std::string> asked;
  o.skip_depth = 2;
  o.skip = [&](std::span<const std::string> path, const json& so_far) {
    std::string p;
    for (const auto& k : path) p += "/" + k;
    asked.push_back(p);
    // Members read before this one are already in the document.
    if (p == "/obj/status") return so_far["kind"] == "App";
    return p == "/list/[]";  // never asked: array items are not members
  };
  auto got = fm::read_json(
      R"({"kind":"App","obj":{"spec":{"deep":{"x":1}},"status":{"huge":[1,2,{"a":[]}]},"z":"kept"},)"
      R"("list":[{"a":1}]})",
      o);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(*got, json::parse(R"({"kind":"App","obj":{"spec":{"deep":{"x":1}},"z":"kept"},)"
                              R"("list":[{"a":1}]})"));
  EXPECT_EQ(asked, (std::vector<std::string>{"/kind", "/obj", "/obj/spec", "/obj/status", "/obj/z",
                                             "/list"}));
}

TEST(ReadJson, SkippedMembersMustStillBeValid) {
  fm::JsonReadOptions o;
  o.skip_depth = 1;
  o.skip = [](std::span<const std::string> path, const json&) { return path[0] == "status"; };
  EXPECT_FALSE(fm::read_json(R"({"status":{"a":[1,}})", o).ok());
}

TEST(ReadJson, RealReviewsReadLikeNlohmann) {
  for (const char* name : {"review-mutate.json", "review-validate.json"}) {
    std::string text = slurp(std::string(FG_SOURCE_DIR) + "/bench/admission/" + name);
    ASSERT_FALSE(text.empty()) << name;
    auto got = fm::read_json(text);
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    EXPECT_EQ(got->dump(), json::parse(text).dump()) << name;
  }
}

// Random damage to a real review (bytes flipped, dropped, duplicated, inserted; cut short):
// read_json must accept exactly what nlohmann's parser accepts, with the same value, and never
// crash or hang. Deterministic (fixed seed); about a second, also under the sanitizers.
TEST(ReadJson, DamagedReviewsReadLikeNlohmann) {
  const std::string review =
      slurp(std::string(FG_SOURCE_DIR) + "/bench/admission/review-mutate.json");
  ASSERT_FALSE(review.empty());
  std::mt19937 rng(20261126);
  const std::string alphabet = "{}[]:,\"\\ \t\n0123456789.eE+-truefalsnu\x80\xc3\xff\x01";
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = review;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 5) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        case 2:
          text.insert(at, text.substr(at, 1 + rng() % 16));
          break;
        case 3:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          text.resize(at);
          break;
      }
    }
    json want;
    bool want_ok = false;
    try {
      want = json::parse(text);
      want_ok = true;
    } catch (const json::exception&) {
    }
    auto got = fm::read_json(text);
    ASSERT_EQ(got.ok(), want_ok) << "case " << i << ": " << text;
    if (got.ok()) {
      ++accepted;
      ASSERT_EQ(got->dump(), want.dump()) << "case " << i;
    } else {
      ASSERT_FALSE(got.error().message.empty());
    }
  }
  EXPECT_GT(accepted, 100);  // the damage leaves valid JSON often enough to compare values
}

}  // namespace
