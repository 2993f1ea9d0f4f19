// Availability per Kargo's Stage.IsFreightAvailable, soak boundaries, and the reasons given.
#include "freightgate/pipeline/availability.h"

#include <gtest/gtest.h>

#include "pipeline_test_util.h"

using namespace fgtest;
using freightgate::pipeline::Availability;
using freightgate::pipeline::freight_availability;
using freightgate::pipeline::human_duration;
using freightgate::pipeline::is_freight_available;
using freightgate::pipeline::longest_soak;

namespace {

const model::Time kNow = test_now();

model::Stage prod(std::vector<std::string> ups, std::optional<model::Duration> soak = {},
                  std::string strategy = "") {
  auto r = request("guestbook", std::move(ups));
  r.sources.requiredSoakTime = soak;
  r.sources.availabilityStrategy = std::move(strategy);
  return stage("prod", {r});
}

void verify(model::Freight& f, const std::string& s) {
  f.status.verifiedIn[s].verifiedAt = kNow - 2h;
}
void current(model::Freight& f, const std::string& s, model::Time since) {
  f.status.currentlyIn[s].since = since;
}

TEST(Availability, DirectIsAvailable) {
  auto dev = stage("dev", {request("guestbook", {}, true)});
  auto f = freight("f1");
  auto a = freight_availability(dev, f, kNow);
  EXPECT_TRUE(a.available);
  EXPECT_EQ(a.via, Availability::Via::Direct);
  EXPECT_EQ(a.request, 0);
}

TEST(Availability, NamespacesMustMatch) {
  auto dev = stage("dev", {request("guestbook", {}, true)});
  auto f = freight("f1", "guestbook", "other");
  f.status.approvedFor["dev"] = {};
  auto a = freight_availability(dev, f, kNow);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reasons.at(0),
            "the Freight is in project \"other\" but the Stage is in project \"guestbook\"");
}

TEST(Availability, OriginMustMatchEvenWhenApproved) {
  // Since Kargo v1.11.0 approval only counts within an origin-matched request.
  auto f = freight("f1", "other-warehouse");
  f.status.approvedFor["prod"] = {};
  auto a = freight_availability(prod({"staging"}), f, kNow);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reasons.at(0),
            "Stage \"prod\" does not request Freight from Warehouse/other-warehouse (it requests "
            "Warehouse/guestbook)");
}

TEST(Availability, ApprovalOverridesVerificationAndSoak) {
  auto f = freight("f1");
  f.status.approvedFor["prod"] = {};
  auto a = freight_availability(prod({"staging"}, 24h), f, kNow);
  EXPECT_TRUE(a.available);
  EXPECT_EQ(a.via, Availability::Via::Approved);
  // Approval for another Stage does not count.
  auto g = freight("f2");
  g.status.approvedFor["staging"] = {};
  EXPECT_FALSE(is_freight_available(prod({"staging"}), g, kNow));
}

TEST(Availability, VerifiedUpstreamWithoutSoak) {
  auto f = freight("f1");
  EXPECT_FALSE(is_freight_available(prod({"staging"}), f, kNow));
  verify(f, "staging");
  auto a = freight_availability(prod({"staging"}), f, kNow);
  EXPECT_TRUE(a.available);
  EXPECT_EQ(a.via, Availability::Via::Upstream);
  EXPECT_EQ(a.satisfied_by, std::vector<std::string>{"staging"});
  // Verified in a Stage that is not upstream does not count.
  auto g = freight("f2");
  verify(g, "dev");
  auto b = freight_availability(prod({"staging"}), g, kNow);
  EXPECT_FALSE(b.available);
  EXPECT_EQ(b.reasons, std::vector<std::string>{"not verified in upstream Stage \"staging\""});
  EXPECT_EQ(b.way_out, "verify it in \"staging\", or approve it for \"prod\"");
}

TEST(Availability, LongestSoakIsMaxOfRecordedAndCurrent) {
  auto f = freight("f1");
  EXPECT_EQ(longest_soak(f, "staging", kNow), model::Duration{0});
  current(f, "staging", kNow - 30min);  // current but not verified: still 0
  EXPECT_EQ(longest_soak(f, "staging", kNow), model::Duration{0});
  verify(f, "staging");
  EXPECT_EQ(longest_soak(f, "staging", kNow), model::Duration(30min));
  f.status.verifiedIn["staging"].longestSoak = model::Duration(45min);
  EXPECT_EQ(longest_soak(f, "staging", kNow), model::Duration(45min));
  current(f, "staging", kNow - 50min);
  EXPECT_EQ(longest_soak(f, "staging", kNow), model::Duration(50min));
  f.status.currentlyIn.erase("staging");  // left the Stage: only the recorded soak
  EXPECT_EQ(longest_soak(f, "staging", kNow), model::Duration(45min));
}

