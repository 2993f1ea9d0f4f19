// Masterminds/semver v3 semantics; the tables mirror its version_test.go and
// constraints_test.go (v3.3+ prerelease rule: a prerelease anywhere in an AND group admits
// prereleases for the whole group).
#include "freightgate/freight/semver.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

using freightgate::semver::Constraints;
using freightgate::semver::parse;
using freightgate::semver::parse_strict;
using freightgate::semver::Version;

namespace {

TEST(SemverStrict, Table) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"1.2.3", true},
      {"1.2.3-alpha.01", false},
      {"1.2.3+test.01", true},
      {"1.2.3-alpha.-1", true},
      {"v1.2.3", false},
      {"1.0", false},
      {"v1.0", false},
      {"1", false},
      {"v1", false},
      {"1.2.beta", false},
      {"v1.2.beta", false},
      {"foo", false},
      {"1.2-5", false},
      {"v1.2-5", false},
      {"1.2-beta.5", false},
      {"\n1.2", false},
      {"\nv1.2", false},
      {"1.2.0-x.Y.0+metadata", true},
      {"1.2.0-x.Y.0+metadata-width-hypen", true},
      {"1.2.3-rc1-with-hypen", true},
      {"1.2.3.4", false},
      {"v1.2.3.4", false},
      {"1.2.2147483648", true},
      {"1.2147483648.3", true},
      {"2147483648.3.0", true},
      {"", false},
      {"01.2.3", false},
      {"1.02.3", false},
      {"1.2.03", false},
      {"1.2.3-", false},
      {"1.2.3+", false},
      {"1.2.3-0123", false},
      {"1.1.2+.123", false},
      {"1.2.3-a..b", false},
      {"99999999999999999999.0.0", false},
  };
  for (const auto& [in, ok] : cases) EXPECT_EQ(parse_strict(in).ok(), ok) << in;
}

TEST(SemverLenient, Table) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"1.2.3", true},
      {"1.2.3-alpha.01", false},
      {"1.2.3+test.01", true},
      {"1.2.3-alpha.-1", true},
      {"v1.2.3", true},
      {"1.0", true},
      {"v1.0", true},
      {"1", true},
      {"v1", true},
      {"1.2.beta", false},
      {"v1.2.beta", false},
      {"foo", false},
      {"1.2-5", true},
      {"v1.2-5", true},
      {"1.2-beta.5", true},
      {"\n1.2", false},
      {"\nv1.2", false},
      {"1.2.0-x.Y.0+metadata", true},
      {"1.2.3.4", false},
      {"v1.2.3.4", false},
      {"V1.2.3", false},
      {"20221209-update-renovatejson-v4", true},
      {"01.2.3", true},
      {"", false},
      {"1.2.3-", false},
      {"1.2.3 ", false},
  };
  for (const auto& [in, ok] : cases) EXPECT_EQ(parse(in).ok(), ok) << in;
}

TEST(SemverLenient, FillsMissingPartsAndCoercesZeros) {
  auto v = parse("v1.2");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->str(), "1.2.0");
  EXPECT_EQ(v->original, "v1.2");
  EXPECT_EQ(parse("01.02.003")->str(), "1.2.3");
  EXPECT_EQ(parse("1.2-beta.5+b.7")->str(), "1.2.0-beta.5+b.7");
  EXPECT_FALSE(parse("v1.2.3", /*strict=*/true).ok());
  EXPECT_TRUE(parse("v1.2.3", /*strict=*/false).ok());
}

TEST(SemverStrict, ErrorNamesTheInput) {
  auto v = parse_strict("v1.2.3");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("\"v1.2.3\""), std::string::npos);
}

TEST(SemverCompare, Table) {
  const std::vector<std::tuple<std::string, std::string, int>> cases = {
      {"1.2.3", "1.5.1", -1},
      {"2.2.3", "1.5.1", 1},
      {"2.2.3", "2.2.2", 1},
      {"3.2-beta", "3.2-beta", 0},
      {"1.3", "1.1.4", 1},
      {"4.2", "4.2-beta", 1},
      {"4.2-beta", "4.2", -1},
      {"4.2-alpha", "4.2-beta", -1},
      {"4.2-alpha", "4.2-alpha", 0},
      {"4.2-beta.2", "4.2-beta.1", 1},
      {"4.2-beta2", "4.2-beta1", 1},
      {"4.2-beta", "4.2-beta.2", -1},
      {"4.2-beta", "4.2-beta.foo", -1},
      {"4.2-beta.2", "4.2-beta", 1},
      {"4.2-beta.foo", "4.2-beta", 1},
      {"1.2+bar", "1.2+baz", 0},
      {"1.0.0-beta.4", "1.0.0-beta.-2", -1},
      {"1.0.0-beta.-2", "1.0.0-beta.-3", -1},
      {"1.0.0-beta.-3", "1.0.0-beta.5", 1},
      {"1.0.0-beta.10", "1.0.0-beta.9", 1},  // numeric, not lexical
      {"1.0.0-alpha", "1.0.0-alpha.1", -1},
      {"1.0.0-rc.1", "1.0.0", -1},
  };
  for (const auto& [a, b, want] : cases) {
    auto va = parse(a), vb = parse(b);
    ASSERT_TRUE(va.ok() && vb.ok()) << a << " " << b;
    EXPECT_EQ(va->compare(*vb), want) << a << " vs " << b;
  }
}

