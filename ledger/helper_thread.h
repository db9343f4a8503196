// Internal: a second thread for the ledger writer's per-batch work. With one
// synchronous caller nothing overlaps an append's CPU work, so large batches
// hand part of it (checks and hashes, prepare.h; the Merkle tree's nodes,
// ledger.cpp) to this thread, which runs on the second core while the caller
// does the rest.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace jejak::ledger {

class HelperThread {
 public:
  HelperThread();
  // Waits for the work in hand, then stops.
  ~HelperThread();
  HelperThread(const HelperThread&) = delete;
  HelperThread& operator=(const HelperThread&) = delete;

  // Starts work on the thread and returns true, or returns false if another
  // caller holds it (then the caller does the work itself). After true, the
  // caller must call Wait() before it starts anything else here.
  bool TryStart(std::function<void()> work);
  // Waits for the work started, and rethrows what it threw.
  void Wait();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> work_;  // set while the thread has work to do
  // Whether work_ is set, also read without the lock: Wait() polls it a
  // little before it sleeps (helper_thread.cpp).
  std::atomic<bool> busy_{false};
  std::exception_ptr error_;
  bool held_ = false;  // a caller holds the thread, from TryStart() to Wait()
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace jejak::ledger
