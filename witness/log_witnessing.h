// Keeps a running log's latest checkpoint cosigned by its witnesses
// (`jejak serve --witness`). A background thread looks, every interval, for
// a stored checkpoint newer than the last it had cosigned, sends it through
// a Cosigner, and stores the cosignature lines it gets beside it
// (ledger::Ledger::AddCosignatures), so that receipts and GET
// /v1/ledger/checkpoint carry them. A refusal is never quiet: report gets a
// line naming the witness and the sizes, the refusals are counted, and
// status() says when the latest round got fewer cosignatures than the
// quorum (the server's /healthz then says degraded).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "witness/cosigner.h"

namespace jejak::witness {

struct WitnessingStatus {
  size_t witnesses = 0;
  size_t quorum = 0;
  uint64_t size = 0;                       // of the checkpoint of the latest round; 0 before any
  size_t cosignatures = 0;                 // it got
  uint64_t refusals = 0;                   // every refusal so far, of any witness
  std::vector<std::string> last_refusals;  // the latest round's
  bool below_quorum() const { return size > 0 && cosignatures < quorum; }
};

class LogWitnessing {
 public:
  // ledger must outlive this. report is called on the thread, once per
  // refusal; cosigned, if given, with each checkpoint that got at least one
  // cosignature, as cosigned (a Kafka publisher; it may throw base::Error,
  // which is reported).
  LogWitnessing(ledger::Ledger& ledger, std::vector<WitnessConfig> witnesses, size_t quorum,
                std::chrono::milliseconds interval, std::function<void(const std::string&)> report,
                std::function<void(const std::string&)> cosigned = {});
  ~LogWitnessing();  // stops the thread
  LogWitnessing(const LogWitnessing&) = delete;
  LogWitnessing& operator=(const LogWitnessing&) = delete;

  // One round now, on the caller's thread (a server's last checkpoint).
  void CosignLatest();
  WitnessingStatus status() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace jejak::witness
