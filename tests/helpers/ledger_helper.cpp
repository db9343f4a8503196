// A child process for the multi-process ledger tests, which must not fork a
// test process that may already run RocksDB threads:
//   ledger_helper append DIR ROUND  appends forever from several threads and
//                                   prints "seq n" once entry seq, the bytes
//                                   of SampleEvent(n), is acknowledged
//   ledger_helper hold DIR N        opens DIR for writing, appends N entries,
//                                   prints "ready" and waits to be killed
//   ledger_helper open DIR          tries to open DIR for writing; prints
//                                   "opened" or "<error code> <message>"
//   ledger_helper immutable DIR     appends 10 entries, makes DIR immutable
//                                   (chattr -R +i; prints "immutable", or
//                                   "mutable" if it cannot), appends 2 more
//                                   ("appended" or "<error code> <message>"),
//                                   prints "size N" and "health S", closes
//                                   the ledger and prints "closed"
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "events/encoding.h"
#include "ledger/ledger.h"
#include "tests/testutil.h"

namespace {

using jejak::ledger::Ledger;

// One write(2) per line: lines from several threads never interleave.
void Say(const std::string& line) {
  std::string l = line + "\n";
  if (write(STDOUT_FILENO, l.data(), l.size()) != static_cast<ssize_t>(l.size())) _exit(1);
}

std::string Bytes(uint64_t n) { return jejak::events::Encode(jejak::testing::SampleEvent(n)); }

[[noreturn]] void Append(Ledger& ledger, uint64_t round) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ledger, round, t] {
      // Distinct n per round, thread and entry; odd threads append batches.
      uint64_t n = round * 100'000'000 + t * 10'000'000;
      for (uint64_t i = 0;; ++i) {
        if (t % 2 == 0) {
          Say(fmt::format("{} {}", ledger.Append(Bytes(n)).seq, n));
          ++n;
          continue;
        }
        std::vector<std::string> batch;
        size_t size = 1 + i % 7;
        for (size_t k = 0; k < size; ++k) batch.push_back(Bytes(n + k));
        auto appended = ledger.AppendBatch(std::move(batch));
        for (size_t k = 0; k < appended.size(); ++k)
          Say(fmt::format("{} {}", appended[k].seq, n + k));
        n += size;
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  try {
    if (args.size() == 4 && args[1] == "append") {
      auto ledger = Ledger::Open(args[2]);
      Append(*ledger, std::stoull(args[3]));
    }
    if (args.size() == 4 && args[1] == "hold") {
      auto ledger = Ledger::Open(args[2]);
      for (uint64_t i = 0; i < std::stoull(args[3]); ++i) ledger->Append(Bytes(i));
      Say("ready");
      for (;;) pause();
    }
    if (args.size() == 3 && args[1] == "open") {
      auto ledger = Ledger::Open(args[2]);
      Say("opened");
      return 0;
    }
    if (args.size() == 3 && args[1] == "immutable") {
      auto ledger = Ledger::Open(args[2]);
      for (uint64_t i = 0; i < 10; ++i) ledger->Append(Bytes(i));
      bool immutable = std::system(("chattr -R +i " + args[2] + " 2>/dev/null").c_str()) == 0;
      Say(immutable ? "immutable" : "mutable");
      try {
        ledger->AppendBatch({Bytes(10), Bytes(11)});
        Say("appended");
      } catch (const jejak::base::Error& e) {
        Say(fmt::format("{} {}", jejak::base::ErrorCodeName(e.code()), e.what()));
      }
      Say(fmt::format("size {}", ledger->size()));
      Say(fmt::format("health {}", static_cast<int>(ledger->Health().state)));
      ledger.reset();
      Say("closed");
      return 0;
    }
  } catch (const jejak::base::Error& e) {
    Say(fmt::format("{} {}", jejak::base::ErrorCodeName(e.code()), e.what()));
    return 3;
  }
  fmt::print(stderr,
             "usage: ledger_helper append DIR ROUND | hold DIR N | open DIR | immutable DIR\n");
  return 2;
}
