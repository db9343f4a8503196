// Internal: the values one commit stages with Store::Write, kept in the
// order written. Reads find them by key through a hash index while the
// commit is written on another thread, which walks them in key order: the
// thread applying events neither sorts nor moves a rebuild's tens of
// thousands of records.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jejak::projections {

class WrittenValues {
 public:
  using KeyValue = std::pair<std::string, std::string>;

  WrittenValues() = default;
  explicit WrittenValues(std::vector<KeyValue> values);

  // The value last written under key, or nullptr.
  const std::string* Find(std::string_view key) const;
  // The values in key order, the last written last among equal keys. Safe
  // beside Find on other threads (nothing changes).
  std::vector<const KeyValue*> Sorted() const;
  size_t size() const { return values_.size(); }

 private:
  std::vector<KeyValue> values_;
  std::vector<uint32_t> slots_;  // open addressing: 1 + index in values_; 0: free
};

}  // namespace jejak::projections
