#include "ledger/helper_thread.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include <chrono>
#include <utility>

namespace jejak::ledger {
namespace {

// How long Wait() polls for the work's end before it sleeps on the condition
// variable: the caller waits for the helper's share of a batch, which ends
// within tens of microseconds of its own, and waking a sleeping thread costs
// as much. The helper itself sleeps at once: polling there would take a core
// from busy appenders.
constexpr auto kSpin = std::chrono::microseconds(100);

// Polls done() until it holds or kSpin passes; returns done().
template <typename Done>
bool PollFor(Done done) {
  auto until = std::chrono::steady_clock::now() + kSpin;
  for (int i = 1;; ++i) {
    if (done()) return true;
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();  // lets the sibling hyperthread run
#endif
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) return done();
  }
}

}  // namespace

HelperThread::HelperThread() : thread_([this] { Run(); }) {}

HelperThread::~HelperThread() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool HelperThread::TryStart(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    if (held_) return false;
    held_ = true;
    work_ = std::move(work);
    error_ = nullptr;
    busy_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
  return true;
}

void HelperThread::Wait() {
  std::exception_ptr error;
  PollFor([&] { return !busy_.load(std::memory_order_acquire); });
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !work_; });
    error = std::exchange(error_, nullptr);
    held_ = false;
  }
  if (error) std::rethrow_exception(error);
}

void HelperThread::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || work_; });
    if (!work_) return;
    lock.unlock();
    std::exception_ptr error;
    try {
      work_();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    error_ = error;
    work_ = nullptr;
    busy_.store(false, std::memory_order_release);
    cv_.notify_all();
  }
}

}  // namespace jejak::ledger
