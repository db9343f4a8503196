// Live projections: a thread that applies new ledger entries to
// DATA/projections right after the engine commits them, so that status and
// reports see a command within milliseconds. It wakes on Notify() (the
// server calls it after each command) and polls every interval otherwise
// (SLA breaches the engine appends on its own).
//
// Readers use Read(), which holds a shared lock: the projector's store
// stages changes in memory while applying, so reads and applies must not
// overlap.
//
// A failed catch-up (a full disk, say) leaves the view as it was and is
// retried after a wait that doubles from 100 ms up to 30 s, one line on
// stderr each time, until one succeeds.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/background_thread.h"
#include "ledger/ledger.h"
#include "projections/projector.h"

namespace jejak::projections {

class LiveProjector {
 public:
  // Opens dir for writing (Error(kBusy) if another process has it) and
  // catches up with ledger before returning. ledger must outlive this.
  // env: tests inject storage faults through it; null: the default.
  LiveProjector(const ledger::Ledger& ledger, const std::string& dir,
                std::chrono::milliseconds interval = std::chrono::milliseconds(20),
                rocksdb::Env* env = nullptr);
  ~LiveProjector();  // stops the thread after a last catch-up
  LiveProjector(const LiveProjector&) = delete;
  LiveProjector& operator=(const LiveProjector&) = delete;

  void Notify();
  // Waits until entries [0, seq) are applied; false after timeout.
  bool WaitFor(uint64_t seq, std::chrono::milliseconds timeout);
  // The same without a waiting thread: calls fn once entries [0, seq) are
  // applied, or timeout passed, or the projector stops; at once (on this
  // thread) if they are applied already, else on the projector's thread, so
  // fn must be quick.
  void WhenApplied(uint64_t seq, std::chrono::milliseconds timeout, std::function<void()> fn);
  void Read(const std::function<void(const Store&)>& fn) const;
  // Entries [0, next_seq()) are applied. Lock-free: reads check it on every
  // request.
  uint64_t next_seq() const { return applied_.load(std::memory_order_acquire); }
  // Why the last catch-up failed (or the thread stopped), or "" if it
  // succeeded.
  std::string problem() const;
  // Failed catch-ups since the start.
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  void Run();
  void CatchUpOnce();
  // CatchUpOnce(); an exception other than base::Error also answers every
  // waiter, now and later, before it ends the thread.
  void CatchUpOnceOrStop();
  void RunWaiters(bool all);

  struct Waiter {
    uint64_t seq;
    std::chrono::steady_clock::time_point deadline;
    std::function<void()> fn;
  };

  const ledger::Ledger& ledger_;
  std::chrono::milliseconds interval_;
  mutable std::shared_mutex store_mu_;  // guards projector_
  std::unique_ptr<Projector> projector_;
  mutable std::mutex mu_;  // guards the members below
  std::condition_variable applied_cv_;
  bool stop_ = false;
  // Written under mu_ (for the waits), read without it by next_seq().
  std::atomic<uint64_t> applied_ = 0;
  std::vector<Waiter> waiters_;
  std::string problem_;  // guarded by mu_
  std::atomic<uint64_t> errors_ = 0;
  base::BackgroundThread thread_;  // runs Run()
};

}  // namespace jejak::projections
