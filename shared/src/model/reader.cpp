// Typed field access with field-path errors (see model_internal.h).
#include <cmath>

#include "freightgate/model/json_writer.h"
#include "model_internal.h"

namespace freightgate::model::detail {

namespace {

bool plain_key(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

std::string show(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

}  // namespace

Path Path::key(std::string_view k) const {
  Path p;
  p.ptr = ptr + "/" + json_pointer_token(k);
  if (plain_key(k))
    p.text = text.empty() ? std::string(k) : text + "." + std::string(k);
  else
    p.text = text + "[" + std::string(k) + "]";
  return p;
}

Path Path::at(size_t i) const {
  Path p;
  p.ptr = ptr + "/" + std::to_string(i);
  p.text = text + "[" + std::to_string(i) + "]";
  return p;
}

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "a list";
    case json::value_t::object:
      return "a mapping";
    default:
      return "an unsupported value";
  }
}

Reader::Reader(const Document& doc) : doc_(doc) {}

void Reader::fail(const Path& p, std::string message) {
  Error e;
  e.file = doc_.file;
  e.line = doc_.line_of(p.ptr);
  e.object = object_;
  e.path = p.text;
  e.message = std::move(message);
  errors_.push_back(std::move(e));
}

const json* Reader::get(const json& obj, const Path& at, std::string_view key, bool required) {
  const json* v = nullptr;
  if (obj.is_object()) {
    auto it = obj.find(std::string(key));
    if (it != obj.end() && !it->is_null()) v = &*it;
  }
  if (!v && required) fail(at.key(key), "required");
  return v;
}

const json* Reader::object(const json& obj, const Path& at, std::string_view key, bool required) {
  const json* v = get(obj, at, key, required);
  if (v && !v->is_object()) {
    fail(at.key(key), "must be a mapping, got " + type_name(*v));
    return nullptr;
  }
  return v;
}

const json* Reader::array(const json& obj, const Path& at, std::string_view key, bool required) {
  const json* v = get(obj, at, key, required);
  if (v && !v->is_array()) {
    fail(at.key(key), "must be a list, got " + type_name(*v));
    return nullptr;
  }
  return v;
}

bool Reader::str(const json& obj, const Path& at, std::string_view key, std::string& out,
                 bool required) {
  const json* v = get(obj, at, key, required);
  if (!v) return false;
  if (!v->is_string()) {
    std::string msg = "must be a string, got " + type_name(*v);
    if (v->is_primitive()) msg += " (" + show(*v) + "); quote the value";
    fail(at.key(key), msg);
    return false;
  }
  out = v->get<std::string>();
  if (required && out.empty()) {
    fail(at.key(key), "required (must not be empty)");
    return false;
  }
  return true;
}

bool Reader::boolean(const json& obj, const Path& at, std::string_view key, bool& out) {
  const json* v = get(obj, at, key);
  if (!v) return false;
  if (!v->is_boolean()) {
    fail(at.key(key), "must be true or false, got " + type_name(*v) + " (" + show(*v) + ")");
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool Reader::integer(const json& obj, const Path& at, std::string_view key, long long& out) {
  const json* v = get(obj, at, key);
  if (!v) return false;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<unsigned long long>() > 0x7fffffffffffffffULL) {
      fail(at.key(key), "number too large");
      return false;
    }
    out = v->get<long long>();
    return true;
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
      out = static_cast<long long>(d);
      return true;
    }
  }
  fail(at.key(key), "must be an integer, got " + type_name(*v) + " (" + show(*v) + ")");
  return false;
}

bool Reader::integer(const json& obj, const Path& at, std::string_view key, int& out) {
  long long ll = 0;
  if (!integer(obj, at, key, ll)) return false;
  if (ll < -2147483648LL || ll > 2147483647LL) {
    fail(at.key(key), "number out of range");
    return false;
  }
  out = static_cast<int>(ll);
  return true;
}

bool Reader::duration(const json& obj, const Path& at, std::string_view key,
                      std::optional<Duration>& out, bool required) {
  std::string s;
  if (!str(obj, at, key, s, required)) return false;
  auto d = parse_duration(s);
  if (!d) {
    fail(at.key(key), d.error().message);
    return false;
  }
  out = *d;
  return true;
}

bool Reader::time(const json& obj, const Path& at, std::string_view key, std::optional<Time>& out) {
  std::string s;
  if (!str(obj, at, key, s)) return false;
  auto t = parse_time(s);
  if (!t) {
    fail(at.key(key), t.error().message);
    return false;
  }
  out = *t;
  return true;
}

bool Reader::str_list(const json& obj, const Path& at, std::string_view key,
                      std::vector<std::string>& out, bool required) {
  const json* v = array(obj, at, key, required);
  if (!v) return false;
  Path p = at.key(key);
  if (required && v->empty()) {
    fail(p, "required (must not be empty)");
    return false;
  }
  bool ok = true;
  out.clear();
  for (size_t i = 0; i < v->size(); ++i) {
    const json& e = (*v)[i];
    if (!e.is_string()) {
      std::string msg = "must be a string, got " + type_name(e);
      if (e.is_primitive()) msg += " (" + show(e) + "); quote the value";
      fail(p.at(i), msg);
      ok = false;
      continue;
    }
    out.push_back(e.get<std::string>());
  }
  return ok;
}

