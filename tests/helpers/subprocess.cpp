#include "tests/helpers/subprocess.h"

#include "tests/helpers/paths.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace jejak::testing {

Subprocess::Subprocess(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    // Only async-signal-safe calls between fork and exec.
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  fds_[0] = out[0];
  fds_[1] = err[0];
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && status_ < 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  for (int fd : fds_) {
    if (fd >= 0) close(fd);
  }
}

void Subprocess::Kill(int sig) { kill(pid_, sig); }

bool Subprocess::ReadUntil(const std::string& marker, std::chrono::milliseconds timeout) {
  Pump(std::chrono::steady_clock::now() + timeout,
       [&] { return out_.find(marker) != std::string::npos; });
  return out_.find(marker) != std::string::npos;
}

void Subprocess::Drain(std::chrono::milliseconds duration) {
  Pump(std::chrono::steady_clock::now() + duration, [] { return false; });
}

int Subprocess::Wait() {
  Pump(std::chrono::steady_clock::time_point::max(), [] { return false; });
  int status = 0;
  waitpid(pid_, &status, 0);
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return status_;
}

void Subprocess::Pump(std::chrono::steady_clock::time_point deadline,
                      const std::function<bool()>& done) {
  while (!done() && (fds_[0] >= 0 || fds_[1] >= 0)) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= left.zero()) return;
    int ms = static_cast<int>(
        std::min<int64_t>(std::chrono::ceil<std::chrono::milliseconds>(left).count(), 1000));
    pollfd p[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
    if (poll(p, 2, ms) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds_[i] < 0 || p[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = read(fds_[i], buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out_ : err_).append(buf, n);
      } else if (n == 0 || errno != EINTR) {
        close(fds_[i]);
        fds_[i] = -1;
      }
    }
  }
}

RunResult Run(const std::vector<std::string>& argv) {
  Subprocess p(argv);
  int code = p.Wait();
  return {code, p.out(), p.err()};
}

RunResult RunJejak(std::vector<std::string> args, const std::string& data_dir) {
  args.insert(args.begin(), JejakBin());
  if (!data_dir.empty()) args.insert(args.end(), {"--data", data_dir});
  return Run(args);
}

}  // namespace jejak::testing
