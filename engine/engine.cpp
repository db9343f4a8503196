#include "engine/engine.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <variant>

#include "base/background_thread.h"
#include "base/crash_point.h"
#include "base/error.h"
#include "base/reason.h"
#include "engine/decide.h"
#include "engine/personal_data.h"
#include "engine/tracking_code.h"
#include "events/encoding.h"
#include "events/time.h"

namespace jejak::engine {
namespace {

using base::Error;
using base::ErrorCode;

struct DeployCommand {
  std::shared_ptr<const workflow::Workflow> workflow;
  events::Actor deployer;
};
struct BreachCheck {};
struct RecordCommand {
  events::Event event;
};

using Command = std::variant<DeployCommand, SubmitCommand, ActCommand, WithdrawCommand, BreachCheck,
                             RecordCommand, EraseSubjectCommand, AccessRecord>;

// Answers a task: its results, or the error that refused it.
using Finish = std::function<void(std::vector<Accepted> results, std::exception_ptr error)>;

// A queued command and, once decided, what it produced.
struct Task {
  Command command;
  Finish finish;
  std::vector<events::Event> events;   // to append
  std::vector<uint32_t> versions;      // request version after each event
  std::optional<uint64_t> replay_seq;  // idempotent retry of this entry
  uint32_t replay_version = 0;
  std::exception_ptr refusal;                 // thrown after the events are durable
  std::vector<privacy::NewSubject> subjects;  // made for its events
};

// Tasks decided together, on their way to one ledger write.
struct Decided {
  std::vector<std::unique_ptr<Task>> tasks;
  std::vector<std::string> bytes;             // their events, encoded, in order
  uint64_t first_seq = 0;                     // of bytes.front()
  bool deadlines = false;                     // holds what passed deadlines caused
  std::vector<privacy::NewSubject> subjects;  // stored by the decider, before the events
};

class EngineImpl final : public Engine {
 public:
  EngineImpl(EngineOptions options, std::unique_ptr<ledger::Ledger> ledger, TrackingCodes codes,
             std::unique_ptr<privacy::KeyStore> keys)
      : options_(std::move(options)),
        ledger_(std::move(ledger)),
        codes_(std::move(codes)),
        keys_(std::move(keys)),
        personal_(keys_.get()) {
    Replay();
    FinishErasures();
    next_seq_ = ledger_->size();
    decider_ = std::thread([this] { DecideLoop(); });
    committer_ = std::thread([this] { CommitLoop(); });
    CheckDeadlines();  // catch up on deadlines that passed while we were down
    if (options_.sla_interval.count() > 0) sla_.Start("jejak-sla", [this] { SlaLoop(); });
  }

  ~EngineImpl() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    sla_.Stop();
    decider_.join();
    committer_.join();
  }

  std::optional<Accepted> Deploy(std::shared_ptr<const workflow::Workflow> wf,
                                 const events::Actor& deployer) override {
    auto results = Enqueue(DeployCommand{std::move(wf), deployer}).get();
    if (results.empty()) return std::nullopt;
    return results.front();
  }

  Accepted Submit(SubmitCommand cmd) override { return SubmitAsync(std::move(cmd)).get(); }
  Accepted Act(ActCommand cmd) override { return ActAsync(std::move(cmd)).get(); }
  Accepted Withdraw(WithdrawCommand cmd) override { return WithdrawAsync(std::move(cmd)).get(); }
  std::future<Accepted> SubmitAsync(SubmitCommand cmd) override {
    return First(Enqueue(std::move(cmd)));
  }
  std::future<Accepted> ActAsync(ActCommand cmd) override { return First(Enqueue(std::move(cmd))); }
  std::future<Accepted> WithdrawAsync(WithdrawCommand cmd) override {
    return First(Enqueue(std::move(cmd)));
  }
  void Submit(SubmitCommand cmd, Done done) override {
    Push(std::move(cmd), Single(std::move(done)));
  }
  void Act(ActCommand cmd, Done done) override { Push(std::move(cmd), Single(std::move(done))); }
  void Withdraw(WithdrawCommand cmd, Done done) override {
    Push(std::move(cmd), Single(std::move(done)));
  }

