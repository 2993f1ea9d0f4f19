// Kargo's Stage.IsFreightAvailable, with reasons.
#include "freightgate/pipeline/availability.h"

#include <algorithm>
#include <optional>

namespace freightgate::pipeline {
namespace {

using model::Duration;

std::string dq(const std::string& s) { return "\"" + s + "\""; }

std::string origin_str(const FreightOrigin& o) {
  return (o.kind.empty() ? std::string("Warehouse") : o.kind) + "/" + o.name;
}

bool same_origin(const FreightOrigin& a, const FreightOrigin& b) {
  return a.kind == b.kind && a.name == b.name;
}

std::string join_quoted(const std::vector<std::string>& v, const std::string& last_sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += i + 1 == v.size() ? last_sep : ", ";
    out += dq(v[i]);
  }
  return out;
}

struct UpstreamCheck {
  bool verified = false;
  bool soaked = false;
  Duration soak{0};
  Duration remaining{0};  // > 0 when verified but not yet soaked
};

UpstreamCheck check_upstream(const model::Freight& f, const std::string& up,
                             const std::optional<Duration>& required, model::Time now) {
  UpstreamCheck c;
  c.verified = is_verified_in(f, up);
  if (!c.verified) return c;
  if (!required) {
    c.soaked = true;
    return c;
  }
  c.soak = longest_soak(f, up, now);
  c.soaked = c.soak >= *required;
  if (!c.soaked) c.remaining = *required - c.soak;
  return c;
}

std::string soak_reason(const std::string& up, const UpstreamCheck& c, Duration required) {
  return "soaked " + human_duration(c.soak) + " of the required " + human_duration(required) +
         " in upstream Stage " + dq(up) + " (" + human_duration(c.remaining) + " to go)";
}

}  // namespace

bool is_verified_in(const model::Freight& f, const std::string& stage) {
  return f.status.verifiedIn.count(stage) > 0;
}

bool is_approved_for(const model::Freight& f, const std::string& stage) {
  return f.status.approvedFor.count(stage) > 0;
}

Duration longest_soak(const model::Freight& f, const std::string& stage, model::Time now) {
  auto v = f.status.verifiedIn.find(stage);
  if (v == f.status.verifiedIn.end()) return Duration{0};
  Duration longest = v->second.longestSoak.value_or(Duration{0});
  auto c = f.status.currentlyIn.find(stage);
  if (c != f.status.currentlyIn.end() && c->second.since) {
    // Truncating to milliseconds is exact for the >= comparison against whole milliseconds.
    Duration current = std::chrono::duration_cast<Duration>(now - *c->second.since);
    longest = std::max(longest, current);
  }
  return longest;
}

