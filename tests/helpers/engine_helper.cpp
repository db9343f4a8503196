// A child process for the engine's crash tests, which must not fork a test
// process that may already run RocksDB threads:
//   engine_helper deadlines DIR FROM STEP
//     opens the engine on DIR (the tests' KEK) with its clock at FROM (µs
//     since the epoch), prints "opened", then forever moves the clock on by
//     STEP µs and checks deadlines, about every millisecond, printing "seq type request" for each
//     event that took. JEJAK_CRASH_POINT may kill it on the way.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "base/error.h"
#include "engine/engine.h"
#include "tests/helpers/clocked_engine.h"

namespace {

// One write(2) per line, so that a kill never leaves half a line.
void Say(const std::string& line) {
  std::string l = line + "\n";
  if (write(STDOUT_FILENO, l.data(), l.size()) != static_cast<ssize_t>(l.size())) _exit(1);
}

int Deadlines(const std::string& dir, int64_t from, int64_t step) {
  std::atomic<int64_t> now{from};
  auto engine = jejak::engine::Engine::Open(jejak::testing::ClockedEngineOptions(dir, now));
  Say("opened");
  // Bounded, so that a parent that fails to kill it leaves no process behind.
  for (int i = 0; i < 1'000'000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    now += step;
    for (const auto& a : engine->CheckDeadlines()) {
      Say(fmt::format("{} {} {}", a.event.seq, a.event.type, a.event.request_id));
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string usage = "usage: engine_helper deadlines DIR FROM STEP";
  if (argc != 5 || std::string(argv[1]) != "deadlines") {
    fmt::print(stderr, "{}\n", usage);
    return 2;
  }
  try {
    return Deadlines(argv[2], std::stoll(argv[3]), std::stoll(argv[4]));
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 1;
  }
}
