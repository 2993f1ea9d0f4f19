// parse_stream / parse_file: YAML typing, line numbers, limits (alias bombs, depth, size),
// durations and times, label selectors, to_yaml round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include "freightgate/model/decode.h"
#include "model_test_util.h"

namespace fm = freightgate::model;
using nlohmann::json;

namespace {

using fg_model_test::one;

// ---- scalar typing ----------------------------------------------------------------------------

struct ScalarCase {
  const char* yaml;  // the value of key `v`
  json want;
};

class ScalarTyping : public testing::TestWithParam<ScalarCase> {};

TEST_P(ScalarTyping, ResolvesLikeYamlCoreSchema) {
  const auto& c = GetParam();
  fm::Document d = one(std::string("v: ") + c.yaml + "\n");
  ASSERT_TRUE(d.body.contains("v"));
  const json& got = d.body["v"];
  EXPECT_EQ(got.type(), c.want.type()) << c.yaml << " -> " << got.dump();
  if (c.want.is_number_float())
    EXPECT_DOUBLE_EQ(got.get<double>(), c.want.get<double>());
  else
    EXPECT_EQ(got, c.want) << c.yaml;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ScalarTyping,
    testing::Values(ScalarCase{"true", true}, ScalarCase{"False", false}, ScalarCase{"TRUE", true},
                    ScalarCase{"\"true\"", "true"}, ScalarCase{"'false'", "false"},
                    ScalarCase{"yes", "yes"},  // YAML 1.2: a string
                    ScalarCase{"42", 42}, ScalarCase{"-7", -7}, ScalarCase{"+3", 3},
                    ScalarCase{"0x1F", 31}, ScalarCase{"0o17", 15}, ScalarCase{"\"42\"", "42"},
                    ScalarCase{"1.5", 1.5}, ScalarCase{"1e3", 1000.0}, ScalarCase{"1.0", 1.0},
                    ScalarCase{"null", nullptr}, ScalarCase{"~", nullptr}, ScalarCase{"", nullptr},
                    ScalarCase{"\"null\"", "null"}, ScalarCase{"!!str 123", "123"},
                    ScalarCase{"!!int \"12\"", 12}, ScalarCase{"v0.0.1", "v0.0.1"},
                    ScalarCase{"1.2.3", "1.2.3"}, ScalarCase{"^v0.0.1", "^v0.0.1"},
                    ScalarCase{"sha256:abc", "sha256:abc"}, ScalarCase{"5m0s", "5m0s"},
                    ScalarCase{"|\n  a\n  b\n", "a\nb\n"}, ScalarCase{">-\n  a\n  b\n", "a b"},
                    ScalarCase{"18446744073709551615", 18446744073709551615ULL},
                    ScalarCase{"\"${{ ctx.stage }}\"", "${{ ctx.stage }}"}));

// ---- structure and lines ---------------------------------------------------------------------

TEST(ParseStream, MultiDocumentSkipsEmptyAndKeepsLines) {
  const std::string y =
      "# comment\n"     // 1
      "---\n"           // 2
      "---\n"           // 3
      "kind: A\n"       // 4
      "spec:\n"         // 5
      "  list:\n"       // 6
      "  - name: x\n"   // 7
      "    value: 1\n"  // 8
      "  - name: y\n"   // 9
      "---\n"           // 10
      "kind: B\n";      // 11
  auto r = fm::parse_stream(y, "f.yaml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  const fm::Document& a = (*r)[0];
  EXPECT_EQ(a.file, "f.yaml");
  EXPECT_EQ(a.line, 4);
  EXPECT_EQ(a.line_of("/kind"), 4);
  EXPECT_EQ(a.line_of("/spec"), 5);
  EXPECT_EQ(a.line_of("/spec/list"), 6);
  EXPECT_EQ(a.line_of("/spec/list/0"), 7);
  EXPECT_EQ(a.line_of("/spec/list/0/value"), 8);
  EXPECT_EQ(a.line_of("/spec/list/1/name"), 9);
  EXPECT_EQ(a.line_of("/spec/list/1/missing"), 9);  // nearest known parent
  EXPECT_EQ(a.line_of("/nothing/here"), 4);
  EXPECT_EQ((*r)[1].line, 11);
  EXPECT_EQ((*r)[1].body, json({{"kind", "B"}}));
}

TEST(ParseStream, JsonInput) {
  const std::string j = R"({
  "apiVersion": "v1",
  "kind": "Namespace",
  "metadata": {"name": "guestbook", "labels": {"a": "true"}},
  "n": [1, 2.5, true, null, "x"]
})";
  fm::Document d = one(j);
  EXPECT_EQ(d.body, json::parse(j));
  EXPECT_EQ(d.line_of("/metadata/name"), 4);
  EXPECT_EQ(d.line_of("/n"), 5);
}

