#include "base/background_thread.h"

#include <fmt/format.h>
#include <pthread.h>

#include <cstdio>
#include <stdexcept>

namespace jejak::base {
namespace {

std::string Describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace

void BackgroundThread::Start(std::string name, std::function<void()> loop) {
  if (thread_.joinable()) throw std::logic_error("BackgroundThread::Start called twice");
  name_ = std::move(name);
  thread_ = std::thread([this, loop = std::move(loop)] { Run(loop); });
}

void BackgroundThread::Run(const std::function<void()>& loop) {
  // Linux limits a thread's name to 15 characters; a longer one is refused.
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
  try {
    loop();
  } catch (...) {
    std::exception_ptr e = std::current_exception();
    std::string problem = Describe(e);
    fmt::print(stderr, "jejak: the {} thread stopped: {}\n", name_, problem);
    std::lock_guard lock(mu_);
    error_ = e;
    problem_ = std::move(problem);
  }
}

void BackgroundThread::Notify() {
  {
    std::lock_guard lock(mu_);
    notified_ = true;
  }
  cv_.notify_all();
}

void BackgroundThread::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool BackgroundThread::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stop_ || notified_; });
  notified_ = false;
  return !stop_;
}

bool BackgroundThread::WaitFor(std::chrono::steady_clock::duration timeout) {
  return WaitUntil(std::chrono::steady_clock::now() + timeout);
}

bool BackgroundThread::WaitUntil(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, deadline, [&] { return stop_ || notified_; });
  notified_ = false;
  return !stop_;
}

bool BackgroundThread::SleepFor(std::chrono::steady_clock::duration duration) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, duration, [&] { return stop_; });
  notified_ = false;
  return !stop_;
}

bool BackgroundThread::stopping() const {
  std::lock_guard lock(mu_);
  return stop_;
}

std::exception_ptr BackgroundThread::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

std::string BackgroundThread::problem() const {
  std::lock_guard lock(mu_);
  return problem_;
}

}  // namespace jejak::base
