// Warehouse: Kargo's defaulting (shard label, per-subscription defaults) and validation
// (pkg/webhook/kubernetes/warehouse + pkg/subscription/{git,image,chart}.go and their JSON
// schemas): repository URL shapes, strategy enums, constraints that parse, Digest needs a
// constraint, discovery limits, subscription names, and one subscription per repository after
// URL normalisation.
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "freightgate/admission/rules.h"
#include "freightgate/freight/semver.h"
#include "freightgate/freight/urls.h"
#include "rules_common.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

// Patterns from Kargo's subscription JSON schemas.
const std::regex kGitURL(
    R"((?:^(ssh|https?)://(?:([\w-]+)(:(.+))?@)?([\w-]+(?:\.[\w-]+)*)(?::(\d{1,5}))?(/.*)$)|(?:^([\w-]+)@([\w+]+(?:\.[\w-]+)*):(/?.*))$)");
const std::regex kBranch(R"(^[a-zA-Z0-9]([a-zA-Z0-9._\/-]*[a-zA-Z0-9_-])?$)");
const std::regex kImageURL(R"(^(\w+([\.-]\w+)*(:[\d]+)?/)?(\w+([\.-]\w+)*)(/\w+([\.-]\w+)*)*$)");
const std::regex kPlatform(R"(^\w+/\w+$)");
// Kargo's chart pattern leaves one group unclosed (its schema engine tolerates that); closed here.
const std::regex kChartURL(R"(^(((https?)|(oci))://)(([\w\d\.\-]+)(:([\d]+)?)?(/.*)*)$)");
const std::regex kInterval(R"(^([0-9]+(\.[0-9]+)?(s|m|h))+$)");

const std::set<std::string> kGitStrategies = {"NewestFromBranch", "SemVer", "Lexical", "NewestTag"};
const std::set<std::string> kImageStrategies = {"Digest", "Lexical", "NewestBuild", "SemVer"};

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& v : s) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// "" when `c` parses as a semver constraint.
std::string constraint_problem(const std::string& c) {
  auto parsed = semver::Constraints::parse(c);
  if (parsed) return "";
  return parsed.error().message + "; use a semver constraint such as \"^1.2.0\" or \">=1.0, <2.0\"";
}

std::string regex_list_problem(const json& sub, const char* key) {
  auto it = sub.find(key);
  if (it == sub.end() || !it->is_array()) return "";
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) continue;
    try {
      std::regex re((*it)[i].get<std::string>(), std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return std::string(key) + "[" + std::to_string(i) + "]: regular expression does not parse (" +
             e.what() + "); fix the expression";
    }
  }
  return "";
}

std::string discovery_limit_problem(const json& sub) {
  auto it = sub.find("discoveryLimit");
  if (it == sub.end() || it->is_null()) return "";
  if (!it->is_number_integer()) return "discoveryLimit: must be an integer between 1 and 100";
  long long v = it->get<long long>();
  if (v < 1) return "discoveryLimit: must be >= 1";
  if (v > 100) return "discoveryLimit: must be <= 100";
  return "";
}

// The subscription's type key: "git" | "image" | "chart" | a generic type; "" when none or
// several (then `count` says how many).
std::string sub_type(const json& sub, size_t* count) {
  std::string type;
  *count = 0;
  for (const auto& [k, v] : sub.items()) {
    if (k == "name") continue;
    ++*count;
    type = k;
  }
  return *count == 1 ? type : "";
}

void set_default(json& o, const char* key, json value) {
  if (!o.contains(key) || o[key].is_null()) o[key] = std::move(value);
}

Decision mutate(const AdmissionRequest& req) {
  json desired = req.object;
  if (!desired.is_object() || !desired.contains("spec") || !desired["spec"].is_object()) {
    return allow(req);
  }
  json& spec = desired["spec"];
  const std::string shard = rules::json_str(spec, "shard");
  rules::set_json_label(desired, rules::kShardLabel,
                        shard.empty() ? std::nullopt : std::optional<std::string>(shard));
  set_default(spec, "interval", "5m0s");
  set_default(spec, "freightCreationPolicy", "Automatic");
  if (spec.contains("subscriptions") && spec["subscriptions"].is_array()) {
    for (json& sub : spec["subscriptions"]) {
      if (!sub.is_object()) continue;
      size_t n = 0;
      const std::string type = sub_type(sub, &n);
      if (type.empty() || !sub[type].is_object()) continue;
      json& body = sub[type];
      if (type == "git") {
        set_default(body, "commitSelectionStrategy", "NewestFromBranch");
        set_default(body, "strictSemvers", true);
      } else if (type == "image") {
        set_default(body, "imageSelectionStrategy", "SemVer");
        set_default(body, "strictSemvers", true);
      }
      set_default(body, "discoveryLimit", 20);
    }
  }
  return mutate_to(req, desired);
}

}  // namespace

