#include "projections/written_values.h"

#include <algorithm>
#include <functional>

namespace jejak::projections {

WrittenValues::WrittenValues(std::vector<KeyValue> values) : values_(std::move(values)) {
  size_t n = 1;
  while (n < 2 * values_.size()) n *= 2;  // at most half full: short probes
  slots_.assign(n, 0);
  for (size_t i = 0; i < values_.size(); ++i) {
    size_t s = std::hash<std::string_view>()(values_[i].first) & (n - 1);
    while (slots_[s] != 0 && values_[slots_[s] - 1].first != values_[i].first)
      s = (s + 1) & (n - 1);
    slots_[s] = static_cast<uint32_t>(i + 1);
  }
}

const std::string* WrittenValues::Find(std::string_view key) const {
  if (slots_.empty()) return nullptr;
  size_t mask = slots_.size() - 1;
  for (size_t s = std::hash<std::string_view>()(key) & mask; slots_[s] != 0; s = (s + 1) & mask) {
    const KeyValue& kv = values_[slots_[s] - 1];
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

std::vector<const WrittenValues::KeyValue*> WrittenValues::Sorted() const {
  std::vector<const KeyValue*> sorted;
  sorted.reserve(values_.size());
  for (const KeyValue& kv : values_) sorted.push_back(&kv);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const KeyValue* x, const KeyValue* y) { return x->first < y->first; });
  return sorted;
}

}  // namespace jejak::projections
