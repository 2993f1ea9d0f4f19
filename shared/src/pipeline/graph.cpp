// Stage graph: edges from spec.requestedFreight[].sources.stages, with the problems found.
#include "freightgate/pipeline/graph.h"

#include <algorithm>
#include <functional>
#include <set>

namespace freightgate::pipeline {
namespace {

std::string request_path(size_t i) { return "spec.requestedFreight[" + std::to_string(i) + "]"; }
std::string source_path(size_t i, size_t j) {
  return request_path(i) + ".sources.stages[" + std::to_string(j) + "]";
}

Error stage_error(const model::Stage& s, std::string path, std::string message) {
  Error e;
  e.file = s.origin.file;
  e.line = s.origin.line;
  e.object = s.display_name();
  e.path = std::move(path);
  e.message = std::move(message);
  return e;
}

std::string origin_str(const FreightOrigin& o) {
  return (o.kind.empty() ? std::string("Warehouse") : o.kind) + "/" + o.name;
}

// Closest existing name, for "did you mean" hints (edit distance <= 2).
std::string closest(const std::string& want, const std::map<std::string, model::Stage>& have) {
  auto dist = [](const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t best_d = 3;
  for (const auto& [name, _] : have) {
    size_t d = dist(want, name);
    if (d < best_d) best_d = d, best = name;
  }
  return best;
}

}  // namespace

StageGraph StageGraph::build(const std::vector<model::Stage>& stages) {
  StageGraph g;
  for (const auto& s : stages) {
    auto [it, inserted] = g.stages_.emplace(s.metadata.name, s);
    if (!inserted) {
      std::string where = it->second.origin.file.empty()
                              ? std::string()
                              : " (first at " + it->second.origin.file + ":" +
                                    std::to_string(it->second.origin.line) + ")";
      g.errors_.push_back(stage_error(s, "metadata.name",
                                      "Stage \"" + s.metadata.name + "\" is defined twice" + where +
                                          "; rename or remove one of them"));
    }
  }

  std::vector<Error> found;
  for (const auto& [name, s] : g.stages_) {
    const auto& reqs = s.requestedFreight;
    for (size_t i = 0; i < reqs.size(); ++i) {
      for (size_t k = 0; k < i; ++k) {
        if (reqs[k].origin.kind == reqs[i].origin.kind &&
            reqs[k].origin.name == reqs[i].origin.name) {
          found.push_back(stage_error(
              s, request_path(i) + ".origin",
              origin_str(reqs[i].origin) + " is already requested by " + request_path(k) +
                  "; a Stage may request each origin once: merge the two entries"));
          break;
        }
      }
      for (size_t j = 0; j < reqs[i].sources.stages.size(); ++j) {
        const std::string& up = reqs[i].sources.stages[j];
        if (!g.stages_.count(up)) {
          std::string hint = closest(up, g.stages_);
          std::string ns = s.metadata.namespace_.empty()
                               ? std::string()
                               : " in project \"" + s.metadata.namespace_ + "\"";
          found.push_back(stage_error(s, source_path(i, j),
                                      "upstream Stage \"" + up + "\" does not exist" + ns +
                                          (hint.empty() ? "; create it or fix the name"
                                                        : "; did you mean \"" + hint + "\"?")));
          continue;
        }
        g.edges_.push_back(Edge{up, name, reqs[i].origin, i, j});
      }
    }
  }

  // Cycles, per origin: DFS over the edges of that origin; every back edge closes a cycle.
  std::set<std::string> origins;
  for (const auto& e : g.edges_) origins.insert(origin_str(e.origin));
  for (const auto& origin : origins) {
    std::map<std::string, std::vector<const Edge*>> out;  // from -> edges (sorted by to)
    for (const auto& e : g.edges_)
      if (origin_str(e.origin) == origin) out[e.from].push_back(&e);
    for (auto& [_, v] : out)
      std::sort(v.begin(), v.end(), [](const Edge* a, const Edge* b) {
        return std::tie(a->to, a->request, a->index) < std::tie(b->to, b->request, b->index);
      });
    std::map<std::string, int> color;  // 0 white, 1 on stack, 2 done
    std::vector<std::string> stack;
    std::function<void(const std::string&)> dfs = [&](const std::string& n) {
      color[n] = 1;
      stack.push_back(n);
      for (const Edge* e : out[n]) {
        if (color[e->to] == 1) {
          auto start = std::find(stack.begin(), stack.end(), e->to);
          std::string path;
          for (auto it = start; it != stack.end(); ++it) path += *it + " -> ";
          path += e->to;
          found.push_back(stage_error(
              g.stages_.at(e->to), source_path(e->request, e->index),
              "cycle in the " + origin + " pipeline: " + path +
                  "; a Stage cannot take Freight from its own downstream Stages: remove one of "
                  "these upstream references"));
        } else if (color[e->to] == 0) {
          dfs(e->to);
        }
      }
      stack.pop_back();
      color[n] = 2;
    };
    for (const auto& [name, _] : g.stages_)
      if (color[name] == 0) dfs(name);
  }

  std::stable_sort(found.begin(), found.end(), [](const Error& a, const Error& b) {
    return std::tie(a.object, a.path) < std::tie(b.object, b.path);
  });
  g.errors_.insert(g.errors_.end(), found.begin(), found.end());
  return g;
}

const model::Stage* StageGraph::stage(const std::string& name) const {
  auto it = stages_.find(name);
  return it == stages_.end() ? nullptr : &it->second;
}

std::vector<std::string> StageGraph::names() const {
  std::vector<std::string> out;
  for (const auto& [n, _] : stages_) out.push_back(n);
  return out;
}

std::vector<std::string> StageGraph::downstream(const std::string& stage) const {
  std::set<std::string> out;
  for (const auto& e : edges_)
    if (e.from == stage) out.insert(e.to);
  return {out.begin(), out.end()};
}

std::vector<std::string> StageGraph::downstream(const std::string& stage,
                                                const FreightOrigin& origin) const {
  std::set<std::string> out;
  for (const auto& e : edges_)
    if (e.from == stage && e.origin.kind == origin.kind && e.origin.name == origin.name)
      out.insert(e.to);
  return {out.begin(), out.end()};
}

std::vector<std::string> StageGraph::upstream(const std::string& stage) const {
  std::set<std::string> out;
  for (const auto& e : edges_)
    if (e.to == stage) out.insert(e.from);
  return {out.begin(), out.end()};
}

std::vector<std::string> StageGraph::all_downstream(const std::string& stage) const {
  std::set<std::string> seen;
  std::vector<std::string> todo{stage};
  while (!todo.empty()) {
    std::string n = todo.back();
    todo.pop_back();
    for (const auto& d : downstream(n))
      if (d != stage && seen.insert(d).second) todo.push_back(d);
  }
  return {seen.begin(), seen.end()};
}

std::vector<std::string> StageGraph::topological_order() const {
  std::map<std::string, size_t> indegree;
  for (const auto& [n, _] : stages_) indegree[n] = 0;
  std::set<std::pair<std::string, std::string>> uniq;
  for (const auto& e : edges_)
    if (uniq.insert({e.from, e.to}).second) ++indegree[e.to];
  std::set<std::string> ready;
  for (const auto& [n, d] : indegree)
    if (d == 0) ready.insert(n);
  std::vector<std::string> out;
  while (!ready.empty()) {
    std::string n = *ready.begin();
    ready.erase(ready.begin());
    out.push_back(n);
    for (const auto& [from, to] : uniq)
      if (from == n && --indegree[to] == 0) ready.insert(to);
  }
  for (const auto& [n, d] : indegree)
    if (d > 0) out.push_back(n);
  return out;
}

std::map<std::string, StageGraph> build_project_graphs(const std::vector<model::Stage>& stages) {
  std::map<std::string, std::vector<model::Stage>> by_ns;
  for (const auto& s : stages) by_ns[s.metadata.namespace_].push_back(s);
  std::map<std::string, StageGraph> out;
  for (const auto& [ns, v] : by_ns) out.emplace(ns, StageGraph::build(v));
  return out;
}

}  // namespace freightgate::pipeline
