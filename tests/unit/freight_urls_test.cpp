// Kargo's URL normalisation. Cases mirror akuity/kargo pkg/urls/{git,helm,image}_test.go.
#include "freightgate/freight/urls.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using freightgate::freight::go_path_clean;
using freightgate::freight::go_path_join;
using freightgate::freight::normalize_chart;
using freightgate::freight::normalize_git;
using freightgate::freight::normalize_image;

namespace {

using Case = std::pair<std::string, std::string>;

TEST(NormalizeGit, KargoTable) {
  const std::vector<Case> cases = {
      // Not normalisable: returned as is.
      {"https://not a url", "https://not a url"},
      {"http://github.com/example/repo?foo=bar", "http://github.com/example/repo?foo=bar"},
      {"ssh://not a url", "ssh://not a url"},
      {"ssh://github.com/example/repo?foo=bar", "ssh://github.com/example/repo?foo=bar"},
      {"not even remotely a url", "not even remotely a url"},
      {"https://github.com /example/repo", "https://github.com /example/repo"},
      {"https://github.com/example%20repo", "https://github.com/example%20repo"},
      // http(s)
      {"https://github.com", "https://github.com"},
      {"https://github.com/", "https://github.com"},
      {"https://foo:bar@github.com", "https://github.com"},
      {"https://foo:bar@github.com/", "https://github.com"},
      {"https://github.com/example/repo", "https://github.com/example/repo"},
      {"https://github.com/example/repo/", "https://github.com/example/repo"},
      {"https://github.com/example/repo.git", "https://github.com/example/repo"},
      {"https://github.com/example/repo.git/", "https://github.com/example/repo"},
      {"https://localhost:8443/example/repo", "https://localhost:8443/example/repo"},
      {"https://localhost:8443/example/repo/", "https://localhost:8443/example/repo"},
      {"https://localhost:8443/example/repo.git", "https://localhost:8443/example/repo"},
      {"https://localhost:8443/example/repo.git/", "https://localhost:8443/example/repo"},
      {"https://foo:bar@github.com/example/repo", "https://github.com/example/repo"},
      {"https://foo:bar@github.com/example/repo/", "https://github.com/example/repo"},
      {"https://foo:bar@github.com/example/repo.git", "https://github.com/example/repo"},
      {"https://foo:bar@github.com/example/repo.git/", "https://github.com/example/repo"},
      {"https://foo:bar@localhost:8443/example/repo", "https://localhost:8443/example/repo"},
      {"https://foo:bar@localhost:8443/example/repo/", "https://localhost:8443/example/repo"},
      {"https://foo:bar@localhost:8443/example/repo.git", "https://localhost:8443/example/repo"},
      {"https://foo:bar@localhost:8443/example/repo.git/", "https://localhost:8443/example/repo"},
      // ssh://
      {"ssh://git.example.com", "ssh://git.example.com"},
      {"ssh://git.example.com/", "ssh://git.example.com"},
      {"ssh://git@git.example.com", "ssh://git@git.example.com"},
      {"ssh://git@git.example.com/", "ssh://git@git.example.com"},
      {"ssh://github.com/example/repo", "ssh://github.com/example/repo"},
      {"ssh://github.com/example/repo/", "ssh://github.com/example/repo"},
      {"ssh://github.com/example/repo.git", "ssh://github.com/example/repo"},
      {"ssh://github.com/example/repo.git/", "ssh://github.com/example/repo"},
      {"ssh://localhost:2222/example/repo", "ssh://localhost:2222/example/repo"},
      {"ssh://localhost:2222/example/repo.git/", "ssh://localhost:2222/example/repo"},
      {"ssh://git@github.com/example/repo", "ssh://git@github.com/example/repo"},
      {"ssh://git@github.com/example/repo.git/", "ssh://git@github.com/example/repo"},
      {"ssh://git@localhost:2222/example/repo", "ssh://git@localhost:2222/example/repo"},
      {"ssh://git@localhost:2222/example/repo.git/", "ssh://git@localhost:2222/example/repo"},
      // scp-style
      {"git.example.com", "ssh://git.example.com"},
      {"git@git.example.com", "ssh://git@git.example.com"},
      {"github.com:example/repo", "ssh://github.com/example/repo"},
      {"github.com:example/repo/", "ssh://github.com/example/repo"},
      {"github.com:example/repo.git", "ssh://github.com/example/repo"},
      {"github.com:example/repo.git/", "ssh://github.com/example/repo"},
      {"git@github.com:example/repo", "ssh://git@github.com/example/repo"},
      {"git@github.com:example/repo/", "ssh://git@github.com/example/repo"},
      {"git@github.com:example/repo.git", "ssh://git@github.com/example/repo"},
      {"git@github.com:example/repo.git/", "ssh://git@github.com/example/repo"},
      // Whitespace and non-printable runes around the URL.
      {" \xEF\xBB\xBFhttps://github.com/example/repo", "https://github.com/example/repo"},
      {"https://github.com/example/repo\xEF\xBB\xBF", "https://github.com/example/repo"},
      {" https://github.com/example/repo ", "https://github.com/example/repo"},
      {"\tssh://github.com/example/repo\t", "ssh://github.com/example/repo"},
      {"\nssh://github.com/example/repo\n", "ssh://github.com/example/repo"},
      {"\rssh://github.com/example/repo\r", "ssh://github.com/example/repo"},
      {" \t\nhttps://github.com/example/repo\t\n ", "https://github.com/example/repo"},
      {"\xC2\xA0https://github.com/example/repo\xC2\xA0", "https://github.com/example/repo"},
      {"\xE2\x80\x8Bhttps://github.com/example/repo\xE2\x80\x8B",
       "https://github.com/example/repo"},
      {"\xEF\xBB\xBF\xEF\xBB\xBFhttps://github.com/example/repo",
       "https://github.com/example/repo"},
      // Spaces or non-printable runes inside: not a URL to normalise, returned as is.
      {"https://github.com/exa mple/repo", "https://github.com/exa mple/repo"},
      {"https://github.com/exa\tmple/repo", "https://github.com/exa\tmple/repo"},
      {"https://github.com/exa\x7Fmple/repo", "https://github.com/exa\x7Fmple/repo"},
      {"https://github.com/exa\xC2\xA0mple/repo", "https://github.com/exa\xC2\xA0mple/repo"},
      // Lowercasing, and only one ".git"/"/" removed.
      {"https://GitHub.com/Example/Repo.GIT", "https://github.com/example/repo.git"},
      {"https://github.com/example/repo.git.git", "https://github.com/example/repo.git"},
      {"https://github.com/example/repo//", "https://github.com/example/repo/"},
      // An invalid port is not a URL Go can parse: returned as is.
      {"ssh://git@github.com:example/repo.git", "ssh://git@github.com:example/repo.git"},
      // An empty query ("?" alone, or "?&") has no parameters and is kept.
      {"https://github.com/example/repo?", "https://github.com/example/repo?"},
      {"", ""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(normalize_git(in), want) << "input: " << in;
}

TEST(NormalizeGit, SameRepoDifferentSpellingsAgree) {
  const std::string want = "https://github.com/akuity/guestbook";
  for (const char* in :
       {"https://github.com/akuity/guestbook", "https://github.com/akuity/guestbook/",
        "https://github.com/akuity/guestbook.git",
        "https://user:token@GitHub.com/Akuity/Guestbook.git/"})
    EXPECT_EQ(normalize_git(in), want) << in;
  EXPECT_EQ(normalize_git("git@github.com:akuity/guestbook.git"),
            normalize_git("ssh://git@github.com/akuity/guestbook"));
}

TEST(NormalizeChart, KargoTable) {
  const std::vector<Case> cases = {
      {"", ""},
      {"repo", "repo"},
      {"  repo  ", "repo"},
      {"REpo", "repo"},
      {"oci://repo", "repo"},
      {"  oci://repo  ", "repo"},
      {"OCI://Repo", "repo"},
      {"oci://docker.io/example/repo", "example/repo"},
      {"docker.io/example/repo", "example/repo"},
      {"oci://index.docker.io/example/repo", "example/repo"},
      {"index.docker.io/example/repo", "example/repo"},
      {"oci://registry-1.docker.io/example/repo", "example/repo"},
      {"registry-1.docker.io/example/repo", "example/repo"},
      {"oci://docker.io/library/nginx", "nginx"},
      {"oci://ghcr.io/Example/Charts/App", "ghcr.io/example/charts/app"},
      {"oci://localhost:5000/charts/app", "localhost:5000/charts/app"},
      // http(s) repositories pass through (lowercased); the "https:" is taken as a registry.
      {"https://Charts.Example.com", "https://charts.example.com"},
      {"https://charts.example.com/stable", "https://charts.example.com/stable"},
      {"https://charts.example.com:8443/x", "https://charts.example.com:8443/x"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(normalize_chart(in), want) << "input: " << in;
}

TEST(NormalizeImage, KargoTable) {
  const std::vector<Case> cases = {
      {"index.docker.io/library/busybox", "busybox"},
      {"index.docker.io/busybox", "busybox"},
      {"registry-1.docker.io/library/busybox", "busybox"},
      {"registry-1.docker.io/busybox", "busybox"},
      {"docker.io/library/busybox", "busybox"},
      {"docker.io/busybox", "busybox"},
      {"library/busybox", "busybox"},
      {"busybox", "busybox"},
      {"index.docker.io/example/repo", "example/repo"},
      {"docker.io/example/repo", "example/repo"},
      {"example/repo", "example/repo"},
      {"ghcr.io/example/repo", "ghcr.io/example/repo"},
      {"quay.io/example/repo", "quay.io/example/repo"},
      {"ghcr.io/example/repo:v1.2.3", "ghcr.io/example/repo"},
      {"localhost:5000/app", "localhost:5000/app"},
      {"nginx@sha256:" + std::string(64, 'a'), "nginx"},
      // Not parseable by go-containerregistry: returned unchanged.
      {"invalid url", "invalid url"},
      {"Example/Repo", "Example/Repo"},
      {"a", "a"},
      {"ghcr.io/x:", "ghcr.io/x:"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(normalize_image(in), want) << "input: " << in;
}

TEST(GoPath, CleanMatchesGo) {
  const std::vector<Case> cases = {
      {"", "."},
      {"abc", "abc"},
      {"abc/def", "abc/def"},
      {"a/b/c", "a/b/c"},
      {".", "."},
      {"..", ".."},
      {"../..", "../.."},
      {"../../abc", "../../abc"},
      {"/abc", "/abc"},
      {"/", "/"},
      {"abc/", "abc"},
      {"abc/def/", "abc/def"},
      {"/abc/", "/abc"},
      {"//abc", "/abc"},
      {"abc//def//ghi", "abc/def/ghi"},
      {"abc/./def", "abc/def"},
      {"/./abc/def", "/abc/def"},
      {"abc/.", "abc"},
      {"abc/def/ghi/../jkl", "abc/def/jkl"},
      {"abc/def/../ghi/../jkl", "abc/jkl"},
      {"abc/def/..", "abc"},
      {"abc/def/../..", "."},
      {"/abc/def/../..", "/"},
      {"abc/def/../../..", ".."},
      {"/abc/def/../../..", "/"},
      {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
      {"abc/./../def", "def"},
      {"abc//./../def", "def"},
      {"abc/../../././../def", "../../def"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(go_path_clean(in), want) << "input: " << in;
}

TEST(GoPath, JoinCollapsesDoubleSlash) {
  EXPECT_EQ(go_path_join({"https://charts.example.com", "app"}), "https:/charts.example.com/app");
  EXPECT_EQ(go_path_join({"ghcr.io/example/chart", ""}), "ghcr.io/example/chart");
  EXPECT_EQ(go_path_join({"", ""}), "");
  EXPECT_EQ(go_path_join({"a", "b/"}), "a/b");
  EXPECT_EQ(go_path_join({"a/", "/b"}), "a/b");
}

}  // namespace
