#include "projections/read_ahead.h"

#include <algorithm>

namespace jejak::projections {

ReadAhead::ReadAhead(const ReadFn& read, uint64_t from, size_t chunk, size_t depth)
    : read_(read), chunk_(chunk), depth_(depth), from_(from) {
  thread_ = std::thread([this] { Run(); });
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

ReadAhead::Chunk ReadAhead::Next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !ready_.empty() || error_; });
  if (ready_.empty()) std::rethrow_exception(error_);
  Chunk chunk = std::move(ready_.front());
  ready_.pop_front();
  lock.unlock();
  cv_.notify_all();
  return chunk;
}

void ReadAhead::Done(Chunk chunk) {
  {
    std::lock_guard lock(mu_);
    done_.push_back(std::move(chunk));
  }
  cv_.notify_all();
}

void ReadAhead::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] {
      return stop_ || !done_.empty() || (!end_ && !error_ && ready_.size() < depth_);
    });
    if (stop_) return;
    if (!done_.empty()) {
      std::vector<Chunk> done;
      done.swap(done_);
      lock.unlock();
      done.clear();
      lock.lock();
      continue;
    }
    lock.unlock();
    Chunk chunk;
    std::exception_ptr error;
    try {
      chunk = read_(from_, chunk_);
    } catch (...) {
      error = std::current_exception();
    }
    // The next read starts past the highest seq read (a source may repeat
    // events the projector skips).
    for (const auto& e : chunk) from_ = std::max(from_, e.seq + 1);
    lock.lock();
    if (error) {
      error_ = error;
    } else {
      end_ = chunk.empty();
      ready_.push_back(std::move(chunk));
    }
    cv_.notify_all();
  }
}

}  // namespace jejak::projections
