#include "ledger/helper_thread.h"

#include <utility>

namespace jejak::ledger {

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
  }
  cv_.notify_all();
  return true;
}

void HelperThread::Wait() {
  std::exception_ptr error;
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
    cv_.notify_all();
  }
}

}  // namespace jejak::ledger
