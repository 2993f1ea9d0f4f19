// Freight aliases: shape, reproducibility with a seed, uniqueness loop.
#include "freightgate/freight/alias.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace freightgate::freight;

namespace {

TEST(Alias, WordListsAreCleanAndLarge) {
  EXPECT_GE(alias_adjectives().size(), 200u);
  EXPECT_GE(alias_animals().size(), 200u);
  for (auto list : {alias_adjectives(), alias_animals()}) {
    std::set<std::string_view> seen;
    for (auto w : list) {
      EXPECT_TRUE(std::regex_match(std::string(w), std::regex("[a-z]+"))) << w;
      EXPECT_TRUE(seen.insert(w).second) << "duplicate " << w;
    }
  }
}

TEST(Alias, ShapeIsAdjectiveDashAnimal) {
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string a = generate_alias(rng);
    EXPECT_TRUE(std::regex_match(a, std::regex("[a-z]+-[a-z]+"))) << a;
    EXPECT_TRUE(is_generated_alias(a)) << a;
  }
  EXPECT_FALSE(is_generated_alias("wonky"));
  EXPECT_FALSE(is_generated_alias("prod-release"));
}

TEST(Alias, SameSeedSameSequence) {
  std::mt19937 a(42), b(42), c(43);
  std::vector<std::string> sa, sb, sc;
  for (int i = 0; i < 20; ++i) {
    sa.push_back(generate_alias(a));
    sb.push_back(generate_alias(b));
    sc.push_back(generate_alias(c));
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

TEST(Alias, UniqueSkipsTakenAliases) {
  std::mt19937 probe(5);
  std::string first = generate_alias(probe);
  std::string second = generate_alias(probe);
  std::set<std::string> taken{first};
  auto got = unique_alias(5, [&](const std::string& a) { return taken.count(a) > 0; });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, second);
}

TEST(Alias, UniqueGivesUpWithAnActionableError) {
  int calls = 0;
  auto got = unique_alias(
      1, [&](const std::string&) { return ++calls, true; }, 50);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(calls, 50);
  EXPECT_NE(got.error().message.find("set `alias`"), std::string::npos);
}

TEST(Alias, ManyDrawsAreMostlyDistinct) {
  std::mt19937 rng(99);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(generate_alias(rng));
  EXPECT_GT(seen.size(), 980u);  // ~80k combinations
}

}  // namespace