  std::vector<Accepted> CheckDeadlines() override { return Enqueue(BreachCheck{}).get(); }

  void Record(events::Event event) override { Enqueue(RecordCommand{std::move(event)}).get(); }

  Erasure EraseSubject(EraseSubjectCommand cmd) override {
    std::string given = cmd.subject;
    Erasure out;
    out.accepted = Enqueue(std::move(cmd)).get().front();
    base::CrashPoint("erase.after_event");
    out.subject = out.accepted.event.fields.at(events::fields::kSubject).text();
    if (!privacy::KeyStore::IsSubjectId(given)) out.plaintext_entries = PlaintextEntries(given);
    try {
      DestroyKeys({out.subject});
      out.purged = true;
    } catch (const Error& e) {
      out.purge_problem = e.what();
    }
    return out;
  }

  void RecordAccess(AccessRecord access, std::function<void(std::exception_ptr)> done) override {
    Push(std::move(access),
         [done = std::move(done)](const std::vector<Accepted>&, const std::exception_ptr& error) {
           done(error);
         });
  }

  privacy::KeyStore* keys() override { return keys_.get(); }

  void Read(const std::function<void(const EngineState&)>& fn) const override {
    std::shared_lock lock(state_mu_);
    fn(state_);
  }

  ledger::Ledger& ledger() override { return *ledger_; }

 private:
  int64_t Now() const { return options_.clock ? options_.clock() : events::NowMicros(); }

  static std::future<Accepted> First(std::future<std::vector<Accepted>> all) {
    return std::async(std::launch::deferred,
                      [all = std::move(all)]() mutable { return std::move(all.get().front()); });
  }

  // A command answers with exactly one result (or its refusal).
  static Finish Single(Done done) {
    return
        [done = std::move(done)](std::vector<Accepted> results, const std::exception_ptr& error) {
          if (error) return done(Accepted{}, error);
          done(std::move(results.front()), nullptr);
        };
  }

  std::future<std::vector<Accepted>> Enqueue(Command command) {
    auto promise = std::make_shared<std::promise<std::vector<Accepted>>>();
    auto future = promise->get_future();
    Push(std::move(command),
         [promise](std::vector<Accepted> results, const std::exception_ptr& error) {
           if (error) return promise->set_exception(error);
           promise->set_value(std::move(results));
         });
    return future;
  }

  void Push(Command command, Finish finish) {
    auto task = std::make_unique<Task>();
    task->command = std::move(command);
    task->finish = std::move(finish);
    {
      std::lock_guard lock(mu_);
      if (stopping_) throw Error(ErrorCode::kUnavailable, "the engine is shutting down");
      queue_.push_back(std::move(task));
    }
    cv_.notify_all();
  }

  void Replay() {
    ledger_->Scan(0, ledger_->size(), [&](const ledger::Entry& entry) {
      events::Event e = events::Decode(entry.bytes);
      e.seq = entry.seq;
      state_.Evolve(e);
      return true;
    });
  }

  // Erasures whose event is durable but whose keys a crash kept: their
  // keys go now, and a purge that did not finish is done again.
  void FinishErasures() {
    if (!keys_) return;
    std::vector<std::string> left;
    for (const auto& subject : state_.erased_subjects()) {
      if (keys_->DataKey(subject)) left.push_back(subject);
    }
    if (left.empty() && !keys_->PurgePending()) return;
    DestroyKeys(left);
  }

  void DestroyKeys(const std::vector<std::string>& subjects) {
    for (const auto& s : subjects) keys_->Erase(s);
    base::CrashPoint("erase.before_purge");
    keys_->Purge(subjects);
  }

