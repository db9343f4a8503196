// Child processes for tests that run programs (jejak, helpers).
#pragma once

#include <sys/types.h>

#include <csignal>  // Kill(SIGKILL)

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace jejak::testing {

// A child process started with fork+exec (safe even once RocksDB threads run
// in the parent), stdin from /dev/null, stdout and stderr into pipes. The
// destructor kills and reaps it if it is still running.
class Subprocess {
 public:
  explicit Subprocess(const std::vector<std::string>& argv);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  void Kill(int sig);

  // Reads output until stdout holds marker, both pipes close, or timeout.
  bool ReadUntil(const std::string& marker, std::chrono::milliseconds timeout);
  // Reads output for a while, so that a chatty child never blocks on a full pipe.
  void Drain(std::chrono::milliseconds duration);

  // Reads all output until both pipes close, then reaps the child. Returns
  // its exit code, or -signal if a signal ended it.
  int Wait();

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  void Pump(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done);

  pid_t pid_ = -1;
  int fds_[2] = {-1, -1};
  int status_ = -1;
  std::string out_, err_;
};

struct RunResult {
  int exit_code;
  std::string out, err;
};

// Runs argv to completion, capturing its output.
RunResult Run(const std::vector<std::string>& argv);

// Runs the jejak executable with args, and --data data_dir when given.
RunResult RunJejak(std::vector<std::string> args, const std::string& data_dir = "");

}  // namespace jejak::testing