TEST(ParseStream, PointerEscapesInLineMap) {
  fm::Document d = one("metadata:\n  annotations:\n    a/b~c: x\n");
  EXPECT_EQ(d.line_of("/metadata/annotations/a~1b~0c"), 3);
}

TEST(ParseStream, AliasesAndMergeKeysExpand) {
  fm::Document d =
      one("base: &b\n"
          "  x: 1\n"
          "  y: 2\n"
          "copy: *b\n"
          "merged:\n"
          "  <<: *b\n"
          "  y: 3\n");
  EXPECT_EQ(d.body["copy"], json({{"x", 1}, {"y", 2}}));
  EXPECT_EQ(d.body["merged"], json({{"x", 1}, {"y", 3}}));
  EXPECT_EQ(d.line_of("/merged/y"), 7);
}

std::string laughs(int levels, int fanout) {
  std::string y = "l0: &l0 [lol]\n";
  for (int i = 1; i <= levels; ++i) {
    y += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < fanout; ++k) y += std::string(k ? ", " : "") + "*l" + std::to_string(i - 1);
    y += "]\n";
  }
  return y;
}

TEST(ParseStream, BillionLaughsRefused) {
  auto r = fm::parse_stream(laughs(9, 10), "bomb.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, "bomb.yaml");
  EXPECT_GT(r.error().line, 1);
  EXPECT_NE(r.error().message.find("aliases expand to more than 10000 nodes"), std::string::npos)
      << r.error().to_string();
}

TEST(ParseStream, AliasBudgetIsPerStreamAndConfigurable) {
  // 3 levels of 3: small enough for the default budget.
  EXPECT_TRUE(fm::parse_stream(laughs(3, 3), "ok.yaml").ok());
  fm::ParseLimits tight;
  tight.max_alias_expansions = 10;
  auto r = fm::parse_stream(laughs(3, 3), "x.yaml", tight);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more than 10 nodes"), std::string::npos);
  // The budget spans documents of one stream.
  std::string two = "a: &a [1, 2, 3, 4]\nb: *a\n---\na: &a [1, 2, 3, 4]\nb: *a\n";
  fm::ParseLimits eight;
  eight.max_alias_expansions = 8;
  EXPECT_TRUE(fm::parse_stream(two.substr(0, two.find("---")), "x", eight).ok());
  EXPECT_FALSE(fm::parse_stream(two, "x", eight).ok());
}

TEST(ParseStream, DepthBound) {
  fm::ParseLimits lim;
  lim.max_depth = 10;
  std::string ok(9, '[');
  ok += std::string(9, ']');
  EXPECT_TRUE(fm::parse_stream(ok, "d", lim).ok());
  std::string deep(11, '[');
  deep += std::string(11, ']');
  auto r = fm::parse_stream(deep, "d", lim);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nesting deeper than 10 levels"), std::string::npos);
  // Far deeper than yaml-cpp's own guard: still a clean error, not a crash.
  std::string huge(100000, '[');
  EXPECT_FALSE(fm::parse_stream(huge, "d").ok());
  // Depth reached through an alias counts too.
  std::string via_alias = "a: &a [[[[[[1]]]]]]\nb: [[[[*a]]]]\n";
  EXPECT_FALSE(fm::parse_stream(via_alias, "d", lim).ok());
}

TEST(ParseStream, SizeLimit) {
  fm::ParseLimits lim;
  lim.max_bytes = 100;
  auto r = fm::parse_stream(std::string(101, 'a'), "big.yaml", lim);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.error().to_string(),
      "big.yaml: input is 101 bytes, more than the limit of 100; split it into smaller files");
}

