// A desired document written as changes over the request's view (an Overlay), and the JSON Patch
// from the view to it, as text: what the mutating webhook sends, without building either side as
// nlohmann::json. The patch is byte for byte diff_patch_text(build(from), build(desired))
// (admission/patch.h): the same operations in the same order (members in key order, removals
// before additions, arrays index by index, surplus items removed from the last one down, new ones
// added with "/-"), values written as model::append_json writes them. A member an Object does not
// list stays as it is when the Object is partial.
//
// An Overlay says, for one place in the document, what it should hold:
//   Absent    nothing (a `remove` when the view has a member there);
//   String    this string;
//   View      this value of a view: the one already there (no operation), or another (e.g. a
//             list entry that moves to another index);
//   Object    an object with these members; when `partial`, the view's other members stay as
//             they are (written as a whole value, a partial object holds only its listed
//             members: it stands for an object that was made to hold them);
//   Array     an array of exactly these elements.
//
// Thread-safety: pure functions; an Overlay is a value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "freightgate/model/json_view.h"

namespace freightgate::admission {

struct Overlay {
  enum class Kind { Absent, String, View, Object, Array };

  static Overlay absent() { return Overlay(); }
  static Overlay string(std::string s);
  static Overlay view(model::JsonView v);
  static Overlay object(bool partial);
  static Overlay array();

  // Member `key` of an Object, added (as `value`) when it is not listed yet, else replaced.
  Overlay& set(std::string_view key, Overlay value);
  // Member `key` of an Object, added as an empty partial Object when it is not listed yet.
  Overlay& child(std::string_view key);

  Kind kind = Kind::Absent;
  std::string text;       // String
  model::JsonView value;  // View
  bool partial = false;   // Object
  // Object: listed members, sorted by key (add them with set/child, which keep the order); keys
  // must outlive the Overlay (literals, or keys of the view). Array: elements, with empty keys
  // (push them in order).
  std::vector<std::pair<std::string_view, Overlay>> items;
};

// The JSON Patch turning `from` into `to`, as compact JSON text ("[]" when nothing changes).
std::string overlay_patch_text(model::JsonView from, const Overlay& to);

}  // namespace freightgate::admission