TEST(SemverConstraints, ParseTable) {
  // {input, ors, terms in first group, ok}
  const std::vector<std::tuple<std::string, size_t, size_t, bool>> cases = {
      {">= 1.1", 1, 1, true},
      {">40.50.60, < 50.70", 1, 2, true},
      {"2.0", 1, 1, true},
      {"v2.3.5-20161202202307-sha.e8fc5e5", 1, 1, true},
      {">= bar", 0, 0, false},
      {"BAR >= 1.2.3", 0, 0, false},
      {">= 1.2.3 < 2.0", 1, 2, true},
      {">= 1.2.3 < 2.0 || => 3.0 < 4", 2, 2, true},
      {">= 1.2.3, < 2.0", 1, 2, true},
      {">= 1.2.3, < 2.0 || => 3.0, < 4", 2, 2, true},
      {"3 - 4 || => 3.0, < 4", 2, 2, true},
      {"12.3.4.1234", 0, 0, false},
      {"12.23.4.1234", 0, 0, false},
      {"12.3.34.1234", 0, 0, false},
      {"12.3.34 ~1.2.3", 1, 2, true},
      {"12.3.34~ 1.2.3", 0, 0, false},
      {"", 0, 0, false},
      {">=1.0.0<2.0.0", 0, 0, false},
      {">=1.0.0,", 0, 0, false},
      {"1.2 - 1.4.5 !=1.3.0", 1, 3, true},
      {">1.0.0-01", 0, 0, false},
      {"1|2", 0, 0, false},
  };
  for (const auto& [in, ors, terms, ok] : cases) {
    auto c = Constraints::parse(in);
    EXPECT_EQ(c.ok(), ok) << in;
    if (!c.ok() || !ok) continue;
    // The canonical form has one " || " per extra group and one space per extra term.
    std::string s = c->str();
    size_t n_or = 1, pos = 0;
    while ((pos = s.find(" || ", pos)) != std::string::npos) ++n_or, pos += 4;
    EXPECT_EQ(n_or, ors) << in << " -> " << s;
    std::string first = s.substr(0, s.find(" || "));
    EXPECT_EQ(static_cast<size_t>(std::count(first.begin(), first.end(), ' ')) + 1, terms)
        << in << " -> " << s;
  }
}

TEST(SemverConstraints, ErrorsAreMastermindsWords) {
  auto c = Constraints::parse(">= bar");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message, "improper constraint: >= bar");
  EXPECT_FALSE(Constraints::parse(std::string(600, '1')).ok());
  std::string many = "1";
  for (int i = 0; i < 40; ++i) many += "||1";
  EXPECT_FALSE(Constraints::parse(many).ok());
}

struct CheckCase {
  const char* constraint;
  const char* version;
  bool want;
};

