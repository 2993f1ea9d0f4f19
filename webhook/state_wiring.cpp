#include "state_wiring.h"

#include <filesystem>
#include <system_error>

#include "freightgate/state/dir_source.h"
#include "logging.h"

// Set by CMakeLists.txt when shared/src/kube/kube_source.cpp is part of the core library.
#ifdef FG_HAVE_KUBE_SOURCE
#include "freightgate/kube/kube_source.h"
#endif

namespace freightgate::webhook {
namespace {

// Paths, sizes and mtimes of everything under `root`: changes when any file changes.
std::string dir_fingerprint(const std::string& root) {
  namespace fs = std::filesystem;
  std::string fp;
  std::error_code ec;
  auto add = [&fp](const fs::path& p) {
    std::error_code e;
    auto st = fs::status(p, e);
    if (e || !fs::is_regular_file(st)) return;
    auto size = fs::file_size(p, e);
    auto mtime = fs::last_write_time(p, e);
    fp += p.string() + ":" + std::to_string(size) + ":" +
          std::to_string(mtime.time_since_epoch().count()) + ";";
  };
  if (fs::is_regular_file(root, ec)) {
    add(root);
    return fp;
  }
  for (fs::recursive_directory_iterator
           it(root, fs::directory_options::follow_directory_symlink, ec),
       end;
       !ec && it != end; it.increment(ec))
    add(it->path());
  return fp;
}

}  // namespace

Result<OpenedState> open_state(const Flags& flags) {
  if (flags.state == "kube") {
#ifdef FG_HAVE_KUBE_SOURCE
    kube::KubeSourceOptions o;
    o.kubeconfig = flags.kubeconfig;
    o.context = flags.context;
    o.namespaces = flags.namespaces;
    o.max_staleness = flags.max_staleness;
    Error err;
    std::unique_ptr<state::Source> src = kube::make_kube_source(o, &err);
    if (!src) return err;
    OpenedState out;
    out.source = std::move(src);
    out.poll = [] {};
    return out;
#else
    return Error{"", 0, "", "--state",
                 "kube: not available in this build (no Kubernetes informers compiled in); "
                 "use --state dir:PATH with a directory of YAML, e.g. dir:examples/guestbook"};
#endif
  }
  auto path = state::parse_dir_spec(flags.state);
  if (!path) return path.error();
  auto src = state::DirSource::open(*path);
  if (!src) return src.error();
  std::shared_ptr<state::DirSource> dir = *src;
  auto seen = std::make_shared<std::string>(dir_fingerprint(*path));
  OpenedState out;
  out.source = dir;
  out.poll = [dir, seen, p = *path] {
    std::string fp = dir_fingerprint(p);
    if (fp == *seen) return;
    *seen = fp;
    auto st = dir->reload();
    if (!st)
      log::event(spdlog::level::err, "state reload failed; keeping the previous state",
                 {{"state", "dir:" + p}, {"error", st.error().to_string()}});
    else
      log::event(spdlog::level::info, "state reloaded",
                 {{"state", "dir:" + p}, {"objects", dir->current()->object_count()}});
  };
  return out;
}

}  // namespace freightgate::webhook