  // Entries from before sealing that name external_id as their actor, or
  // hold personal fields in plaintext on requests it submitted.
  uint64_t PlaintextEntries(const std::string& external_id) {
    std::set<uint64_t> plain;
    std::set<std::string> requests;
    for (uint64_t seq : ledger_->SeqsByActor(external_id)) {
      plain.insert(seq);
      auto entry = ledger_->Get(seq);
      if (!entry) continue;
      events::Event e = events::Decode(entry->bytes);
      if (e.type == events::types::kSubmitted) requests.insert(e.request_id);
    }
    for (const auto& id : requests) {
      for (const auto& entry : ledger_->ReadRequest(id)) {
        events::Event e = events::Decode(entry.bytes);
        std::shared_ptr<const workflow::Workflow> wf;
        {
          std::shared_lock lock(state_mu_);
          wf = state_.Find(e.workflow, e.workflow_version);
        }
        for (const auto& [name, value] : e.fields) {
          const workflow::FieldSpec* spec = wf ? wf->FindField(name) : nullptr;
          if (spec && spec->pii && value.type() != events::FieldType::kSealed)
            plain.insert(entry.seq);
        }
      }
    }
    return plain.size();
  }

  static constexpr std::chrono::seconds kRecoverInterval{1};

  void SlaLoop() {
    while (sla_.WaitFor(options_.sla_interval)) {
      try {
        CheckDeadlines();
        // Index writes that stopped (their disk was full) restart here; the
        // decider restarts appends (Recover()).
        if (!Failed() && ledger_->Health().state == ledger::WriteHealth::kDegraded) {
          ledger_->Recover();
        }
      } catch (const Error&) {
        // The writer reports its failure to every command; nothing to add.
      }
    }
  }

  // The decider: takes queued commands, decides them into a batch and hands
  // it to the committer, then decides the next batch while that one syncs.
  void DecideLoop() {
    for (;;) {
      Decided d;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) break;  // stopping, and everything is decided
        d.tasks.reserve(std::min(queue_.size(), options_.max_batch));
        while (!queue_.empty() && d.tasks.size() < options_.max_batch) {
          d.tasks.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      if (!Failed() || Recover()) DecideBatch(d);
      std::unique_lock lock(commit_mu_);
      // One batch waits while one is written: enough to overlap deciding
      // with syncing, and commands queued meanwhile make the next batch larger.
      commit_cv_.wait(lock, [&] { return commit_queue_.size() < 1; });
      commit_queue_.push_back(std::move(d));
      commit_cv_.notify_all();
    }
    std::lock_guard lock(commit_mu_);
    decider_done_ = true;
    commit_cv_.notify_all();
  }

  // The committer: appends each decided batch in one durable write, in
  // order, then answers its commands.
  void CommitLoop() {
    for (;;) {
      Decided d;
      {
        std::unique_lock lock(commit_mu_);
        commit_cv_.wait(lock, [&] { return decider_done_ || !commit_queue_.empty(); });
        if (commit_queue_.empty()) return;
        d = std::move(commit_queue_.front());
        commit_queue_.pop_front();
        committing_ = true;
        commit_cv_.notify_all();
      }
      Commit(d);
      std::lock_guard lock(commit_mu_);
      committing_ = false;
      commit_cv_.notify_all();
    }
  }

  bool Failed() {
    std::lock_guard lock(commit_mu_);
    return failed_ != nullptr;
  }

  // The decider, after a failed write: once every batch decided before is
  // answered, rebuilds the state from the durable events (the failed
  // batches' events were applied to it already), then asks the ledger to
  // recover, at most every kRecoverInterval (a flood of commands on a full
  // disk costs little). True if commands can be decided again.
  bool Recover() {
    auto now = std::chrono::steady_clock::now();
    if (now < next_recovery_) return false;
    next_recovery_ = now + kRecoverInterval;
    {
      std::unique_lock lock(commit_mu_);
      commit_cv_.wait(lock, [&] { return commit_queue_.empty() && !committing_; });
    }
    if (state_seq_ != ledger_->size() && !RebuildState()) return false;
    if (!ledger_->Recover()) {
      // Commands get the ledger's current word on it: waiting for space, or
      // needing a new process.
      std::string problem = ledger_->Health().problem;
      std::lock_guard lock(commit_mu_);
      if (!problem.empty()) {
        failed_ = std::make_exception_ptr(Error(
            ErrorCode::kIoError,
            fmt::format("{}. Commands are refused meanwhile; this one was not recorded", problem)));
      }
      return false;
    }
    // The ledger goes on from its last durable entry, which the state shows.
    if (state_seq_ != ledger_->size() && !RebuildState()) return false;
    state_seq_ = UINT64_MAX;  // from now on the state runs ahead of the ledger again
    std::lock_guard lock(commit_mu_);
    failed_ = nullptr;
    return true;
  }