Decision warehouse_rules(Phase phase, const AdmissionRequest& req, const Context& ctx) {
  if (req.operation == "DELETE") return allow(req);
  if (phase == Phase::Mutate) return mutate(req);

  const std::string who = rules::describe(req);
  auto decoded = rules::decode_as<model::Warehouse>(req.object);
  if (!decoded) return rules::deny_invalid(req, decoded.error());
  auto deny_at = [&](const std::string& field, const std::string& text) {
    return deny(req, rules::message(who, field, text));
  };

  if (req.operation == "CREATE") {
    if (std::string p = rules::project_problem(ctx.snapshot, req.namespace_); !p.empty()) {
      return deny_at("metadata.namespace", p);
    }
  }
  const json spec = req.object.value("spec", json::object());
  if (std::string interval = rules::json_str(spec, "interval");
      !interval.empty() && !std::regex_match(interval, kInterval)) {
    return deny_at("spec.interval",
                   "\"" + interval + "\" is not a duration; use a Go duration such as \"5m0s\"");
  }
  if (std::string p = rules::json_str(spec, "freightCreationPolicy");
      !p.empty() && p != "Automatic" && p != "Manual") {
    return deny_at("spec.freightCreationPolicy",
                   "Unsupported value: \"" + p + "\": supported values: Automatic, Manual");
  }
  const json subs = spec.value("subscriptions", json::array());
  if (!subs.is_array() || subs.empty()) {
    return deny_at("spec.subscriptions",
                   "at least one subscription is required; subscribe to a git repository, an "
                   "image repository or a Helm chart");
  }

  std::map<std::string, std::string> repos;  // type + normalised URL -> field path
  std::map<std::string, std::string> names;  // subscription name -> field path
  for (size_t i = 0; i < subs.size(); ++i) {
    const std::string at = "spec.subscriptions[" + std::to_string(i) + "]";
    const json& sub = subs[i];
    if (!sub.is_object()) return deny_at(at, "must be an object");
    size_t count = 0;
    const std::string type = sub_type(sub, &count);
    if (count != 1) {
      return deny_at(at, count == 0 ? std::string("a subscription needs one of git, image or chart")
                                    : "has " + std::to_string(count) +
                                          " subscription types; split it into one subscription "
                                          "per type");
    }
    // Rules on subscription names.
    const std::string name = rules::json_str(sub, "name");
    const bool generic = type != "git" && type != "image" && type != "chart";
    if (name.empty() && generic) {
      return deny_at(at + ".name",
                     "a name is required for subscriptions of this type (" + type + ")");
    }
    if (!name.empty()) {
      if (std::string p = rules::dns1123_label_problem(name); !p.empty()) {
        return deny_at(at + ".name", p);
      }
      auto [it, inserted] = names.emplace(name, at);
      if (!inserted) {
        return deny_at(at + ".name", "subscription name \"" + name + "\" already used at \"" +
                                         it->second + "\"; give each subscription its own name");
      }
    }
    const std::string base = at + "." + type;
    const json& body = sub[type];
    if (!body.is_object()) return deny_at(base, "must be an object");
    if (std::string p = discovery_limit_problem(body); !p.empty()) {
      return deny_at(base, p);
    }
    if (generic) continue;
    const std::string url = rules::json_str(body, "repoURL");
    if (url.empty()) return deny_at(base + ".repoURL", "required; name the repository");
    std::string key;
    if (type == "git") {
      if (!std::regex_match(url, kGitURL)) {
        return deny_at(base + ".repoURL", "\"" + url +
                                              "\" must be a valid Git repository URL, e.g. "
                                              "https://github.com/example/repo.git");
      }
      const std::string strategy = rules::json_str(body, "commitSelectionStrategy");
      if (!strategy.empty() && kGitStrategies.count(strategy) == 0) {
        return deny_at(
            base + ".commitSelectionStrategy",
            "Unsupported value: \"" + strategy + "\": supported values: " + join(kGitStrategies));
      }
      const std::string branch = rules::json_str(body, "branch");
      if (!branch.empty() && (branch.size() > 255 || !std::regex_match(branch, kBranch))) {
        return deny_at(base + ".branch", "\"" + branch + "\" must be a valid branch name");
      }
      if (std::string c = rules::json_str(body, "semverConstraint"); !c.empty()) {
        if (std::string p = constraint_problem(c); !p.empty()) {
          return deny_at(base + ".semverConstraint", p);
        }
      }
      for (const char* k : {"allowTagsRegexes", "ignoreTagsRegexes"}) {
        if (std::string p = regex_list_problem(body, k); !p.empty()) return deny_at(base, p);
      }
      key = "git " + freight::normalize_git(url);
    } else if (type == "image") {
      if (!std::regex_match(url, kImageURL)) {
        return deny_at(base + ".repoURL",
                       "\"" + url +
                           "\" must be a valid image repository URL without a tag or "
                           "digest, e.g. ghcr.io/example/app");
      }
      const std::string strategy = rules::json_str(body, "imageSelectionStrategy");
      if (!strategy.empty() && kImageStrategies.count(strategy) == 0) {
        return deny_at(
            base + ".imageSelectionStrategy",
            "Unsupported value: \"" + strategy + "\": supported values: " + join(kImageStrategies));
      }
      const std::string constraint = rules::json_str(body, "constraint");
      if (strategy == "Digest" && constraint.empty()) {
        return deny_at(base + ".constraint",
                       "must be set when imageSelectionStrategy is Digest; name the tag to track, "
                       "e.g. \"latest\"");
      }
      if ((strategy.empty() || strategy == "SemVer") && !constraint.empty()) {
        if (std::string p = constraint_problem(constraint); !p.empty()) {
          return deny_at(base + ".constraint", p);
        }
      }
      if (std::string platform = rules::json_str(body, "platform");
          !platform.empty() && !std::regex_match(platform, kPlatform)) {
        return deny_at(base + ".platform",
                       "\"" + platform + "\" must be in format <os>/<arch>, e.g. linux/amd64");
      }
      for (const char* k : {"allowTagsRegexes", "ignoreTagsRegexes"}) {
        if (std::string p = regex_list_problem(body, k); !p.empty()) return deny_at(base, p);
      }
      key = "image " + freight::normalize_image(url);
    } else {  // chart
      if (!std::regex_match(url, kChartURL)) {
        return deny_at(
            base + ".repoURL",
            "\"" + url + "\" must be a valid Helm repository URL (https://... or oci://...)");
      }
      const std::string chart = rules::json_str(body, "name");
      const bool oci = url.rfind("oci://", 0) == 0;
      if (oci && !chart.empty()) {
        return deny_at(base + ".name",
                       "must be empty if repoURL starts with oci://; the OCI URL names the chart");
      }
      if (!oci && chart.empty()) {
        return deny_at(base + ".name",
                       "must be non-empty if repoURL starts with http:// or https://; name the "
                       "chart in the repository");
      }
      if (std::string c = rules::json_str(body, "semverConstraint"); !c.empty()) {
        if (std::string p = constraint_problem(c); !p.empty()) {
          return deny_at(base + ".semverConstraint", p);
        }
      }
      key = "chart " + freight::normalize_chart(url) + (oci ? "" : " " + chart);
    }
    // Rule: one subscription per repository (per chart for classic chart repositories).
    auto [it, inserted] = repos.emplace(key, base);
    if (!inserted) {
      const std::string what = type == "git" ? "Git repository"
                               : type == "image"
                                   ? "image repository"
                                   : "chart \"" + rules::json_str(body, "name") + "\"";
      return deny_at(base, "subscription for " + what + " already exists at \"" + it->second +
                               "\"; keep one subscription per repository");
    }
  }
  return allow(req);
}

}  // namespace freightgate::admission
