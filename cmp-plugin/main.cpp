// freightgate-cmp: the Argo CD config-management plugin. A thin shell over render::render():
// reads the environment argocd-cmp-server provides, renders, writes the stream to stdout.
//
//   freightgate-cmp generate     the plugin's generate command (cwd = app path)
//   freightgate-cmp parameters   the dynamic parameters command (JSON announcements)
//   freightgate-cmp version
//
// On any error: exit 1, nothing on stdout, one line on stderr (Argo CD shows it verbatim).
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "freightgate/render/argocd_env.h"

extern char** environ;

namespace {

using freightgate::render::Env;

std::vector<std::pair<std::string, std::string>> environment() {
  std::vector<std::pair<std::string, std::string>> out;
  for (char** e = environ; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (!eq) continue;
    out.emplace_back(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
  }
  return out;
}

int fail(const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "freightgate-cmp: %s\n", line.c_str());
  return 1;
}

bool write_all(const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(1, s.data() + off, s.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

int generate(const Env& env, const std::vector<std::pair<std::string, std::string>>& raw) {
  char cwd[PATH_MAX];
  if (!::getcwd(cwd, sizeof cwd)) return fail("cannot read the working directory");
  char real[PATH_MAX];
  if (!::realpath(cwd, real)) return fail("cannot resolve the working directory");
  auto req = freightgate::render::request_from_env(env, real);
  if (!req) return fail(req.error().to_string());
  auto tools = freightgate::render::default_tools(raw);
  freightgate::render::RunLimits rl;
  if (auto it = env.find("FG_RENDER_TIMEOUT_SECONDS");
      it != env.end() && std::atoi(it->second.c_str()) > 0)
    rl.timeout = std::chrono::seconds(std::atoi(it->second.c_str()));
  auto out = freightgate::render::render(*req, tools, freightgate::render::process_runner(rl));
  if (!out) return fail(out.error().to_string());
  if (out->objects == 0)
    return fail(out->source_dir +
                ": rendered no objects; refusing to let Argo CD prune everything");
  for (const auto& n : out->notes) std::fprintf(stderr, "freightgate-cmp: note: %s\n", n.c_str());
  if (!write_all(out->yaml)) return fail("cannot write to stdout");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  try {
    auto raw = environment();
    Env env(raw.begin(), raw.end());
    if (cmd == "generate") return generate(env, raw);
    if (cmd == "parameters") {
      auto a = freightgate::render::announcements(env);
      if (!a) return fail(a.error().to_string());
      return write_all(*a + "\n") ? 0 : 1;
    }
    if (cmd == "version" || cmd == "--version") {
      std::printf("freightgate-cmp %s\n", FG_VERSION);
      return 0;
    }
    return fail("usage: freightgate-cmp generate|parameters|version");
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what());
  }
}
