// Internal: the projector's working state for one batch of events. Records
// (requests, officer days, agency days, counters) are loaded from the store
// on first use, changed in memory by every event of the batch, and staged
// in the store once each by Flush(), so a long batch (a rebuild) writes each
// touched record once however many events touched it. The waiting queues
// stay in memory across batches (finding the oldest waiting request by
// scanning keys would wade through the tombstones of every request that
// already left); a request that enters and leaves a queue within one batch
// writes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "projections/records.h"
#include "projections/store.h"
#include "projections/waiting_queue.h"

namespace jejak::projections {

class ViewState {
 public:
  explicit ViewState(Store& store) : store_(store) {}

  // The request's record, or nullptr if there is none; it will be written back.
  RequestRecord* FindRequest(const std::string& id);
  // A new request's record, to be written.
  RequestRecord& NewRequest(const std::string& id);
  OfficerDay& Officer(const std::string& officer, int64_t day);
  AgencyDay& Agency(const std::string& workflow, int64_t day);
  // Counters (br| keys); a counter at zero is deleted.
  void Add(const std::string& key, int64_t delta);
  // Notes that the officer acted in the role (or| keys).
  void ActedAs(const std::string& officer, const std::string& workflow, const std::string& role);

  // One state of one workflow: its queue, kept across batches (loaded from
  // the store on first use), and the batch's change of requests in it.
  // Looked up once per event and state, then passed to the calls below;
  // valid until Clear().
  struct StateSlot {
    std::string workflow, state;
    WaitingQueue queue;
    bool loaded = false;
    int64_t count_delta = 0;
  };
  StateSlot& State(const std::string& workflow, const std::string& state);
  // Requests per state (sc| keys), like Add.
  void CountState(StateSlot& s, int64_t delta) { s.count_delta += delta; }
  const WaitingQueue& Waiting(StateSlot& s) { return Loaded(s).queue; }
  void Enqueue(StateSlot& s, int64_t entered, const std::string& id, uint64_t seq);
  void Dequeue(StateSlot& s, int64_t entered, const std::string& id);

  // Stages every changed record in the store and forgets the batch's records.
  void Flush();
  // Forgets everything not committed (after the store discarded its batch).
  void Clear();

 private:
  using Requests = std::unordered_map<std::string, RequestRecord>;

  StateSlot& Loaded(StateSlot& s);  // with its queue loaded
  // An empty record for id, not in requests_ yet, made of a spare one if any.
  RequestRecord& Insert(const std::string& id);

  Store& store_;
  Requests requests_;
  // The records of the last batch, reused by the next one: a batch's
  // records then cost no memory allocation and freeing.
  std::vector<Requests::node_type> spare_;
  // By officer (or workflow), then day: looked up without making keys.
  std::unordered_map<std::string, std::map<int64_t, OfficerDay>> officers_;
  std::unordered_map<std::string, std::map<int64_t, AgencyDay>> agency_;
  std::unordered_map<std::string, int64_t> counters_;
  // (workflow, role) pairs staged per officer; kept across batches.
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> roles_;
  std::vector<std::unique_ptr<StateSlot>> slots_;  // few: searched in order
  // Changes of this batch: entries that entered a queue (by time of entry
  // and seq; written at Flush if still waiting), and keys of stored entries
  // that left.
  std::vector<std::tuple<StateSlot*, int64_t, uint64_t>> entered_;
  std::vector<std::string> left_;
};

}  // namespace jejak::projections
