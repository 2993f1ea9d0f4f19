// Masterminds/semver v3 (v3.3+/v3.4 behaviour): versions, comparison and constraints.
#include "freightgate/freight/semver.h"

#include <charconv>
#include <optional>
#include <regex>

namespace freightgate::semver {
namespace {

constexpr size_t kMaxConstraintLen = 512;
constexpr size_t kMaxConstraintGroups = 32;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// strconv.ParseUint(s, 10, 64)
std::optional<uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || !all_digits(s)) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t i = s.find(sep);
    out.push_back(s.substr(0, i));
    if (i == std::string_view::npos) return out;
    s = s.substr(i + 1);
  }
}

Error version_error(std::string_view text, const std::string& why) {
  Error e;
  e.message = "\"" + std::string(text) + "\" is not a semantic version: " + why;
  return e;
}

// validatePrerelease: non-empty identifiers of [0-9A-Za-z-], numeric ones without leading 0.
std::optional<std::string> validate_prerelease(std::string_view p) {
  for (auto part : split(p, '.')) {
    if (part.empty()) return "invalid prerelease string";
    if (all_digits(part)) {
      if (part.size() > 1 && part[0] == '0') return "version segment starts with 0";
    } else {
      for (char c : part)
        if (!is_ident_char(c)) return "invalid prerelease string";
    }
  }
  return std::nullopt;
}

std::optional<std::string> validate_metadata(std::string_view m) {
  for (auto part : split(m, '.')) {
    if (part.empty()) return "invalid metadata string";
    for (char c : part)
      if (!is_ident_char(c)) return "invalid metadata string";
  }
  return std::nullopt;
}

// Scans `[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*` from s[i]; returns the end, or i if none.
size_t scan_identifiers(std::string_view s, size_t i) {
  size_t end = i;
  while (true) {
    size_t start = end;
    while (end < s.size() && is_ident_char(s[end])) ++end;
    if (end == start) return start;
    if (end + 1 < s.size() && s[end] == '.' && is_ident_char(s[end + 1])) {
      ++end;
      continue;
    }
    return end;
  }
}

// comparePrePart
int compare_pre_part(std::string_view s, std::string_view o) {
  if (s == o) return 0;
  if (s.empty()) return -1;
  if (o.empty()) return 1;
  auto oi = parse_u64(o);
  auto si = parse_u64(s);
  if (!oi && !si) return s > o ? 1 : -1;
  if (!oi) return -1;  // o is a string, s a number
  if (!si) return 1;   // s is a string, o a number
  return *si > *oi ? 1 : -1;
}

int compare_prerelease(std::string_view a, std::string_view b) {
  auto sp = split(a, '.');
  auto op = split(b, '.');
  size_t n = std::max(sp.size(), op.size());
  for (size_t i = 0; i < n; ++i) {
    int d = compare_pre_part(i < sp.size() ? sp[i] : std::string_view(),
                             i < op.size() ? op[i] : std::string_view());
    if (d != 0) return d;
  }
  return 0;
}

int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

// ---------------------------------------------------------------- constraints

using Term = Constraints::Term;

bool is_x(std::string_view s) { return s == "x" || s == "X" || s == "*"; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
std::string_view skip_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return s.substr(i);
}
bool is_seg_char(char c) { return is_digit(c) || c == 'x' || c == 'X' || c == '*' || c == '|'; }

Error improper(std::string_view text) {
  Error e;
  e.message = "improper constraint: " + std::string(text);
  return e;
}
Error parser_error(std::string_view text) {
  Error e;
  e.message = "improper constraint: " + std::string(text) + " (not a valid version)";
  return e;
}

std::pair<std::string_view, std::string_view> scan_op(std::string_view s) {
  if (s.size() >= 2) {
    auto two = s.substr(0, 2);
    if (two == "!=" || two == ">=" || two == "=>" || two == "<=" || two == "=<" || two == "~>")
      return {two, s.substr(2)};
  }
  if (!s.empty() && (s[0] == '=' || s[0] == '>' || s[0] == '<' || s[0] == '~' || s[0] == '^'))
    return {s.substr(0, 1), s.substr(1)};
  return {std::string_view(), s};
}

Result<uint64_t> segment(std::string_view s, std::string_view orig) {
  auto v = parse_u64(s);
  if (!v) return parser_error(orig);
  return *v;
}

