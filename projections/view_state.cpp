#include "projections/view_state.h"

#include <string_view>

#include "projections/keys.h"

namespace jejak::projections {

RequestRecord* ViewState::FindRequest(const std::string& id) {
  auto it = requests_.find(id);
  if (it != requests_.end()) return &it->second;
  auto bytes = store_.Get(keys::Request(id));
  if (!bytes) return nullptr;
  RequestRecord& rec = Insert(id);
  rec = RequestRecord::Decode(*bytes);
  return &rec;
}

RequestRecord& ViewState::NewRequest(const std::string& id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return Insert(id);
  it->second.Reset();
  return it->second;
}

RequestRecord& ViewState::Insert(const std::string& id) {
  if (spare_.empty()) return requests_.try_emplace(id).first->second;
  Requests::node_type node = std::move(spare_.back());
  spare_.pop_back();
  node.key() = id;
  node.mapped().Reset();
  return requests_.insert(std::move(node)).position->second;
}

OfficerDay& ViewState::Officer(const std::string& officer, int64_t day) {
  auto& days = officers_[officer];
  auto it = days.find(day);
  if (it != days.end()) return it->second;
  OfficerDay& od = days[day];
  // Flush writes the counts of every officer day it writes: without them
  // there is nothing more to read (mostly a new day, in a rebuild).
  auto counts = store_.Get(keys::OfficerDay(officer, day));
  if (!counts) return od;
  od.DecodeCounts(*counts);
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

void ViewState::ActedAs(const std::string& officer, const std::string& workflow,
                        const std::string& role) {
  auto& roles = roles_[officer];
  for (const auto& [w, r] : roles) {
    if (w == workflow && r == role) return;
  }
  roles.emplace_back(workflow, role);
  store_.Put(keys::OfficerRole(officer, workflow, role), "");
}

ViewState::StateSlot& ViewState::State(const std::string& workflow, const std::string& state) {
  for (auto& slot : slots_) {
    if (slot->state == state && slot->workflow == workflow) return *slot;
  }
  slots_.push_back(std::make_unique<StateSlot>());
  slots_.back()->workflow = workflow;
  slots_.back()->state = state;
  return *slots_.back();
}

ViewState::StateSlot& ViewState::Loaded(StateSlot& slot) {
  if (slot.loaded) return slot;
  slot.loaded = true;
  std::string prefix = keys::QueuePrefix(slot.workflow, slot.state);
  store_.Scan(prefix, [&](std::string_view k, std::string_view v) {
    auto entered = static_cast<int64_t>(keys::FromBe64(k.substr(prefix.size(), 8)));
    slot.queue.AddStored(entered, std::string(k.substr(prefix.size() + 8)), keys::FromBe64(v));
    return true;
  });
  return slot;
}

void ViewState::Enqueue(StateSlot& s, int64_t entered, const std::string& id, uint64_t seq) {
  Loaded(s).queue.Add(entered, id, seq);
  entered_.emplace_back(&s, entered, seq);
}

void ViewState::Dequeue(StateSlot& s, int64_t entered, const std::string& id) {
  bool stored = false;
  if (Loaded(s).queue.Remove(entered, id, &stored) && stored) {
    left_.push_back(keys::Queue(s.workflow, s.state, entered, id));
  }
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
  for (auto& slot : slots_) {
    if (slot->count_delta != 0)
      Add(keys::StateCount(slot->workflow, slot->state), slot->count_delta);
    slot->count_delta = 0;
  }
  for (const auto& [key, n] : counters_) {
    if (n == 0) {
      store_.Delete(key);
    } else {
      store_.Put(key, keys::Be64(static_cast<uint64_t>(n)));
    }
  }
  for (const auto& key : left_) store_.Delete(key);
  for (const auto& [slot, entered, seq] : entered_) {
    WaitingQueue::Entry* e = slot->queue.Entered(entered, seq);
    if (e == nullptr || e->stored) continue;
    store_.Put(keys::Queue(slot->workflow, slot->state, entered, e->id), keys::Be64(seq));
    e->stored = true;
  }
  // Spares beyond this batch's records are freed.
  spare_.clear();
  spare_.reserve(requests_.size());
  while (!requests_.empty()) spare_.push_back(requests_.extract(requests_.begin()));
  officers_.clear();
  agency_.clear();
  counters_.clear();
  entered_.clear();
  left_.clear();
}

void ViewState::Clear() {
  requests_.clear();
  spare_.clear();
  officers_.clear();
  agency_.clear();
  counters_.clear();
  roles_.clear();
  slots_.clear();
  entered_.clear();
  left_.clear();
}

}  // namespace jejak::projections
