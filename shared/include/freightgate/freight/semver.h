// Semantic versions and constraints with the semantics of Masterminds/semver v3 (the library
// Kargo uses for image tags, git tags and chart versions).
//
//   parse_strict("1.2.3")        StrictNewVersion: exactly MAJOR.MINOR.PATCH[-pre][+meta],
//                                no "v", no leading zeros.
//   parse("v1.2")                NewVersion: optional lowercase "v", minor/patch may be missing,
//                                leading zeros coerced ("01.2" == 1.2.0).
//   Constraints::parse(">= 1.2, < 2 || ^3.1")
//       AND by spaces or commas, OR by "||", operators = != > < >= <= => =< ~ ~> ^,
//       hyphen ranges "1.2 - 1.4.5", wildcards x X * ("1.2.x", "2.*", "*").
//   Prereleases: a version with a prerelease matches only when its AND group names a
//   prerelease somewhere (or include_prerelease is set), exactly as semver v3.3+.
//
// Thread-safety: immutable values; safe to share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "freightgate/status.h"

namespace freightgate::semver {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // without "-"
  std::string metadata;    // without "+"
  std::string original;    // the text it was parsed from

  // "1.2.3-rc.1+build" (no "v").
  std::string str() const;
  // -1, 0, 1 by semver precedence; metadata ignored.
  int compare(const Version& o) const;
  bool operator==(const Version& o) const { return compare(o) == 0; }
  bool operator<(const Version& o) const { return compare(o) < 0; }
};

// StrictNewVersion.
Result<Version> parse_strict(std::string_view text);
// NewVersion (lenient, the default in Masterminds v3).
Result<Version> parse(std::string_view text);
// parse_strict when `strict`, else parse: Kargo's `strictSemvers` switch.
Result<Version> parse(std::string_view text, bool strict);

class Constraints {
 public:
  // NewConstraint. Error message: "improper constraint: <text>" like Masterminds.
  static Result<Constraints> parse(std::string_view text);

  // Check: true when `v` satisfies some OR group.
  bool check(const Version& v) const;
  // Validate: empty when satisfied, else the reasons (e.g. "1.3.0 is greater than 1.2.x").
  std::vector<std::string> explain(const Version& v) const;
  // Canonical text ("^1.2 <1.5 || >=2.0.0").
  std::string str() const;

  // Masterminds' Constraints.IncludePrerelease: admit prereleases in every group.
  bool include_prerelease = false;

  struct Term {
    std::string op;    // "", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"
    std::string orig;  // the version text as written ("1.2.x")
    Version con;       // with wildcards zeroed
    bool dirty = false, minor_dirty = false, patch_dirty = false;
  };

 private:
  std::vector<std::vector<Term>> groups_;
  std::vector<bool> group_has_pre_;
};

}  // namespace freightgate::semver
