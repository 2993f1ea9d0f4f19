// PromotionPolicy evaluation: approval requirement, allow windows, deny windows, broken policy.
#include "freightgate/policy/promotion_policy.h"

#include <gtest/gtest.h>

namespace fp = freightgate::policy;
namespace fm = freightgate::model;
namespace chr = std::chrono;

namespace {

// 2026-11-26T10:00:00Z, a Thursday.
const fm::Time kThursday10 = fm::Time{chr::seconds{1795687200}};

fm::PromotionPolicy policy(const std::string& name, bool approval,
                           std::vector<fm::PromotionWindow> windows) {
  fm::PromotionPolicy p;
  p.kind = "PromotionPolicy";
  p.metadata.name = name;
  p.requireApproval = approval;
  p.windows = std::move(windows);
  return p;
}

fm::PromotionWindow window(const char* kind, const char* schedule, chr::hours duration,
                           const char* tz = "UTC") {
  fm::PromotionWindow w;
  w.kind = kind;
  w.schedule = schedule;
  w.duration = duration;
  w.timeZone = tz;
  return w;
}

TEST(PromotionPolicy, NoPoliciesMeansOpenAndNoApproval) {
  auto g = fp::evaluate({}, kThursday10);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->closed);
  EXPECT_FALSE(g->require_approval);
}

TEST(PromotionPolicy, RequireApprovalNamesThePolicy) {
  auto a = policy("open", false, {});
  auto b = policy("prod-gates", true, {});
  auto g = fp::evaluate({&a, &b}, kThursday10);
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->require_approval);
  EXPECT_NE(g->approval_policy.find("prod-gates"), std::string::npos);
}

TEST(PromotionPolicy, OutsideEveryAllowWindowIsClosedAndSaysWhenItOpens) {
  // Office hours 09:00-17:00 Berlin on weekdays; 10:00Z Thursday is 11:00 Berlin: open.
  auto p = policy("office-hours", false,
                  {window("allow", "0 9 * * 1-5", chr::hours(8), "Europe/Berlin")});
  auto g = fp::evaluate({&p}, kThursday10);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->closed);
  // 17:30Z = 18:30 Berlin: closed until Friday 09:00 Berlin.
  g = fp::evaluate({&p}, kThursday10 + chr::minutes(7 * 60 + 30));
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->closed);
  EXPECT_NE(g->why_closed.find("outside every allow window"), std::string::npos);
  EXPECT_NE(g->reopens.find("opens next at 2026-11-27T09:00:00+01:00"), std::string::npos)
      << g->reopens;
}

TEST(PromotionPolicy, DenyWinsOverAllow) {
  auto allow = policy("always", false, {window("allow", "0 0 * * *", chr::hours(24))});
  auto deny = policy("freeze", false, {window("deny", "0 9 26 11 *", chr::hours(2))});
  auto g = fp::evaluate({&allow, &deny}, kThursday10);
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->closed);
  EXPECT_NE(g->why_closed.find("PromotionPolicy \"freeze\" spec.windows[0]: deny window"),
            std::string::npos)
      << g->why_closed;
  EXPECT_EQ(g->reopens, "promote after 2026-11-26T11:00:00Z");
  // One hour later the freeze is over.
  g = fp::evaluate({&allow, &deny}, kThursday10 + chr::hours(1));
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->closed);
}

TEST(PromotionPolicy, BrokenWindowIsAnErrorNamingPolicyAndField) {
  auto p = policy(
      "typo", false,
      {window("deny", "0 18 * * 5", chr::hours(62)), window("deny", "0 18 * *", chr::hours(62))});
  auto g = fp::evaluate({&p}, kThursday10);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().path, "spec.windows[1].schedule");
  EXPECT_NE(g.error().object.find("typo"), std::string::npos);
}

}  // namespace