  // Replaces the state with the one the durable events make; false if they
  // cannot be read now (the next attempt reads again).
  bool RebuildState() {
    EngineState fresh;
    uint64_t size = ledger_->size();
    try {
      ledger_->Scan(0, size, [&](const ledger::Entry& entry) {
        events::Event e = events::Decode(entry.bytes);
        e.seq = entry.seq;
        fresh.Evolve(e);
        return true;
      });
    } catch (const Error&) {
      return false;
    }
    std::unique_lock lock(state_mu_);
    state_ = std::move(fresh);
    next_seq_ = state_seq_ = size;
    return true;
  }

  // Decides every task against the state (each seeing the ones before it)
  // and encodes their events, numbered from next_seq_.
  void DecideBatch(Decided& d) {
    d.bytes.reserve(d.tasks.size());
    std::unique_lock lock(state_mu_);
    d.first_seq = next_seq_;
    for (auto& task : d.tasks) {
      int64_t now = Now();
      try {
        Decide(*task, now);
        for (auto& event : task->events) personal_.Seal(event, state_, &task->subjects);
      } catch (const Error& e) {
        task->events.clear();
        task->refusal = std::current_exception();
        if (auto* act = std::get_if<ActCommand>(&task->command); act && IsAuditedRefusal(*act, e)) {
          task->events.push_back(RejectionEvent(state_, *act, e, now));
        }
      }
      // Encode before applying: an event that cannot be encoded (say, an
      // actor id that is not UTF-8) must leave the state untouched.
      size_t first = d.bytes.size();
      try {
        for (auto& event : task->events) {
          event.seq = next_seq_ + (d.bytes.size() - first);
          d.bytes.push_back(events::Encode(event));
        }
      } catch (const Error&) {
        task->refusal = std::current_exception();
        task->events.clear();
        d.bytes.resize(first);
      }
      if (task->events.empty()) {
        personal_.Settled(task->subjects);  // refused: its subjects are not needed
        continue;
      }
      d.subjects.insert(d.subjects.end(), task->subjects.begin(), task->subjects.end());
      if (std::holds_alternative<BreachCheck>(task->command)) d.deadlines = true;
      for (auto& event : task->events) {
        state_.Evolve(event);
        const RequestState* r = state_.Request(event.request_id);
        task->versions.push_back(r ? r->version : 0);
      }
      next_seq_ += task->events.size();
    }
  }

