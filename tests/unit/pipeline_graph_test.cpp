// Stage graph: edges, downstream lookup, and every kind of problem with its field path.
#include "freightgate/pipeline/graph.h"

#include <gtest/gtest.h>

#include "pipeline_test_util.h"

using namespace fgtest;
using freightgate::pipeline::StageGraph;

namespace {

std::vector<model::Stage> guestbook() {
  return {stage("dev", {request("guestbook", {}, true)}),
          stage("staging", {request("guestbook", {"dev"})}),
          stage("prod", {request("guestbook", {"staging"})})};
}

std::vector<std::string> error_lines(const StageGraph& g) {
  std::vector<std::string> out;
  for (const auto& e : g.errors()) out.push_back(e.to_string());
  return out;
}

TEST(StageGraph, GuestbookIsSound) {
  auto g = StageGraph::build(guestbook());
  EXPECT_TRUE(g.errors().empty()) << testing::PrintToString(error_lines(g));
  EXPECT_EQ(g.downstream("dev"), std::vector<std::string>{"staging"});
  EXPECT_EQ(g.downstream("staging"), std::vector<std::string>{"prod"});
  EXPECT_TRUE(g.downstream("prod").empty());
  EXPECT_EQ(g.upstream("prod"), std::vector<std::string>{"staging"});
  EXPECT_EQ(g.all_downstream("dev"), (std::vector<std::string>{"prod", "staging"}));
  EXPECT_EQ(g.topological_order(), (std::vector<std::string>{"dev", "staging", "prod"}));
  EXPECT_EQ(g.names(), (std::vector<std::string>{"dev", "prod", "staging"}));
  ASSERT_NE(g.stage("prod"), nullptr);
  EXPECT_EQ(g.stage("nope"), nullptr);
}

TEST(StageGraph, DownstreamByOrigin) {
  auto stages = guestbook();
  stages.push_back(stage("perf", {request("loadgen", {"dev"})}));
  stages[0].requestedFreight.push_back(request("loadgen", {}, true));
  auto g = StageGraph::build(stages);
  EXPECT_TRUE(g.errors().empty());
  EXPECT_EQ(g.downstream("dev"), (std::vector<std::string>{"perf", "staging"}));
  EXPECT_EQ(g.downstream("dev", FreightOrigin{"Warehouse", "loadgen"}),
            std::vector<std::string>{"perf"});
  EXPECT_EQ(g.downstream("dev", FreightOrigin{"Warehouse", "guestbook"}),
            std::vector<std::string>{"staging"});
}

TEST(StageGraph, UnknownUpstreamNamesTheField) {
  auto stages = guestbook();
  stages[2].requestedFreight[0].sources.stages = {"stagin"};
  stages[2].origin = {"stages.yaml", 41};
  auto g = StageGraph::build(stages);
  ASSERT_EQ(g.errors().size(), 1u);
  EXPECT_EQ(g.errors()[0].to_string(),
            "stages.yaml:41: Stage \"prod\": spec.requestedFreight[0].sources.stages[0]: "
            "upstream Stage \"stagin\" does not exist in project \"guestbook\"; did you mean "
            "\"staging\"?");
  stages[2].requestedFreight[0].sources.stages = {"staging", "qa-east"};
  g = StageGraph::build(stages);
  ASSERT_EQ(g.errors().size(), 1u);
  EXPECT_EQ(g.errors()[0].path, "spec.requestedFreight[0].sources.stages[1]");
  EXPECT_NE(g.errors()[0].message.find("create it or fix the name"), std::string::npos);
}

TEST(StageGraph, DuplicateOrigin) {
  auto stages = guestbook();
  stages[2].requestedFreight.push_back(request("other", {"staging"}));
  stages[2].requestedFreight.push_back(request("guestbook", {"dev"}));
  auto g = StageGraph::build(stages);
  ASSERT_EQ(g.errors().size(), 1u);
  EXPECT_EQ(g.errors()[0].object, "Stage \"prod\"");
  EXPECT_EQ(g.errors()[0].path, "spec.requestedFreight[2].origin");
  EXPECT_EQ(g.errors()[0].message,
            "Warehouse/guestbook is already requested by spec.requestedFreight[0]; a Stage may "
            "request each origin once: merge the two entries");
}

TEST(StageGraph, DuplicateStage) {
  auto stages = guestbook();
  stages.push_back(stage("dev", {request("guestbook", {}, true)}));
  auto g = StageGraph::build(stages);
  ASSERT_EQ(g.errors().size(), 1u);
  EXPECT_EQ(g.errors()[0].path, "metadata.name");
  EXPECT_NE(g.errors()[0].message.find("defined twice"), std::string::npos);
}

TEST(StageGraph, TwoStageCycle) {
  auto stages = guestbook();
  stages[1].requestedFreight[0].sources.stages = {"dev", "prod"};  // staging <- prod <- staging
  auto g = StageGraph::build(stages);
  ASSERT_EQ(g.errors().size(), 1u) << testing::PrintToString(error_lines(g));
  const auto& e = g.errors()[0];
  EXPECT_EQ(e.object, "Stage \"staging\"");
  EXPECT_EQ(e.path, "spec.requestedFreight[0].sources.stages[1]");
  EXPECT_NE(e.message.find("cycle in the Warehouse/guestbook pipeline: staging -> prod -> "
                           "staging"),
            std::string::npos)
      << e.message;
}

TEST(StageGraph, SelfCycleAndLongCycle) {
  std::vector<model::Stage> stages = {
      stage("a", {request("w", {"c"})}), stage("b", {request("w", {"a"})}),
      stage("c", {request("w", {"b"})}), stage("solo", {request("w", {"solo"})})};
  auto g = StageGraph::build(stages);
  auto lines = error_lines(g);
  ASSERT_EQ(lines.size(), 2u) << testing::PrintToString(lines);
  EXPECT_NE(lines[0].find("a -> b -> c -> a"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("Stage \"solo\": spec.requestedFreight[0].sources.stages[0]"),
            std::string::npos);
  EXPECT_NE(lines[1].find("solo -> solo"), std::string::npos) << lines[1];
  // Cycle members still get a (complete) order, after the acyclic part.
  EXPECT_EQ(g.topological_order().size(), 4u);
}

TEST(StageGraph, OppositeFlowsOfDifferentOriginsAreNotACycle) {
  std::vector<model::Stage> stages = {stage("a", {request("w1", {}, true), request("w2", {"b"})}),
                                      stage("b", {request("w1", {"a"}), request("w2", {}, true)})};
  auto g = StageGraph::build(stages);
  EXPECT_TRUE(g.errors().empty()) << testing::PrintToString(error_lines(g));
}

TEST(StageGraph, ProjectsAreSeparate) {
  auto stages = guestbook();
  stages.push_back(stage("prod", {request("shop", {"staging"})}, "shop"));
  auto graphs = freightgate::pipeline::build_project_graphs(stages);
  ASSERT_EQ(graphs.size(), 2u);
  EXPECT_TRUE(graphs.at("guestbook").errors().empty());
  ASSERT_EQ(graphs.at("shop").errors().size(), 1u);  // no "staging" in project shop
  EXPECT_NE(graphs.at("shop").errors()[0].message.find("project \"shop\""), std::string::npos);
}

}  // namespace
