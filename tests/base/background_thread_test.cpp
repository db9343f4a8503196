#include "base/background_thread.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/testutil.h"

namespace jejak::base {
namespace {

using namespace std::chrono_literals;

// Polls cond for up to 10 s.
template <typename F>
bool Eventually(F cond) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST_CASE("background thread: Notify wakes Wait, and Stop ends the loop") {
  std::atomic<int> rounds{0};
  std::atomic<bool> returned{false};
  BackgroundThread t;
  t.Start("test-notify", [&] {
    while (t.Wait()) ++rounds;
    returned = true;
  });
  std::this_thread::sleep_for(50ms);
  CHECK(rounds == 0);  // nothing wakes it but Notify
  t.Notify();
  CHECK(Eventually([&] { return rounds == 1; }));
  std::this_thread::sleep_for(20ms);
  CHECK(rounds == 1);  // one notification, one round
  t.Stop();
  CHECK(returned);
  CHECK(t.stopping());
  CHECK(t.error() == nullptr);
  t.Stop();  // again: nothing happens
}

TEST_CASE("background thread: no notification is lost") {
  std::mutex mu;
  std::deque<int> queue;
  std::atomic<int> taken{0};
  BackgroundThread t;
  t.Start("test-queue", [&] {
    do {
      std::lock_guard lock(mu);
      taken += static_cast<int>(queue.size());
      queue.clear();
    } while (t.Wait());
  });
  for (int i = 0; i < 10'000; ++i) {
    {
      std::lock_guard lock(mu);
      queue.push_back(i);
    }
    t.Notify();
  }
  CHECK(Eventually([&] { return taken == 10'000; }));
}

TEST_CASE("background thread: WaitFor wakes at its interval, SleepFor ignores Notify") {
  std::atomic<int> rounds{0};
  {
    BackgroundThread t;
    t.Start("test-interval", [&] {
      while (t.WaitFor(5ms)) ++rounds;
    });
    CHECK(Eventually([&] { return rounds >= 3; }));
  }  // the destructor stops it
  std::atomic<bool> woke{false}, result{true};
  BackgroundThread t;
  t.Start("test-sleep", [&] {
    result = t.SleepFor(1h);
    woke = true;
  });
  t.Notify();
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(woke);
  auto before = std::chrono::steady_clock::now();
  t.Stop();
  CHECK(std::chrono::steady_clock::now() - before < 5s);
  CHECK(woke);
  CHECK_FALSE(result);  // false: stopping
}

TEST_CASE("background thread: an exception that escapes the loop is kept and reported") {
  // stderr into a file, to read the report.
  testing::TempDir dir;
  std::string log = dir.Sub("stderr");
  std::fflush(stderr);
  int saved = ::dup(2);
  FILE* f = std::fopen(log.c_str(), "w");
  REQUIRE(f != nullptr);
  ::dup2(::fileno(f), 2);
  BackgroundThread t;
  t.Start("test-throw", [&] {
    t.Wait();
    throw std::runtime_error("the disk caught fire");
  });
  CHECK(t.error() == nullptr);
  t.Notify();
  bool failed = Eventually([&] { return t.error() != nullptr; });
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::fclose(f);
  REQUIRE(failed);
  CHECK(t.problem() == "the disk caught fire");
  CHECK_THROWS_WITH_AS(std::rethrow_exception(t.error()), "the disk caught fire",
                       std::runtime_error);
  t.Notify();  // harmless once it stopped
  t.Stop();
  std::ifstream in(log);
  std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(report == "jejak: the test-throw thread stopped: the disk caught fire\n");
}

TEST_CASE("background thread: Stop before Start, and a loop that ends by itself") {
  BackgroundThread idle;
  idle.Stop();  // never started: nothing to join
  BackgroundThread once;
  std::atomic<bool> ran{false};
  once.Start("test-once", [&] { ran = true; });
  CHECK(Eventually([&] { return ran.load(); }));
  once.Notify();
  once.Stop();
  CHECK(once.error() == nullptr);
  CHECK(once.problem().empty());
}

}  // namespace
}  // namespace jejak::base
