// The log's side of witnessing (c2sp.org/tlog-witness): gets a checkpoint
// cosigned by each configured witness, sending the consistency proof from
// the size that witness last cosigned. A 409 names the witness's size; the
// request is sent once more from there (a restarted log learns the sizes
// this way). A witness that refuses or cannot be reached is reported, never
// hidden: the caller logs it, counts it and reports the quorum it missed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ledger/hash.h"
#include "ledger/note.h"
#include "witness/client.h"

namespace jejak::witness {

struct WitnessConfig {
  std::string name;         // how logs and metrics call it, e.g. "ombudsman"
  ledger::VerifierKey key;  // its cosigning key (type 0x04)
  WitnessUrl url;
};

// "NAME=VERIFIER_KEY@URL", the key as text or a .pub file. Throws
// Error(kInvalidArgument) naming what is wrong.
WitnessConfig ParseWitnessOption(const std::string& text);

struct CosignResult {
  std::string note;         // the checkpoint and the cosignatures it got
  size_t cosignatures = 0;  // witnesses that cosigned
  // One line per witness that did not: its name, the sizes, and why.
  std::vector<std::string> refusals;
};

class Cosigner {
 public:
  // proof(m, n): the log's consistency proof from size m to size n.
  using ProofFn = std::function<std::vector<ledger::Hash>(uint64_t m, uint64_t n)>;
  Cosigner(std::vector<WitnessConfig> witnesses, ProofFn proof,
           std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Sends note (a checkpoint signed by the log) to every witness, one after
  // another. Thread-safe: one call at a time.
  CosignResult Cosign(const std::string& note);

  size_t witnesses() const { return witnesses_.size(); }

 private:
  // Adds w's cosignature of note to *result, or a refusal.
  void CosignWith(const WitnessConfig& w, const std::string& note, uint64_t size,
                  CosignResult* result);

  const std::vector<WitnessConfig> witnesses_;
  const ProofFn proof_;
  const std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::map<std::string, uint64_t> cosigned_size_;  // by witness name; absent: not known yet
};

}  // namespace jejak::witness
