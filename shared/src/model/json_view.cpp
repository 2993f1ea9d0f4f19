// JsonView and JsonDocument (model/json_view.h): simdjson parses and validates; nlohmann's parser
// reads again only what simdjson refuses, to accept what read_json accepts (integers beyond 64
// bits, as doubles) and to word the error.
#include "freightgate/model/json_view.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

namespace freightgate::model {

namespace dom = simdjson::dom;
using T = dom::element_type;

bool JsonView::is_null() const { return !present_ || e_.type() == T::NULL_VALUE; }
bool JsonView::is_object() const { return present_ && e_.type() == T::OBJECT; }
bool JsonView::is_array() const { return present_ && e_.type() == T::ARRAY; }
bool JsonView::is_string() const { return present_ && e_.type() == T::STRING; }
bool JsonView::is_bool() const { return present_ && e_.type() == T::BOOL; }

JsonDocument& scratch_document(std::size_t size, JsonDocument& kept,
                               std::optional<JsonDocument>& own) {
  constexpr std::size_t kKeptCapacity = 1 << 20;  // a review may be 7 MiB; most are a few KiB
  return size > kKeptCapacity ? own.emplace() : kept;
}

namespace {

// Whether the member at `it` has the key `key`: its length first, its first byte next, so that
// most other keys cost no call to memcmp.
bool key_is(const dom::object::iterator& it, std::string_view key) {
  if (it.key_length() != key.size()) return false;
  const char* k = it.key_c_str();
  return key.empty() || (k[0] == key[0] && std::memcmp(k, key.data(), key.size()) == 0);
}

}  // namespace

JsonView JsonView::operator[](std::string_view key) const {
  if (!is_object()) return {};
  JsonView found;
  // The last occurrence wins, as in read_json (and Go's encoding/json).
  const dom::object o(e_);
  for (auto it = o.begin(), end = o.end(); it != end; ++it)
    if (key_is(it, key)) found = JsonView(it.value());
  return found;
}

void JsonView::pick(const std::string_view* keys, JsonView* found, std::size_t n) const {
  std::fill(found, found + n, JsonView());
  if (!is_object()) return;
  const dom::object o(e_);
  for (auto it = o.begin(), end = o.end(); it != end; ++it)
    for (std::size_t i = 0; i < n; ++i)
      if (key_is(it, keys[i])) found[i] = JsonView(it.value());
}

JsonView JsonView::at(std::size_t i) const {
  if (!is_array()) return {};
  for (dom::element v : dom::array(e_))
    if (i-- == 0) return JsonView(v);
  return {};
}

std::string_view JsonView::str() const {
  return is_string() ? std::string_view(e_) : std::string_view();
}

std::size_t JsonView::size() const {
  std::size_t n = 0;
  if (is_array())
    for ([[maybe_unused]] dom::element v : dom::array(e_)) ++n;
  else if (is_object())
    n = members().size();
  return n;
}

std::vector<JsonView> JsonView::elements() const {
  std::vector<JsonView> out;
  if (is_array())
    for (dom::element v : dom::array(e_)) out.emplace_back(v);
  return out;
}

std::vector<std::pair<std::string_view, JsonView>> JsonView::members() const {
  std::vector<std::pair<std::string_view, JsonView>> out;
  if (!is_object()) return out;
  dom::object o(e_);
  out.reserve(o.size());
  for (dom::key_value_pair m : o) out.emplace_back(m.key, JsonView(m.value));
  // Sorted by key, text order kept among equal keys: the last of each run is the one kept.
  // (kube-apiserver writes custom resources with their keys sorted: nothing to do then.)
  auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(out.begin(), out.end(), by_key))
    std::stable_sort(out.begin(), out.end(), by_key);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i + 1 < out.size() && out[i + 1].first == out[i].first) continue;
    out[kept++] = out[i];
  }
  out.resize(kept);
  return out;
}

namespace {

bool is_number(T t) { return t == T::INT64 || t == T::UINT64 || t == T::DOUBLE; }

// nlohmann's number equality: integers compare as signed 64-bit values (an unsigned one cast),
// a floating value with the other converted to double.
bool numbers_equal(dom::element a, dom::element b) {
  auto as_double = [](dom::element e) {
    switch (e.type()) {
      case T::INT64:
        return static_cast<double>(int64_t(e));
      case T::UINT64:
        return static_cast<double>(uint64_t(e));
      default:
        return double(e);
    }
  };
  auto bits = [](dom::element e) {
    return e.type() == T::INT64 ? int64_t(e) : static_cast<int64_t>(uint64_t(e));
  };
  if (a.type() == T::DOUBLE || b.type() == T::DOUBLE) return as_double(a) == as_double(b);
  return bits(a) == bits(b);
}

}  // namespace

