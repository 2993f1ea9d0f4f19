// Child processes without a shell: posix_spawnp, pipes for stdout/stderr, poll with a deadline.
#include "freightgate/render/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace freightgate::render {

namespace {

Error tool_error(const std::vector<std::string>& argv, const std::string& message) {
  Error e;
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
  e.object = "`" + cmd + "`";
  e.message = message;
  return e;
}

// Last non-empty line of a tool's stderr, trimmed, at most 400 bytes.
std::string last_line(const std::string& s) {
  size_t end = s.size();
  while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' ')) --end;
  size_t start = s.rfind('\n', end ? end - 1 : 0);
  start = start == std::string::npos ? 0 : start + 1;
  std::string line = s.substr(start, end - start);
  if (line.size() > 400) line = line.substr(0, 400) + "...";
  return line;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

}  // namespace

Result<std::string> run_process(const std::vector<std::string>& argv, const std::string& cwd,
                                const RunLimits& limits) {
  if (argv.empty()) return tool_error(argv, "no command configured");
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    return tool_error(argv, std::string("pipe: ") + std::strerror(errno));
  Fd out_r{out_pipe[0]}, out_w{out_pipe[1]};
  if (::pipe2(err_pipe, O_CLOEXEC) != 0)
    return tool_error(argv, std::string("pipe: ") + std::strerror(errno));
  Fd err_r{err_pipe[0]}, err_w{err_pipe[1]};

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_w.fd, 1);
  posix_spawn_file_actions_adddup2(&fa, err_w.fd, 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  out_w.reset();
  err_w.reset();
  if (rc != 0)
    return tool_error(argv, rc == ENOENT
                                ? "not found on PATH; install it in the sidecar image or configure "
                                  "the command (FG_KUSTOMIZE, FG_HELM)"
                                : std::string("cannot start: ") + std::strerror(rc));

  std::string out, err;
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  bool killed_time = false, killed_size = false;
  char buf[65536];
  while (out_r.fd >= 0 || err_r.fd >= 0) {
    pollfd fds[2];
    nfds_t n = 0;
    if (out_r.fd >= 0) fds[n++] = {out_r.fd, POLLIN, 0};
    if (err_r.fd >= 0) fds[n++] = {err_r.fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      killed_time = true;
      break;
    }
    int pr = ::poll(fds, n, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0) break;
    for (nfds_t i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      const bool is_out = fds[i].fd == out_r.fd;
      if (r <= 0) {
        (is_out ? out_r : err_r).reset();
        continue;
      }
      std::string& dst = is_out ? out : err;
      dst.append(buf, static_cast<size_t>(r));
      if (!is_out && err.size() > (1u << 20)) err.erase(0, err.size() - (1u << 19));
    }
    if (out.size() > limits.max_output) {
      killed_size = true;
      break;
    }
  }
  if (killed_time || killed_size) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (killed_time)
    return tool_error(
        argv, "did not finish within " + std::to_string(limits.timeout.count() / 1000) + " s");
  if (killed_size)
    return tool_error(argv, "printed more than " + std::to_string(limits.max_output >> 20) +
                                " MiB; split the application");
  if (WIFSIGNALED(status))
    return tool_error(argv, "killed by signal " + std::to_string(WTERMSIG(status)) +
                                (err.empty() ? "" : ": " + last_line(err)));
  if (WEXITSTATUS(status) != 0)
    return tool_error(argv, "failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")" +
                                (err.empty() ? "" : ": " + last_line(err)));
  return out;
}

Runner process_runner(RunLimits limits) {
  return [limits](const std::vector<std::string>& argv, const std::string& cwd) {
    return run_process(argv, cwd, limits);
  };
}

bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string p = path;
  size_t start = 0;
  while (start <= p.size()) {
    size_t colon = p.find(':', start);
    std::string dir = p.substr(start, colon == std::string::npos ? colon : colon - start);
    if (dir.empty()) dir = ".";
    std::string full = dir + "/" + name;
    struct stat st;
    if (::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(full.c_str(), X_OK) == 0)
      return true;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return false;
}

}  // namespace freightgate::render
