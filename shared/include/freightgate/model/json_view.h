// A read-only view of parsed JSON text that builds nothing: simdjson's tape, walked on demand.
// Reading a few members of a large document this way costs a small fraction of building it as
// nlohmann::json (a heap node per member, freed again): the admission webhook reads an Argo CD
// Application this way (docs/internals.md).
//
// Semantics follow read_json's nlohmann::json result, so that code reading a view and code
// reading the built tree agree: a repeated key means its last value; an absent member reads as
// null; equality is nlohmann's (objects regardless of member order, numbers by value across
// integer and floating types).
//
// Lifetime: a view points into the JsonDocument that parsed it, and is valid until that document
// parses again or dies. Thread-safety: a document is used by one thread at a time; views of it
// may be read concurrently.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "freightgate/status.h"

namespace freightgate::model {

class JsonView {
 public:
  JsonView() = default;  // absent
  explicit JsonView(simdjson::dom::element e) : e_(e), present_(true) {}

  bool is_absent() const { return !present_; }
  bool is_null() const;  // absent, or JSON null
  bool is_object() const;
  bool is_array() const;
  bool is_string() const;
  bool is_bool() const;

  // Member `key` of an object (its last occurrence); absent when there is none or this is not
  // an object.
  JsonView operator[](std::string_view key) const;
  bool contains(std::string_view key) const { return !(*this)[key].is_absent(); }
  // Members `keys[i]` of an object into `found[i]` (as operator[] reads each), in one walk of
  // its members: for a reader that wants several members of a large object.
  template <std::size_t N>
  void pick(const std::string_view (&keys)[N], JsonView (&found)[N]) const {
    pick(keys, found, N);
  }
  // Element `i` of an array; absent past the end or when this is not an array.
  JsonView at(std::size_t i) const;

  // The string value; "" when this is not a string.
  std::string_view str() const;
  // Members of an object (distinct keys), elements of an array; 0 otherwise.
  std::size_t size() const;

  // The elements of an array (empty otherwise).
  std::vector<JsonView> elements() const;
  // The members of an object (distinct keys, each with the value read_json keeps: the last),
  // sorted by key, as nlohmann::json holds them; empty otherwise. O(n log n).
  std::vector<std::pair<std::string_view, JsonView>> members() const;

  friend bool operator==(const JsonView& a, const JsonView& b);

  // simdjson's element (for code that reads the tape itself, such as build_json).
  simdjson::dom::element element() const { return e_; }

 private:
  void pick(const std::string_view* keys, JsonView* found, std::size_t n) const;

  simdjson::dom::element e_;
  bool present_ = false;
};

// Parses JSON text into views (strict RFC 8259 and the limits of read_json, whose errors it
// gives word for word). The text is copied: it need not outlive the document.
class JsonDocument {
 public:
  JsonDocument() = default;
  JsonDocument(const JsonDocument&) = delete;  // views point into it
  JsonDocument& operator=(const JsonDocument&) = delete;

  // The root of `text`. Invalidates the views of the previous parse.
  Result<JsonView> parse(std::string_view text, std::size_t max_depth = 512);

 private:
  simdjson::dom::parser parser_;
  std::vector<char> padded_;
};

// The document to parse `size` bytes with: `kept` (a thread's, reused by its next parse) for the
// usual few KiB, or `own`, emplaced, for larger texts, so that one big review does not keep a
// big parser for good.
JsonDocument& scratch_document(std::size_t size, JsonDocument& kept,
                               std::optional<JsonDocument>& own);

}  // namespace freightgate::model
