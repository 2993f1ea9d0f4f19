// Repository URL normalisation exactly as Kargo does it (pkg/urls/{git,helm,image}.go), plus
// Go's path.Join/path.Clean, which Kargo's Freight ID uses for charts.
//
// These functions are used for Freight IDs (reference kargo-api.md §2.1) and for matching an
// Application's repoURL against a Freight's commits, so they must produce byte-for-byte what
// Kargo produces. Inputs that Kargo cannot normalise come back unchanged, as in Kargo.
//
// Known divergence: percent-encoded characters in a URL path are kept as written (Go would
// decode and re-encode them); Kargo itself refuses such repository URLs elsewhere.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace freightgate::freight {

// Kargo's urls.NormalizeGit:
//  - any internal whitespace (also %20-encoded) -> input returned unchanged;
//  - surrounding whitespace and non-printable runes (BOM, zero-width space) removed;
//  - http(s)://: user info dropped; ssh://: user kept; one trailing "/" then one ".git" removed;
//    a URL with query parameters is returned unchanged (the original input);
//  - scp-style "[user@]host[:path]" -> "ssh://[user@]host[/path]";
//  - the result is lowercased.
std::string normalize_git(std::string_view url);

// Kargo's urls.NormalizeImage (go-containerregistry name.ParseReference, weak validation):
// "docker.io", "index.docker.io" and "registry-1.docker.io" hosts are dropped, as is "library/";
// other registries keep "registry/repository"; a tag or digest is dropped. Unparseable input
// (e.g. uppercase letters) is returned unchanged.
std::string normalize_image(std::string_view url);

// Kargo's urls.NormalizeChart: trim spaces, lowercase, strip "oci://", then normalize_image.
// "https://charts.example.com" stays as it is (lowercased).
std::string normalize_chart(std::string_view url);

// Go's path.Clean: shortest equivalent slash path ("a//b/../c/" -> "a/c", "" -> ".").
std::string go_path_clean(std::string_view path);

// Go's path.Join: empty elements ignored, the rest joined with "/" and cleaned; "" if all are
// empty. Note: collapses "//", so path.Join("https://x", "app") == "https:/x/app".
std::string go_path_join(const std::vector<std::string_view>& elems);

}  // namespace freightgate::freight
