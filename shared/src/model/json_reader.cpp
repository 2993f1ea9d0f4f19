// simdjson parses and validates the text (UTF-8 included) into its own tape; the members to keep
// are then copied into nlohmann::json. Anything simdjson refuses is read again by nlohmann's
// parser, which decides: it accepts integers beyond 64 bits (as doubles, like Go's
// encoding/json) where simdjson stops, and otherwise words the error.
#include "freightgate/model/json_reader.h"

#include <simdjson.h>

#include <cstring>
#include <vector>

namespace freightgate::model {

namespace {

using nlohmann::json;
namespace dom = simdjson::dom;

// Documents beyond this size get a parser of their own instead of growing the thread's one
// for good (a review may be 7 MiB; most are a few KiB).
constexpr std::size_t kKeptParserCapacity = 1 << 20;

class Builder {
 public:
  explicit Builder(const JsonReadOptions& o) : o_(o) {}

  // False when nested deeper than max_depth.
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

Result<json> read_with_nlohmann(std::string_view text, const JsonReadOptions& o) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    std::string what = e.what();
    auto bracket = what.find("] ");
    return Error{"", 0, "", "", bracket == std::string::npos ? what : what.substr(bracket + 2)};
  }
  // Depth, as the fast path would have checked it (no recursion: nlohmann's parser and
  // destructor are iterative).
  std::vector<std::pair<const json*, std::size_t>> todo{{&doc, 1}};
  while (!todo.empty()) {
    auto [v, depth] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    if (depth > o.max_depth)
      return Error{"", 0, "", "", "nested deeper than " + std::to_string(o.max_depth) + " levels"};
    for (const auto& child : *v) todo.emplace_back(&child, depth + 1);
  }
  return doc;
}

}  // namespace

Result<nlohmann::json> read_json(std::string_view text, const JsonReadOptions& options) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end of the text: the text is copied
  // into a padded buffer, the thread's own for the usual few KiB (allocating one per parse
  // showed in profiles).
  struct Scratch {
    dom::parser parser;
    std::vector<char> padded;
  };
  thread_local Scratch mine;
  Scratch big;
  Scratch& s = text.size() > kKeptParserCapacity ? big : mine;
  dom::element root;
  // Both simdjson and nlohmann take a NUL after the value for the end of the text; JSON text
  // never holds one (inside strings it must be escaped).
  if (const void* nul = std::memchr(text.data(), '\0', text.size()))
    return Error{"", 0, "", "",
                 "a NUL byte at offset " +
                     std::to_string(static_cast<const char*>(nul) - text.data()) +
                     " (JSON text cannot contain one)"};
  if (s.padded.size() < text.size() + simdjson::SIMDJSON_PADDING)
    s.padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(s.padded.data(), text.data(), text.size());
  if (s.parser.parse(s.padded.data(), text.size(), /*realloc_if_needed=*/false).get(root) !=
      simdjson::SUCCESS)
    return read_with_nlohmann(text, options);
  Builder b(options);
  if (!b.build(root, b.root()))
    return Error{"", 0, "", "",
                 "nested deeper than " + std::to_string(options.max_depth) + " levels"};
  return std::move(b.root());
}

}  // namespace freightgate::model
