#include "projections/live_projector.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "base/error.h"
#include "projections/catch_up.h"
#include "projections/store.h"

namespace jejak::projections {

LiveProjector::LiveProjector(const ledger::Ledger& ledger, const std::string& dir,
                             std::chrono::milliseconds interval, rocksdb::Env* env)
    : ledger_(ledger),
      interval_(interval),
      projector_(std::make_unique<Projector>(Store::Open(dir, env))) {
  CatchUpOnce();
  thread_.Start("jejak-projector", [this] { Run(); });
}

LiveProjector::~LiveProjector() {
  {
    // Under mu_, so that no waiter is added after the last round.
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  thread_.Stop();
}

void LiveProjector::Notify() { thread_.Notify(); }

bool LiveProjector::WaitFor(uint64_t seq, std::chrono::milliseconds timeout) {
  Notify();
  std::unique_lock lock(mu_);
  return applied_cv_.wait_for(lock, timeout, [&] { return applied_ >= seq || stop_; }) &&
         applied_ >= seq;
}

void LiveProjector::WhenApplied(uint64_t seq, std::chrono::milliseconds timeout,
                                std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (applied_ < seq && !stop_) {
      waiters_.push_back({seq, std::chrono::steady_clock::now() + timeout, std::move(fn)});
      fn = nullptr;
    }
  }
  if (fn) return fn();
  thread_.Notify();
}

void LiveProjector::RunWaiters(bool all) {
  std::vector<Waiter> ready;
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    auto done = [&](const Waiter& w) { return all || applied_ >= w.seq || now >= w.deadline; };
    auto keep = std::stable_partition(waiters_.begin(), waiters_.end(),
                                      [&](const Waiter& w) { return !done(w); });
    std::move(keep, waiters_.end(), std::back_inserter(ready));
    waiters_.erase(keep, waiters_.end());
  }
  for (auto& w : ready) w.fn();
}

void LiveProjector::Read(const std::function<void(const Store&)>& fn) const {
  std::shared_lock lock(store_mu_);
  fn(projector_->store());
}

void LiveProjector::CatchUpOnce() {
  uint64_t next;
  {
    std::unique_lock lock(store_mu_);
    CatchUpFromLedger(*projector_, ledger_);
    next = projector_->next_seq();
  }
  {
    std::lock_guard lock(mu_);
    applied_ = next;
  }
  applied_cv_.notify_all();
}

std::string LiveProjector::problem() const {
  if (std::string stopped = thread_.problem(); !stopped.empty()) return stopped;
  std::lock_guard lock(mu_);
  return problem_;
}

void LiveProjector::CatchUpOnceOrStop() {
  try {
    CatchUpOnce();
  } catch (const base::Error&) {
    throw;  // retried
  } catch (...) {
    // Not a storage fault, so not retried: the thread stops (base/
    // background_thread.h reports it), and no waiter is left waiting for it.
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    RunWaiters(true);
    applied_cv_.notify_all();
    throw;
  }
}

void LiveProjector::Run() {
  constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
  constexpr auto kMaxBackoff = std::chrono::milliseconds(30'000);
  std::chrono::milliseconds backoff{0};
  for (;;) {
    // Commands notify as usual while backing off; retrying at once would only
    // fail again.
    bool stopping = backoff.count() > 0 ? !thread_.SleepFor(backoff) : !thread_.WaitFor(interval_);
    try {
      CatchUpOnceOrStop();
      if (backoff.count() > 0) fmt::print(stderr, "jejak serve: projections: writing again\n");
      backoff = std::chrono::milliseconds(0);
      std::lock_guard lock(mu_);
      problem_.clear();
    } catch (const base::Error& e) {
      // The view stays as it was.
      errors_.fetch_add(1, std::memory_order_relaxed);
      backoff = std::min(kMaxBackoff, backoff.count() > 0 ? 2 * backoff : kFirstBackoff);
      fmt::print(stderr, "jejak serve: projections: {} (retrying in {} ms)\n", e.what(),
                 backoff.count());
      std::lock_guard lock(mu_);
      problem_ = e.what();
    }
    RunWaiters(stopping);
    if (stopping) return;
  }
}

}  // namespace jejak::projections
