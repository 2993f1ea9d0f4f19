// Internal helpers of the model module: field paths, a typed reader that collects
// field-path errors while decoding one document, and writers used by the encoders.
// Not part of the public API.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/model/decode.h"

namespace freightgate::model::detail {

using json = nlohmann::json;

json resolve_plain(const std::string& v);

// A field path in two spellings: a JSON pointer (to find the source line) and the dotted
// form users read in messages (`spec.requestedFreight[0].origin.name`).
struct Path {
  std::string ptr;
  std::string text;
  Path key(std::string_view k) const;
  Path at(size_t i) const;
};

// "string", "number", ... for messages.
std::string type_name(const json& v);

// Decodes one document. Every check records an error (the decoders keep going, so that
// `validate` can report every problem of a document); first_error() is what Result carries.
class Reader {
 public:
  Reader(const Document& doc);

  const Document& doc() const { return doc_; }
  void set_object(std::string object) { object_ = std::move(object); }
  void fail(const Path& p, std::string message);
  bool failed() const { return !errors_.empty(); }
  const std::vector<Error>& errors() const { return errors_; }
  std::vector<Error> take_errors() { return std::move(errors_); }

  // Child `key` of `obj` (nullptr when absent or null). Reports "required" when asked.
  const json* get(const json& obj, const Path& at, std::string_view key, bool required = false);
  // Like get() but the child must be a mapping / a list.
  const json* object(const json& obj, const Path& at, std::string_view key, bool required = false);
  const json* array(const json& obj, const Path& at, std::string_view key, bool required = false);

  // Typed fields. Return true when the field was present and well-typed.
  bool str(const json& obj, const Path& at, std::string_view key, std::string& out,
           bool required = false);
  bool boolean(const json& obj, const Path& at, std::string_view key, bool& out);
  bool integer(const json& obj, const Path& at, std::string_view key, long long& out);
  bool integer(const json& obj, const Path& at, std::string_view key, int& out);
  bool duration(const json& obj, const Path& at, std::string_view key, std::optional<Duration>& out,
                bool required = false);
  bool time(const json& obj, const Path& at, std::string_view key, std::optional<Time>& out);
  bool str_list(const json& obj, const Path& at, std::string_view key,
                std::vector<std::string>& out, bool required = false);
  bool str_map(const json& obj, const Path& at, std::string_view key,
               std::map<std::string, std::string>& out);
  // The value must be one of `allowed`.
  bool one_of(const json& obj, const Path& at, std::string_view key, std::string& out,
              const std::vector<std::string>& allowed);

  // Head: apiVersion, kind, metadata. Sets the object name used in messages.
  void head(ObjectBase& o, bool name_required);
  void label_selector(const json& obj, const Path& at, LabelSelector& out);
  void origin(const json& obj, const Path& at, std::string_view key, FreightOrigin& out,
              bool required);

 private:
  const Document& doc_;
  std::string object_;
  std::vector<Error> errors_;
};

// ---- writers: set typed values over a raw document without disturbing what is unchanged.
// A field whose current value already means the same thing is left as written; an empty /
// default value of a field that is absent stays absent; an emptied field is removed.
void put_str(json& obj, const std::string& key, const std::string& v);
void put_bool(json& obj, const std::string& key, bool v, bool dflt);
void put_int(json& obj, const std::string& key, long long v, long long dflt);
void put_duration(json& obj, const std::string& key, const std::optional<Duration>& v);
void put_time(json& obj, const std::string& key, const std::optional<Time>& v);
void put_str_list(json& obj, const std::string& key, const std::vector<std::string>& v);
void put_str_map(json& obj, const std::string& key, const std::map<std::string, std::string>& v);
void put_json(json& obj, const std::string& key, const json& v);  // null => removed
// A sub-object of obj (created when missing or not a mapping).
json& child(json& obj, const std::string& key);
// Removes obj[key] when it is an empty mapping that encode() created.
void drop_if_empty(json& obj, const std::string& key);
void put_head(json& out, const ObjectBase& o);
void put_label_selector(json& obj, const LabelSelector& s);
void put_origin(json& obj, const FreightOrigin& o);

}  // namespace freightgate::model::detail