  void Commit(Decided& d) {
    std::exception_ptr failed;
    {
      std::lock_guard lock(commit_mu_);
      failed = failed_;
    }
    std::vector<ledger::Appended> appended;
    if (!failed && !d.bytes.empty()) {
      size_t count = d.bytes.size();
      try {
        // The keys of the batch's new subjects are on disk before any event
        // that needs them; the decider meanwhile decides the next batch.
        if (!d.subjects.empty()) keys_->Store(d.subjects);
        if (d.deadlines) base::CrashPoint("deadline.before_append");
        appended = ledger_->AppendBatch(std::move(d.bytes));
        if (d.deadlines) base::CrashPoint("deadline.after_append");
        if (appended.size() != count || appended.front().seq != d.first_seq) {
          throw Error(ErrorCode::kCorruption,
                      fmt::format("the ledger numbered a batch from {}, not {}",
                                  appended.empty() ? 0 : appended.front().seq, d.first_seq));
        }
      } catch (...) {
        failed = std::current_exception();
        std::lock_guard lock(commit_mu_);
        failed_ = failed;
      }
    }
    personal_.Settled(d.subjects);
    if (failed) {
      for (auto& t : d.tasks) t->finish({}, failed);
      return;
    }
    size_t i = 0;
    for (auto& task : d.tasks) {
      std::vector<Accepted> results;
      for (size_t k = 0; k < task->events.size(); ++k, ++i) {
        Accepted a;
        a.event = std::move(task->events[k]);
        a.chain = appended[i].chain;
        a.request_version = task->versions[k];
        if (std::holds_alternative<SubmitCommand>(task->command)) {
          a.tracking_code = codes_.CodeFor(a.event.request_id);
        }
        results.push_back(std::move(a));
      }
      if (task->refusal) {
        task->finish({}, task->refusal);
      } else if (task->replay_seq) {
        std::vector<Accepted> replayed;
        std::exception_ptr error;
        try {
          replayed.push_back(ReplayResult(*task));
        } catch (...) {
          error = std::current_exception();
        }
        task->finish(std::move(replayed), error);
      } else {
        task->finish(std::move(results), nullptr);
      }
    }
  }

  void Decide(Task& task, int64_t now) {
    std::visit(
        [&](auto& cmd) {
          using T = std::decay_t<decltype(cmd)>;
          if constexpr (std::is_same_v<T, DeployCommand>) {
            if (auto e = DecideDeploy(state_, cmd.workflow, cmd.deployer, now)) {
              task.events.push_back(std::move(*e));
            }
          } else if constexpr (std::is_same_v<T, BreachCheck>) {
            task.events = DecideDeadlines(state_, now);
          } else if constexpr (std::is_same_v<T, RecordCommand>) {
            task.events.push_back(std::move(cmd.event));
          } else if constexpr (std::is_same_v<T, SubmitCommand>) {
            cmd.applicant = personal_.SubmitAs(cmd.applicant, state_, &task.subjects);
            if (!CheckReplay(task, cmd.applicant, cmd.idempotency_key, "", "submitted", "")) {
              task.events.push_back(DecideSubmit(state_, cmd, now, codes_));
            }
          } else if constexpr (std::is_same_v<T, ActCommand>) {
            if (cmd.actor.role == workflow::kApplicantRole) {
              cmd.actor.subject = personal_.ActAs(cmd.actor.subject);
            }
            if (!CheckReplay(task, cmd.actor.subject, cmd.idempotency_key, cmd.request_id, "action",
                             cmd.action)) {
              task.events.push_back(DecideAct(state_, cmd, now));
              personal_.MarkSelfDealing(task.events.back(), state_);
            }
          } else if constexpr (std::is_same_v<T, WithdrawCommand>) {
            cmd.applicant = personal_.ActAs(cmd.applicant);
            if (!CheckReplay(task, cmd.applicant, cmd.idempotency_key, cmd.request_id, "withdrawn",
                             "")) {
              task.events.push_back(DecideWithdraw(state_, cmd, now));
            }
          } else if constexpr (std::is_same_v<T, EraseSubjectCommand>) {
            std::string subject = cmd.subject;
            if (!privacy::KeyStore::IsSubjectId(subject)) {
              subject = personal_.Find(cmd.subject).value_or("");
            }
            if (subject.empty() || (!state_.IsErased(subject) && !personal_.HasKey(subject))) {
              throw Error(base::reason::kUnknownSubject,
                          fmt::format("no data subject \"{}\" in the key store", cmd.subject));
            }
            task.events.push_back(DecideErase(state_, cmd, subject, now));
          } else {
            task.events.push_back(DecideAccess(state_, cmd, now));
          }
        },
        task.command);
  }

