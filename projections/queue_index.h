// Internal: a store's queue keys (keys::Queue) in memory, by workflow and
// state, answering "how many of this queue sort before this key" in
// O(log n): a citizen's queue position on every status read, without
// walking the queue. Not thread-safe; the store guards it.
#pragma once

#include <boost/multi_index/identity.hpp>
#include <boost/multi_index/ranked_index.hpp>
#include <boost/multi_index_container.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace jejak::projections {

class QueueIndex {
 public:
  // Keys of queue_key's queue (same workflow and state) that sort before it.
  uint64_t Before(std::string_view queue_key) const;
  // Adding a key twice, or removing one that is not there, changes nothing.
  void Add(std::string_view queue_key);
  void Remove(std::string_view queue_key);
  void Clear() { queues_.clear(); }

 private:
  // An ordered set whose nodes know their subtree's size, so the rank of a
  // key is found on the way down (Boost.MultiIndex's ranked index).
  using RankedSet =
      boost::multi_index_container<std::string,
                                   boost::multi_index::indexed_by<boost::multi_index::ranked_unique<
                                       boost::multi_index::identity<std::string>, std::less<>>>>;
  // By keys::QueuePrefix; each holds the rest of its keys (entry time, id).
  std::map<std::string, RankedSet, std::less<>> queues_;
};

}  // namespace jejak::projections
