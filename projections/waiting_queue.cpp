#include "projections/waiting_queue.h"

#include <algorithm>

namespace jejak::projections {

std::vector<WaitingQueue::Entry>::iterator WaitingQueue::LowerBound(int64_t entered,
                                                                    std::string_view id) {
  return std::lower_bound(entries_.begin(), entries_.end(), std::pair(entered, id),
                          [](const Entry& e, const std::pair<int64_t, std::string_view>& key) {
                            return e.entered != key.first ? e.entered < key.first
                                                          : std::string_view(e.id) < key.second;
                          });
}

void WaitingQueue::Add(int64_t entered, const std::string& id, uint64_t seq) {
  auto at = entries_.end();
  if (!entries_.empty()) {
    const Entry& last = entries_.back();
    if (last.entered > entered || (last.entered == entered && last.id >= id)) {
      at = LowerBound(entered, id);
    }
  }
  if (at != entries_.end() && at->entered == entered && at->id == id) {
    if (!at->waiting) --left_;
  } else {
    at = entries_.insert(at, Entry{entered, id, 0, false, false});
  }
  at->seq = seq;
  at->stored = false;
  at->waiting = true;
  front_ = std::min(front_, static_cast<size_t>(at - entries_.begin()));
}

void WaitingQueue::AddStored(int64_t entered, std::string id, uint64_t seq) {
  entries_.push_back(Entry{entered, std::move(id), seq, true, true});
}

WaitingQueue::Entry* WaitingQueue::Find(int64_t entered, std::string_view id) {
  auto it = LowerBound(entered, id);
  if (it == entries_.end() || it->entered != entered || it->id != id || !it->waiting) {
    return nullptr;
  }
  return &*it;
}

WaitingQueue::Entry* WaitingQueue::Entered(int64_t entered, uint64_t seq) {
  // Entries that entered at the same time (rare) are next to each other.
  for (auto it = LowerBound(entered, {}); it != entries_.end() && it->entered == entered; ++it) {
    if (it->seq == seq && it->waiting) return &*it;
  }
  return nullptr;
}

bool WaitingQueue::Remove(int64_t entered, std::string_view id, bool* stored) {
  Entry* e = Find(entered, id);
  if (e == nullptr) return false;
  e->waiting = false;
  *stored = e->stored;
  ++left_;
  while (front_ < entries_.size() && !entries_[front_].waiting) ++front_;
  if (left_ > 64 && left_ > entries_.size() / 2) {
    std::erase_if(entries_, [](const Entry& x) { return !x.waiting; });
    left_ = 0;
    front_ = 0;
  }
  return true;
}

const WaitingQueue::Entry* WaitingQueue::FirstExcept(std::string_view id) const {
  for (size_t i = front_; i < entries_.size(); ++i) {
    if (entries_[i].waiting && entries_[i].id != id) return &entries_[i];
  }
  return nullptr;
}

}  // namespace jejak::projections
