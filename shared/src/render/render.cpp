// render(): stage directory selection, base renderers, safety checks, pin, stamp, emit.
#include "freightgate/render/render.h"

#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "freightgate/model/decode.h"
#include "freightgate/render/pin.h"

namespace freightgate::render {

namespace fs = std::filesystem;
using nlohmann::json;

const char* to_string(SourceKind k) {
  switch (k) {
    case SourceKind::Auto:
      return "auto";
    case SourceKind::Kustomize:
      return "kustomize";
    case SourceKind::Helm:
      return "helm";
    case SourceKind::Directory:
      return "directory";
  }
  return "auto";
}

Result<SourceKind> parse_source_kind(const std::string& s) {
  if (s.empty() || s == "auto") return SourceKind::Auto;
  if (s == "kustomize") return SourceKind::Kustomize;
  if (s == "helm") return SourceKind::Helm;
  if (s == "directory") return SourceKind::Directory;
  Error e;
  e.path = "renderer";
  e.message = "\"" + s + "\" is not a renderer; use auto, kustomize, helm or directory";
  return e;
}

namespace {

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

Tools default_tools(const std::vector<std::pair<std::string, std::string>>& env) {
  Tools t;
  if (on_path("kustomize")) t.kustomize = {"kustomize", "build"};
  for (const auto& [k, v] : env) {
    if (k == "FG_KUSTOMIZE" && !split_words(v).empty()) t.kustomize = split_words(v);
    if (k == "FG_HELM" && !split_words(v).empty()) t.helm = split_words(v);
  }
  return t;
}

namespace {

Error err(const std::string& file, const std::string& path, const std::string& message) {
  Error e;
  e.file = file;
  e.path = path;
  e.message = message;
  return e;
}

// Everything a render reads goes through this: paths resolved, kept inside the root, bounded.
class RepoReader {
 public:
  RepoReader(std::string root, const Limits& limits) : root_(std::move(root)), limits_(limits) {}

  const std::string& root() const { return root_; }
  const Limits& limits() const { return limits_; }

  std::string rel(const std::string& abs) const {
    if (abs == root_) return ".";
    if (abs.size() > root_.size() && abs.compare(0, root_.size(), root_) == 0 &&
        abs[root_.size()] == '/')
      return abs.substr(root_.size() + 1);
    return abs;
  }

  // The real path of `p` (must exist), checked to be inside the root. `what` names the
  // field that referred to it, for messages.
  Result<std::string> resolve(const std::string& p, const std::string& what) const {
    char buf[PATH_MAX];
    if (!::realpath(p.c_str(), buf))
      return err(rel(p), what, "does not exist in the repository; fix the path or add the file");
    std::string real = buf;
    if (real != root_ && real.rfind(root_ + "/", 0) != 0)
      return err(
          rel(p), what,
          "leads outside the repository (to " + real +
              "); Argo CD sends only the repository, so copy the file into it instead of linking");
    return real;
  }