Availability freight_availability(const model::Stage& stage, const model::Freight& freight,
                                  model::Time now) {
  Availability a;
  const std::string& name = stage.metadata.name;
  if (stage.metadata.namespace_ != freight.metadata.namespace_) {
    a.reasons.push_back("the Freight is in project " + dq(freight.metadata.namespace_) +
                        " but the Stage is in project " + dq(stage.metadata.namespace_));
    a.way_out = "use Freight from project " + dq(stage.metadata.namespace_);
    return a;
  }

  std::vector<std::string> wants;
  std::vector<std::string> ways;
  bool matched = false;
  for (size_t i = 0; i < stage.requestedFreight.size(); ++i) {
    const auto& req = stage.requestedFreight[i];
    wants.push_back(origin_str(req.origin));
    if (!same_origin(freight.origin, req.origin)) continue;
    matched = true;
    if (a.request < 0) a.request = static_cast<int>(i);
    if (is_approved_for(freight, name)) {
      a.available = true;
      a.via = Availability::Via::Approved;
      a.request = static_cast<int>(i);
      a.reasons.clear();
      return a;
    }
    if (req.sources.direct) {
      a.available = true;
      a.via = Availability::Via::Direct;
      a.request = static_cast<int>(i);
      a.reasons.clear();
      return a;
    }
    const auto& ups = req.sources.stages;
    const auto& required = req.sources.requiredSoakTime;
    if (ups.empty()) {
      a.reasons.push_back("spec.requestedFreight[" + std::to_string(i) +
                          "] has no sources: neither `direct: true` nor upstream `stages`");
      ways.push_back("add `direct: true` or upstream `stages` to spec.requestedFreight[" +
                     std::to_string(i) + "].sources");
      continue;
    }
    std::vector<std::string> unverified;
    std::vector<std::pair<std::string, Duration>> waiting;
    std::vector<std::string> ok;
    for (const auto& up : ups) {
      UpstreamCheck c = check_upstream(freight, up, required, now);
      if (!c.verified) {
        unverified.push_back(up);
        a.reasons.push_back("not verified in upstream Stage " + dq(up));
      } else if (!c.soaked) {
        waiting.emplace_back(up, c.remaining);
        a.reasons.push_back(soak_reason(up, c, *required));
      } else {
        ok.push_back(up);
      }
    }
    const bool all = req.sources.availabilityStrategy == "All";
    if ((all && unverified.empty() && waiting.empty()) || (!all && !ok.empty())) {
      a.available = true;
      a.via = Availability::Via::Upstream;
      a.request = static_cast<int>(i);
      a.satisfied_by = all ? ups : std::vector<std::string>{ok.front()};
      a.reasons.clear();
      return a;
    }
    std::string soak_note =
        required ? " and let it soak " + human_duration(*required) + " there" : std::string();
    if (all) {
      std::vector<std::string> steps;
      if (!unverified.empty())
        steps.push_back("verify it in " + join_quoted(unverified, " and ") + soak_note);
      for (const auto& [up, rem] : waiting)
        steps.push_back("wait " + human_duration(rem) + " for the soak in " + dq(up));
      std::string w;
      for (size_t k = 0; k < steps.size(); ++k) w += (k ? "; " : "") + steps[k];
      ways.push_back(w);
    } else if (!waiting.empty()) {
      auto soonest = std::min_element(waiting.begin(), waiting.end(),
                                      [](auto& x, auto& y) { return x.second < y.second; });
      ways.push_back("wait " + human_duration(soonest->second) + " for the soak in " +
                     dq(soonest->first));
    } else {
      ways.push_back("verify it in " + join_quoted(unverified, " or ") + soak_note);
    }
  }

  if (!matched) {
    std::string want;
    for (size_t k = 0; k < wants.size(); ++k) want += (k ? ", " : "") + wants[k];
    a.reasons.push_back(
        "Stage " + dq(name) + " does not request Freight from " + origin_str(freight.origin) +
        (want.empty() ? std::string(" (it requests nothing)") : " (it requests " + want + ")"));
    a.way_out = want.empty() ? "add spec.requestedFreight to the Stage"
                             : "promote Freight from " + want + ", or add " +
                                   origin_str(freight.origin) + " to spec.requestedFreight";
    return a;
  }
  std::string w;
  for (size_t k = 0; k < ways.size(); ++k) w += (k ? ", or " : "") + ways[k];
  a.way_out = w + (w.empty() ? "" : ", or ") + "approve it for " + dq(name);
  return a;
}

bool is_freight_available(const model::Stage& stage, const model::Freight& freight,
                          model::Time now) {
  return freight_availability(stage, freight, now).available;
}

std::string Availability::explain(const model::Freight& f, const model::Stage& s) const {
  std::string who = "Freight " + dq(f.metadata.name);
  if (!f.alias.empty()) who += " (" + f.alias + ")";
  std::string stage = "Stage " + dq(s.metadata.name);
  if (available) {
    std::string how;
    switch (via) {
      case Via::Approved:
        how = "approved for it";
        break;
      case Via::Direct:
        how = "direct from " + origin_str(f.origin);
        break;
      case Via::Upstream:
        how = "verified in " + join_quoted(satisfied_by, " and ");
        break;
      case Via::None:
        break;
    }
    return who + " is available to " + stage + (how.empty() ? "" : " (" + how + ")");
  }
  std::string r;
  for (size_t k = 0; k < reasons.size(); ++k) r += (k ? ", " : "") + reasons[k];
  return who + " is not available to " + stage + ": " + r +
         (way_out.empty() ? "" : "; to promote it, " + way_out);
}

std::string human_duration(Duration d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  unsigned long long u = ms < 0 ? 0ULL - static_cast<unsigned long long>(ms) : ms;
  if (u < 1000) return sign + std::to_string(u) + "ms";
  unsigned long long h = u / 3600000, m = (u / 60000) % 60, s = (u / 1000) % 60, f = u % 1000;
  std::string out = sign;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || f) {
    out += std::to_string(s);
    if (f) {
      std::string frac = std::to_string(1000 + f).substr(1);
      while (frac.back() == '0') frac.pop_back();
      out += "." + frac;
    }
    out += "s";
  }
  return out;
}

}  // namespace freightgate::pipeline
