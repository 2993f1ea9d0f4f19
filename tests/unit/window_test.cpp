// Cron schedules, TZif time zones (checked against glibc's `date`) and window occurrences.
#include "freightgate/policy/window.h"

#include <gtest/gtest.h>

#include "admission_test_util.h"

namespace fp = freightgate::policy;
namespace chr = std::chrono;
using freightgate::model::Time;

namespace {

Time at(long long unix_seconds) { return Time{chr::seconds{unix_seconds}}; }

// 2026-11-27T12:00:00Z is a Friday.
constexpr long long kFriNoonUtc = 1795780800;

TEST(Cron, ParsesFieldsRangesStepsNamesAndMacros) {
  auto c = fp::CronSchedule::parse("*/15 9-17 * JAN-mar,dec mon-FRI");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_TRUE(c->matches({2026, 1, 5, 1, 9, 45}));
  EXPECT_FALSE(c->matches({2026, 1, 5, 1, 9, 46}));
  EXPECT_FALSE(c->matches({2026, 1, 4, 0, 9, 45}));   // Sunday
  EXPECT_FALSE(c->matches({2026, 4, 6, 1, 9, 45}));   // April
  EXPECT_FALSE(c->matches({2026, 12, 7, 1, 18, 0}));  // 18h
  auto sun7 = fp::CronSchedule::parse("0 0 * * 7");
  ASSERT_TRUE(sun7.ok());
  EXPECT_TRUE(sun7->matches({2026, 1, 4, 0, 0, 0}));
  auto weekly = fp::CronSchedule::parse("@weekly");
  ASSERT_TRUE(weekly.ok());
  EXPECT_TRUE(weekly->matches({2026, 1, 4, 0, 0, 0}));
  auto offset_step = fp::CronSchedule::parse("5/20 * * * *");
  ASSERT_TRUE(offset_step.ok());
  EXPECT_TRUE(offset_step->minute_matches(45));
  EXPECT_FALSE(offset_step->minute_matches(40));
}

TEST(Cron, BothDayFieldsRestrictedMeansEither) {
  auto c = fp::CronSchedule::parse("0 0 13 * 5");  // the 13th, or any Friday (Vixie cron)
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->day_matches(1, 13, 2));
  EXPECT_TRUE(c->day_matches(1, 16, 5));
  EXPECT_FALSE(c->day_matches(1, 14, 3));
}

TEST(Cron, RejectsWithTheFieldAndTheExpectedForm) {
  for (const char* bad :
       {"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
        "*/0 * * * *", "5-1 * * * *", "@fortnightly", "a b c d e", "1,,2 * * * *"}) {
    auto c = fp::CronSchedule::parse(bad);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.error().message.find("e.g. \"0 18 * * 5\""), std::string::npos);
  }
  EXPECT_NE(fp::CronSchedule::parse("61 * * * *").error().message.find("minute field \"61\""),
            std::string::npos);
}

// glibc's offsets for `times` in `zone`, from one `date -f` run.
std::vector<long long> glibc_offsets(const std::string& zone, const std::vector<long long>& times) {
  fgtest::TempDir dir;
  std::string list;
  for (long long t : times) list += "@" + std::to_string(t) + "\n";
  std::string file = dir.write("times", list);
  std::string out = fgtest::run("TZ=" + zone + " date -f " + file + " +%z");
  std::vector<long long> offsets;
  for (size_t i = 0; i + 5 <= out.size(); i += 6) {
    int sign = out[i] == '-' ? -1 : 1;
    offsets.push_back(
        sign * (std::stoi(out.substr(i + 1, 2)) * 3600 + std::stoi(out.substr(i + 3, 2)) * 60));
  }
  return offsets;
}

TEST(TimeZone, OffsetsAgreeWithGlibcIncludingPastTheTransitionTable) {
  // 1990..2060 every ~23 days and ~5 hours: crosses every DST edge region, and years past
  // 2037 come from the TZ footer rule.
  std::vector<long long> times;
  for (long long t = 631152000; t < 2871763200; t += 23 * 86400 + 5 * 3600 + 17) times.push_back(t);
  for (const char* name : {"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
                           "America/Sao_Paulo", "Pacific/Chatham", "UTC"}) {
    auto z = fp::TimeZone::load(name);
    ASSERT_TRUE(z.ok()) << z.error().to_string();
    auto expected = glibc_offsets(name, times);
    ASSERT_EQ(expected.size(), times.size()) << name;
    for (size_t i = 0; i < times.size(); ++i)
      ASSERT_EQ((*z)->offset_at(at(times[i])).count(), expected[i]) << name << " at " << times[i];
  }
}

