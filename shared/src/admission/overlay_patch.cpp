// The JSON Patch from a view to an Overlay (admission/overlay_patch.h): diff_into's walk
// (admission/patch.cpp), reading the view's members sorted as nlohmann::json holds them.
#include "freightgate/admission/overlay_patch.h"

#include <algorithm>

#include <boost/container/small_vector.hpp>

#include "freightgate/model/json_reader.h"
#include "freightgate/model/json_writer.h"

namespace freightgate::admission {

namespace {
Overlay of_kind(Overlay::Kind kind) {
  Overlay o;
  o.kind = kind;
  return o;
}
}  // namespace

Overlay Overlay::string(std::string s) {
  Overlay o = of_kind(Kind::String);
  o.text = std::move(s);
  return o;
}

Overlay Overlay::view(model::JsonView v) {
  Overlay o = of_kind(Kind::View);
  o.value = v;
  return o;
}

Overlay Overlay::object(bool partial) {
  Overlay o = of_kind(Kind::Object);
  o.partial = partial;
  return o;
}

Overlay Overlay::array() { return of_kind(Kind::Array); }

namespace {

// Where `key` is, or would go, among members sorted by key (an Object's items, or a view's
// members()).
template <class Members>
auto member_slot(Members& members, std::string_view key) {
  return std::lower_bound(members.begin(), members.end(), key,
                          [](const auto& member, std::string_view k) { return member.first < k; });
}

// The member `key` of `members` (sorted by key), or nullptr.
template <class Members>
auto find_member(Members& members, std::string_view key) -> decltype(&*members.begin()) {
  auto at = member_slot(members, key);
  return at != members.end() && at->first == key ? &*at : nullptr;
}

}  // namespace

// An Object's members stay sorted by key (as nlohmann::json holds them): the walk reads them in
// order, with nothing to sort.
Overlay& Overlay::set(std::string_view key, Overlay value) {
  auto at = member_slot(items, key);
  if (at != items.end() && at->first == key) return at->second = std::move(value);
  return items.emplace(at, key, std::move(value))->second;
}

Overlay& Overlay::child(std::string_view key) {
  auto at = member_slot(items, key);
  if (at != items.end() && at->first == key) return at->second;
  return items.emplace(at, key, object(true))->second;
}

namespace {

using model::JsonView;
using Members = std::vector<std::pair<std::string_view, Overlay>>;

// nlohmann's type of the value build_json makes of `v` (diff_into replaces on a type change).
nlohmann::json::value_t json_type(JsonView v) {
  using T = simdjson::dom::element_type;
  using V = nlohmann::json::value_t;
  switch (v.element().type()) {
    case T::ARRAY:
      return V::array;
    case T::OBJECT:
      return V::object;
    case T::INT64:
      return int64_t(v.element()) < 0 ? V::number_integer : V::number_unsigned;
    case T::UINT64:
      return V::number_unsigned;
    case T::DOUBLE:
      return V::number_float;
    case T::STRING:
      return V::string;
    case T::BOOL:
      return V::boolean;
    case T::NULL_VALUE:
      return V::null;
  }
  return V::null;
}

void write_value(std::string& out, JsonView v) { model::append_json(out, *model::build_json(v)); }

void write_value(std::string& out, const Overlay& o) {
  switch (o.kind) {
    case Overlay::Kind::String:
      model::append_json_string(out, o.text);
      return;
    case Overlay::Kind::View:
      write_value(out, o.value);
      return;
    case Overlay::Kind::Object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : o.items) {
        if (value.kind == Overlay::Kind::Absent) continue;
        if (!first) out += ',';
        first = false;
        model::append_json_string(out, key);
        out += ':';
        write_value(out, value);
      }
      out += '}';
      return;
    }
    case Overlay::Kind::Array: {
      out += '[';
      for (std::size_t i = 0; i < o.items.size(); ++i) {
        if (i) out += ',';
        write_value(out, o.items[i].second);
      }
      out += ']';
      return;
    }
    case Overlay::Kind::Absent:
      out += "null";  // never written: an Absent member is left out, and arrays hold none
      return;
  }
}

class PatchWriter {
 public:
  std::string done() && {
    text_ += ']';
    return std::move(text_);
  }

  void diff(JsonView from, const Overlay& to) {
    switch (to.kind) {
      case Overlay::Kind::View:
        return diff(from, to.value);
      case Overlay::Kind::String:
        if (!from.is_string() || from.str() != to.text) op("replace", path_, &to);
        return;
      case Overlay::Kind::Object:
        if (!from.is_object()) return op("replace", path_, &to);
        return diff_object(from, to);
      case Overlay::Kind::Array:
        if (!from.is_array()) return op("replace", path_, &to);
        return diff_array(from, to);
      case Overlay::Kind::Absent:
        return;  // handled by the object holding it
    }
  }