bool Reader::str_map(const json& obj, const Path& at, std::string_view key,
                     std::map<std::string, std::string>& out) {
  const json* v = object(obj, at, key);
  if (!v) return false;
  Path p = at.key(key);
  bool ok = true;
  out.clear();
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it->is_string()) {
      std::string msg = "must be a string, got " + type_name(*it);
      if (it->is_primitive()) msg += " (" + show(*it) + "); quote the value";
      fail(p.key(it.key()), msg);
      ok = false;
      continue;
    }
    out[it.key()] = it->get<std::string>();
  }
  return ok;
}

bool Reader::one_of(const json& obj, const Path& at, std::string_view key, std::string& out,
                    const std::vector<std::string>& allowed) {
  std::string s;
  if (!str(obj, at, key, s)) return false;
  for (const auto& a : allowed)
    if (a == s) {
      out = s;
      return true;
    }
  std::string list;
  for (const auto& a : allowed) {
    if (a.empty()) continue;
    list += (list.empty() ? "" : ", ") + a;
  }
  fail(at.key(key), "unsupported value \"" + s + "\"; use one of " + list);
  return false;
}

void Reader::head(ObjectBase& o, bool name_required) {
  const json& body = doc_.body;
  const Path root;
  o.raw = body;
  o.origin = Origin{doc_.file, doc_.line};
  if (body.is_object()) {
    if (auto it = body.find("apiVersion"); it != body.end() && it->is_string()) o.apiVersion = *it;
    if (auto it = body.find("kind"); it != body.end() && it->is_string()) o.kind = *it;
    if (auto mit = body.find("metadata"); mit != body.end() && mit->is_object()) {
      const json* md = &*mit;
      if (auto it = md->find("name"); it != md->end() && it->is_string()) o.metadata.name = *it;
      if (auto it = md->find("generateName"); it != md->end() && it->is_string())
        o.metadata.generateName = *it;
    }
  }
  set_object(o.display_name());
  str(body, root, "apiVersion", o.apiVersion, true);
  str(body, root, "kind", o.kind, true);
  const json* md = object(body, root, "metadata", name_required);
  if (!md) return;
  const Path mp = root.key("metadata");
  ObjectMeta& m = o.metadata;
  str(*md, mp, "name", m.name);
  str(*md, mp, "generateName", m.generateName);
  if (name_required && m.name.empty() && m.generateName.empty()) fail(mp.key("name"), "required");
  str(*md, mp, "namespace", m.namespace_);
  str(*md, mp, "uid", m.uid);
  str(*md, mp, "resourceVersion", m.resourceVersion);
  integer(*md, mp, "generation", m.generation);
  time(*md, mp, "creationTimestamp", m.creationTimestamp);
  time(*md, mp, "deletionTimestamp", m.deletionTimestamp);
  str_map(*md, mp, "labels", m.labels);
  str_map(*md, mp, "annotations", m.annotations);
}

void Reader::label_selector(const json& obj, const Path& at, LabelSelector& out) {
  str_map(obj, at, "matchLabels", out.matchLabels);
  if (const json* exprs = array(obj, at, "matchExpressions")) {
    const Path ep = at.key("matchExpressions");
    for (size_t i = 0; i < exprs->size(); ++i) {
      const json& e = (*exprs)[i];
      const Path p = ep.at(i);
      if (!e.is_object()) {
        fail(p, "must be a mapping, got " + type_name(e));
        continue;
      }
      LabelSelectorRequirement r;
      str(e, p, "key", r.key, true);
      if (!get(e, p, "operator", true)) {
      } else {
        one_of(e, p, "operator", r.operator_, {"In", "NotIn", "Exists", "DoesNotExist"});
      }
      str_list(e, p, "values", r.values);
      if ((r.operator_ == "In" || r.operator_ == "NotIn") && r.values.empty())
        fail(p.key("values"), "required (must not be empty) for operator " + r.operator_);
      if ((r.operator_ == "Exists" || r.operator_ == "DoesNotExist") && !r.values.empty())
        fail(p.key("values"), "must be empty for operator " + r.operator_);
      out.matchExpressions.push_back(std::move(r));
    }
  }
}

void Reader::origin(const json& obj, const Path& at, std::string_view key, FreightOrigin& out,
                    bool required) {
  const json* o = object(obj, at, key, required);
  if (!o) return;
  const Path p = at.key(key);
  if (get(*o, p, "kind")) one_of(*o, p, "kind", out.kind, {"Warehouse"});
  str(*o, p, "name", out.name, true);
}

}  // namespace freightgate::model::detail
