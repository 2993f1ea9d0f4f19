// model::append_json / append_json_string write what nlohmann::json::dump(-1, ' ', false,
// replace) writes, on every value: the webhook's responses and log lines depend on it.
#include "freightgate/model/json_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "freightgate/admission/review.h"
#include "freightgate/file.h"

namespace fm = freightgate::model;
namespace fa = freightgate::admission;
using nlohmann::json;

namespace {

std::string dumped(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string written(const json& v) {
  std::string out;
  fm::append_json(out, v);
  return out;
}

TEST(JsonWriter, EveryAsciiByteAsNlohmannEscapesIt) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string s = std::string("a") + static_cast<char>(c) + "b";
    std::string out;
    fm::append_json_string(out, s);
    EXPECT_EQ(out, dumped(json(s))) << "byte " << c;
  }
}

// Plain runs are skipped 8 bytes at a time: every byte that is not plain, at every offset of
// strings longer than a word (and next to others), is found as the byte loop finds it.
TEST(JsonWriter, EveryByteAtEveryOffsetAsNlohmann) {
  const std::string plain = "0123456789abcdefghijklmnopqrstuvwxyz ~!";
  for (int c = 0; c < 0x100; ++c) {
    for (std::size_t at = 0; at < 24; ++at) {
      std::string s = plain.substr(0, at) + static_cast<char>(c) + plain.substr(at, 20);
      if (c >= 0xC2 && c <= 0xDF) s.insert(at + 1, 1, '\x80');  // a whole 2-byte sequence
      std::string out = "x";
      fm::append_json_string(out, s);
      ASSERT_EQ(out, "x" + dumped(json(s))) << "byte " << c << " at " << at;
      s += std::string(1, static_cast<char>(c)) + "tail of twelve";  // two of them
      out.clear();
      fm::append_json_string(out, s);
      ASSERT_EQ(out, dumped(json(s))) << "byte " << c << " at " << at << " twice";
    }
  }
}

TEST(JsonWriter, NonAsciiAndInvalidUtf8AsNlohmann) {
  for (std::string s :
       {std::string("caf\xc3\xa9"), std::string("\xe2\x82\xac \xf0\x9f\x98\x80"),
        std::string("bad \xff here"), std::string("cut \xe2\x82"), std::string("\xc0\xaf"),
        std::string("\"\xc3\xa9\"\n"), std::string("a\tb\\c \xc3\xa9")}) {
    std::string out;
    fm::append_json_string(out, s);
    EXPECT_EQ(out, dumped(json(s))) << s;
    // After other text: the plain bytes already written are taken back, nothing before them.
    std::string after = "[1,";
    fm::append_json_string(after, s);
    EXPECT_EQ(after, "[1," + dumped(json(s))) << s;
  }
}

TEST(JsonWriter, ValuesAsNlohmann) {
  for (const char* text :
       {"null", "true", "false", "0", "-1", "18446744073709551615", "-9223372036854775808", "1.5",
        "1e300", "-0.0", "0.1", "[]", "{}", R"({"b":[1,{"z":null,"a":"x\ty"}],"a":{}})",
        R"([{"op":"add","path":"/metadata/annotations/freightgate.io~1freight","value":"x"}])"})
    EXPECT_EQ(written(json::parse(text)), dumped(json::parse(text))) << text;
}

TEST(JsonWriter, EveryFixtureAsNlohmann) {
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(FG_SOURCE_DIR) +
                                                                     "/tests/fixtures")) {
    if (e.path().extension() != ".json") continue;
    auto text = freightgate::read_file(e.path().string());
    ASSERT_TRUE(text.ok()) << text.error().to_string();
    json v = json::parse(*text, nullptr, false);
    if (v.is_discarded()) continue;
    EXPECT_EQ(written(v), dumped(v)) << e.path();
    ++n;
  }
  EXPECT_GT(n, 50);
}

// The response as the nlohmann object it stands for would be dumped.
TEST(JsonWriter, ReviewResponsesAsTheirObjects) {
  fa::AdmissionResponse allowed;
  allowed.uid = "u-1";
  allowed.patch = fa::JsonPatch::of(
      json::parse(R"([{"op":"replace","path":"/spec/x","value":"caf\u00e9 \"q\""}])"));
  allowed.auditAnnotations = {{"freight", "abc"}, {"bad/key", "dropped"}, {"stage", "p:s"}};
  allowed.warnings = {"first\nline", "first\nline", "", "second"};
  fa::AdmissionResponse denied;
  denied.uid = "u-2";
  denied.allowed = false;
  denied.code = 403;
  denied.message = "Application \"a\": no\ttab";
  denied.patch = fa::JsonPatch::of(json::array({json::object()}));  // never sent with a denial
  fa::AdmissionResponse bare;
  bare.uid = "u-3";
  bare.allowed = false;
  json want_allowed = json::parse(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "response":{"uid":"u-1","allowed":true,"patchType":"JSONPatch",
    "patch":"W3sib3AiOiJyZXBsYWNlIiwicGF0aCI6Ii9zcGVjL3giLCJ2YWx1ZSI6ImNhZsOpIFwicVwiIn1d",
    "auditAnnotations":{"freight":"abc","stage":"p:s"},"warnings":["first line","second"]}})");
  json want_denied = json::parse(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "response":{"uid":"u-2","allowed":false,"status":{"code":403,"reason":"Forbidden",
    "message":"Application \"a\": no\ttab","status":"Failure"}}})");
  json want_bare = json::parse(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
    "response":{"uid":"u-3","allowed":false,"status":{"code":403,"reason":"Forbidden",
    "status":"Failure"}}})");
  std::string got = fa::encode_review_response(allowed);
  EXPECT_EQ(got, dumped(want_allowed)) << got;
  EXPECT_EQ(fa::encode_review_response(denied), dumped(want_denied));
  EXPECT_EQ(fa::encode_review_response(bare), dumped(want_bare));
}

}  // namespace

TEST(JsonWriter, PointerTokensAsNlohmann) {
  // nlohmann's flatten() names every member by its JSON Pointer: the reference escaping.
  for (std::string key : {"a", "a/b", "~", "~1", "x~/y/", "", "//~~", "freightgate.io/freight"}) {
    json doc = json::object();
    doc[key] = 1;
    std::string want = doc.flatten().begin().key();
    EXPECT_EQ("/" + fm::json_pointer_token(key), want) << key;
    std::string appended = "/metadata/";
    fm::append_json_pointer_token(appended, key);
    EXPECT_EQ(appended, "/metadata" + want) << key;
  }
}
