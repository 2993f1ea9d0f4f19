// JsonDocument parses (simdjson, nlohmann's parser for what it refuses); the members to keep are
// then copied into nlohmann::json.
#include "freightgate/model/json_reader.h"

#include <simdjson.h>

#include <optional>
#include <vector>

namespace freightgate::model {

namespace {

using nlohmann::json;
namespace dom = simdjson::dom;

class Builder {
 public:
  explicit Builder(const JsonReadOptions& o) : o_(o) {}

  // False when nested deeper than max_depth.
  bool build(JsonView v, json& out) {
    return v.is_absent() ? (out = nullptr, true) : build(v.element(), out);
  }

  bool build(dom::element e, json& out) {
    using T = dom::element_type;
    switch (e.type()) {
      case T::OBJECT: {
        if (++depth_ > o_.max_depth) return false;
        out = json::object();
        auto& members = *out.get_ptr<json::object_t*>();
        const bool ask = o_.skip && depth_ <= o_.skip_depth;
        if (ask && path_.size() < depth_) path_.resize(depth_);
        for (dom::key_value_pair m : dom::object(e)) {
          if (ask) {
            path_[depth_ - 1].assign(m.key);
            if (o_.skip(std::span<const std::string>(path_.data(), depth_), root_)) continue;
          }
          // Kubernetes writes keys mostly sorted: the end is usually the right hint. A
          // duplicate key keeps its last value.
          auto it = members.insert_or_assign(members.end(), std::string(m.key), json());
          if (!build(m.value, it->second)) return false;
        }
        --depth_;
        return true;
      }
      case T::ARRAY: {
        if (++depth_ > o_.max_depth) return false;
        out = json::array();
        auto& items = *out.get_ptr<json::array_t*>();
        if (o_.skip && depth_ <= o_.skip_depth) {
          if (path_.size() < depth_) path_.resize(depth_);
          path_[depth_ - 1] = "[]";
        }
        for (dom::element v : dom::array(e)) {
          items.emplace_back();
          if (!build(v, items.back())) return false;
        }
        --depth_;
        return true;
      }
      case T::STRING:
        out = std::string(std::string_view(e));
        return true;
      case T::INT64: {
        // nlohmann's typing: unsigned unless the text has a minus sign.
        std::int64_t i = int64_t(e);
        if (i >= 0)
          out = static_cast<json::number_unsigned_t>(i);
        else
          out = static_cast<json::number_integer_t>(i);
        return true;
      }
      case T::UINT64:
        out = static_cast<json::number_unsigned_t>(uint64_t(e));
        return true;
      case T::DOUBLE:
        out = double(e);
        return true;
      case T::BOOL:
        out = bool(e);
        return true;
      case T::NULL_VALUE:
        out = nullptr;
        return true;
    }
    return true;
  }

  json& root() { return root_; }

 private:
  const JsonReadOptions& o_;
  json root_;
  std::size_t depth_ = 0;
  std::vector<std::string> path_;  // keys down to the member being read ("[]" for arrays)
};

}  // namespace

Result<nlohmann::json> build_json(JsonView root, const JsonReadOptions& options) {
  Builder b(options);
  if (!b.build(root, b.root()))
    return Error{"", 0, "", "",
                 "nested deeper than " + std::to_string(options.max_depth) + " levels"};
  return std::move(b.root());
}

Result<nlohmann::json> read_json(std::string_view text, const JsonReadOptions& options) {
  // The thread's own document for the usual few KiB (allocating one per parse showed in
  // profiles).
  thread_local JsonDocument mine;
  std::optional<JsonDocument> own;
  auto root = scratch_document(text.size(), mine, own).parse(text, options.max_depth);
  if (!root) return root.error();
  return build_json(*root, options);
}

}  // namespace freightgate::model
