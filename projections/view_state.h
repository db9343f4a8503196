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
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "projections/records.h"
#include "projections/store.h"

namespace jejak::projections {

// The requests waiting in one state of one workflow, oldest first:
// (entered_at, request id) -> the seq of the event that entered the state,
// and whether the entry is in the store.
struct Waiting {
  uint64_t seq = 0;
  bool stored = false;
};
using Queue = std::map<std::pair<int64_t, std::string>, Waiting>;

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
  // Requests per state (sc| keys), likewise.
  void CountState(const std::string& workflow, const std::string& state, int64_t delta);
  // Notes that the officer acted in the role (or| keys).
  void ActedAs(const std::string& officer, const std::string& workflow, const std::string& role);

  const Queue& Waiting(const std::string& workflow, const std::string& state);
  void Enqueue(const std::string& workflow, const std::string& state, int64_t entered,
               const std::string& id, uint64_t seq);
  void Dequeue(const std::string& workflow, const std::string& state, int64_t entered,
               const std::string& id);

  // Stages every changed record in the store and forgets the batch's records.
  void Flush();
  // Forgets everything not committed (after the store discarded its batch).
  void Clear();

 private:
  using Queues = std::map<std::pair<std::string, std::string>, Queue>;
  Queues::value_type& LoadQueue(const std::string& workflow, const std::string& state);

  Store& store_;
  std::unordered_map<std::string, RequestRecord> requests_;
  // By officer (or workflow), then day: looked up without making keys.
  std::unordered_map<std::string, std::map<int64_t, OfficerDay>> officers_;
  std::unordered_map<std::string, std::map<int64_t, AgencyDay>> agency_;
  std::unordered_map<std::string, int64_t> counters_;
  // Changes of requests per state, by workflow and state.
  std::unordered_map<std::string, std::unordered_map<std::string, int64_t>> state_counts_;
  // (workflow, role) pairs staged per officer; kept across batches.
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> roles_;
  Queues queues_;
  std::vector<Queues::value_type*> queue_index_;  // few: searched in order
  // Changes of this batch: entries that entered a queue (written at Flush if
  // still waiting), keys of stored entries that left, and the change of the
  // number waiting per queue and hour of entry.
  std::vector<std::tuple<Queues::value_type*, int64_t, std::string>> entered_;
  std::vector<std::string> left_;
  std::map<std::pair<Queues::value_type*, int64_t>, int64_t> hour_deltas_;
};

}  // namespace jejak::projections
