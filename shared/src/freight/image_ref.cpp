// Image references: kustomize's Split/IsImageMatched and the distribution reference grammar.
#include "freightgate/freight/image_ref.h"

#include <set>

namespace freightgate::freight {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_tag_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// Docker's rule (distribution/reference normalize.go splitDockerDomain).
bool is_registry(std::string_view first) {
  if (first == "localhost") return true;
  for (char c : first)
    if (c == '.' || c == ':' || (c >= 'A' && c <= 'Z')) return true;
  return false;
}

// [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
bool valid_path_component(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (size_t i = 0; i < s.size();) {
    if (is_lower_alnum(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !is_lower_alnum(s[j])) ++j;
    std::string_view sep = s.substr(i, j - i);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

// host[:port], host = labels of [A-Za-z0-9-] separated by '.', no leading/trailing '-'.
bool valid_registry(std::string_view s) {
  std::string_view host = s, port;
  if (auto colon = s.rfind(':'); colon != std::string_view::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port)
      if (c < '0' || c > '9') return false;
  }
  if (host.empty()) return false;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!is_alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

Error ref_error(const std::string& what, std::string_view ref, const std::string& why) {
  Error e;
  e.path = what;
  e.message = "\"" + std::string(ref) + "\" is not an image reference: " + why;
  return e;
}

}  // namespace

std::string ImageRef::registry() const {
  auto slash = name.find('/');
  if (slash == std::string::npos) return "";
  std::string first = name.substr(0, slash);
  return is_registry(first) ? first : "";
}

std::string ImageRef::path() const {
  std::string reg = registry();
  return reg.empty() ? name : name.substr(reg.size() + 1);
}

std::string ImageRef::str() const {
  std::string out = name;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

ImageRef split_image(std::string_view ref) {
  // Search for ':' and '@' only after the first '/', so "host:5000/app" keeps its port.
  size_t from = 0;
  if (auto slash = ref.find('/'); slash != std::string_view::npos && slash > 0) from = slash;
  const size_t at = ref.find('@', from);
  const size_t colon = ref.find(':', from);
  ImageRef r;
  if (at == std::string_view::npos && colon == std::string_view::npos) {
    r.name = ref;
  } else if (at != std::string_view::npos && (colon == std::string_view::npos || at < colon)) {
    r.name = ref.substr(0, at);
    r.digest = ref.substr(at + 1);
  } else if (at != std::string_view::npos) {
    r.name = ref.substr(0, colon);
    r.tag = ref.substr(colon + 1, at - colon - 1);
    r.digest = ref.substr(at + 1);
  } else {
    r.name = ref.substr(0, colon);
    r.tag = ref.substr(colon + 1);
  }
  return r;
}

Result<ImageRef> parse_image_ref(std::string_view ref, const std::string& what) {
  if (ref.empty()) return ref_error(what, ref, "it is empty");
  ImageRef r = split_image(ref);
  if (r.name.empty()) return ref_error(what, ref, "the repository name is missing");
  if (r.name.size() > 255) return ref_error(what, ref, "the name is longer than 255 characters");
  std::string_view rest = r.name;
  const std::string reg = r.registry();
  if (!reg.empty()) {
    if (!valid_registry(reg)) return ref_error(what, ref, "bad registry \"" + reg + "\"");
    rest.remove_prefix(reg.size() + 1);
  }
  size_t start = 0;
  while (true) {
    size_t slash = rest.find('/', start);
    std::string_view comp =
        rest.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (!valid_path_component(comp))
      return ref_error(what, ref,
                       "path component \"" + std::string(comp) +
                           "\" must be lowercase letters and digits separated by '.', '_' or '-'");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (!r.tag.empty() || ref.find(':', r.name.size()) == r.name.size()) {
    const std::string& t = r.tag;
    bool ok = !t.empty() && t.size() <= 128 && t.front() != '.' && t.front() != '-';
    for (char c : t) ok = ok && is_tag_char(c);
    if (!ok)
      return ref_error(
          what, ref,
          "tag \"" + t + "\" must be 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'");
  }
  if (!r.digest.empty() || ref.find('@') != std::string_view::npos) {
    const std::string& d = r.digest;
    auto colon = d.find(':');
    bool ok = colon != std::string::npos && colon > 0 && colon + 1 < d.size();
    if (ok) {
      for (size_t i = 0; i < colon; ++i)
        ok = ok &&
             (is_lower_alnum(d[i]) || d[i] == '+' || d[i] == '.' || d[i] == '_' || d[i] == '-');
      for (size_t i = colon + 1; i < d.size(); ++i) ok = ok && is_hex(d[i]);
      if (ok && d.compare(0, colon, "sha256") == 0) ok = d.size() - colon - 1 == 64;
      if (ok && d.compare(0, colon, "sha512") == 0) ok = d.size() - colon - 1 == 128;
    }
    if (!ok)
      return ref_error(
          what, ref,
          "digest \"" + d + "\" must be algorithm:hex, e.g. sha256: and 64 lowercase hex digits");
  }
  return r;
}

bool image_matches(std::string_view value, std::string_view name) {
  if (name.empty() || value.size() < name.size() || value.substr(0, name.size()) != name)
    return false;
  std::string_view rest = value.substr(name.size());
  if (!rest.empty() && rest.front() == ':') {
    size_t i = 1;
    while (i < rest.size() && (is_tag_char(rest[i]) || rest[i] == '{' || rest[i] == '}')) ++i;
    rest.remove_prefix(i);
  }
  if (rest.empty()) return true;
  if (rest.front() != '@') return false;
  // @[a-zA-Z][a-zA-Z0-9]*:[a-zA-Z0-9_.{}-]*
  size_t i = 1;
  if (i >= rest.size() ||
      !((rest[i] >= 'a' && rest[i] <= 'z') || (rest[i] >= 'A' && rest[i] <= 'Z')))
    return false;
  while (i < rest.size() && is_alnum(rest[i])) ++i;
  if (i >= rest.size() || rest[i] != ':') return false;
  for (++i; i < rest.size(); ++i)
    if (!(is_tag_char(rest[i]) || rest[i] == '{' || rest[i] == '}')) return false;
  return true;
}

std::string apply_pin(std::string_view value, const ImageRef& pin) {
  ImageRef cur = split_image(value);
  if (!pin.tag.empty() && !pin.digest.empty()) {
    cur.tag = pin.tag;
    cur.digest = pin.digest;
  } else if (!pin.tag.empty()) {
    cur.tag = pin.tag;
    cur.digest.clear();
  } else if (!pin.digest.empty()) {
    cur.tag.clear();
    cur.digest = pin.digest;
  }
  return cur.str();
}

Result<std::vector<ImageRef>> parse_image_pins(std::string_view list) {
  std::vector<ImageRef> pins;
  std::set<std::string> seen;
  size_t start = 0;
  int index = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string_view item =
        list.substr(start, comma == std::string_view::npos ? comma : comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t' || item.front() == '\n'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t' || item.back() == '\n'))
      item.remove_suffix(1);
    const std::string what = "IMAGES[" + std::to_string(index) + "]";
    if (!item.empty()) {
      auto ref = parse_image_ref(item, what);
      if (!ref) return ref.error();
      if (ref->tag.empty() && ref->digest.empty()) {
        Error e;
        e.path = what;
        e.message = "\"" + std::string(item) +
                    "\" pins no version: write repo:tag@digest, repo:tag or repo@digest";
        return e;
      }
      if (!seen.insert(ref->name).second) {
        Error e;
        e.path = what;
        e.message =
            "repository \"" + ref->name + "\" is pinned twice: keep one entry per repository";
        return e;
      }
      pins.push_back(std::move(*ref));
    }
    ++index;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return pins;
}

}  // namespace freightgate::freight
