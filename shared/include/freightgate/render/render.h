// Rendering one stage's manifests pinned to its Freight: the core of freightgate-cmp and
// `freightgate render`.
//
// 1. Directory: `stages/<stage>/` or `env/<stage>/` under the app directory when one exists,
//    else the app directory itself.
// 2. Base rendering by what that directory holds: a kustomization (kustomization.yaml,
//    kustomization.yml or Kustomization) runs the kustomize command; a Chart.yaml runs the helm
//    command; otherwise it is a plain directory: every *.yaml, *.yml and *.json below it,
//    recursively, in byte order of the relative path, hidden files and directories and the
//    top-level stages/ and env/ directories left out.
// 3. Every document parsed (read_manifests), images pinned (pin_images), objects stamped,
//    the stream re-emitted (write_manifests).
//
// Safety: no file outside `repo_root` is read. Every path is resolved (symlinks followed) and
// must stay inside the root; kustomizations are checked before kustomize runs (every resource,
// component, patch and generator file they name, recursively; remote resources and helmCharts
// are refused: rendering uses no network); a chart's files and values files likewise. Inputs
// are bounded by Limits.
//
// Thread-safety: render() has no shared state; many may run at once in different directories.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "freightgate/freight/image_ref.h"
#include "freightgate/render/manifests.h"
#include "freightgate/render/process.h"
#include "freightgate/status.h"

namespace freightgate::render {

enum class SourceKind { Auto, Kustomize, Helm, Directory };
const char* to_string(SourceKind k);
// "auto" | "kustomize" | "helm" | "directory"
Result<SourceKind> parse_source_kind(const std::string& s);

// Commands for the base renderers, argv prefixes. kustomize gets the directory appended; helm
// gets `template NAME CHART ...` (or, when argv[0]'s basename is "helm-template",
// `CHART --name NAME ...`).
struct Tools {
  std::vector<std::string> kustomize = {"kubectl", "kustomize"};
  std::vector<std::string> helm = {"helm"};
};

// `kustomize build` when kustomize is on PATH, else `kubectl kustomize`; helm. FG_KUSTOMIZE and
// FG_HELM (space-separated argv) override them. `env` is the process environment.
Tools default_tools(const std::vector<std::pair<std::string, std::string>>& env);

struct Request {
  std::string repo_root;  // absolute; nothing outside it is read
  std::string app_dir;    // absolute; inside repo_root
  std::string stage;
  std::string freight;
  std::vector<freight::ImageRef> images;
  SourceKind kind = SourceKind::Auto;
  bool stamp = true;
  bool fail_on_unmatched_pin = false;
  bool fail_on_floating = true;
  // Helm only.
  std::string release_name;
  std::string namespace_;
  std::string kube_version;  // "1.30.2"
  std::vector<std::string> api_versions;
  std::vector<std::string> values_files;                      // relative to the chart directory
  std::vector<std::pair<std::string, std::string>> helm_set;  // --set k=v, in order
  Limits limits;
};

struct Output {
  std::string yaml;                // the stream for stdout
  std::vector<std::string> notes;  // for stderr
  SourceKind kind = SourceKind::Auto;
  std::string source_dir;  // the directory rendered, relative to repo_root
  size_t objects = 0;
  size_t images_pinned = 0;
};

Result<Output> render(const Request& request, const Tools& tools, const Runner& run);

}  // namespace freightgate::render
