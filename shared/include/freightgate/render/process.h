// Running a render tool (kustomize, helm) as a child process: argv only, no shell.
//
// The child is started with posix_spawnp (PATH lookup) in `cwd`, inherits the environment,
// gets /dev/null as stdin, and is killed (SIGKILL) when it outlives `timeout` or prints more
// than `max_output` bytes. stdout is returned; on failure the error carries the tool's last
// stderr line.
//
// Thread-safety: safe to call concurrently (no shared state).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "freightgate/status.h"

namespace freightgate::render {

struct RunLimits {
  std::chrono::milliseconds timeout{55000};  // under Argo CD's default 60 s budget
  size_t max_output = 64u << 20;
};

// Runs argv[0] (looked up in PATH) with argv[1..] in `cwd`. Returns stdout when it exits 0.
Result<std::string> run_process(const std::vector<std::string>& argv, const std::string& cwd,
                                const RunLimits& limits = {});

// How renderers run tools; tests may substitute their own.
using Runner = std::function<Result<std::string>(const std::vector<std::string>& argv,
                                                 const std::string& cwd)>;

// A Runner that calls run_process with `limits`.
Runner process_runner(RunLimits limits = {});

// True when `name` is an executable file in one of PATH's directories.
bool on_path(const std::string& name);

}  // namespace freightgate::render
