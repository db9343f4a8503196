#include "projections/projector.h"

#include <fmt/format.h>

#include "events/error.h"
#include "events/vocabulary.h"
#include "projections/apply.h"
#include "projections/keys.h"

namespace jejak::projections {

Projector::Projector(std::unique_ptr<Store> store)
    : store_(std::move(store)), queues_(*store_), docs_(*store_) {}

size_t Projector::Apply(const std::vector<events::Event>& batch) {
  uint64_t next = store_->next_seq();
  size_t applied = 0;
  try {
    for (const auto& e : batch) {
      if (e.seq < next) continue;  // already applied: a redelivery
      if (e.seq > next) {
        throw events::Error(events::ErrorCode::kCorruption,
                            fmt::format("gap in the event stream: expected entry {} but got {}; "
                                        "the view is left at entry {}",
                                        next, e.seq, next));
      }
      ApplyOne(e);
      ++next;
      ++applied;
    }
    docs_.Flush();
  } catch (...) {
    docs_.Clear();
    store_->Discard();
    models_.clear();  // may hold a model staged in the discarded batch
    queues_.Clear();  // and the queues, its changes
    throw;
  }
  if (applied > 0) store_->Commit(next);
  return applied;
}

void Projector::CatchUp(const ReadFn& read, const std::function<void(uint64_t)>& progress) {
  constexpr size_t kChunk = 4096;
  for (;;) {
    std::vector<events::Event> batch = read(next_seq(), kChunk);
    if (batch.empty()) return;
    Apply(batch);
    if (progress) progress(next_seq());
  }
}

const WorkflowModel& Projector::Model(const std::string& workflow, uint32_t version) {
  auto key = std::make_pair(workflow, version);
  auto it = models_.find(key);
  if (it != models_.end()) return it->second;
  auto json = store_->Get(keys::Model(workflow, version));
  if (!json) {
    throw events::Error(events::ErrorCode::kCorruption,
                        fmt::format("event for workflow {} v{}, which was never deployed",
                                    workflow, version));
  }
  return models_.emplace(key, WorkflowModel::FromJson(*json)).first->second;
}

void Projector::ApplyOne(const events::Event& e) {
  namespace t = events::types;
  if (e.type == t::kWorkflowDeployed) {
    auto it = e.fields.find(events::fields::kModel);
    if (it == e.fields.end()) {
      throw events::Error(events::ErrorCode::kCorruption,
                          fmt::format("entry {}: deployment without a model", e.seq));
    }
    store_->Put(keys::Model(e.workflow, e.workflow_version), it->second.text());
    return;
  }
  if (e.type != t::kSubmitted && e.type != t::kAction && e.type != t::kWithdrawn &&
      e.type != t::kSlaBreached && e.type != t::kCommandRejected) {
    return;  // a type from a newer version: nothing to show yet
  }
  const WorkflowModel& m = Model(e.workflow, e.workflow_version);
  apply::Target target{*store_, queues_, docs_};
  if (e.type == t::kSubmitted) return apply::Submitted(target, m, e);
  if (e.type == t::kSlaBreached) return apply::SlaBreached(target, m, e);
  if (e.type == t::kCommandRejected) return apply::CommandRejected(target, m, e);
  apply::Transition(target, m, e);
}

std::string OfficerCode(std::string_view subject) {
  // FNV-1a: a stable pseudonym, not a secret (staff ids are not secret).
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : subject) h = (h ^ c) * 1099511628211ULL;
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string code = "PTG-";
  for (int i = 0; i < 6; ++i) code += kAlphabet[(h >> (5 * i)) & 31];
  return code;
}

}  // namespace jejak::projections
