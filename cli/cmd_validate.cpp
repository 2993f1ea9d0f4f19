// `freightgate validate -f FILE_OR_DIR...`: decodes every kargo.akuity.io, freightgate.io and
// argoproj.io Application document offline and prints one line per problem
// (`file:line: Kind "name": field: message`). Exit 0 and no output when all is well, 1 when
// there is a problem, 2 on a usage error.
//
// Directories are walked recursively for *.yaml, *.yml and *.json; hidden directories and Helm
// charts (a directory holding Chart.yaml: its templates are not YAML) are skipped.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "command.h"
#include "freightgate/model/decode.h"
#if __has_include("freightgate/pipeline/graph.h")
#include "freightgate/pipeline/graph.h"
#define FG_VALIDATE_GRAPH 1
#endif

namespace freightgate::cli {
namespace {

namespace fs = std::filesystem;
namespace fm = freightgate::model;

bool yaml_name(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Files under `root` in a stable order; problems (missing paths) go to `problems`.
void collect(const std::string& root, std::vector<std::string>& files,
             std::vector<std::string>& problems) {
  std::error_code ec;
  const fs::file_status st = fs::status(root, ec);
  if (ec || !fs::exists(st)) {
    problems.push_back(root + ": no such file or directory");
    return;
  }
  if (!fs::is_directory(st)) {
    files.push_back(root);  // named explicitly: read whatever its extension
    return;
  }
  std::vector<std::string> found;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    if (it->is_directory(ec)) {
      const std::string name = p.filename().string();
      if ((name.size() > 1 && name[0] == '.') || fs::exists(p / "Chart.yaml", ec))
        it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && yaml_name(p)) found.push_back(p.string());
  }
  if (ec) problems.push_back(root + ": " + ec.message());
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
}

// The documents `validate` is about: Kargo's group, freightgate's, Argo CD Applications.
bool in_scope(const fm::Document& d) {
  if (!d.body.is_object()) return false;
  auto av = d.body.find("apiVersion");
  auto kind = d.body.find("kind");
  if (av == d.body.end() || !av->is_string()) return false;
  const std::string a = *av;
  const std::string group = a.substr(0, a.find('/'));
  if (group == fm::kKargoGroup || group == fm::kFreightgateGroup) return true;
  return group == fm::kArgoGroup && kind != d.body.end() && *kind == "Application";
}

// "spec.requestedFreight[0].sources.stages[1]" -> "/spec/requestedFreight/0/sources/stages/1".
std::string pointer_of(const std::string& dotted) {
  std::string ptr, tok;
  auto flush = [&] {
    std::string esc;
    for (char c : tok)
      esc += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    ptr += "/" + esc;
    tok.clear();
  };
  for (size_t i = 0; i < dotted.size(); ++i) {
    const char c = dotted[i];
    if (c == '.') {
      if (!tok.empty()) flush();
    } else if (c == '[') {
      if (!tok.empty()) flush();
      size_t end = dotted.find(']', i);
      if (end == std::string::npos) end = dotted.size();
      tok = dotted.substr(i + 1, end - i - 1);
      flush();
      i = end;
    } else {
      tok += c;
    }
  }
  if (!tok.empty()) flush();
  return ptr;
}

int run_validate(const std::vector<std::string>& args) {
  std::vector<std::string> roots;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::printf(
          "usage: freightgate validate -f FILE_OR_DIR...\n"
          "Decodes every kargo.akuity.io, freightgate.io and argoproj.io Application document\n"
          "in the files (directories: *.yaml, *.yml, *.json, recursively) and prints one line\n"
          "per problem. Exit status: 0 no problem, 1 problems, 2 usage error.\n");
      return 0;
    }
    if (a == "-f" || a == "--filename") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "freightgate validate: %s needs a file or directory\n", a.c_str());
        return 2;
      }
      roots.push_back(args[++i]);
    } else if (a.rfind("--filename=", 0) == 0) {
      roots.push_back(a.substr(11));
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(
          stderr,
          "freightgate validate: unknown flag %s; usage: freightgate validate -f FILE_OR_DIR...\n",
          a.c_str());
      return 2;
    } else {
      roots.push_back(a);  // more paths after -f A: `-f A B C`
    }
  }
  if (roots.empty()) {
    std::fprintf(stderr,
                 "freightgate validate: no input; usage: freightgate validate -f FILE_OR_DIR...\n");
    return 2;
  }

  std::vector<Error> problems;
  std::vector<std::string> files;
  std::vector<std::string> missing;
  for (const auto& r : roots) collect(r, files, missing);
  for (const auto& m : missing) {
    Error e;
    e.message = m;
    problems.push_back(e);
  }

  std::vector<std::vector<fm::Document>> streams;  // kept alive: graph errors look lines up
  std::vector<fm::Stage> stages;
  std::map<std::pair<std::string, int>, const fm::Document*> doc_at;  // (file, line) -> doc
  for (const auto& file : files) {
    auto docs = fm::parse_file(file);
    if (!docs) {
      problems.push_back(docs.error());
      continue;
    }
    streams.push_back(std::move(*docs));
    for (const auto& d : streams.back()) {
      if (!in_scope(d)) continue;
      std::vector<Error> errors;
      fm::AnyObject o = fm::decode_partial(d, errors);
      problems.insert(problems.end(), errors.begin(), errors.end());
      if (auto* s = std::get_if<fm::Stage>(&o); s && !s->metadata.name.empty()) {
        stages.push_back(*s);
        doc_at[{d.file, d.line}] = &d;
      }
    }
  }

#ifdef FG_VALIDATE_GRAPH
  // Stage graph per project: unknown upstream Stages, an origin requested twice, Stages
  // defined twice, cycles. The graph names the Stage's document; the field's own line is
  // looked up here.
  for (const auto& [ns, graph] : pipeline::build_project_graphs(stages)) {
    for (Error e : graph.errors()) {
      auto it = doc_at.find({e.file, e.line});
      if (it != doc_at.end() && !e.path.empty()) e.line = it->second->line_of(pointer_of(e.path));
      problems.push_back(std::move(e));
    }
  }
#else
  // TODO(model): stage graph checks once freightgate/pipeline/graph.h lands.
  (void)pointer_of;
#endif

  // File order (as collected), then line; problems of one line keep their order.
  std::map<std::string, size_t> file_rank;
  for (size_t i = 0; i < files.size(); ++i) file_rank.emplace(files[i], i);
  std::stable_sort(problems.begin(), problems.end(), [&](const Error& a, const Error& b) {
    auto rank = [&](const Error& e) {
      auto it = file_rank.find(e.file);
      return it == file_rank.end() ? size_t{0} : it->second + 1;
    };
    return std::make_pair(rank(a), a.line) < std::make_pair(rank(b), b.line);
  });
  for (const auto& p : problems) std::printf("%s\n", p.to_string().c_str());
  return problems.empty() ? 0 : 1;
}

const Registration kValidate{Command{
    {"validate"},
    "validate -f FILE_OR_DIR...",
    "check Kargo, freightgate and Argo CD Application manifests offline",
    run_validate,
}};

}  // namespace
}  // namespace freightgate::cli