// Scans one constraint ("op version") from the front of s; sets *rest to what follows.
Result<Term> scan_term(std::string_view s, std::string_view* rest_out) {
  auto [op, rest] = scan_op(s);
  rest = skip_space(rest);
  std::string_view segs[3];
  int n = 0;
  size_t i = 0;
  if (i < rest.size() && rest[i] == 'v') ++i;
  while (true) {
    size_t start = i;
    while (i < rest.size() && is_seg_char(rest[i])) ++i;
    if (i == start) return improper(s);
    segs[n++] = rest.substr(start, i - start);
    if (n == 3 || i + 1 >= rest.size() || rest[i] != '.' || !is_seg_char(rest[i + 1])) break;
    ++i;
  }
  std::string_view pre, meta;
  if (i < rest.size() && rest[i] == '-') {
    size_t end = scan_identifiers(rest, i + 1);
    if (end > i + 1) {
      pre = rest.substr(i + 1, end - i - 1);
      i = end;
    }
  }
  if (i < rest.size() && rest[i] == '+') {
    size_t end = scan_identifiers(rest, i + 1);
    if (end > i + 1) {
      meta = rest.substr(i + 1, end - i - 1);
      i = end;
    }
  }
  std::string_view orig = rest.substr(0, i);
  *rest_out = rest.substr(i);

  Term t;
  t.op = std::string(op);
  t.orig = std::string(orig);
  t.con.prerelease = std::string(pre);
  t.con.original = t.orig;
  if (is_x(segs[0])) {
    t.dirty = true;
  } else if (n < 2 || is_x(segs[1])) {
    t.dirty = t.minor_dirty = true;
    auto m = segment(segs[0], orig);
    if (!m) return m.error();
    t.con.major = *m;
  } else if (n < 3 || is_x(segs[2])) {
    t.dirty = t.patch_dirty = true;
    auto m = segment(segs[0], orig);
    if (!m) return m.error();
    auto mi = segment(segs[1], orig);
    if (!mi) return mi.error();
    t.con.major = *m;
    t.con.minor = *mi;
  } else {
    t.con.metadata = std::string(meta);
    auto m = segment(segs[0], orig);
    if (!m) return m.error();
    auto mi = segment(segs[1], orig);
    if (!mi) return mi.error();
    auto p = segment(segs[2], orig);
    if (!p) return p.error();
    t.con.major = *m;
    t.con.minor = *mi;
    t.con.patch = *p;
  }
  if (!pre.empty() && validate_prerelease(pre)) return parser_error(orig);
  return t;
}

Result<std::vector<Term>> parse_group(std::string_view g) {
  std::string_view s = skip_space(g);
  if (s.empty()) return improper(g);
  std::vector<Term> out;
  while (true) {
    std::string_view rest;
    auto t = scan_term(s, &rest);
    if (!t) return t.error();
    out.push_back(std::move(*t));
    std::string_view trimmed = skip_space(rest);
    if (trimmed.empty()) return out;
    if (trimmed[0] == ',')
      trimmed = skip_space(trimmed.substr(1));
    else if (trimmed.size() == rest.size())
      return improper(g);
    if (trimmed.empty()) return improper(g);
    s = trimmed;
  }
}

// rewriteRange: "A - B" -> ">= A, <= B " (Go's \s is [\t\n\f\r ]).
std::string rewrite_range(const std::string& in) {
  static const std::string cv = R"(v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?)"
                                R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
                                R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)";
  static const std::string sp = R"([\t\n\f\r ])";
  static const std::regex range_re(sp + "*(" + cv + ")" + sp + "+-" + sp + "+(" + cv + ")" + sp +
                                   "*");
  std::vector<std::pair<std::string, std::string>> repl;
  for (auto it = std::sregex_iterator(in.begin(), in.end(), range_re); it != std::sregex_iterator();
       ++it)
    repl.emplace_back((*it)[0].str(), ">= " + (*it)[1].str() + ", <= " + (*it)[11].str() + " ");
  std::string out = in;
  for (const auto& [from, to] : repl) {
    size_t pos = out.find(from);
    if (pos != std::string::npos) out.replace(pos, from.size(), to);
  }
  return out;
}

// ---- the constraint functions; each returns "" when satisfied, else the reason.

std::string pre_msg(const Version& v) {
  return v.str() +
         " is a prerelease version and the constraint is only looking for release "
         "versions";
}

std::string check_tilde(const Version& v, const Term& c, bool include_pre) {
  if (!v.prerelease.empty() && !include_pre) return pre_msg(v);
  if (v.compare(c.con) < 0) return v.str() + " is less than " + c.orig;
  if (c.con.major == 0 && c.con.minor == 0 && c.con.patch == 0 && !c.minor_dirty && !c.patch_dirty)
    return "";
  if (v.major != c.con.major) return v.str() + " does not have same major version as " + c.orig;
  if (v.minor != c.con.minor && !c.minor_dirty)
    return v.str() + " does not have same major and minor version as " + c.orig;
  return "";
}

