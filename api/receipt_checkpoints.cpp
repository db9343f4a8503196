#include "api/receipt_checkpoints.h"

#include <algorithm>

#include "base/error.h"
#include "ledger/checkpoint.h"

namespace jejak::api {

ReceiptCheckpoints::ReceiptCheckpoints(ledger::Ledger& ledger, ledger::SigningKey key,
                                       ledger::RecordFn record)
    : ledger_(ledger), key_(std::move(key)), record_(std::move(record)) {
  thread_.Start("jejak-receipts", [this] { Run(); });
}

ReceiptCheckpoints::~ReceiptCheckpoints() {
  {
    // Under mu_, so that no waiter is added after the last round.
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  thread_.Stop();
}

std::string ReceiptCheckpoints::Make() {
  std::lock_guard make(make_mu_);
  std::string note = ledger::MakeCheckpoint(ledger_, key_, record_);
  uint64_t size = ledger::ParseCheckpoint(note).size;
  std::lock_guard lock(mu_);
  if (size > size_) {
    note_ = note;
    size_ = size;
  }
  return note_;
}

std::string ReceiptCheckpoints::Covering(uint64_t seq) {
  {
    std::lock_guard lock(mu_);
    if (size_ > seq) return note_;
  }
  return Make();
}

void ReceiptCheckpoints::WhenCovered(uint64_t seq, std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (size_ <= seq && !stop_) {
      waiters_.emplace_back(seq, std::move(fn));
      fn = nullptr;
    }
  }
  if (fn) return fn();
  thread_.Notify();
}

void ReceiptCheckpoints::Run() {
  for (bool running = true;;) {
    bool idle;
    {
      std::lock_guard lock(mu_);
      idle = waiters_.empty();
    }
    if (idle) {
      if (!running) return;
      running = thread_.Wait();
      continue;
    }
    // Every waiter's entry is durable, so a checkpoint of the ledger's
    // current size covers them all; commands answered meanwhile wait for
    // the next one.
    bool failed = false;
    try {
      Make();
    } catch (const base::Error&) {
      failed = true;  // Covering() tries again for each waiter and reports it
    }
    std::vector<std::function<void()>> ready;
    {
      std::lock_guard lock(mu_);
      auto keep = std::stable_partition(waiters_.begin(), waiters_.end(), [&](const auto& w) {
        return !failed && !stop_ && w.first >= size_;
      });
      for (auto it = keep; it != waiters_.end(); ++it) ready.push_back(std::move(it->second));
      waiters_.erase(keep, waiters_.end());
    }
    for (auto& fn : ready) fn();
  }
}

}  // namespace jejak::api
