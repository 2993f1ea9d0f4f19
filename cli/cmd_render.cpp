// `freightgate render --stage S --freight-file F [PATH]`: the CMP's rendering, locally, for
// debugging without Argo CD. PATH (default ".") is the app directory; the repository root is
// the nearest ancestor holding .git (else PATH itself) unless --repo-root says otherwise. The
// Freight comes from F (its first kargo.akuity.io Freight, or the one named by --freight).
//
//   --renderer auto|kustomize|helm|directory   --no-stamp
//   --fail-on-unmatched-pin   --allow-floating
//   -f/--values FILE (helm, repeatable)   --set K=V (helm, repeatable)
//   --release-name N   --namespace NS   --kube-version V
//
// Tools: FG_KUSTOMIZE and FG_HELM as for freightgate-cmp. Exit: 0 ok, 1 render error, 2 usage.
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "command.h"
#include "freightgate/model/decode.h"
#include "freightgate/render/render.h"

extern char** environ;

namespace freightgate::cli {
namespace {

constexpr const char* kUsage =
    "usage: freightgate render --stage S --freight-file F [--freight NAME] [--repo-root DIR]\n"
    "         [--renderer auto|kustomize|helm|directory] [--no-stamp] [--fail-on-unmatched-pin]\n"
    "         [--allow-floating] [-f VALUES]... [--set K=V]... [--release-name N] [--namespace "
    "NS]\n"
    "         [--kube-version V] [PATH]\n";

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "freightgate render: %s\n%s", msg.c_str(), kUsage);
  return 2;
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "freightgate render: %s\n", msg.c_str());
  return 1;
}

std::string find_repo_root(const std::string& dir) {
  namespace fs = std::filesystem;
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists(p / ".git", ec)) return p.string();
    if (p == p.root_path()) break;
  }
  return dir;
}

int run_render(const std::vector<std::string>& args) {
  render::Request req;
  std::string freight_file, freight_name, path = ".", repo_root;
  bool allow_floating = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--stage") {
      if (!value(req.stage)) return usage_error("--stage needs a stage name");
    } else if (a == "--freight-file") {
      if (!value(freight_file)) return usage_error("--freight-file needs a file");
    } else if (a == "--freight") {
      if (!value(freight_name)) return usage_error("--freight needs a name");
    } else if (a == "--repo-root") {
      if (!value(repo_root)) return usage_error("--repo-root needs a directory");
    } else if (a == "--renderer") {
      if (!value(v)) return usage_error("--renderer needs a value");
      auto k = render::parse_source_kind(v);
      if (!k) return usage_error(k.error().message);
      req.kind = *k;
    } else if (a == "--no-stamp") {
      req.stamp = false;
    } else if (a == "--fail-on-unmatched-pin") {
      req.fail_on_unmatched_pin = true;
    } else if (a == "--allow-floating") {
      allow_floating = true;
    } else if (a == "-f" || a == "--values") {
      if (!value(v)) return usage_error(a + " needs a file");
      req.values_files.push_back(v);
    } else if (a == "--set") {
      if (!value(v) || v.find('=') == std::string::npos)
        return usage_error("--set needs KEY=VALUE");
      req.helm_set.emplace_back(v.substr(0, v.find('=')), v.substr(v.find('=') + 1));
    } else if (a == "--release-name") {
      if (!value(req.release_name)) return usage_error("--release-name needs a name");
    } else if (a == "--namespace") {
      if (!value(req.namespace_)) return usage_error("--namespace needs a namespace");
    } else if (a == "--kube-version") {
      if (!value(req.kube_version)) return usage_error("--kube-version needs a version");
    } else if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      return usage_error("unknown flag " + a);
    } else {
      path = a;
    }
  }
  if (req.stage.empty()) return usage_error("--stage is required");
  if (freight_file.empty()) return usage_error("--freight-file is required");
  req.fail_on_floating = !allow_floating;

  auto docs = model::parse_file(freight_file);
  if (!docs) return fail(docs.error().to_string());
  bool found = false;
  for (const auto& d : *docs) {
    if (!d.body.is_object() || d.body.value("kind", "") != "Freight") continue;
    auto f = model::decode_freight(d);
    if (!f) return fail(f.error().to_string());
    if (!freight_name.empty() && f->metadata.name != freight_name && f->alias != freight_name)
      continue;
    req.freight = f->metadata.name;
    for (size_t i = 0; i < f->images.size(); ++i) {
      const auto& img = f->images[i];
      freight::ImageRef pin{img.repoURL, img.tag, img.digest};
      auto ok = freight::parse_image_ref(pin.str(), "images[" + std::to_string(i) + "]");
      if (!ok)
        return fail(freight_file + ": Freight \"" + req.freight + "\": " + ok.error().to_string());
      req.images.push_back(pin);
    }
    found = true;
    break;
  }
  if (!found)
    return fail(freight_file + ": no Freight" +
                (freight_name.empty() ? "" : " named " + freight_name) +
                "; pass a file with a kargo.akuity.io/v1alpha1 Freight");

  char real[PATH_MAX];
  if (!::realpath(path.c_str(), real)) return fail(path + ": no such directory");
  req.app_dir = real;
  req.repo_root = repo_root.empty() ? find_repo_root(real) : repo_root;
  if (req.release_name.empty()) req.release_name = req.stage;

  std::vector<std::pair<std::string, std::string>> env;
  for (char** e = environ; e && *e; ++e)
    if (const char* eq = std::strchr(*e, '='))
      env.emplace_back(std::string(*e, static_cast<size_t>(eq - *e)), eq + 1);
  auto out = render::render(req, render::default_tools(env), render::process_runner());
  if (!out) return fail(out.error().to_string());
  for (const auto& n : out->notes)
    std::fprintf(stderr, "freightgate render: note: %s\n", n.c_str());
  std::fprintf(stderr,
               "freightgate render: %s %s: %zu objects, %zu images pinned, Freight %s, stage %s\n",
               render::to_string(out->kind), out->source_dir.c_str(), out->objects,
               out->images_pinned, req.freight.c_str(), req.stage.c_str());
  std::fwrite(out->yaml.data(), 1, out->yaml.size(), stdout);
  return 0;
}

Registration reg({{"render"},
                  "render --stage S --freight-file F [PATH]",
                  "render a stage's manifests pinned to a Freight, as the Argo CD plugin does",
                  run_render});

}  // namespace
}  // namespace freightgate::cli