std::string check_term(const Version& v, const Term& c, bool include_pre) {
  if (!v.prerelease.empty() && !include_pre) return pre_msg(v);
  const std::string& op = c.op;
  const std::string vs = v.str();
  if (op.empty() || op == "=") {
    if (c.dirty) return check_tilde(v, c, include_pre);
    return v.compare(c.con) == 0 ? "" : vs + " is not equal to " + c.orig;
  }
  if (op == "!=") {
    if (c.dirty) {
      if (c.con.major != v.major) return "";
      if (c.con.minor != v.minor && !c.minor_dirty) return "";
      if (c.minor_dirty) return vs + " is equal to " + c.orig;
      if (c.con.patch != v.patch && !c.patch_dirty) return "";
      if (c.patch_dirty) {
        if (!v.prerelease.empty() || !c.con.prerelease.empty()) {
          if (compare_prerelease(v.prerelease, c.con.prerelease) != 0) return "";
        }
        return vs + " is equal to " + c.orig;
      }
    }
    return v.compare(c.con) == 0 ? vs + " is equal to " + c.orig : "";
  }
  if (op == ">") {
    const std::string fail = vs + " is less than or equal to " + c.orig;
    if (!c.dirty) return v.compare(c.con) == 1 ? "" : fail;
    if (v.major > c.con.major) return "";
    if (v.major < c.con.major) return fail;
    if (c.minor_dirty) return fail;
    if (c.patch_dirty) return v.minor > c.con.minor ? "" : fail;
    return v.compare(c.con) == 1 ? "" : fail;
  }
  if (op == "<") return v.compare(c.con) < 0 ? "" : vs + " is greater than or equal to " + c.orig;
  if (op == ">=" || op == "=>") return v.compare(c.con) >= 0 ? "" : vs + " is less than " + c.orig;
  if (op == "<=" || op == "=<") {
    const std::string fail = vs + " is greater than " + c.orig;
    if (!c.dirty) return v.compare(c.con) <= 0 ? "" : fail;
    if (v.major > c.con.major) return fail;
    if (v.major == c.con.major && v.minor > c.con.minor && !c.minor_dirty) return fail;
    return "";
  }
  if (op == "~" || op == "~>") return check_tilde(v, c, include_pre);
  if (op == "^") {
    if (v.compare(c.con) < 0) return vs + " is less than " + c.orig;
    if (c.con.major > 0 || c.minor_dirty)
      return v.major == c.con.major ? "" : vs + " does not have same major version as " + c.orig;
    if (c.con.major == 0 && v.major > 0)
      return vs + " does not have same major version as " + c.orig;
    if (c.con.minor > 0 || c.patch_dirty)
      return v.minor == c.con.minor
                 ? ""
                 : vs + " does not have same minor version as " + c.orig +
                       ". Expected minor versions to match when constraint major version is 0";
    if (c.con.minor == 0 && v.minor > 0)
      return vs + " does not have same minor version as " + c.orig;
    return c.con.patch == v.patch
               ? ""
               : vs + " does not equal " + c.orig +
                     ". Expect version and constraint to equal when major and minor versions "
                     "are 0";
  }
  return "unknown operator " + op;
}

}  // namespace

std::string Version::str() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!prerelease.empty()) s += "-" + prerelease;
  if (!metadata.empty()) s += "+" + metadata;
  return s;
}

int Version::compare(const Version& o) const {
  if (int d = cmp_u64(major, o.major)) return d;
  if (int d = cmp_u64(minor, o.minor)) return d;
  if (int d = cmp_u64(patch, o.patch)) return d;
  if (prerelease.empty() && o.prerelease.empty()) return 0;
  if (prerelease.empty()) return 1;
  if (o.prerelease.empty()) return -1;
  return compare_prerelease(prerelease, o.prerelease);
}

Result<Version> parse_strict(std::string_view text) {
  if (text.empty()) return version_error(text, "version string empty");
  std::string_view s = text;
  size_t d1 = s.find('.');
  if (d1 == std::string_view::npos) return version_error(text, "want MAJOR.MINOR.PATCH");
  size_t d2 = s.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return version_error(text, "want MAJOR.MINOR.PATCH");
  std::string_view parts[3] = {s.substr(0, d1), s.substr(d1 + 1, d2 - d1 - 1), s.substr(d2 + 1)};
  Version v;
  v.original = std::string(text);
  if (size_t plus = parts[2].find('+'); plus != std::string_view::npos) {
    v.metadata = std::string(parts[2].substr(plus + 1));
    parts[2] = parts[2].substr(0, plus);
    if (auto err = validate_metadata(v.metadata)) return version_error(text, *err);
  }
  if (size_t dash = parts[2].find('-'); dash != std::string_view::npos) {
    v.prerelease = std::string(parts[2].substr(dash + 1));
    parts[2] = parts[2].substr(0, dash);
    if (auto err = validate_prerelease(v.prerelease)) return version_error(text, *err);
  }
  for (auto p : parts) {
    if (!all_digits(p)) return version_error(text, "invalid characters in version");
    if (p.size() > 1 && p[0] == '0') return version_error(text, "version segment starts with 0");
  }
  uint64_t* fields[3] = {&v.major, &v.minor, &v.patch};
  for (int i = 0; i < 3; ++i) {
    auto n = parse_u64(parts[i]);
    if (!n) return version_error(text, "invalid version segment \"" + std::string(parts[i]) + "\"");
    *fields[i] = *n;
  }
  return v;
}

