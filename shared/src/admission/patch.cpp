// JSON Patch generation by diff, plus a strict applier (kube-apiserver's semantics) to check
// patches.
#include "freightgate/admission/patch.h"

#include <string>

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
void append_token(std::string& path, const std::string& key) {
  path += '/';
  model::append_json_pointer_token(path, key);
}

// Where diff_into puts its operations: json values (OpsSink, for callers that read them) or
// their JSON text (TextSink: the webhook's answer, written once and never built as values).
struct OpsSink {
  json ops = json::array();
  // Built member by member: an initializer list costs nlohmann a look at every element.
  void op(const char* kind, const std::string& path, const json* value = nullptr) {
    json o = json::object();
    o["op"] = kind;
    o["path"] = path;
    if (value) o["value"] = *value;
    ops.push_back(std::move(o));
  }
};

struct TextSink {
  std::string text = "[";
  // The members in the order nlohmann's dump of OpsSink's objects writes them (sorted by key).
  void op(const char* kind, const std::string& path, const json* value = nullptr) {
    text += text.size() == 1 ? R"({"op":")" : R"(,{"op":")";
    text += kind;
    text += R"(","path":)";
    model::append_json_string(text, path);
    if (value) {
      text += R"(,"value":)";
      model::append_json(text, *value);
    }
    text += '}';
  }
};

// The operations of json::diff(from, to), in its order, without its costs (it compares every
// subtree again at every level and builds every member's path up front): paths grow and shrink
// in one buffer and subtrees are compared once, on the way down.
template <class Sink>
void diff_into(const json& from, const json& to, std::string& path, Sink& ops) {
  if (from.type() != to.type() || !from.is_structured()) {
    if (from != to) ops.op("replace", path, &to);
    return;
  }
  const std::size_t len = path.size();
  if (from.is_array()) {
    std::size_t i = 0;
    for (; i < from.size() && i < to.size(); ++i) {
      path += '/';
      path += std::to_string(i);
      diff_into(from[i], to[i], path, ops);
      path.resize(len);
    }
    // Surplus items are removed from the last one down, so every index stays valid.
    for (std::size_t k = from.size(); k > i; --k)
      ops.op("remove", path + "/" + std::to_string(k - 1));
    for (; i < to.size(); ++i) ops.op("add", path + "/-", &to[i]);
    return;
  }
  for (auto it = from.begin(); it != from.end(); ++it) {
    append_token(path, it.key());
    auto there = to.find(it.key());
    if (there == to.end())
      ops.op("remove", path);
    else
      diff_into(*it, *there, path, ops);
    path.resize(len);
  }
  for (auto it = to.begin(); it != to.end(); ++it) {
    if (from.contains(it.key())) continue;
    append_token(path, it.key());
    ops.op("add", path, &*it);
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
  OpsSink sink;
  std::string path;
  diff_into(from, to, path, sink);
  return std::move(sink.ops);
}

std::string diff_patch_text(const json& from, const json& to) {
  TextSink sink;
  std::string path;
  diff_into(from, to, path, sink);
  sink.text += ']';
  return std::move(sink.text);
}

}  // namespace freightgate::admission
