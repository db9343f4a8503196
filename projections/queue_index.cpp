#include "projections/queue_index.h"

#include "base/error.h"

namespace jejak::projections {
namespace {

// Splits "q|workflow|state|" from the entry time and id that follow (the
// time's bytes may hold '|'; names do not).
std::pair<std::string_view, std::string_view> Split(std::string_view key) {
  size_t end = 0;
  for (int bars = 0; bars < 3; ++bars) {
    end = key.find('|', end);
    if (end == std::string_view::npos) {
      throw base::Error(base::ErrorCode::kCorruption,
                        "a projection queue key is malformed: " + std::string(key));
    }
    ++end;
  }
  return {key.substr(0, end), key.substr(end)};
}

}  // namespace

uint64_t QueueIndex::Before(std::string_view queue_key) const {
  auto [queue, entry] = Split(queue_key);
  auto it = queues_.find(queue);
  if (it == queues_.end()) return 0;
  return it->second.rank(it->second.lower_bound(entry));
}

void QueueIndex::Add(std::string_view queue_key) {
  auto [queue, entry] = Split(queue_key);
  auto it = queues_.find(queue);
  if (it == queues_.end()) it = queues_.emplace(std::string(queue), RankedSet()).first;
  it->second.insert(std::string(entry));
}

void QueueIndex::Remove(std::string_view queue_key) {
  auto [queue, entry] = Split(queue_key);
  auto it = queues_.find(queue);
  if (it == queues_.end()) return;
  if (auto key = it->second.find(entry); key != it->second.end()) it->second.erase(key);
  if (it->second.empty()) queues_.erase(it);
}

}  // namespace jejak::projections
