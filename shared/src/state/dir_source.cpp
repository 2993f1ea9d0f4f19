#include "freightgate/state/dir_source.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

namespace freightgate::state {

namespace fs = std::filesystem;

namespace {

bool wanted(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 1 && name[0] == '.' && name != "..";
}

Error path_error(const std::string& path, std::string message) {
  Error e;
  e.file = path;
  e.message = std::move(message);
  return e;
}

// The files to load, in sorted order.
Result<std::vector<std::string>> list_files(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    return path_error(path,
                      "state directory does not exist; pass --state dir:PATH with an "
                      "existing directory of YAML/JSON manifests");
  }
  if (fs::is_regular_file(st)) return std::vector<std::string>{path};
  if (!fs::is_directory(st)) {
    return path_error(path,
                      "not a directory or regular file; pass --state dir:PATH with a "
                      "directory of YAML/JSON manifests");
  }
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  if (ec) return path_error(path, "cannot read directory: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return path_error(path, "cannot read directory: " + ec.message());
    const fs::directory_entry& entry = *it;
    if (hidden(entry.path())) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_regular_file(ec) && wanted(entry.path())) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Identity {
  std::string kind, ns, name;
  bool operator<(const Identity& o) const {
    return std::tie(kind, ns, name) < std::tie(o.kind, o.ns, o.name);
  }
};

}  // namespace

Result<std::vector<model::AnyObject>> load_dir(const std::string& path,
                                               const model::ParseLimits& limits) {
  auto files = list_files(path);
  if (!files) return files.error();
  std::vector<model::AnyObject> objects;
  std::map<Identity, std::pair<std::string, int>> seen;  // -> file, line
  for (const std::string& file : *files) {
    auto docs = model::parse_file(file, limits);
    if (!docs) {
      Error e = docs.error();
      if (e.file.empty()) e.file = file;
      return e;
    }
    for (const model::Document& doc : *docs) {
      // Documents that are not Kubernetes objects at all (Helm values, plugin configs) are not
      // state; skip them rather than fail the whole directory.
      if (!doc.body.is_object() ||
          (!doc.body.contains("kind") && !doc.body.contains("apiVersion"))) {
        continue;
      }
      auto obj = model::decode_any(doc);
      if (!obj) {
        Error e = obj.error();
        if (e.file.empty()) e.file = file;
        if (e.line == 0) e.line = doc.line;
        return e;
      }
      auto dup = std::visit(
          [&](const auto& o) -> std::optional<Error> {
            // Unknown kinds (Deployments, kustomize patches) may legitimately repeat.
            if constexpr (std::is_same_v<std::decay_t<decltype(o)>, model::Unknown>)
              return std::nullopt;
            if (o.kind.empty() || o.metadata.name.empty()) return std::nullopt;
            Identity id{o.kind, o.metadata.namespace_, o.metadata.name};
            auto [it, inserted] = seen.try_emplace(id, file, doc.line);
            if (inserted) return std::nullopt;
            Error e;
            e.file = file;
            e.line = doc.line;
            e.object = o.display_name();
            e.message = "defined twice (first at " + it->second.first + ":" +
                        std::to_string(it->second.second) + "); keep one of the two documents";
            return e;
          },
          *obj);
      if (dup) return *dup;
      objects.push_back(std::move(*obj));
    }
  }
  return objects;
}

Result<std::string> parse_dir_spec(std::string_view spec) {
  constexpr std::string_view kPrefix = "dir:";
  if (spec.substr(0, kPrefix.size()) != kPrefix || spec.size() == kPrefix.size()) {
    Error e;
    e.path = "--state";
    e.message = "\"" + std::string(spec) +
                "\" is not a directory source; use dir:PATH (a directory of YAML/JSON "
                "manifests) or kube";
    return e;
  }
  return std::string(spec.substr(kPrefix.size()));
}

DirSource::DirSource(std::string path, model::ParseLimits limits)
    : path_(std::move(path)), limits_(limits) {}

Result<std::shared_ptr<DirSource>> DirSource::open(const std::string& path,
                                                   const model::ParseLimits& limits) {
  std::shared_ptr<DirSource> src(new DirSource(path, limits));
  Status st = src->reload();
  if (!st) return st.error();
  return src;
}

Status DirSource::reload() {
  auto objects = load_dir(path_, limits_);
  if (!objects) return objects.error();
  const model::Time now = model::Clock::now();
  auto snap = Snapshot::build(std::move(*objects), now);
  auto authz = std::make_shared<const RbacAuthorizer>(snap);
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = std::move(snap);
  authorizer_ = std::move(authz);
  last_sync_ = now;
  return ok_status();
}

std::shared_ptr<const Snapshot> DirSource::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

bool DirSource::ready() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_ != nullptr;
}

std::optional<model::Time> DirSource::last_sync() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_sync_;
}

std::shared_ptr<const admission::Authorizer> DirSource::authorizer() const {
  std::lock_guard<std::mutex> lock(mu_);
  return authorizer_;
}

}  // namespace freightgate::state
