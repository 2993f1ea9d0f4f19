// Container image references: splitting, validation and kustomize's image matching.
//
// A reference is `[registry[:port]/]path[:tag][@algorithm:hex]`. split_image() and
// image_matches() reproduce kustomize's api/internal/image Split and IsImageMatched (what the
// `images:` transformer and Kargo's kustomize-set-image step use), except that the name is
// compared literally where kustomize pastes it into a regular expression unescaped
// (so in kustomize "a.b" also matches "axb"; here it does not).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "freightgate/status.h"

namespace freightgate::freight {

struct ImageRef {
  std::string name;    // everything before the tag/digest: "localhost:5000/team/app"
  std::string tag;     // "" when absent
  std::string digest;  // "sha256:..." without '@'; "" when absent

  // The registry host[:port] when the first path component names one (contains '.' or ':'
  // or is "localhost", Docker's rule); "" otherwise.
  std::string registry() const;
  // The repository path without the registry: "team/app".
  std::string path() const;
  // name[:tag][@digest]
  std::string str() const;
  bool operator==(const ImageRef&) const = default;
};

// kustomize's image.Split: the first ':' or '@' after the first '/' ends the name, so a
// registry port is never taken for a tag. Never fails.
ImageRef split_image(std::string_view ref);

// Splits and validates: name components lowercase [a-z0-9] separated by '.', '_', '__' or '-'
// runs, optional registry host[:port]; tag [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; digest
// algorithm:hex (sha256 with 64 hex digits). `what` names the value in the error message.
Result<ImageRef> parse_image_ref(std::string_view ref, const std::string& what = "image");

// kustomize's IsImageMatched: `value` is `name`, optionally followed by ":tag" (tag characters
// [a-zA-Z0-9_.{}-]) and/or "@algorithm:hex".
bool image_matches(std::string_view value, std::string_view name);

// kustomize's images transformer applied to one value: the name is kept, a pin with a tag
// and a digest sets both, a tag alone clears the digest, a digest alone clears the tag.
std::string apply_pin(std::string_view value, const ImageRef& pin);

// Parses the `IMAGES` pin list (internals.md): comma-separated `repo:tag@digest`,
// `repo:tag` or `repo@digest`; blanks around entries ignored; empty string -> empty list.
// Refuses an entry without tag and digest and a repository listed twice.
Result<std::vector<ImageRef>> parse_image_pins(std::string_view list);

}  // namespace freightgate::freight