 private:
  // diff_into(build(from), build(to)).
  void diff(JsonView from, JsonView to) {
    if (json_type(from) != json_type(to) || !(from.is_object() || from.is_array())) {
      if (!(from == to)) op("replace", path_, to);
      return;
    }
    const std::size_t len = path_.size();
    if (from.is_array()) {
      const std::vector<JsonView> a = from.elements(), b = to.elements();
      std::size_t i = 0;
      for (; i < a.size() && i < b.size(); ++i) {
        index(i);
        diff(a[i], b[i]);
        path_.resize(len);
      }
      remove_surplus(a.size(), i);
      for (; i < b.size(); ++i) op("add", path_ + "/-", b[i]);
      return;
    }
    const auto a = from.members(), b = to.members();
    for (const auto& [key, value] : a) {
      token(key);
      if (const auto* there = find_member(b, key))
        diff(value, there->second);
      else
        op("remove", path_);
      path_.resize(len);
    }
    for (const auto& [key, value] : b) {
      if (find_member(a, key)) continue;
      token(key);
      op("add", path_, value);
      path_.resize(len);
    }
  }

  void diff_object(JsonView from, const Overlay& to) {
    const Members& listed = to.items;
    if (to.partial) return diff_listed(from, listed);
    const std::size_t len = path_.size();
    const auto members = from.members();
    for (const auto& [key, value] : members) {
      const auto* want = find_member(listed, key);
      token(key);
      if (!want || want->second.kind == Overlay::Kind::Absent)
        op("remove", path_);
      else
        diff(value, want->second);
      path_.resize(len);
    }
    for (const auto& [key, want] : listed) {
      if (want.kind == Overlay::Kind::Absent) continue;
      if (find_member(members, key)) continue;
      token(key);
      op("add", path_, &want);
      path_.resize(len);
    }
  }

  // A partial object: only the listed members are looked up (an Application's metadata and
  // annotations can be large), in the same order: those `from` has, then those it gains.
  void diff_listed(JsonView from, const Members& listed) {
    const std::size_t len = path_.size();
    boost::container::small_vector<JsonView, 8> have;  // each listed key looked up once
    for (const auto& [key, want] : listed) {
      const JsonView value = have.emplace_back(from[key]);
      if (value.is_absent()) continue;
      token(key);
      if (want.kind == Overlay::Kind::Absent)
        op("remove", path_);
      else
        diff(value, want);
      path_.resize(len);
    }
    for (std::size_t i = 0; i < listed.size(); ++i) {
      const auto& [key, want] = listed[i];
      if (want.kind == Overlay::Kind::Absent || !have[i].is_absent()) continue;
      token(key);
      op("add", path_, &want);
      path_.resize(len);
    }
  }

  void diff_array(JsonView from, const Overlay& to) {
    const std::size_t len = path_.size();
    const std::vector<JsonView> have = from.elements();
    std::size_t i = 0;
    for (; i < have.size() && i < to.items.size(); ++i) {
      index(i);
      diff(have[i], to.items[i].second);
      path_.resize(len);
    }
    remove_surplus(have.size(), i);
    for (; i < to.items.size(); ++i) op("add", path_ + "/-", &to.items[i].second);
  }

  // Items past `kept` are removed from the last one down, so every index stays valid.
  void remove_surplus(std::size_t size, std::size_t kept) {
    for (std::size_t k = size; k > kept; --k) op("remove", path_ + "/" + std::to_string(k - 1));
  }

  void token(std::string_view key) {
    path_ += '/';
    model::append_json_pointer_token(path_, key);
  }
  void index(std::size_t i) {
    path_ += '/';
    path_ += std::to_string(i);
  }

  // One operation, its members in the order nlohmann's dump writes them (sorted by key).
  template <class Value>
  void op(const char* kind, const std::string& path, const Value& value) {
    start(kind, path);
    text_ += R"(,"value":)";
    if constexpr (std::is_same_v<Value, JsonView>)
      write_value(text_, value);
    else
      write_value(text_, *value);
    text_ += '}';
  }
  void op(const char* kind, const std::string& path) {
    start(kind, path);
    text_ += '}';
  }
  void start(const char* kind, const std::string& path) {
    text_ += text_.size() == 1 ? R"({"op":")" : R"(,{"op":")";
    text_ += kind;
    text_ += R"(","path":)";
    model::append_json_string(text_, path);
  }

  std::string text_ = "[";
  std::string path_;
};

}  // namespace

std::string overlay_patch_text(JsonView from, const Overlay& to) {
  PatchWriter w;
  w.diff(from, to);
  return std::move(w).done();
}

}  // namespace freightgate::admission