// constraints_test.go TestConstraintsCheck (+ TestConstraintCheck rows that go through
// NewConstraint unchanged).
const CheckCase kCheck[] = {
    {"*", "1.2.3", true},
    {"~0.0.0", "1.2.3", true},
    {"0.x.x", "1.2.3", false},
    {"0.0.x", "1.2.3", false},
    {"0.0.0", "1.2.3", false},
    {"^0.0.0", "1.2.3", false},
    {"= 2.0", "1.2.3", false},
    {"= 2.0", "2.0.0", true},
    {"4.1", "4.1.0", true},
    {"4.1.x", "4.1.3", true},
    {"1.x", "1.4", true},
    {"!=4.1", "4.1.0", false},
    {"!=4.1-alpha", "4.1.0-alpha", false},
    {"!=4.1-alpha", "4.1.1-alpha", false},
    {"!=4.1-alpha", "4.1.0", true},
    {"!=4.1", "5.1.0", true},
    {"!=4.x", "5.1.0", true},
    {"!=4.x", "4.1.0", false},
    {"!=4.1.x", "4.2.0", true},
    {"!=4.2.x", "4.2.3", false},
    {">1.1", "4.1.0", true},
    {">1.1", "1.1.0", false},
    {"<1.1", "0.1.0", true},
    {"<1.1", "1.1.0", false},
    {"<1.1", "1.1.1", false},
    {"<1.x", "1.1.1", false},
    {"<1.x", "0.1.1", true},
    {"<1.x", "2.0.0", false},
    {"<1.1.x", "1.2.1", false},
    {"<1.1.x", "1.1.500", false},
    {"<1.1.x", "1.0.500", true},
    {"<1.2.x", "1.1.1", true},
    {">=1.1", "4.1.0", true},
    {">=1.1", "4.1.0-beta", false},
    {">=1.1", "1.1.0", true},
    {">=1.1", "0.0.9", false},
    {"<=1.1", "0.1.0", true},
    {"<=1.1", "0.1.0-alpha", false},
    {"<=1.1-a", "0.1.0-alpha", true},
    {"<=1.1", "1.1.0", true},
    {"<=1.x", "1.1.0", true},
    {"<=2.x", "3.0.0", false},
    {"<=1.1", "1.1.1", true},
    {"<=1.1.x", "1.2.500", false},
    {"<=4.5", "3.4.0", true},
    {"<=4.5", "3.7.0", true},
    {"<=4.5", "4.6.3", false},
    {">1.1, <2", "1.1.1", false},
    {">1.1, <2", "1.2.1", true},
    {">1.1, <3", "4.3.2", false},
    {">=1.1, <2, !=1.2.3", "1.2.3", false},
    {">1.1 <2", "1.1.1", false},
    {">1.1 <2", "1.2.1", true},
    {">1.1    <3", "4.3.2", false},
    {">=1.1    <2    !=1.2.3", "1.2.3", false},
    {">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true},
    {">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false},
    {">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true},
    {">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false},
    {">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false},
    {">=1.1 <2 !=1.2.3 || > 3", "4.1.2", true},
    {"> 1.1, <     2", "1.1.1", false},
    {">   1.1, <2", "1.2.1", true},
    {">= 1.1, <     2, !=1.2.3", "1.2.3", false},
    {"> 1.1 < 2", "1.1.1", false},
    {">1.1 < 2", "1.2.1", true},
    {">=1.1    < 2    != 1.2.3", "1.2.3", false},
    {">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", false},
    {"1.1 - 2", "1.1.1", true},
    {"1.5.0 - 4.5", "3.7.0", true},
    {"1.2 - 1.4.5", "1.4.5", true},
    {"1.2 - 1.4.5", "1.4.6", false},
    {"1.2 - 1.4.5", "1.1.9", false},
    {"1.1-3", "4.3.2", false},
    {"^1.1", "1.1.1", true},
    {"^1.1", "4.3.2", false},
    {"^1.x", "1.1.1", true},
    {"^2.x", "1.1.1", false},
    {"^1.x", "2.1.1", false},
    {"^1.x", "1.1.1-beta1", false},
    {"^1.1.2-alpha", "1.2.1-beta1", true},
    {"^1.2.x-alpha", "1.1.1-beta1", false},
    {"^0.0.1", "0.0.1", true},
    {"^0.0.1", "0.3.1", false},
    {"~*", "2.1.1", true},
    {"~1", "2.1.1", false},
    {"~1", "1.3.5", true},
    {"~1", "1.4", true},
    {"~1.x", "2.1.1", false},
    {"~1.x", "1.3.5", true},
    {"~1.x", "1.4", true},
    {"~1.1", "1.1.1", true},
    {"~1.1", "1.1.1-alpha", false},
    {"~1.1-alpha", "1.1.1-beta", true},
    {"~1.1.1-beta", "1.1.1-alpha", false},
    {"~1.1.1-beta", "1.1.1", true},
    {"~1.2.3", "1.2.5", true},
    {"~1.2.3", "1.2.2", false},
    {"~1.2.3", "1.3.2", false},
    {"~1.1", "1.2.3", false},
    {"~1.3", "2.4.5", false},
    {"~>1.2", "1.2.9", true},
    {"~>1.2", "1.3.0", false},
    // Single-term rows of TestConstraintCheck.
    {"=2.0.0", "1.2.3", false},
    {"=2.0.0", "2.0.0", true},
    {"=2.0", "2.0.1", true},
    {"!=4.1.0", "4.1.1", true},
    {"!=4.1", "4.1.1", false},
    {"!=4.1", "5.1.0-alpha.1", false},
    {"<11", "0.1.0", true},
    {"<11", "11.1.0", false},
    {"<=11", "11.2.3", true},
    {"<=11", "12.2.3", false},
    {">0", "0", false},
    {">0", "1", true},
    {">0", "0.0.1-alpha", false},
    {">0-0", "0.0.1-alpha", false},
    {">0.0.0-0", "0.0.0-alpha", true},
    {">1.2.3-alpha.1", "1.2.3-alpha.2", true},
    {">1.2.3-alpha.1", "1.3.3-alpha.2", true},
    {">11", "11.1.0", false},
    {">11.1", "11.1.1", false},
    {">11.1", "11.2.1", true},
    {">=0", "0.0.1-alpha", false},
    {">=0-0", "0.0.1-alpha", true},
    {">=0.0.0-0", "1.2.3", true},
    {">=0.0.0-0", "3.4.5-beta.1", true},
    {"<0", "0.0.0-alpha", false},
    {"<0-z", "0.0.0-alpha", true},
    {"=0", "1", false},
    {"*", "1.2.3-alpha.1", false},
    {"*-0", "1.2.3-alpha.1", true},
    {"2.*", "3.4.5", false},
    {"2.*", "2.1.1", true},
    {"2.1.*", "2.2.1", false},
    {"~1.2.3-beta.2", "1.2.3-beta.4", true},
    {"~1.2.3-beta.2", "1.2.4-beta.2", true},
    {"~1.2.3-beta.2", "1.3.4-beta.2", false},
    {"^1.2.0", "1.2.1-alpha.1", false},
    {"^1.2.0-alpha.0", "1.2.1-alpha.1", true},
    {"^1.2.0-alpha.2", "1.2.0-alpha.1", false},
    {"^0.2.3", "0.2.5", true},
    {"^0.2.3", "0.5.6", false},
    {"^0.0", "0.0.3", true},
    {"^0.0", "0.1.4", false},
    {"^0", "0.2.3", true},
    {"^0", "1.1.4", false},
    {"^0.2.3-beta.2", "0.2.4-beta.2", true},
    {"^0.2.3-beta.2", "0.3.4-beta.2", false},
    // v3.3+: a prerelease anywhere in the AND group admits prereleases for the group.
    {">=1.2.0-alpha <1.3.0", "1.2.5-beta", true},
    {">=1.2.0-alpha <1.3.0", "1.3.0-alpha", true},
    {">=1.2.0 <1.3.0 || >=2.0.0-rc", "1.2.5-beta", false},
};

TEST(SemverConstraints, CheckTable) {
  for (const auto& tc : kCheck) {
    auto c = Constraints::parse(tc.constraint);
    ASSERT_TRUE(c.ok()) << tc.constraint << ": " << c.error().message;
    auto v = parse(tc.version);
    ASSERT_TRUE(v.ok()) << tc.version;
    EXPECT_EQ(c->check(*v), tc.want) << "\"" << tc.constraint << "\" vs " << tc.version;
    // Validate agrees with Check and explains every failure.
    auto why = c->explain(*v);
    EXPECT_EQ(why.empty(), tc.want) << tc.constraint << " vs " << tc.version;
  }
}

TEST(SemverConstraints, IncludePrerelease) {
  auto c = Constraints::parse("^1.2");
  ASSERT_TRUE(c.ok());
  auto v = parse("1.3.0-rc.1");
  EXPECT_FALSE(c->check(*v));
  c->include_prerelease = true;
  EXPECT_TRUE(c->check(*v));
}

TEST(SemverConstraints, ExplainMessages) {
  auto v = parse_strict("1.2.3");
  auto c = Constraints::parse("!= 1.2.5, ^2, <= 1.1.x");
  ASSERT_TRUE(c.ok());
  auto msgs = c->explain(*v);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0], "1.2.3 is less than 2");
  EXPECT_EQ(msgs[1], "1.2.3 is greater than 1.1.x");
  auto pre = Constraints::parse("^1.2 || ~1.2");
  auto m2 = pre->explain(*parse("1.2.4-rc.1"));
  ASSERT_EQ(m2.size(), 1u);  // the prerelease message is reported once
  EXPECT_EQ(m2[0],
            "1.2.4-rc.1 is a prerelease version and the constraint is only looking for release "
            "versions");
}

TEST(SemverConstraints, CanonicalString) {
  EXPECT_EQ(Constraints::parse(">= 1.2.3,<2 ||   ~1.4")->str(), ">=1.2.3 <2 || ~1.4");
  EXPECT_EQ(Constraints::parse("1.2 - 1.4.5")->str(), ">=1.2 <=1.4.5");
}

}  // namespace
