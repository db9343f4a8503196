// Internal: the requests waiting in one state of one workflow, oldest first
// (by time of entry, then request id), as the projector keeps them in
// memory. A sorted vector, not a tree: requests mostly enter at the end and
// leave near the front, so entries that left are only marked, skipped, and
// dropped in one sweep once they outnumber the waiting ones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jejak::projections {

class WaitingQueue {
 public:
  struct Entry {
    int64_t entered = 0;
    std::string id;
    uint64_t seq = 0;      // of the event that entered the state
    bool stored = false;   // its queue key is in the store
    bool waiting = false;  // false: left, to be dropped
  };

  // Enters (again) with stored false.
  void Add(int64_t entered, const std::string& id, uint64_t seq);
  // Adds an entry that is in the store; entries must come in order.
  void AddStored(int64_t entered, std::string id, uint64_t seq);
  // The waiting entry, or nullptr; valid until the next change.
  Entry* Find(int64_t entered, std::string_view id);
  // The same, found by the seq of the event that entered the state.
  Entry* Entered(int64_t entered, uint64_t seq);
  // Marks the entry as left; false if it was not waiting. *stored tells
  // whether its queue key is in the store.
  bool Remove(int64_t entered, std::string_view id, bool* stored);
  // The oldest waiting entry other than id's, or nullptr.
  const Entry* FirstExcept(std::string_view id) const;

 private:
  std::vector<Entry>::iterator LowerBound(int64_t entered, std::string_view id);

  std::vector<Entry> entries_;   // sorted; the first front_ have all left
  size_t front_ = 0, left_ = 0;  // left_: entries marked as left
};

}  // namespace jejak::projections