  // True if this is a retry of an earlier command with the same key.
  bool CheckReplay(Task& task, const std::string& subject, const std::string& key,
                   const std::string& request_id, const std::string& type,
                   const std::string& action) {
    if (key.empty()) return false;
    const IdempotencyRecord* rec = state_.Idempotency(subject, key);
    if (rec == nullptr) return false;
    // An approval (of an action with a quorum) is what an action command made.
    bool same_type = rec->type == type ||
                     (type == events::types::kAction && rec->type == events::types::kApproval);
    bool same =
        same_type && rec->action == action && (request_id.empty() || rec->request_id == request_id);
    if (!same) {
      throw Error(base::reason::kIdempotencyMismatch,
                  fmt::format("idempotency key \"{}\" was already used for a different command "
                              "({} on {})",
                              key, rec->action.empty() ? rec->type : rec->action, rec->request_id));
    }
    task.replay_seq = rec->seq;
    task.replay_version = rec->request_version;
    return true;
  }

  Accepted ReplayResult(const Task& task) {
    auto entry = ledger_->Get(*task.replay_seq);
    if (!entry) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("idempotency record points to missing entry {}", *task.replay_seq));
    }
    Accepted a;
    a.event = events::Decode(entry->bytes);
    a.event.seq = entry->seq;
    a.chain = entry->chain;
    a.request_version = task.replay_version;
    a.replayed = true;
    if (a.event.type == events::types::kSubmitted)
      a.tracking_code = codes_.CodeFor(a.event.request_id);
    return a;
  }

  EngineOptions options_;
  std::unique_ptr<ledger::Ledger> ledger_;
  TrackingCodes codes_;
  std::unique_ptr<privacy::KeyStore> keys_;  // null without a KEK
  PersonalData personal_;                    // the decider's, over keys_

  mutable std::shared_mutex state_mu_;  // the decider: exclusive while deciding
  EngineState state_;

  std::mutex mu_;  // guards queue_ and stopping_
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Task>> queue_;
  bool stopping_ = false;

  uint64_t next_seq_ = 0;  // of the next event decided; the decider's own
  // While failed: the ledger size the state was rebuilt at (the decider's);
  // otherwise UINT64_MAX, as the state may hold events not yet durable.
  uint64_t state_seq_ = UINT64_MAX;

  std::mutex commit_mu_;  // guards the four below
  std::condition_variable commit_cv_;
  std::deque<Decided> commit_queue_;  // decided, not yet being written
  bool committing_ = false;           // the committer holds a batch
  bool decider_done_ = false;
  std::exception_ptr failed_;                            // set once a write fails, until Recover()
  std::chrono::steady_clock::time_point next_recovery_;  // the decider's

  // The decider and the committer are a pipeline, not loops that wait for a
  // signal: each hands batches to the other through its own queue and
  // condition variable, and on stopping each drains what it holds, so that
  // every queued command is answered. base::BackgroundThread would add a
  // second stop flag and wait beside theirs.
  std::thread decider_;         // decides
  std::thread committer_;       // writes and answers
  base::BackgroundThread sla_;  // runs SlaLoop() if options_.sla_interval is set
};

}  // namespace

void Engine::RecordAccess(AccessRecord access) {
  auto promise = std::make_shared<std::promise<void>>();
  auto future = promise->get_future();
  RecordAccess(std::move(access), [promise](const std::exception_ptr& error) {
    if (error) return promise->set_exception(error);
    promise->set_value();
  });
  future.get();
}

std::unique_ptr<Engine> Engine::Open(EngineOptions options) {
  auto ledger = ledger::Ledger::Open(options.data_dir + "/ledger", options.ledger);
  auto codes = TrackingCodes::LoadOrCreate(options.data_dir + "/tracking.key");
  std::unique_ptr<privacy::KeyStore> keys;
  if (options.kek) {
    keys = privacy::KeyStore::Open(options.data_dir + "/subjects", options.kek,
                                   {.read_only = false, .env = options.ledger.env});
  }
  return std::make_unique<EngineImpl>(std::move(options), std::move(ledger), std::move(codes),
                                      std::move(keys));
}

}  // namespace jejak::engine
