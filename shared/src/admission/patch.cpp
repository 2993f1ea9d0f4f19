// JSON Patch generation by diff, plus a strict applier (kube-apiserver's semantics) to check
// patches.
#include "freightgate/admission/patch.h"

#include <string>

#include "freightgate/model/json_reader.h"
#include "freightgate/model/json_writer.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

Error patch_error(size_t index, const json& op, std::string message) {
  Error e;
  e.object = "JSON Patch";
  e.path = "[" + std::to_string(index) + "] " + op.dump();
  e.message = std::move(message);
  return e;
}

// One more reference token on a JSON Pointer.
void append_token(std::string& path, std::string_view key) {
  path += '/';
  if (key.find_first_of("~/") == std::string_view::npos)
    path += key;  // the usual case: nothing to escape
  else
    path += model::json_pointer_token(key);
}

// Built member by member: an initializer list costs nlohmann a look at every element.
json op(const char* kind, const std::string& path) {
  json o = json::object();
  o["op"] = kind;
  o["path"] = path;
  return o;
}
json op(const char* kind, const std::string& path, const json& value) {
  json o = op(kind, path);
  o["value"] = value;
  return o;
}

// What diff_into needs of the `from` side, for a document and for a view of one.
enum class Shape { Object, Array, Other };
Shape shape(const json& v) {
  return v.is_object() ? Shape::Object : v.is_array() ? Shape::Array : Shape::Other;
}
Shape shape(model::JsonView v) {
  return v.is_object() ? Shape::Object : v.is_array() ? Shape::Array : Shape::Other;
}
bool same_value(const json& from, const json& to) { return from == to; }
bool same_value(model::JsonView from, const json& to) {
  if (from.is_string() && to.is_string()) return from.str() == to.get_ref<const std::string&>();
  return *model::build_json(from) == to;
}
const json& elements(const json& v) { return v; }
std::vector<model::JsonView> elements(model::JsonView v) { return v.elements(); }
// Members in nlohmann's order (by key; a view keeps each key's last value).
const json& members(const json& v) { return v; }
std::vector<std::pair<std::string_view, model::JsonView>> members(model::JsonView v) {
  return v.members();
}
std::string_view key_of(const json::const_iterator& it) { return it.key(); }
const json& value_of(const json::const_iterator& it) { return *it; }
template <class It>
std::string_view key_of(const It& it) {
  return it->first;
}
template <class It>
model::JsonView value_of(const It& it) {
  return it->second;
}

// The operations of json::diff(from, to), in its order, without its costs (it compares every
// subtree again at every level and builds every member's path up front): paths grow and shrink
// in one buffer and subtrees are compared once, on the way down. `from` is a document or a view
// of one (model::JsonView, read as build_json would build it).
template <class From>
void diff_into(const From& from, const json& to, std::string& path, json& ops) {
  const Shape kind = shape(from);
  if (kind != shape(to) || kind == Shape::Other) {
    if (kind != shape(to) || !same_value(from, to)) ops.push_back(op("replace", path, to));
    return;
  }
  const std::size_t len = path.size();
  if (kind == Shape::Array) {
    const auto& items = elements(from);
    std::size_t i = 0;
    for (; i < items.size() && i < to.size(); ++i) {
      path += '/';
      path += std::to_string(i);
      diff_into(items[i], to[i], path, ops);
      path.resize(len);
    }
    // Surplus items are removed from the last one down, so every index stays valid.
    for (std::size_t k = items.size(); k > i; --k)
      ops.push_back(op("remove", path + "/" + std::to_string(k - 1)));
    for (; i < to.size(); ++i) ops.push_back(op("add", path + "/-", to[i]));
    return;
  }
  const auto& have = members(from);
  for (auto it = have.begin(); it != have.end(); ++it) {
    append_token(path, key_of(it));
    auto there = to.find(key_of(it));
    if (there == to.end())
      ops.push_back(op("remove", path));
    else
      diff_into(value_of(it), *there, path, ops);
    path.resize(len);
  }
  for (auto it = to.begin(); it != to.end(); ++it) {
    if (from.contains(it.key())) continue;
    append_token(path, it.key());
    ops.push_back(op("add", path, *it));
    path.resize(len);
  }
}

}  // namespace

Result<json> apply_patch(const json& doc, const json& patch) {
  if (!patch.is_array()) return patch_error(0, patch, "a JSON Patch must be an array");
  json out = doc;
  for (size_t i = 0; i < patch.size(); ++i) {
    const json& op = patch[i];
    if (!op.is_object() || !op.contains("op") || !op.contains("path") || !op["op"].is_string() ||
        !op["path"].is_string())
      return patch_error(i, op, "each operation needs string `op` and `path`");
    const std::string kind = op["op"].get<std::string>();
    try {
      json::json_pointer ptr(op["path"].get<std::string>());
      if (kind == "add") {
        if (ptr.empty()) {
          out = op.at("value");
          continue;
        }
        json::json_pointer parent = ptr.parent_pointer();
        if (!out.contains(parent))
          return patch_error(i, op, "add under a missing parent " + parent.to_string());
        json& p = out[parent];
        const std::string last = ptr.back();
        if (p.is_object()) {
          p[last] = op.at("value");
        } else if (p.is_array()) {
          if (last == "-") {
            p.push_back(op.at("value"));
          } else {
            size_t idx = std::stoul(last);
            if (idx > p.size()) return patch_error(i, op, "array index out of range");
            p.insert(p.begin() + static_cast<std::ptrdiff_t>(idx), op.at("value"));
          }
        } else {
          return patch_error(i, op, "parent is neither an object nor an array");
        }
      } else if (kind == "remove" || kind == "replace") {
        if (ptr.empty()) {
          if (kind == "remove") return patch_error(i, op, "cannot remove the document root");
          out = op.at("value");
          continue;
        }
        if (!out.contains(ptr)) return patch_error(i, op, "target does not exist");
        if (kind == "replace") {
          out[ptr] = op.at("value");
        } else {
          json& p = out[ptr.parent_pointer()];
          if (p.is_object())
            p.erase(ptr.back());
          else
            p.erase(static_cast<size_t>(std::stoul(ptr.back())));
        }
      } else if (kind == "test") {
        if (!out.contains(ptr) || out[ptr] != op.at("value"))
          return patch_error(i, op, "test failed");
      } else {
        // move/copy are never generated by json::diff; use nlohmann's implementation.
        out = out.patch(json::array({op}));
      }
    } catch (const std::exception& ex) {
      return patch_error(i, op, ex.what());
    }
  }
  return out;
}

json diff_patch(const json& from, const json& to) {
  json patch = json::array();
  std::string path;
  diff_into(from, to, path, patch);
  return patch;
}

void append_diff(model::JsonView from, const json& to, std::string path, json& ops) {
  if (from.is_absent())
    ops.push_back(op("add", path, to));
  else
    diff_into(from, to, path, ops);
}

}  // namespace freightgate::admission
