#include "projections/view_state.h"

#include <string_view>

#include "projections/keys.h"

namespace jejak::projections {

RequestRecord* ViewState::FindRequest(const std::string& id) {
  auto it = requests_.find(id);
  if (it != requests_.end()) return &it->second;
  auto bytes = store_.Get(keys::Request(id));
  if (!bytes) return nullptr;
  return &requests_.emplace(id, RequestRecord::Decode(*bytes)).first->second;
}

RequestRecord& ViewState::NewRequest(const std::string& id) {
  RequestRecord& rec = requests_[id];
  rec = RequestRecord();
  rec.history.reserve(4);  // a typical request's steps
  return rec;
}

OfficerDay& ViewState::Officer(const std::string& officer, int64_t day) {
  auto& days = officers_[officer];
  auto it = days.find(day);
  if (it != days.end()) return it->second;
  OfficerDay& od = days[day];
  if (auto v = store_.Get(keys::OfficerDay(officer, day))) od.DecodeCounts(*v);
  if (auto v = store_.Get(keys::OfficerWaits(officer, day))) od.DecodeWaits(*v);
  if (auto v = store_.Get(keys::OfficerTimes(officer, day))) od.DecodeTimes(*v);
  return od;
}

AgencyDay& ViewState::Agency(const std::string& workflow, int64_t day) {
  auto& days = agency_[workflow];
  auto it = days.find(day);
  if (it != days.end()) return it->second;
  auto v = store_.Get(keys::AgencyDay(workflow, day));
  return days.emplace(day, v ? AgencyDay::Decode(*v) : AgencyDay()).first->second;
}

void ViewState::Add(const std::string& key, int64_t delta) {
  auto it = counters_.find(key);
  if (it == counters_.end()) {
    auto v = store_.Get(key);
    it = counters_.emplace(key, v ? static_cast<int64_t>(keys::FromBe64(*v)) : 0).first;
  }
  it->second += delta;
}

void ViewState::CountState(const std::string& workflow, const std::string& state, int64_t delta) {
  state_counts_[workflow][state] += delta;
}

void ViewState::ActedAs(const std::string& officer, const std::string& workflow,
                        const std::string& role) {
  auto& roles = roles_[officer];
  for (const auto& [w, r] : roles) {
    if (w == workflow && r == role) return;
  }
  roles.emplace_back(workflow, role);
  store_.Put(keys::OfficerRole(officer, workflow, role), "");
}

ViewState::Queues::value_type& ViewState::LoadQueue(const std::string& workflow,
                                                    const std::string& state) {
  for (auto* q : queue_index_) {
    if (q->first.first == workflow && q->first.second == state) return *q;
  }
  auto it = queues_.emplace(std::make_pair(workflow, state), Queue()).first;
  queue_index_.push_back(&*it);
  std::string prefix = keys::QueuePrefix(workflow, state);
  store_.Scan(prefix, [&](std::string_view k, std::string_view v) {
    auto entered = static_cast<int64_t>(keys::FromBe64(k.substr(prefix.size(), 8)));
    it->second[{entered, std::string(k.substr(prefix.size() + 8))}] = {keys::FromBe64(v), true};
    return true;
  });
  return *it;
}

const Queue& ViewState::Waiting(const std::string& workflow, const std::string& state) {
  return LoadQueue(workflow, state).second;
}

void ViewState::Enqueue(const std::string& workflow, const std::string& state, int64_t entered,
                        const std::string& id, uint64_t seq) {
  auto& queue = LoadQueue(workflow, state);
  auto [it, added] = queue.second.try_emplace({entered, id});
  it->second = {seq, false};
  entered_.emplace_back(&queue, entered, id);
  if (added) ++hour_deltas_[{&queue, keys::HourOf(entered)}];
}

void ViewState::Dequeue(const std::string& workflow, const std::string& state, int64_t entered,
                        const std::string& id) {
  auto& queue = LoadQueue(workflow, state);
  auto it = queue.second.find({entered, id});
  if (it == queue.second.end()) return;
  if (it->second.stored) left_.push_back(keys::Queue(workflow, state, entered, id));
  queue.second.erase(it);
  --hour_deltas_[{&queue, keys::HourOf(entered)}];
}

void ViewState::Flush() {
  for (const auto& [id, rec] : requests_) store_.Write(keys::Request(id), rec.Encode());
  for (auto& [officer, days] : officers_) {
    for (auto& [day, od] : days) {
      store_.Write(keys::OfficerDay(officer, day), od.EncodeCounts());
      if (!od.waits.empty()) store_.Write(keys::OfficerWaits(officer, day), od.EncodeWaits());
      if (!od.times.empty()) store_.Write(keys::OfficerTimes(officer, day), od.EncodeTimes());
    }
  }
  for (auto& [workflow, days] : agency_) {
    for (auto& [day, ag] : days) store_.Write(keys::AgencyDay(workflow, day), ag.Encode());
  }
  for (const auto& [workflow, states] : state_counts_) {
    for (const auto& [state, delta] : states) {
      if (delta != 0) Add(keys::StateCount(workflow, state), delta);
    }
  }
  for (const auto& [key, n] : counters_) {
    if (n == 0) {
      store_.Delete(key);
    } else {
      store_.Put(key, keys::Be64(static_cast<uint64_t>(n)));
    }
  }
  for (const auto& key : left_) store_.Delete(key);
  for (const auto& [queue, entered, id] : entered_) {
    auto it = queue->second.find({entered, id});
    if (it == queue->second.end() || it->second.stored) continue;
    const auto& [workflow, state] = queue->first;
    store_.Put(keys::Queue(workflow, state, entered, id), keys::Be64(it->second.seq));
    it->second.stored = true;
  }
  for (const auto& [at, delta] : hour_deltas_) {
    if (delta == 0) continue;
    const auto& [workflow, state] = at.first->first;
    std::string key = keys::QueueCount(workflow, state, at.second * keys::kHourUs);
    auto v = store_.Get(key);
    auto n = static_cast<int64_t>(v ? keys::FromBe64(*v) : 0) + delta;
    if (n == 0) {
      store_.Delete(key);
    } else {
      store_.Put(key, keys::Be64(static_cast<uint64_t>(n)));
    }
  }
  requests_.clear();
  officers_.clear();
  agency_.clear();
  counters_.clear();
  state_counts_.clear();
  entered_.clear();
  left_.clear();
  hour_deltas_.clear();
}

void ViewState::Clear() {
  requests_.clear();
  officers_.clear();
  agency_.clear();
  counters_.clear();
  state_counts_.clear();
  roles_.clear();
  queues_.clear();
  queue_index_.clear();
  entered_.clear();
  left_.clear();
  hour_deltas_.clear();
}

}  // namespace jejak::projections
