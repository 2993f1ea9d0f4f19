// Manifest streams: parse with model::parse_stream, flatten Lists, emit with model::to_yaml.
#include "freightgate/render/manifests.h"

#include "freightgate/model/decode.h"

namespace freightgate::render {

using nlohmann::json;

std::string Object::display_name() const {
  std::string kind = body.is_object() && body.contains("kind") && body["kind"].is_string()
                         ? body["kind"].get<std::string>()
                         : "object";
  std::string name, ns;
  if (body.is_object() && body.contains("metadata") && body["metadata"].is_object()) {
    const json& m = body["metadata"];
    if (m.contains("name") && m["name"].is_string()) name = m["name"].get<std::string>();
    if (m.contains("namespace") && m["namespace"].is_string())
      ns = m["namespace"].get<std::string>();
  }
  return kind + " \"" + (ns.empty() ? name : ns + "/" + name) + "\"";
}

namespace {

bool is_k8s(const json& doc) {
  return doc.is_object() && doc.contains("apiVersion") && doc["apiVersion"].is_string() &&
         doc.contains("kind") && doc["kind"].is_string() &&
         !doc["kind"].get_ref<const std::string&>().empty();
}

bool is_list(const json& doc) {
  const std::string& kind = doc["kind"].get_ref<const std::string&>();
  return kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && doc.contains("items");
}

std::string where(const std::string& file, int line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

}  // namespace

Result<std::vector<Object>> read_manifests(std::string_view text, const std::string& file,
                                           const Limits& limits, std::vector<std::string>* notes) {
  model::ParseLimits pl;
  pl.max_bytes = limits.max_file_bytes;
  pl.max_alias_expansions = limits.max_alias_expansions;
  pl.max_depth = limits.max_depth;
  auto docs = model::parse_stream(text, file, pl);
  if (!docs) return docs.error();
  std::vector<Object> out;
  out.reserve(docs->size());
  for (auto& d : *docs) {
    if (d.body.is_null()) continue;
    if (!is_k8s(d.body)) {
      if (notes)
        notes->push_back(
            where(file, d.line) +
            ": skipped a document without apiVersion and kind (not a Kubernetes object)");
      continue;
    }
    if (is_list(d.body)) {
      json& items = d.body["items"];
      if (items.is_null()) continue;
      if (!items.is_array()) {
        Error e;
        e.file = file;
        e.line = d.line;
        e.object = d.body["kind"].get<std::string>();
        e.path = "items";
        e.message = "must be a list of objects";
        return e;
      }
      for (size_t i = 0; i < items.size(); ++i) {
        json& item = items[i];
        const int line = d.line_of("/items/" + std::to_string(i));
        if (!is_k8s(item)) {
          if (notes)
            notes->push_back(where(file, line) +
                             ": skipped a List item without apiVersion and kind");
          continue;
        }
        out.push_back(Object{std::move(item), file, line});
      }
      continue;
    }
    out.push_back(Object{std::move(d.body), file, d.line});
  }
  return out;
}

std::string write_manifests(const std::vector<Object>& objects) {
  std::string out;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i) out += "---\n";
    out += model::to_yaml(objects[i].body);
  }
  return out;
}

}  // namespace freightgate::render
