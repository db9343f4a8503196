// The projector: applies the ordered event stream to the projection store.
// It learns workflows from workflow_deployed events and keeps, per request,
// the citizen's status view, and the facts the accountability reports read
// (reports.h). Events must arrive in ledger order: an event already applied
// (seq below next_seq) is skipped, so redelivery is harmless; a gap is an
// error, never a silently wrong view.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/model.h"
#include "projections/store.h"

namespace jejak::projections {

class ViewState;

class Projector {
 public:
  // Takes a store opened for writing. Catch-ups commit every commit_every
  // events or so (tests make it small).
  explicit Projector(std::unique_ptr<Store> store, size_t commit_every = 65536);
  ~Projector();

  // Applies events (seq set) in one atomic commit; returns how many were new.
  // Throws Error(kCorruption) on a gap in seq, and then commits nothing.
  size_t Apply(const std::vector<events::Event>& batch);

  // Reads events from next_seq() on in chunks with read(from, max) (an empty
  // result means the end) and applies them, committing every commit_every
  // events or so and at the end, and calling progress(next) after each
  // commit. The next chunk is read on another thread while one is applied
  // (one read at a time), and a commit is written on another thread while
  // the next events are applied; all is written when CatchUp returns. The
  // caller supplies the source: the ledger, or Kafka.
  using ReadFn = std::function<std::vector<events::Event>(uint64_t from, size_t max)>;
  void CatchUp(const ReadFn& read, const std::function<void(uint64_t)>& progress = {});

  uint64_t next_seq() const { return store_->next_seq(); }
  const Store& store() const { return *store_; }

 private:
  // Applies the new events of batch after *next without committing.
  size_t Stage(const std::vector<events::Event>& batch, uint64_t* next);
  void Commit(uint64_t next);
  void Abandon();  // forgets everything staged
  void ApplyOne(const events::Event& e);
  const WorkflowModel& Model(const std::string& workflow, uint32_t version);
  const WorkflowModel& ModelFromStore(const std::string& workflow, uint32_t version);

  std::unique_ptr<Store> store_;
  size_t commit_every_;
  std::map<std::pair<std::string, uint32_t>, WorkflowModel> models_;
  const WorkflowModel* last_model_ = nullptr;  // the one used last, in models_
  std::unique_ptr<ViewState> state_;           // internal (view_state.h)
};

// A short public code for an officer, so citizens see who acted without
// seeing staff ids: "PTG-" and six base32 characters.
std::string OfficerCode(std::string_view subject);

}  // namespace jejak::projections
