// The command engine: turns each command on a request into exactly one
// durable ledger event, or into a refusal.
//
// Contract:
// - One Engine per data directory writes its ledger (DATA/ledger). Commands
//   from any number of threads are queued; one thread decides them in
//   arrival order against the current state, a batch at a time, and another
//   appends the events of each batch in one synced write (group commit) while
//   the next batch is decided. Calls are answered in arrival order, each only
//   after its event (and every event before it) is durable.
// - A refused command throws base::Error with a stable reason() and changes
//   no request. Staff refused for lack of authority or by four-eyes leave a
//   command_rejected audit event, durable before the refusal is thrown.
// - Retrying a command with the same idempotency key (per actor) returns the
//   original result, marked replayed, and appends nothing.
// - State is rebuilt from the ledger on Open(); passed SLA deadlines are then
//   caught up at once (sla_breached events), and afterwards every
//   sla_interval.
// - Personal data (docs/PRIVACY.md): with a key-encryption key, applicants
//   act under subject ids from the key store (DATA/keys), and every field a
//   workflow marks pii is sealed with the applicant's data key before its
//   event is written; subjects new to a batch are written to the key store
//   before the batch. Without one, a command that names an applicant or
//   carries a personal field is refused (no_key_store). An erasure is
//   complete once its event is durable: the keys are destroyed right after,
//   and again on Open() if a crash came between.
// - If a ledger write fails, every command of its batch and of the batch
//   decided after it is answered with the ledger's Error(kIoError), and so is
//   every later command until the ledger recovers (ledger::Ledger::Recover(),
//   tried at most every second as commands or SLA checks arrive). Then the
//   state is rebuilt from the durable entries and commands are decided
//   again. The ledger's Health() says whether that can happen in this
//   process. The SLA thread retries the ledger's index writes too.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/commands.h"
#include "engine/request_state.h"
#include "ledger/ledger.h"
#include "privacy/kek.h"
#include "privacy/key_store.h"
#include "workflow/workflow.h"

namespace jejak::engine {

struct EngineOptions {
  std::string data_dir;  // holds ledger/ and tracking.key
  // Time source for event times and deadlines; tests and the demo simulate.
  std::function<int64_t()> clock;  // default: events::NowMicros
  // How often a background thread looks for passed deadlines; zero disables
  // it (the caller then calls CheckDeadlines(), as the demo does). Open()
  // always catches up once.
  std::chrono::milliseconds sla_interval{1000};
  size_t max_batch = 4096;     // commands decided per group commit
  ledger::OpenOptions ledger;  // tests inject storage faults through it
  // Wraps the key store's keys; null: no personal data is accepted.
  std::shared_ptr<const privacy::KeyEncryptionKey> kek;
};

class Engine {
 public:
  // Throws like ledger::Ledger::Open, or Error(kCorruption) if the ledger's
  // events cannot be replayed.
  static std::unique_ptr<Engine> Open(EngineOptions options);
  virtual ~Engine() = default;

  // Appends a workflow_deployed event; nullopt if exactly this definition is
  // already deployed.
  virtual std::optional<Accepted> Deploy(std::shared_ptr<const workflow::Workflow> workflow,
                                         const events::Actor& deployer) = 0;
  virtual Accepted Submit(SubmitCommand cmd) = 0;
  virtual Accepted Act(ActCommand cmd) = 0;
  virtual Accepted Withdraw(WithdrawCommand cmd) = 0;
  // The same, without waiting: for clients that keep many commands in flight.
  virtual std::future<Accepted> SubmitAsync(SubmitCommand cmd) = 0;
  virtual std::future<Accepted> ActAsync(ActCommand cmd) = 0;
  virtual std::future<Accepted> WithdrawAsync(WithdrawCommand cmd) = 0;
  // The same, calling done once the command is decided and durable: with
  // the result and a null error, or with the refusal (or failure) as error.
  // done runs on the engine's committer thread, so it must be quick, must not
  // throw, and must not wait for the engine: hand the result to another
  // thread. For servers that keep no thread waiting per command.
  using Done = std::function<void(Accepted result, std::exception_ptr error)>;
  virtual void Submit(SubmitCommand cmd, Done done) = 0;
  virtual void Act(ActCommand cmd, Done done) = 0;
  virtual void Withdraw(WithdrawCommand cmd, Done done) = 0;

  // Appends sla_breached events for deadlines passed by now; returns them.
  virtual std::vector<Accepted> CheckDeadlines() = 0;
  // Appends one of the ledger's own events (a checkpoint_signed record,
  // ledger/checkpoint.h) in command order, returning once it is durable: the
  // engine numbers events before they are written, so nothing else may
  // append to its ledger. Throws like a command's ledger write.
  virtual void Record(events::Event event) = 0;

  // Appends subject_erased, then destroys the subject's keys and purges
  // them from the key store's files. Throws kUnknownSubject for a subject
  // the key store does not know or that is erased already, no_key_store
  // without a key store. A purge that fails is reported in the result, not
  // thrown: the erasure itself is done (the keys are deleted).
  virtual Erasure EraseSubject(EraseSubjectCommand cmd) = 0;
  // Appends a personal_data_accessed record, calling done (on the committer
  // thread, as Done above) once it is durable or with why not. Records of
  // concurrent reads share one synced write.
  virtual void RecordAccess(AccessRecord access, std::function<void(std::exception_ptr)> done) = 0;
  void RecordAccess(AccessRecord access);  // waits

  // The key store, or null without a key-encryption key.
  virtual privacy::KeyStore* keys() = 0;

  // Runs fn with the state under a read lock. The state may include the
  // events of batches not yet durable.
  virtual void Read(const std::function<void(const EngineState&)>& fn) const = 0;
  virtual ledger::Ledger& ledger() = 0;
};

}  // namespace jejak::engine