TEST(ParseStream, ErrorsCarryLines) {
  struct C {
    const char* yaml;
    const char* want;
  } cases[] = {
      {"a: 1\nb: [1, 2\n", "t.yaml:3: invalid YAML: "},
      {"a: 1\na: 2\n",
       "t.yaml:2: invalid YAML: duplicate key \"a\" in a mapping; keep one of them"},
      {"a: 1\n? [x]\n: 2\n", "t.yaml:2: invalid YAML: a mapping key must be a scalar"},
      {"a: *nope\n", "t.yaml:1: invalid YAML: "},
      {"a: !!int x\n", "t.yaml:1: invalid YAML: value \"x\" does not match its tag"},
  };
  for (const auto& c : cases) {
    auto r = fm::parse_stream(c.yaml, "t.yaml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.error().to_string().rfind(c.want, 0), 0u) << r.error().to_string();
  }
}

TEST(ParseFile, MissingFile) {
  auto r = fm::parse_file("/nonexistent/x.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().to_string(),
            "/nonexistent/x.yaml: cannot open file; check the path and its permissions");
}

TEST(ParseFile, ReadsExample) {
  auto r = fm::parse_file(std::string(FG_SOURCE_DIR) + "/examples/guestbook/stages.yaml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].body["metadata"]["name"], "dev");
}

// ---- durations and times ----------------------------------------------------------------------

TEST(Duration, ParsesGoSyntax) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  using std::chrono::minutes;
  using std::chrono::seconds;
  struct C {
    const char* in;
    fm::Duration want;
  } cases[] = {
      {"1h", hours(1)},         {"30m", minutes(30)},
      {"5m0s", minutes(5)},     {"1h30m", minutes(90)},
      {"1.5h", minutes(90)},    {"300ms", milliseconds(300)},
      {"0", milliseconds(0)},   {"2h45m30.5s", milliseconds(9930500)},
      {"-1m", minutes(-1)},     {"62h", hours(62)},
      {"240h0m0s", hours(240)}, {"1500us", milliseconds(1)},
      {"90s", seconds(90)},
  };
  for (const auto& c : cases) {
    auto r = fm::parse_duration(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.error().message;
    EXPECT_EQ(r->count(), c.want.count()) << c.in;
  }
  for (const char* bad : {"", "1", "h", "1d", "1 h", "1h 30m", "abc", "1.5.h", "-", "5m0"}) {
    auto r = fm::parse_duration(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_EQ(fm::parse_duration("1d").error().message,
            "invalid duration \"1d\": unknown unit \"d\"; use Go duration syntax such as 30s, 5m, "
            "1h30m or 5m0s");
}

TEST(Duration, FormatsLikeGo) {
  using std::chrono::milliseconds;
  struct C {
    long long ms;
    const char* want;
  } cases[] = {{0, "0s"},           {300, "300ms"},       {1000, "1s"},
               {1500, "1.5s"},      {60000, "1m0s"},      {300000, "5m0s"},
               {3600000, "1h0m0s"}, {5400000, "1h30m0s"}, {864000000, "240h0m0s"},
               {-60000, "-1m0s"},   {61001, "1m1.001s"}};
  for (const auto& c : cases) EXPECT_EQ(fm::format_duration(milliseconds(c.ms)), c.want) << c.ms;
  for (const auto& c : cases)
    EXPECT_EQ(fm::parse_duration(fm::format_duration(milliseconds(c.ms)))->count(), c.ms);
}

TEST(Time, RFC3339) {
  auto t = fm::parse_time("2026-11-12T09:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count(),
            1794474000LL);
  EXPECT_EQ(fm::format_time(*t), "2026-11-12T09:00:00Z");
  auto off = fm::parse_time("2026-11-12T11:00:00.250+02:00");
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(fm::format_time(*off), "2026-11-12T09:00:00.250Z");
  EXPECT_EQ(fm::format_time(*fm::parse_time("1970-01-01T00:00:00Z")), "1970-01-01T00:00:00Z");
  EXPECT_EQ(fm::format_time(*fm::parse_time("2000-02-29T23:59:59Z")), "2000-02-29T23:59:59Z");
  EXPECT_EQ(fm::format_time(*fm::parse_time("1969-12-31T23:59:59Z")), "1969-12-31T23:59:59Z");
  for (const char* bad : {"2026-11-12", "2026-11-12T09:00:00", "2026-13-01T00:00:00Z",
                          "2026-11-12T09:00:00Zjunk", "yesterday", "2026-11-12T09:00:00+0200"})
    EXPECT_FALSE(fm::parse_time(bad).ok()) << bad;
}

// ---- label selectors --------------------------------------------------------------------------

TEST(LabelSelector, Matches) {
  using Labels = std::map<std::string, std::string>;
  fm::LabelSelector s;
  EXPECT_TRUE(s.matches({}));  // empty matches everything
  s.matchLabels = {{"tier", "production"}};
  EXPECT_TRUE(s.matches(Labels{{"tier", "production"}, {"x", "y"}}));
  EXPECT_FALSE(s.matches(Labels{{"tier", "dev"}}));
  EXPECT_FALSE(s.matches(Labels{}));
  struct C {
    fm::LabelSelectorRequirement r;
    Labels labels;
    bool want;
  } cases[] = {
      {{"env", "In", {"a", "b"}}, {{"env", "b"}}, true},
      {{"env", "In", {"a", "b"}}, {{"env", "c"}}, false},
      {{"env", "In", {"a"}}, {}, false},
      {{"env", "NotIn", {"a"}}, {{"env", "b"}}, true},
      {{"env", "NotIn", {"a"}}, {}, true},
      {{"env", "NotIn", {"a"}}, {{"env", "a"}}, false},
      {{"env", "Exists", {}}, {{"env", ""}}, true},
      {{"env", "Exists", {}}, {}, false},
      {{"env", "DoesNotExist", {}}, {}, true},
      {{"env", "DoesNotExist", {}}, {{"env", "x"}}, false},
      {{"env", "Bogus", {}}, {{"env", "x"}}, false},
  };
  for (const auto& c : cases) {
    fm::LabelSelector e;
    e.matchExpressions = {c.r};
    EXPECT_EQ(e.matches(c.labels), c.want) << c.r.operator_;
  }
}

// ---- to_yaml --------------------------------------------------------------------------------

TEST(ToYaml, DeterministicAndQuoted) {
  json v = {{"kind", "Stage"},
            {"b", {{"z", 1}, {"a", true}}},
            {"list", {"true", "1.0", "", "null", "yes", "plain", 7, 1.5, nullptr}},
            {"empty", json::object()},
            {"none", json::array()}};
  const std::string want =
      "b:\n"
      "  a: true\n"
      "  z: 1\n"
      "empty: {}\n"
      "kind: Stage\n"
      "list:\n"
      "  - \"true\"\n"
      "  - \"1.0\"\n"
      "  - \"\"\n"
      "  - \"null\"\n"
      "  - \"yes\"\n"
      "  - plain\n"
      "  - 7\n"
      "  - 1.5\n"
      "  - ~\n"
      "none: []\n";
  EXPECT_EQ(fm::to_yaml(v), want);
}

TEST(ToYaml, RoundTrips) {
  std::vector<json> values = {
      json{{"s", "multi\nline\n"}, {"t", "no trailing\nnewline"}, {"u", " leading space\nx"}},
      json{{"colon", "a: b"}, {"hash", "# not a comment"}, {"dash", "- x"}, {"star", "*x"}},
      json{{"expr", "${{ quote(ctx.targetFreight.name) }}"}, {"cron", "0 18 * * 5"}},
      json{{"n", {1, -2, 3.25, 1e300, 0}},
           {"b", {true, false}},
           {"deep", {{"a", {{"b", {{"c", {1}}}}}}}}},
      json{{"weird keys", {{"true", 1}, {"1", 2}, {"", 3}, {"a/b", 4}}}},
      json{{"ends", "x\n\n"}, {"one", "x\n"}, {"crlf", "a\r\nb\n"}},
      json{{"tabs", "a\tb"}, {"ctl", std::string("x\x01y")}, {"trail", "x \ny"}},
  };
  for (const auto& v : values) {
    std::string y = fm::to_yaml(v);
    auto r = fm::parse_stream(y, "rt");
    ASSERT_TRUE(r.ok()) << y << r.error().to_string();
    ASSERT_EQ(r->size(), 1u) << y;
    EXPECT_EQ((*r)[0].body, v) << y;
    EXPECT_EQ(fm::to_yaml(v), y);
  }
}

}  // namespace

namespace {

// Every prefix and a byte-flipped copy of every example file: parsing and decoding either
// succeed or return an error; nothing throws or crashes, and errors always name the file.
TEST(ParseStream, TruncatedAndCorruptedInputsFailCleanly) {
  const std::string dir = std::string(FG_SOURCE_DIR) + "/examples/guestbook/";
  size_t failures = 0, runs = 0;
  for (const char* name : {"stages.yaml", "applications.yaml", "freight.yaml", "warehouse.yaml"}) {
    std::ifstream in(dir + name);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(text.empty()) << name;
    for (size_t cut = 0; cut < text.size(); cut += 41) {
      std::vector<std::string> variants = {text.substr(0, cut), text};
      variants[1][cut] = "]:{&*!|>'\"\t-"[cut % 13];
      for (const auto& v : variants) {
        ++runs;
        auto docs = fm::parse_stream(v, name);
        if (!docs) {
          ++failures;
          EXPECT_EQ(docs.error().file, name);
          continue;
        }
        for (const auto& d : *docs) {
          std::vector<freightgate::Error> errors;
          fm::AnyObject o = fm::decode_partial(d, errors);
          for (const auto& e : errors) EXPECT_EQ(e.file, name);
          (void)fm::to_yaml(fm::encode(o));
        }
      }
    }
  }
  EXPECT_GT(runs, 200u);
  EXPECT_GT(failures, 10u);  // corruption is noticed, not swallowed
}

}  // namespace