namespace {

// Two objects written with the same keys in the same order (one writer serialising an object
// twice, as in a review's object and oldObject) compare pair by pair, with nothing to sort: a
// difference counts only where its key does not occur again later, as the last occurrence is
// the member kept. nullopt when the keys are not the same sequence.
std::optional<bool> equal_in_same_order(dom::object x, dom::object y) {
  auto i = x.begin(), j = y.begin();
  for (; i != x.end() && j != y.end(); ++i, ++j)
    if (i.key() != j.key()) return std::nullopt;
  if (i != x.end() || j != y.end()) return std::nullopt;
  for (i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
    if (JsonView(i.value()) == JsonView(j.value())) continue;
    auto later = i;
    for (++later; later != x.end(); ++later)
      if (later.key() == i.key()) break;
    if (later == x.end()) return false;
  }
  return true;
}

}  // namespace

bool operator==(const JsonView& a, const JsonView& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  const T ta = a.e_.type(), tb = b.e_.type();
  if (is_number(ta) && is_number(tb)) return numbers_equal(a.e_, b.e_);
  if (ta != tb) return false;
  switch (ta) {
    case T::STRING:
      return std::string_view(a.e_) == std::string_view(b.e_);
    case T::BOOL:
      return bool(a.e_) == bool(b.e_);
    case T::ARRAY: {
      dom::array x(a.e_), y(b.e_);
      auto i = x.begin(), j = y.begin();
      for (; i != x.end() && j != y.end(); ++i, ++j)
        if (!(JsonView(*i) == JsonView(*j))) return false;
      return i == x.end() && j == y.end();
    }
    case T::OBJECT: {
      if (auto same = equal_in_same_order(dom::object(a.e_), dom::object(b.e_))) return *same;
      auto x = a.members(), y = b.members();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (x[i].first != y[i].first || !(x[i].second == y[i].second)) return false;
      return true;
    }
    default:
      return true;  // both null: handled above
  }
}

namespace {

Error plain(std::string message) { return Error{"", 0, "", "", std::move(message)}; }

std::string too_deep(std::size_t max_depth) {
  return "nested deeper than " + std::to_string(max_depth) + " levels";
}

}  // namespace

Result<JsonView> JsonDocument::parse(std::string_view text, std::size_t max_depth) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse a padded copy. Its depth
  // limit counts only containers that hold something, and refuses a depth that reaches it: with
  // the limit at max_depth, a document it accepts is within max_depth levels by our count too
  // (empty containers included, root = 1), with no walk of the tape. One it refuses as too
  // deep may still be within them (a full container at exactly max_depth, or an empty one just
  // below): it takes nlohmann's path, which counts exactly.
  auto parse_padded = [&](std::string_view t, std::size_t depth_limit, dom::element& root) {
    if (parser_.max_depth() != depth_limit) {
      if (auto e = parser_.allocate(std::max(parser_.capacity(), t.size()), depth_limit)) return e;
    }
    if (padded_.size() < t.size() + simdjson::SIMDJSON_PADDING)
      padded_.resize(t.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded_.data(), t.data(), t.size());
    return parser_.parse(padded_.data(), t.size(), /*realloc_if_needed=*/false).get(root);
  };
  // simdjson sizes two arrays by its limit and writes the root's level whatever the limit: it
  // gets a limit from 1 to its default (1,024), as before, and a max_depth of 0 (scalars
  // only) goes to nlohmann's path.
  auto simdjson_limit = [](std::size_t depth) {
    return std::clamp<std::size_t>(depth, 1, simdjson::DEFAULT_MAX_DEPTH);
  };
  dom::element root;
  if (max_depth > 0 && parse_padded(text, simdjson_limit(max_depth), root) == simdjson::SUCCESS)
    return JsonView(root);
  // simdjson refuses a NUL anywhere (a control character in a string, a stray byte outside
  // one), so only refused text is searched for one. nlohmann, below, would take a NUL after the
  // value for the end of the text; JSON text never holds one (in strings it must be escaped).
  if (const void* nul = std::memchr(text.data(), '\0', text.size()))
    return plain("a NUL byte at offset " +
                 std::to_string(static_cast<const char*>(nul) - text.data()) +
                 " (JSON text cannot contain one)");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    std::string what = e.what();
    auto bracket = what.find("] ");
    return plain(bracket == std::string::npos ? what : what.substr(bracket + 2));
  }
  // Depth without recursion (nlohmann's parser and destructor are iterative).
  std::vector<std::pair<const nlohmann::json*, std::size_t>> todo{{&doc, 1}};
  while (!todo.empty()) {
    auto [v, depth] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    if (depth > max_depth) return plain(too_deep(max_depth));
    for (const auto& child : *v) todo.emplace_back(&child, depth + 1);
  }
  // Accepted by nlohmann only (an integer beyond 64 bits, now a double): its own text of the
  // value is what simdjson reads.
  // (One level more for simdjson: a full container at exactly max_depth is within it.)
  const std::size_t one_more =
      max_depth == std::numeric_limits<std::size_t>::max() ? max_depth : max_depth + 1;
  const std::string normalized = doc.dump();
  if (parse_padded(normalized, simdjson_limit(one_more), root) != simdjson::SUCCESS)
    return plain("cannot read this JSON text (" + normalized.substr(0, 40) + "...)");
  return JsonView(root);
}

}  // namespace freightgate::model