TEST(Availability, SoakBoundary) {
  auto s = prod({"staging"}, model::Duration(1h));
  auto f = freight("f1");
  verify(f, "staging");
  current(f, "staging", kNow - 1h);  // exactly equal: soaked
  EXPECT_TRUE(is_freight_available(s, f, kNow));
  current(f, "staging", kNow - 1h + 1ms);  // 1ms less: not yet
  auto a = freight_availability(s, f, kNow);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reasons.at(0),
            "soaked 59m59.999s of the required 1h in upstream Stage \"staging\" (1ms to go)");
  EXPECT_EQ(a.way_out, "wait 1ms for the soak in \"staging\", or approve it for \"prod\"");
  // A recorded soak of exactly the requirement also counts, with the Freight gone.
  f.status.currentlyIn.clear();
  f.status.verifiedIn["staging"].longestSoak = model::Duration(1h);
  EXPECT_TRUE(is_freight_available(s, f, kNow));
  f.status.verifiedIn["staging"].longestSoak = model::Duration(1h - 1ms);
  EXPECT_FALSE(is_freight_available(s, f, kNow));
  // The clock decides: the same Freight becomes available 1ms later... only if current.
  current(f, "staging", kNow - 1h + 1ms);
  EXPECT_FALSE(is_freight_available(s, f, kNow));
  EXPECT_TRUE(is_freight_available(s, f, kNow + 1ms));
}

TEST(Availability, SoakMessageNamesTheWayOut) {
  auto s = prod({"staging"}, model::Duration(1h));
  auto f = freight("f1");
  f.alias = "brave-falcon";
  verify(f, "staging");
  current(f, "staging", kNow - 40min);
  auto a = freight_availability(s, f, kNow);
  EXPECT_EQ(a.explain(f, s),
            "Freight \"f1\" (brave-falcon) is not available to Stage \"prod\": soaked 40m of the "
            "required 1h in upstream Stage \"staging\" (20m to go); to promote it, wait 20m for "
            "the soak in \"staging\", or approve it for \"prod\"");
}

TEST(Availability, OneOfNeedsAnySoakedUpstream) {
  auto s = prod({"qa-east", "qa-west"}, model::Duration(1h), "OneOf");
  auto f = freight("f1");
  verify(f, "qa-east");
  current(f, "qa-east", kNow - 10min);  // verified, not soaked
  EXPECT_FALSE(is_freight_available(s, f, kNow));
  verify(f, "qa-west");
  current(f, "qa-west", kNow - 2h);  // this one is soaked
  auto a = freight_availability(s, f, kNow);
  EXPECT_TRUE(a.available);
  EXPECT_EQ(a.satisfied_by, std::vector<std::string>{"qa-west"});
  // "" behaves as OneOf.
  EXPECT_TRUE(is_freight_available(prod({"qa-east", "qa-west"}, model::Duration(1h)), f, kNow));
}

TEST(Availability, AllNeedsEveryUpstreamVerifiedAndSoaked) {
  auto s = prod({"qa-east", "qa-west"}, model::Duration(1h), "All");
  auto f = freight("f1");
  verify(f, "qa-west");
  current(f, "qa-west", kNow - 2h);
  auto a = freight_availability(s, f, kNow);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reasons, std::vector<std::string>{"not verified in upstream Stage \"qa-east\""});
  EXPECT_EQ(a.way_out,
            "verify it in \"qa-east\" and let it soak 1h there, or approve it for \"prod\"");
  verify(f, "qa-east");
  current(f, "qa-east", kNow - 20min);
  a = freight_availability(s, f, kNow);
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reasons.at(0),
            "soaked 20m of the required 1h in upstream Stage \"qa-east\" (40m to go)");
  current(f, "qa-east", kNow - 1h);
  a = freight_availability(s, f, kNow);
  EXPECT_TRUE(a.available);
  EXPECT_EQ(a.satisfied_by, (std::vector<std::string>{"qa-east", "qa-west"}));
  // Without a soak requirement verification alone is enough.
  auto g = freight("f2");
  verify(g, "qa-east");
  verify(g, "qa-west");
  EXPECT_TRUE(is_freight_available(prod({"qa-east", "qa-west"}, {}, "All"), g, kNow));
}

TEST(Availability, NoSourcesMeansNothingIsAvailable) {
  auto f = freight("f1");
  verify(f, "dev");
  auto a = freight_availability(prod({}, {}, "All"), f, kNow);
  EXPECT_FALSE(a.available);
  EXPECT_NE(a.reasons.at(0).find("has no sources"), std::string::npos);
  EXPECT_FALSE(is_freight_available(prod({}), f, kNow));
}

TEST(Availability, SecondRequestForAnotherOrigin) {
  auto s = stage("prod", {request("other", {}, true), request("guestbook", {"staging"})});
  auto f = freight("f1");
  verify(f, "staging");
  auto a = freight_availability(s, f, kNow);
  EXPECT_TRUE(a.available);
  EXPECT_EQ(a.request, 1);
}

TEST(Availability, HumanDuration) {
  EXPECT_EQ(human_duration(model::Duration{0}), "0s");
  EXPECT_EQ(human_duration(model::Duration(1h)), "1h");
  EXPECT_EQ(human_duration(model::Duration(90min)), "1h30m");
  EXPECT_EQ(human_duration(model::Duration(1h + 5s)), "1h5s");
  EXPECT_EQ(human_duration(model::Duration(1ms)), "1ms");
  EXPECT_EQ(human_duration(model::Duration(1s + 1ms)), "1.001s");
  EXPECT_EQ(human_duration(model::Duration(59min + 59s + 999ms)), "59m59.999s");
}

}  // namespace