TEST(TimeZone, ExactlyAtTheTransition) {
  auto z = fp::TimeZone::load("Europe/Berlin");
  ASSERT_TRUE(z.ok());
  // 2041-03-31T01:00:00Z: CET -> CEST (footer rule M3.5.0); 2026-03-29T01:00:00Z (table).
  for (long long edge : {2248304400LL, 1774746000LL}) {
    EXPECT_EQ((*z)->offset_at(at(edge - 1)).count(), 3600);
    EXPECT_EQ((*z)->offset_at(at(edge)).count(), 7200);
  }
}

TEST(TimeZone, UnknownAndHostileNamesAreRefused) {
  EXPECT_FALSE(fp::TimeZone::load("Mars/Olympus_Mons").ok());
  EXPECT_FALSE(fp::TimeZone::load("../../etc/passwd").ok());
  EXPECT_FALSE(fp::TimeZone::load("/etc/localtime").ok());
  EXPECT_NE(fp::TimeZone::load("Mars/Olympus_Mons").error().message.find("Europe/Berlin"),
            std::string::npos);
  EXPECT_FALSE(fp::TimeZone::parse("x", "TZif2 but short").ok());
}

TEST(TimeZone, FormatsRfc3339WithOffset) {
  auto z = fp::TimeZone::load("Europe/Berlin");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ((*z)->format(at(kFriNoonUtc)), "2026-11-27T13:00:00+01:00");
  auto utc = fp::TimeZone::load("UTC");
  EXPECT_EQ((*utc)->format(at(kFriNoonUtc)), "2026-11-27T12:00:00Z");
}

freightgate::model::PromotionWindow weekend(const char* kind = "deny") {
  freightgate::model::PromotionWindow w;
  w.kind = kind;
  w.schedule = "0 18 * * 5";
  w.duration = chr::hours(62);
  w.timeZone = "Europe/Berlin";
  return w;
}

TEST(Window, WeekendFreezeInBerlin) {
  auto w = fp::Window::make(weekend());
  ASSERT_TRUE(w.ok()) << w.error().to_string();
  // Friday 16:59:59Z = 17:59:59 Berlin: still before the window.
  EXPECT_FALSE(w->open_occurrence(at(kFriNoonUtc + 5 * 3600 - 1)));
  // Friday 17:00Z = 18:00 Berlin: the window opens.
  auto opened = w->open_occurrence(at(kFriNoonUtc + 5 * 3600));
  ASSERT_TRUE(opened);
  EXPECT_EQ(w->zone().format(*opened), "2026-11-27T18:00:00+01:00");
  EXPECT_EQ(w->zone().format(w->closes(*opened)), "2026-11-30T08:00:00+01:00");
  // Monday 06:59Z = 07:59 Berlin: still inside; 07:00Z = 08:00 Berlin: closed.
  EXPECT_TRUE(w->open_occurrence(at(kFriNoonUtc + 3 * 86400 - 5 * 3600 - 60)));
  EXPECT_FALSE(w->open_occurrence(at(kFriNoonUtc + 3 * 86400 - 5 * 3600)));
  auto next = w->next_opening(at(kFriNoonUtc));
  ASSERT_TRUE(next);
  EXPECT_EQ(w->zone().format(*next), "2026-11-27T18:00:00+01:00");
  EXPECT_EQ(w->describe(), "deny window \"0 18 * * 5\" for 62h (Europe/Berlin)");
}

TEST(Window, AcrossTheSpringForwardGap) {
  // 02:30 local does not exist on 2026-03-29 in Berlin; cron fires nowhere that day at 02:30,
  // and the daily window of 03:00 still opens at 01:00Z (03:00 CEST).
  freightgate::model::PromotionWindow spec = weekend("allow");
  spec.schedule = "0 3 * * *";
  spec.duration = chr::hours(1);
  auto w = fp::Window::make(spec);
  ASSERT_TRUE(w.ok());
  auto opened = w->open_occurrence(at(1774746000 + 30 * 60));
  ASSERT_TRUE(opened);
  EXPECT_EQ(w->zone().format(*opened), "2026-03-29T03:00:00+02:00");
}

TEST(Window, InvalidSpecsNameTheField) {
  auto spec = weekend();
  spec.kind = "maybe";
  EXPECT_EQ(fp::Window::make(spec).error().path, "kind");
  spec = weekend();
  spec.duration = chr::hours(0);
  EXPECT_EQ(fp::Window::make(spec).error().path, "duration");
  spec = weekend();
  spec.timeZone = "Europe/Atlantis";
  EXPECT_EQ(fp::Window::make(spec).error().path, "timeZone");
  spec = weekend();
  spec.schedule = "0 18 * *";
  EXPECT_EQ(fp::Window::make(spec).error().path, "schedule");
}

TEST(Window, FormatDuration) {
  EXPECT_EQ(fp::format_duration(chr::hours(62)), "62h");
  EXPECT_EQ(fp::format_duration(chr::minutes(90)), "1h30m");
  EXPECT_EQ(fp::format_duration(chr::seconds(45)), "45s");
}

}  // namespace
