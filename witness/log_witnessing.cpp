#include "witness/log_witnessing.h"

#include <mutex>

#include "base/background_thread.h"
#include "base/error.h"
#include "ledger/checkpoint.h"

namespace jejak::witness {

struct LogWitnessing::State {
  State(ledger::Ledger& l, std::vector<WitnessConfig> w, size_t q,
        std::function<void(const std::string&)> r, std::function<void(const std::string&)> c)
      : ledger(l),
        cosigner(std::move(w), [&l](uint64_t m, uint64_t n) { return l.ConsistencyProof(m, n); }),
        report(std::move(r)),
        cosigned(std::move(c)) {
    status.witnesses = cosigner.witnesses();
    status.quorum = q;
  }

  // One round, if a newer checkpoint is stored. Rounds never overlap.
  void Round() {
    std::lock_guard round(round_mu);
    std::optional<std::string> note = ledger.LatestCheckpoint();
    if (!note) return;
    uint64_t size = ledger::ParseCheckpoint(*note).size;
    {
      std::lock_guard lock(mu);
      if (size <= status.size) return;
    }
    CosignResult r = cosigner.Cosign(*note);
    if (r.note.size() > note->size()) ledger.AddCosignatures(size, r.note.substr(note->size()));
    for (const auto& refusal : r.refusals) report(refusal);
    if (cosigned && r.cosignatures > 0) {
      try {
        cosigned(r.note);
      } catch (const base::Error& e) {
        report(std::string("publishing the cosigned checkpoint: ") + e.what());
      }
    }
    std::lock_guard lock(mu);
    status.size = size;
    status.cosignatures = r.cosignatures;
    status.refusals += r.refusals.size();
    status.last_refusals = std::move(r.refusals);
  }

  ledger::Ledger& ledger;
  Cosigner cosigner;
  std::function<void(const std::string&)> report;
  std::function<void(const std::string&)> cosigned;
  std::mutex round_mu;    // one round at a time
  mutable std::mutex mu;  // guards status
  WitnessingStatus status;
  base::BackgroundThread thread;
};

LogWitnessing::LogWitnessing(ledger::Ledger& ledger, std::vector<WitnessConfig> witnesses,
                             size_t quorum, std::chrono::milliseconds interval,
                             std::function<void(const std::string&)> report,
                             std::function<void(const std::string&)> cosigned)
    : state_(std::make_unique<State>(ledger, std::move(witnesses), quorum, std::move(report),
                                     std::move(cosigned))) {
  state_->thread.Start("jejak-witnesses", [s = state_.get(), interval] {
    while (s->thread.WaitFor(interval)) {
      try {
        s->Round();
      } catch (const base::Error& e) {
        // A storage fault: the ledger reports it; the next round tries again.
        s->report(std::string("witnessing: ") + e.what());
      }
    }
  });
}

LogWitnessing::~LogWitnessing() { state_->thread.Stop(); }

void LogWitnessing::CosignLatest() { state_->Round(); }

WitnessingStatus LogWitnessing::status() const {
  std::lock_guard lock(state_->mu);
  return state_->status;
}

}  // namespace jejak::witness
