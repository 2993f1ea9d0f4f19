#include "rules_common.h"

#include <regex>

#include "freightgate/model/kargo.h"

namespace freightgate::admission::rules {

namespace {

bool alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string dq(std::string_view s) { return "\"" + std::string(s) + "\""; }

// path.Match-style glob: '*' any run, '?' one char, '[...]' a class ('!' or '^' negates,
// ranges a-z). Returns false on a malformed class.
bool glob_match(std::string_view pat, std::string_view s) {
  size_t p = 0, i = 0, star_p = std::string_view::npos, star_i = 0;
  auto match_class = [&](size_t& pp, char c, bool& ok) {
    // pat[pp] == '['
    size_t q = pp + 1;
    bool neg = q < pat.size() && (pat[q] == '!' || pat[q] == '^');
    if (neg) ++q;
    bool matched = false, first = true;
    while (q < pat.size() && (pat[q] != ']' || first)) {
      first = false;
      char lo = pat[q], hi = lo;
      if (q + 2 < pat.size() && pat[q + 1] == '-' && pat[q + 2] != ']') {
        hi = pat[q + 2];
        q += 2;
      }
      if (c >= lo && c <= hi) matched = true;
      ++q;
    }
    if (q >= pat.size()) {
      ok = false;
      return false;
    }
    pp = q + 1;
    return matched != neg;
  };
  while (i < s.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star_p = p++;
      star_i = i;
      continue;
    }
    if (p < pat.size()) {
      bool ok = true;
      if (pat[p] == '[') {
        size_t pp = p;
        bool m = match_class(pp, s[i], ok);
        if (!ok) return false;
        if (m) {
          p = pp;
          ++i;
          continue;
        }
      } else if (pat[p] == '?' || pat[p] == s[i]) {
        ++p;
        ++i;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    i = ++star_i;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

}  // namespace

std::string describe(std::string_view kind, std::string_view ns, std::string_view name) {
  std::string out = std::string(kind) + " " + dq(name);
  if (!ns.empty()) out += " in namespace " + dq(ns);
  return out;
}

const nlohmann::json& subject_object(const AdmissionRequest& req) {
  return req.operation == "DELETE" || req.object.is_null() ? req.oldObject : req.object;
}

namespace {
// The object named as describe() says, from what its metadata holds (nullopt: not a string).
std::string describe_object(const RequestInfo& req, std::string_view object_kind,
                            std::optional<std::string_view> name,
                            std::optional<std::string_view> generate_name) {
  std::string kind = req.kind.kind.empty() ? std::string(object_kind) : req.kind.kind;
  std::string out = req.name;
  if (name && !name->empty())
    out = *name;
  else if (out.empty() && generate_name)
    out = std::string(*generate_name) + "*";
  return describe(kind, req.namespace_, out);
}
}  // namespace

std::string describe(const AdmissionRequest& req) {
  const nlohmann::json& obj = subject_object(req);
  if (!obj.is_object()) return describe(req.kind.kind, req.namespace_, req.name);
  auto string_at = [](const nlohmann::json& o, const char* key) -> std::optional<std::string_view> {
    auto it = o.is_object() ? o.find(key) : o.end();
    if (it == o.end() || !it->is_string()) return std::nullopt;
    return std::string_view(it->get_ref<const std::string&>());
  };
  static const nlohmann::json kNull;
  auto mit = obj.find("metadata");  // by reference: no copy of the metadata
  const nlohmann::json& meta = mit != obj.end() ? *mit : kNull;
  return describe_object(req, string_at(obj, "kind").value_or(""), string_at(meta, "name"),
                         string_at(meta, "generateName"));
}

std::string describe(const RequestInfo& req, model::JsonView obj) {
  if (!obj.is_object()) return describe(req.kind.kind, req.namespace_, req.name);
  auto string_at = [](model::JsonView v) -> std::optional<std::string_view> {
    return v.is_string() ? std::optional<std::string_view>(v.str()) : std::nullopt;
  };
  return describe_object(req, obj["kind"].str(), string_at(obj["metadata"]["name"]),
                         string_at(obj["metadata"]["generateName"]));
}

std::string message(std::string_view who, std::string_view field, std::string_view text) {
  std::string out(who);
  out += ": ";
  if (!field.empty()) {
    out += field;
    out += ": ";
  }
  out += text;
  return out;
}

Decision deny_invalid(const AdmissionRequest& req, const Error& error) {
  std::string text = error.message;
  if (text.empty()) text = "invalid";
  return deny(req, message(describe(req), error.path, text));
}

bool is_dns1123_label(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!alnum_lower(s.front()) || !alnum_lower(s.back())) return false;
  for (char c : s) {
    if (!alnum_lower(c) && c != '-') return false;
  }
  return true;
}

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    // Each part: [a-z0-9]([-a-z0-9]*[a-z0-9])? (no 63 limit per part for subdomains).
    if (part.empty() || !alnum_lower(part.front()) || !alnum_lower(part.back())) return false;
    for (char c : part) {
      if (!alnum_lower(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string dns1123_label_problem(std::string_view s) {
  if (is_dns1123_label(s)) return "";
  return dq(s) +
         " is not a valid DNS-1123 label; use at most 63 lowercase letters, digits and '-', "
         "starting and ending with a letter or digit";
}

std::string dns1123_subdomain_problem(std::string_view s) {
  if (is_dns1123_subdomain(s)) return "";
  return dq(s) +
         " is not a valid Kubernetes name; use at most 253 lowercase letters, digits, '-' and "
         "'.', starting and ending with a letter or digit";
}

std::string project_problem(const state::Snapshot& snapshot, std::string_view ns) {
  if (ns.empty()) return "the object has no namespace; create it in a Kargo project namespace";
  if (snapshot.is_project(ns)) return "";
  if (snapshot.namespace_(ns) == nullptr) {
    return "namespace " + dq(ns) + " is not a Kargo project; create Project " + dq(ns) + " first";
  }
  return "namespace " + dq(ns) + " is not a Kargo project (missing label \"" +
         std::string(kProjectLabel) + "\": \"true\"); create Project " + dq(ns) +
         " or label the namespace";
}

std::string name_pattern_problem(std::string_view pattern) {
  if (pattern.empty()) return "";
  size_t colon = pattern.find(':');
  if (colon == std::string_view::npos) {
    // An exact Stage name.
    std::string p = dns1123_subdomain_problem(pattern);
    return p.empty() ? "" : p + " (or prefix a pattern with \"regex:\" or \"glob:\")";
  }
  std::string_view kind = pattern.substr(0, colon);
  std::string_view body = pattern.substr(colon + 1);
  if (kind == "regex" || kind == "regexp") {
    try {
      std::regex re{std::string(body), std::regex::ECMAScript};
    } catch (const std::regex_error& e) {
      return "regular expression " + dq(body) + " does not parse (" + e.what() +
             "); fix the expression";
    }
    return "";
  }
  if (kind == "glob") {
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] != '[') continue;
      size_t close = body.find(']', i + 2);  // "[]...]" starts with a literal ']'
      if (close == std::string_view::npos) {
        return "glob " + dq(body) + " has an unterminated '[' class; close it with ']'";
      }
      i = close;
    }
    return "";
  }
  return "invalid pattern identifier " + dq(kind) +
         ": must be \"regex\", \"regexp\" or \"glob\" (or an exact Stage name without ':')";
}

bool name_pattern_matches(std::string_view pattern, std::string_view name) {
  size_t colon = pattern.find(':');
  if (colon == std::string_view::npos) return pattern == name;
  std::string_view kind = pattern.substr(0, colon);
  std::string_view body = pattern.substr(colon + 1);
  if (kind == "regex" || kind == "regexp") {
    try {
      return std::regex_search(std::string(name),
                               std::regex{std::string(body), std::regex::ECMAScript});
    } catch (const std::regex_error&) {
      return false;
    }
  }
  if (kind == "glob") return glob_match(body, name);
  return false;
}

std::string label_selector_problem(const nlohmann::json& selector, const std::string& path) {
  if (!selector.is_object()) return "";
  if (selector.contains("matchLabels")) {
    const auto& ml = selector["matchLabels"];
    if (!ml.is_object() && !ml.is_null()) return path + ".matchLabels: must be a map of strings";
  }
  if (!selector.contains("matchExpressions")) return "";
  const auto& exprs = selector["matchExpressions"];
  if (exprs.is_null()) return "";
  if (!exprs.is_array()) return path + ".matchExpressions: must be a list";
  for (size_t i = 0; i < exprs.size(); ++i) {
    const std::string at = path + ".matchExpressions[" + std::to_string(i) + "]";
    const auto& e = exprs[i];
    if (!e.is_object()) return at + ": must be an object {key, operator, values}";
    std::string key = e.value("key", std::string());
    std::string op = e.value("operator", std::string());
    size_t nvalues = e.contains("values") && e["values"].is_array() ? e["values"].size() : 0;
    if (key.empty()) return at + ".key: required; name the label to match";
    if (op == "In" || op == "NotIn") {
      if (nvalues == 0) return at + ".values: must be non-empty when operator is " + op;
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (nvalues != 0) return at + ".values: must be empty when operator is " + op;
    } else {
      return at + ".operator: " + dq(op) +
             " is not a valid operator; use In, NotIn, Exists or DoesNotExist";
    }
  }
  return "";
}

Result<bool> may_on_stage(const Context& ctx, const UserInfo& user, std::string_view verb,
                          std::string_view ns, std::string_view stage) {
  ResourceAttributes attrs;
  attrs.verb = std::string(verb);
  attrs.group = model::kKargoGroup;
  attrs.resource = "stages";
  attrs.name = std::string(stage);
  attrs.namespace_ = std::string(ns);
  return ctx.authorizer.allowed(user, attrs);
}

std::string kubernetes_actor(const UserInfo& user) { return "kubernetes:" + user.username; }

namespace {
std::string meta_value(const nlohmann::json& obj, const char* map, const std::string& key) {
  if (!obj.is_object()) return "";
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return "";
  auto l = m->find(map);
  if (l == m->end() || !l->is_object()) return "";
  auto v = l->find(key);
  return v != l->end() && v->is_string() ? v->get<std::string>() : "";
}

void set_meta_value(nlohmann::json& obj, const char* map, const std::string& key,
                    std::optional<std::string> v) {
  nlohmann::json& meta = obj["metadata"];
  if (!meta.is_object()) meta = nlohmann::json::object();
  if (!v) {
    auto l = meta.find(map);
    if (l != meta.end() && l->is_object()) {
      l->erase(key);
      if (l->empty()) meta.erase(map);
    }
    return;
  }
  nlohmann::json& l = meta[map];
  if (!l.is_object()) l = nlohmann::json::object();
  l[key] = std::move(*v);
}
}  // namespace

std::string json_str(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string json_label(const nlohmann::json& obj, const std::string& key) {
  return meta_value(obj, "labels", key);
}
std::string json_annotation(const nlohmann::json& obj, const std::string& key) {
  return meta_value(obj, "annotations", key);
}
void set_json_label(nlohmann::json& obj, const std::string& key, std::optional<std::string> v) {
  set_meta_value(obj, "labels", key, std::move(v));
}
void set_json_annotation(nlohmann::json& obj, const std::string& key,
                         std::optional<std::string> v) {
  set_meta_value(obj, "annotations", key, std::move(v));
}

}  // namespace freightgate::admission::rules
