#include "projections/projector.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "base/error.h"
#include "events/vocabulary.h"
#include "projections/apply.h"
#include "projections/keys.h"
#include "projections/read_ahead.h"
#include "projections/view_state.h"

namespace jejak::projections {

Projector::Projector(std::unique_ptr<Store> store, size_t commit_every)
    : store_(std::move(store)),
      commit_every_(commit_every),
      state_(std::make_unique<ViewState>(*store_)) {}

Projector::~Projector() = default;

size_t Projector::Stage(const std::vector<events::Event>& batch, uint64_t* next) {
  size_t applied = 0;
  for (const auto& e : batch) {
    if (e.seq < *next) continue;  // already applied: a redelivery
    if (e.seq > *next) {
      throw base::Error(base::ErrorCode::kCorruption,
                        fmt::format("gap in the event stream: expected entry {} but got {}; "
                                    "the view is left at entry {}",
                                    *next, e.seq, store_->next_seq()));
    }
    ApplyOne(e);
    ++*next;
    ++applied;
  }
  return applied;
}

void Projector::Commit(uint64_t next) {
  state_->Flush();
  store_->Commit(next);
}

void Projector::Abandon() {
  state_->Clear();
  store_->Discard();
  models_.clear();  // may hold a model staged in the discarded batch
  last_model_ = nullptr;
}

size_t Projector::Apply(const std::vector<events::Event>& batch) {
  uint64_t next = store_->next_seq();
  size_t applied = 0;
  try {
    applied = Stage(batch, &next);
    if (applied > 0) Commit(next);
  } catch (...) {
    Abandon();
    throw;
  }
  return applied;
}

void Projector::CatchUp(const ReadFn& read, const std::function<void(uint64_t)>& progress) {
  // Large commits write each touched record once for many events. Eight
  // chunks read ahead carry the applying thread through the moments when a
  // background commit takes the reader's core; fewer leave it waiting, more
  // spread the events beyond the caches.
  constexpr size_t kChunk = 4096, kDepth = 8;
  uint64_t next = store_->next_seq();
  size_t staged = 0;
  bool writing = false;  // a commit in the background
  try {
    ReadAhead reader(read, next, kChunk, kDepth);
    for (;;) {
      ReadAhead::Chunk batch = reader.Next();
      if (batch.empty()) break;
      staged += Stage(batch, &next);
      reader.Done(std::move(batch));
      if (staged >= commit_every_) {
        // Written while the next chunks are applied.
        state_->Flush();
        store_->CommitInBackground(next);
        writing = true;
        staged = 0;
        if (progress) progress(next);
      }
    }
    if (staged > 0 || writing) Commit(next);  // and waits for the one before
    if (staged > 0 && progress) progress(next);
  } catch (...) {
    Abandon();
    throw;
  }
}

const WorkflowModel& Projector::Model(const std::string& workflow, uint32_t version) {
  if (last_model_ && last_model_->version == version && last_model_->name == workflow) {
    return *last_model_;
  }
  last_model_ = &ModelFromStore(workflow, version);
  return *last_model_;
}

const WorkflowModel& Projector::ModelFromStore(const std::string& workflow, uint32_t version) {
  auto key = std::make_pair(workflow, version);
  auto it = models_.find(key);
  if (it != models_.end()) return it->second;
  auto json = store_->Get(keys::Model(workflow, version));
  if (!json) {
    throw base::Error(
        base::ErrorCode::kCorruption,
        fmt::format("event for workflow {} v{}, which was never deployed", workflow, version));
  }
  return models_.emplace(key, WorkflowModel::FromJson(*json)).first->second;
}

void Projector::ApplyOne(const events::Event& e) {
  namespace t = events::types;
  // Compared as a string_view: lengths first, then bytes.
  const std::string_view type = e.type;
  if (type == t::kWorkflowDeployed) {
    auto it = e.fields.find(events::fields::kModel);
    if (it == e.fields.end()) {
      throw base::Error(base::ErrorCode::kCorruption,
                        fmt::format("entry {}: deployment without a model", e.seq));
    }
    store_->Put(keys::Model(e.workflow, e.workflow_version), it->second.text());
    return;
  }
  if (type != t::kSubmitted && type != t::kAction && type != t::kWithdrawn &&
      type != t::kSlaBreached && type != t::kCommandRejected && type != t::kSlaEscalated &&
      type != t::kSlaReminder && type != t::kApproval) {
    return;  // a type from a newer version: nothing to show yet
  }
  const WorkflowModel& m = Model(e.workflow, e.workflow_version);
  apply::Target target{*store_, *state_};
  if (type == t::kSubmitted) return apply::Submitted(target, m, e);
  if (type == t::kSlaBreached) return apply::SlaBreached(target, m, e);
  if (type == t::kSlaEscalated) return apply::SlaEscalated(target, m, e);
  if (type == t::kSlaReminder) return apply::SlaReminder(target, m, e);
  if (type == t::kCommandRejected) return apply::CommandRejected(target, m, e);
  if (type == t::kApproval) return apply::Approval(target, m, e);
  apply::Transition(target, m, e);
}

std::string OfficerCode(std::string_view subject) {
  // FNV-1a: a stable pseudonym, not a secret (staff ids are not secret).
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : subject) h = (h ^ c) * 1099511628211ULL;
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  char code[] = "PTG-______";
  for (int i = 0; i < 6; ++i) code[4 + i] = kAlphabet[(h >> (5 * i)) & 31];
  return std::string(code, 10);
}

}  // namespace jejak::projections