Result<Version> parse(std::string_view text) {
  // looseSemVerRegex, anchored: v?N(.N)?(.N)?(-ids)?(+ids)?
  const std::string_view s = text;
  size_t i = 0;
  if (i < s.size() && s[i] == 'v') ++i;
  std::string_view nums[3];
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (i >= s.size() || s[i] != '.') break;
      ++i;
    }
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return version_error(text, "invalid semantic version");
    nums[k] = s.substr(start, i - start);
  }
  Version v;
  v.original = std::string(text);
  if (i < s.size() && s[i] == '-') {
    size_t end = scan_identifiers(s, i + 1);
    if (end == i + 1) return version_error(text, "invalid semantic version");
    v.prerelease = std::string(s.substr(i + 1, end - i - 1));
    i = end;
  }
  if (i < s.size() && s[i] == '+') {
    size_t end = scan_identifiers(s, i + 1);
    if (end == i + 1) return version_error(text, "invalid semantic version");
    v.metadata = std::string(s.substr(i + 1, end - i - 1));
    i = end;
  }
  if (i != s.size()) return version_error(text, "invalid semantic version");
  uint64_t* fields[3] = {&v.major, &v.minor, &v.patch};
  for (int k = 0; k < 3; ++k) {
    if (nums[k].empty()) continue;
    auto n = parse_u64(nums[k]);
    if (!n) return version_error(text, "error parsing version segment");
    *fields[k] = *n;
  }
  if (!v.prerelease.empty())
    if (auto err = validate_prerelease(v.prerelease)) return version_error(text, *err);
  if (!v.metadata.empty())
    if (auto err = validate_metadata(v.metadata)) return version_error(text, *err);
  return v;
}

Result<Version> parse(std::string_view text, bool strict) {
  return strict ? parse_strict(text) : parse(text);
}

Result<Constraints> Constraints::parse(std::string_view text) {
  if (text.size() > kMaxConstraintLen) {
    Error e;
    e.message =
        "constraint string is too long (max " + std::to_string(kMaxConstraintLen) + " bytes)";
    return e;
  }
  std::string c = rewrite_range(std::string(text));
  std::vector<std::string_view> ors;
  {
    std::string_view rest = c;
    while (true) {
      size_t i = rest.find("||");
      ors.push_back(rest.substr(0, i));
      if (i == std::string_view::npos) break;
      rest = rest.substr(i + 2);
    }
  }
  if (ors.size() > kMaxConstraintGroups) {
    Error e;
    e.message = "too many constraint groups (max " + std::to_string(kMaxConstraintGroups) + ")";
    return e;
  }
  Constraints out;
  for (auto g : ors) {
    auto terms = parse_group(g);
    if (!terms) return terms.error();
    bool has_pre = false;
    for (const auto& t : *terms) has_pre = has_pre || !t.con.prerelease.empty();
    out.groups_.push_back(std::move(*terms));
    out.group_has_pre_.push_back(has_pre);
  }
  return out;
}

bool Constraints::check(const Version& v) const {
  for (size_t i = 0; i < groups_.size(); ++i) {
    bool include = include_prerelease || group_has_pre_[i];
    bool joy = true;
    for (const auto& t : groups_[i]) {
      if (!check_term(v, t, include).empty()) {
        joy = false;
        break;
      }
    }
    if (joy) return true;
  }
  return false;
}

std::vector<std::string> Constraints::explain(const Version& v) const {
  std::vector<std::string> errs;
  bool pre_reported = false;
  for (size_t i = 0; i < groups_.size(); ++i) {
    bool include = include_prerelease || group_has_pre_[i];
    bool joy = true;
    for (const auto& t : groups_[i]) {
      if (!include && !v.prerelease.empty()) {
        if (!pre_reported) {
          errs.push_back(pre_msg(v));
          pre_reported = true;
        }
        joy = false;
      } else if (auto why = check_term(v, t, include); !why.empty()) {
        errs.push_back(why);
        joy = false;
      }
    }
    if (joy) return {};
  }
  return errs;
}

std::string Constraints::str() const {
  std::string out;
  for (size_t k = 0; k < groups_.size(); ++k) {
    if (k > 0) out += " || ";
    for (size_t j = 0; j < groups_[k].size(); ++j) {
      if (j > 0) out += " ";
      out += groups_[k][j].op + groups_[k][j].orig;
    }
  }
  return out;
}

}  // namespace freightgate::semver
