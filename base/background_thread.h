// A thread that runs its owner's loop in the background, for loops that wait
// for work or for time. It starts on Start() and stops when its owner says
// so or is destroyed; in between the loop sleeps in its Wait calls, which
// Notify() and Stop() end early.
//
// An exception that escapes the loop ends the thread, never the process: it
// is kept for the owner (error(), problem()) and reported on stderr once,
// naming the thread, since a loop that stops unseen would leave its work
// undone in silence. Loops that go on after an error catch it themselves.
//
// Each Wait consumes the notifications made before it returns: a round of
// the loop that starts after a Notify() sees what that notification was
// about, so none is lost and none wakes the loop twice.
//
// Usage: declare it as the last member the loop uses, start it at the end of
// the owner's constructor, and Stop() it first in the owner's destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace jejak::base {

class BackgroundThread {
 public:
  BackgroundThread() = default;
  ~BackgroundThread() { Stop(); }
  BackgroundThread(const BackgroundThread&) = delete;
  BackgroundThread& operator=(const BackgroundThread&) = delete;

  // Runs loop on a new thread; once only. name (at most 15 characters shown)
  // names the thread for debuggers and in the error report.
  void Start(std::string name, std::function<void()> loop);

  // Ends the loop's current or next Wait early. Any thread.
  void Notify();
  // Makes every Wait return false from now on, at once, and joins the thread
  // (after the loop's last round). Idempotent; not from the loop itself.
  void Stop();

  // For the loop only. Each returns false once Stop() was called, else true:
  // Wait() after a Notify(); WaitFor/WaitUntil also when the time is up;
  // SleepFor only when the time is up (it consumes the notifications made
  // meanwhile too: the round after the sleep covers them).
  bool Wait();
  bool WaitFor(std::chrono::steady_clock::duration timeout);
  bool WaitUntil(std::chrono::steady_clock::time_point deadline);
  bool SleepFor(std::chrono::steady_clock::duration duration);
  // Whether Stop() was called; for loops that do not wait between rounds.
  bool stopping() const;

  // What escaped the loop, once it did; null otherwise.
  std::exception_ptr error() const;
  // Its message (what()), or "" if nothing escaped.
  std::string problem() const;

 private:
  void Run(const std::function<void()>& loop);

  std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool notified_ = false, stop_ = false;
  std::exception_ptr error_;
  std::string problem_;
  std::thread thread_;
};

}  // namespace jejak::base
