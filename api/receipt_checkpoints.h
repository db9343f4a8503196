// Checkpoints for receipts. Every receipt needs a signed, stored checkpoint
// that covers its entry; making one costs a signature and a synced write.
// One checkpoint covers every entry committed before it, so commands answered
// together share one: a thread of its own makes it while server threads go
// on serving.
//
// Contract: Covering(seq) returns a stored checkpoint whose tree size exceeds
// seq; seq must be durable in the ledger. WhenCovered(seq, fn) calls fn once
// Covering(seq) would return without making a checkpoint (or once making one
// failed, when Covering will retry and throw), on this object's thread or at
// once; fn must be quick. The destructor answers every waiter.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "base/background_thread.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/note.h"

namespace jejak::api {

class ReceiptCheckpoints {
 public:
  // The key must be announced in ledger already. ledger must outlive this.
  // record appends the checkpoints' records (ledger::RecordFn).
  ReceiptCheckpoints(ledger::Ledger& ledger, ledger::SigningKey key, ledger::RecordFn record);
  ~ReceiptCheckpoints();
  ReceiptCheckpoints(const ReceiptCheckpoints&) = delete;
  ReceiptCheckpoints& operator=(const ReceiptCheckpoints&) = delete;

  // Throws Error like ledger::MakeCheckpoint.
  std::string Covering(uint64_t seq);
  void WhenCovered(uint64_t seq, std::function<void()> fn);

 private:
  void Run();
  // Makes a checkpoint (holding make_mu_, not mu_) and keeps it if newer.
  std::string Make();

  ledger::Ledger& ledger_;
  const ledger::SigningKey key_;
  const ledger::RecordFn record_;
  std::mutex make_mu_;  // one checkpoint made at a time
  std::mutex mu_;       // guards the members below
  std::string note_;    // the newest checkpoint made here
  uint64_t size_ = 0;   // its tree size
  std::vector<std::pair<uint64_t, std::function<void()>>> waiters_;
  bool stop_ = false;
  base::BackgroundThread thread_;  // runs Run(), notified of each new waiter
};

}  // namespace jejak::api
