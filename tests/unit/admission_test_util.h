// Helpers shared by the admission tests: run real tools (kubectl, base64) on real inputs.
#pragma once

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "freightgate/file.h"

namespace fgtest {

// Runs `cmd` through /bin/sh, returns stdout; `rc` gets the exit status.
inline std::string run(const std::string& cmd, int* rc = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (rc) *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

inline std::string read_file(const std::string& path) {
  auto text = freightgate::read_file(path);
  return text ? std::move(*text) : std::string();
}

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

// A private scratch directory removed by the destructor.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/fg-admission-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { run("rm -rf " + shell_quote(path)); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

// Applies `patch` to `object` with `kubectl patch --local --type=json`, as kube-apiserver would.
// Returns the patched object, or a JSON string holding kubectl's error output.
inline nlohmann::json kubectl_patch(const nlohmann::json& object, const nlohmann::json& patch) {
  TempDir dir;
  std::string obj = dir.write("obj.json", object.dump());
  int rc = 0;
  std::string out = run("kubectl patch --local --type=json -f " + shell_quote(obj) + " -p " +
                            shell_quote(patch.dump()) + " -o json 2>&1",
                        &rc);
  if (rc != 0) return nlohmann::json("kubectl failed: " + out);
  return nlohmann::json::parse(out, nullptr, false);
}

}  // namespace fgtest