  Result<std::string> read(const std::string& p, const std::string& what) {
    auto real = resolve(p, what);
    if (!real) return real.error();
    struct stat st;
    if (::stat(real->c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      return err(rel(p), what, "is not a regular file");
    if (static_cast<size_t>(st.st_size) > limits_.max_file_bytes)
      return err(rel(p), what,
                 "is " + std::to_string(st.st_size) + " bytes, more than the limit of " +
                     std::to_string(limits_.max_file_bytes) + "; split it");
    if (!charge(static_cast<size_t>(st.st_size)))
      return err(
          rel(p), what,
          "the files read exceed " + std::to_string(limits_.max_total_bytes) + " bytes in total");
    std::ifstream in(*real, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return err(rel(p), what, "cannot be read");
    return text;
  }

  bool charge(size_t n) {
    total_ += n;
    return total_ <= limits_.max_total_bytes;
  }

  // Walks `dir` (already resolved) and checks every entry: symlinks stay inside the root,
  // files within bounds. Calls `on_file(abs, rel_to_dir)` for regular files when given.
  Status check_tree(const std::string& dir, int depth = 0) {
    if (depth > 32) return err(rel(dir), "", "directories nest deeper than 32 levels");
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (++files_ > limits_.max_files)
        return err(
            rel(dir), "",
            "more than " + std::to_string(limits_.max_files) + " files; split the application");
      const std::string p = it->path().string();
      auto real = resolve(p, "");
      if (!real) return real.error();
      struct stat st;
      if (::stat(real->c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        if (it->path().filename() == ".git") continue;
        auto s = check_tree(*real, depth + 1);
        if (!s) return s;
      } else if (S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) > limits_.max_file_bytes) {
        return err(
            rel(p), "",
            "is larger than the limit of " + std::to_string(limits_.max_file_bytes) + " bytes");
      }
    }
    if (ec) return err(rel(dir), "", "cannot be listed: " + ec.message());
    return ok_status();
  }

  size_t files_ = 0;

 private:
  std::string root_;
  Limits limits_;
  size_t total_ = 0;
};

bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string kustomization_file(const std::string& dir) {
  for (const char* n : {"kustomization.yaml", "kustomization.yml", "Kustomization"})
    if (is_file(dir + "/" + n)) return dir + "/" + n;
  return "";
}

bool has_suffix(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// ---- plain directory

Status collect_plain(RepoReader& rd, const std::string& dir, const std::string& rel_dir, int depth,
                     bool top, std::vector<std::string>& files) {
  if (depth > 32) return err(rd.rel(dir), "", "directories nest deeper than 32 levels");
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  if (ec) return err(rd.rel(dir), "", "cannot be listed: " + ec.message());
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    if (n.empty() || n[0] == '.') continue;
    if (top && (n == "stages" || n == "env")) continue;
    if (++rd.files_ > rd.limits().max_files)
      return err(
          rd.rel(dir), "",
          "more than " + std::to_string(rd.limits().max_files) + " files; split the application");
    const std::string p = dir + "/" + n;
    const std::string r = rel_dir.empty() ? n : rel_dir + "/" + n;
    auto real = rd.resolve(p, "");
    if (!real) return real.error();
    if (is_dir(*real)) {
      auto s = collect_plain(rd, *real, r, depth + 1, false, files);
      if (!s) return s;
    } else if (has_suffix(n, ".yaml") || has_suffix(n, ".yml") || has_suffix(n, ".json")) {
      files.push_back(p);
    }
  }
  return ok_status();
}

Result<std::vector<Object>> render_plain(RepoReader& rd, const std::string& dir,
                                         const Limits& limits, std::vector<std::string>& notes) {
  std::vector<std::string> files;
  auto s = collect_plain(rd, dir, "", 0, true, files);
  if (!s) return s.error();
  std::vector<Object> all;
  for (const auto& f : files) {
    auto text = rd.read(f, "");
    if (!text) return text.error();
    auto objs = read_manifests(*text, rd.rel(f), limits, &notes);
    if (!objs) return objs.error();
    for (auto& o : *objs) all.push_back(std::move(o));
  }
  if (files.empty()) notes.push_back(rd.rel(dir) + ": no *.yaml, *.yml or *.json files");
  return all;
}

// ---- kustomize pre-flight

bool looks_remote(const std::string& s) {
  if (s.find("://") != std::string::npos || s.rfind("git@", 0) == 0 ||
      s.find("?ref=") != std::string::npos)
    return true;
  auto slash = s.find('/');
  std::string first = s.substr(0, slash);
  return slash != std::string::npos && first.find('.') != std::string::npos && first != "." &&
         first != ".." &&
         (first.rfind("github.", 0) == 0 || first.rfind("gitlab.", 0) == 0 ||
          first.rfind("bitbucket.", 0) == 0);
}

class KustomizeCheck {
 public:
  KustomizeCheck(RepoReader& rd, const Limits& limits) : rd_(rd), limits_(limits) {}

  Status dir(const std::string& d, int depth) {
    if (depth > 20)
      return err(rd_.rel(d), "", "kustomizations nest deeper than 20 levels; look for a cycle");
    if (!visited_.insert(d).second) return ok_status();
    const std::string kf = kustomization_file(d);
    if (kf.empty())
      return err(rd_.rel(d), "",
                 "is referenced as a kustomize resource but has no kustomization.yaml");
    auto text = rd_.read(kf, "");
    if (!text) return text.error();
    model::ParseLimits pl;
    pl.max_bytes = limits_.max_file_bytes;
    pl.max_alias_expansions = limits_.max_alias_expansions;
    pl.max_depth = limits_.max_depth;
    auto docs = model::parse_stream(*text, rd_.rel(kf), pl);
    if (!docs) return docs.error();
    if (docs->empty()) return ok_status();
    const json& k = docs->front().body;
    const std::string file = rd_.rel(kf);
    if (!k.is_object()) return err(file, "", "must be a mapping");
    for (const char* f : {"helmCharts", "helmChartInflationGenerator", "helmGlobals"})
      if (k.contains(f))
        return err(file, f,
                   "kustomize's Helm support downloads charts; point the Application at the chart "
                   "directory "
                   "(a Chart.yaml) instead");
    for (const char* f : {"resources", "bases", "components"}) {
      auto s = paths(k, f, d, file, depth, true);
      if (!s) return s;
    }
    for (const char* f : {"crds", "patchesStrategicMerge", "configurations", "generators",
                          "transformers", "validators"}) {
      auto s = paths(k, f, d, file, depth, false);
      if (!s) return s;
    }
    for (const char* f : {"patches", "patchesJson6902", "replacements"}) {
      if (!k.contains(f) || !k[f].is_array()) continue;
      for (size_t i = 0; i < k[f].size(); ++i) {
        const json& e = k[f][i];
        if (!e.is_object() || !e.contains("path") || !e["path"].is_string()) continue;
        auto s = one(e["path"].get<std::string>(), d, file,
                     std::string(f) + "[" + std::to_string(i) + "].path", depth, false);
        if (!s) return s;
      }
    }
    if (k.contains("openapi") && k["openapi"].is_object() && k["openapi"].contains("path") &&
        k["openapi"]["path"].is_string()) {
      auto s = one(k["openapi"]["path"].get<std::string>(), d, file, "openapi.path", depth, false);
      if (!s) return s;
    }
    for (const char* f : {"configMapGenerator", "secretGenerator"}) {
      if (!k.contains(f) || !k[f].is_array()) continue;
      for (size_t i = 0; i < k[f].size(); ++i) {
        const json& g = k[f][i];
        if (!g.is_object()) continue;
        const std::string base = std::string(f) + "[" + std::to_string(i) + "]";
        for (const char* list : {"files", "envs"}) {
          if (!g.contains(list) || !g[list].is_array()) continue;
          for (size_t j = 0; j < g[list].size(); ++j) {
            if (!g[list][j].is_string()) continue;
            std::string p = g[list][j].get<std::string>();
            if (auto eq = p.find('='); eq != std::string::npos && std::string(list) == "files")
              p = p.substr(eq + 1);
            auto s = one(p, d, file, base + "." + list + "[" + std::to_string(j) + "]", depth,
                         false, false);
            if (!s) return s;
          }
        }
        if (g.contains("env") && g["env"].is_string()) {
          auto s = one(g["env"].get<std::string>(), d, file, base + ".env", depth, false, false);
          if (!s) return s;
        }
      }
    }
    return ok_status();
  }

 private:
  Status paths(const json& k, const char* field, const std::string& d, const std::string& file,
               int depth, bool dirs_allowed) {
    if (!k.contains(field) || !k[field].is_array()) return ok_status();
    for (size_t i = 0; i < k[field].size(); ++i) {
      const json& v = k[field][i];
      if (!v.is_string()) continue;  // inline objects (patches, plugin configs)
      const std::string s = v.get<std::string>();
      if (s.find('\n') != std::string::npos) continue;  // inline patch
      auto st =
          one(s, d, file, std::string(field) + "[" + std::to_string(i) + "]", depth, dirs_allowed);
      if (!st) return st;
    }
    return ok_status();
  }

  Status one(const std::string& ref, const std::string& d, const std::string& file,
             const std::string& what, int depth, bool dirs_allowed, bool parse = true) {
    const std::string p = !ref.empty() && ref[0] == '/' ? ref : d + "/" + ref;
    if (looks_remote(ref) && !is_file(p) && !is_dir(p))
      return err(
          file, what,
          "\"" + ref +
              "\" is a remote resource; freightgate renders without network: vendor it into the "
              "repository");
    auto real = rd_.resolve(p, what);
    if (!real) {
      Error e = real.error();
      e.file = file;
      e.message = "\"" + ref + "\" " + e.message;
      return e;
    }
    if (is_dir(*real)) {
      if (!dirs_allowed) return err(file, what, "\"" + ref + "\" is a directory; name a file");
      auto s = rd_.check_tree(*real);
      if (!s) return s;
      return dir(*real, depth + 1);
    }
    auto text = rd_.read(*real, what);
    if (!text) return text.error();
    if (!parse) return ok_status();
    return check_stream(*text, rd_.rel(*real), limits_);
  }

  RepoReader& rd_;
  Limits limits_;
  std::set<std::string> visited_;
};

// ---- helm

bool is_helm_template(const std::vector<std::string>& cmd) {
  if (cmd.empty()) return false;
  const std::string& a = cmd[0];
  auto slash = a.rfind('/');
  return (slash == std::string::npos ? a : a.substr(slash + 1)) == "helm-template";
}

std::vector<std::string> helm_argv(const Request& r, const Tools& t,
                                   const std::vector<std::string>& values) {
  std::vector<std::string> argv = t.helm;
  const std::string release = r.release_name.empty() ? "release-name" : r.release_name;
  if (is_helm_template(t.helm)) {
    argv.insert(argv.end(), {".", "--name", release});
  } else {
    argv.insert(argv.end(), {"template", release, "."});
  }
  if (!r.namespace_.empty()) argv.insert(argv.end(), {"--namespace", r.namespace_});
  argv.push_back("--include-crds");
  if (!r.kube_version.empty()) argv.insert(argv.end(), {"--kube-version", r.kube_version});
  if (!is_helm_template(t.helm))
    for (const auto& a : r.api_versions) argv.insert(argv.end(), {"--api-versions", a});
  for (const auto& v : values) argv.insert(argv.end(), {"-f", v});
  for (const auto& [k, v] : r.helm_set) argv.insert(argv.end(), {"--set", k + "=" + v});
  return argv;
}

}  // namespace

Result<Output> render(const Request& req, const Tools& tools, const Runner& run) {
  Output out;
  char buf[PATH_MAX];
  if (!::realpath(req.repo_root.c_str(), buf))
    return err(req.repo_root, "", "the repository root does not exist");
  RepoReader rd(buf, req.limits);
  auto app = rd.resolve(req.app_dir, "");
  if (!app) return app.error();
  if (!is_dir(*app)) return err(rd.rel(*app), "", "the application path is not a directory");

  // 1. Stage directory.
  std::string dir = *app;
  for (const char* parent : {"stages", "env"}) {
    const std::string cand = *app + "/" + parent + "/" + req.stage;
    if (!req.stage.empty() && is_dir(cand)) {
      auto real = rd.resolve(cand, "");
      if (!real) return real.error();
      dir = *real;
      break;
    }
  }
  out.source_dir = rd.rel(dir);

  // 2. Base rendering.
  SourceKind kind = req.kind;
  if (kind == SourceKind::Auto) {
    if (!kustomization_file(dir).empty())
      kind = SourceKind::Kustomize;
    else if (is_file(dir + "/Chart.yaml"))
      kind = SourceKind::Helm;
    else
      kind = SourceKind::Directory;
  }
  out.kind = kind;
  std::vector<Object> objects;
  if (kind == SourceKind::Directory) {
    auto objs = render_plain(rd, dir, req.limits, out.notes);
    if (!objs) return objs.error();
    objects = std::move(*objs);
  } else {
    std::vector<std::string> argv;
    if (kind == SourceKind::Kustomize) {
      if (kustomization_file(dir).empty())
        return err(out.source_dir, "renderer",
                   "has no kustomization.yaml; set parameter renderer to auto");
      KustomizeCheck check(rd, req.limits);
      auto s = rd.check_tree(dir);
      if (!s) return s.error();
      s = check.dir(dir, 0);
      if (!s) return s.error();
      argv = tools.kustomize;
      argv.push_back(".");
    } else {
      if (!is_file(dir + "/Chart.yaml"))
        return err(out.source_dir, "renderer", "has no Chart.yaml; set parameter renderer to auto");
      auto s = rd.check_tree(dir);
      if (!s) return s.error();
      std::vector<std::string> values;
      for (size_t i = 0; i < req.values_files.size(); ++i) {
        const std::string& v = req.values_files[i];
        const std::string what = "values-files[" + std::to_string(i) + "]";
        if (looks_remote(v))
          return err("", what,
                     "\"" + v + "\" is remote; freightgate renders without network: commit it");
        auto real = rd.resolve(v.size() && v[0] == '/' ? v : dir + "/" + v, what);
        if (!real) {
          Error e = real.error();
          e.message = "\"" + v + "\" " + e.message;
          return e;
        }
        auto text = rd.read(*real, what);  // bounds and alias check before helm sees it
        if (!text) return text.error();
        auto st = check_stream(*text, rd.rel(*real), req.limits);
        if (!st) return st.error();
        values.push_back(*real);
      }
      argv = helm_argv(req, tools, values);
    }
    auto text = run(argv, dir);
    if (!text) return text.error();
    if (!rd.charge(text->size()))
      return err(
          out.source_dir, "",
          "the rendered output exceeds " + std::to_string(req.limits.max_total_bytes) + " bytes");
    Limits stream_limits = req.limits;
    stream_limits.max_file_bytes = req.limits.max_total_bytes;
    auto objs = read_manifests(*text, std::string(to_string(kind)) + " output of " + out.source_dir,
                               stream_limits, &out.notes);
    if (!objs) return objs.error();
    objects = std::move(*objs);
  }

  // 3. Pin, stamp, emit.
  PinOptions po;
  po.images = req.images;
  po.fail_on_unmatched_pin = req.fail_on_unmatched_pin;
  po.fail_on_floating = req.fail_on_floating;
  auto report = pin_images(objects, po);
  if (!report) return report.error();
  for (const auto& u : report->unmatched)
    out.notes.push_back("pinned image " + u + " matches no container in " + out.source_dir);
  if (req.stamp) stamp(objects, req.freight, req.stage);
  out.objects = objects.size();
  out.images_pinned = report->pinned;
  out.yaml = write_manifests(objects);
  return out;
}

}  // namespace freightgate::render
