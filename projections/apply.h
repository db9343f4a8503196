// Internal: how each event type changes the projection store. Called by the
// Projector in ledger order, inside one staged batch.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "events/event.h"
#include "projections/model.h"
#include "projections/store.h"

namespace jejak::projections::apply {

// The requests waiting in one state of one workflow, oldest first:
// (entered_at, request id) -> the seq of the event that entered the state.
// Mirrors the store's q| keys in memory, because finding the oldest waiting
// request by scanning keys would wade through the tombstones of every
// request that already left.
using Queue = std::map<std::pair<int64_t, std::string>, uint64_t>;

class Queues {
 public:
  explicit Queues(Store& store) : store_(store) {}
  // Loads a queue from the store on first use.
  Queue& Get(const std::string& workflow, const std::string& state);
  void Clear() { queues_.clear(); }

 private:
  Store& store_;
  std::map<std::pair<std::string, std::string>, Queue> queues_;
};

// JSON records (requests, officer and agency days) parsed once per batch
// and written back once at its end: an officer's day is touched by each of
// their actions, and parsing it every time made rebuilds quadratic.
class Docs {
 public:
  explicit Docs(Store& store) : store_(store) {}
  // The record at key, or nullptr if there is none.
  nlohmann::json* Find(const std::string& key);
  // The record at key, created empty if absent; marked to be written back.
  nlohmann::json& Edit(const std::string& key);
  // Stages every edited record in the store.
  void Flush();
  void Clear() { docs_.clear(); }

 private:
  struct Doc {
    nlohmann::json value;
    bool exists = false, edited = false;
  };
  Doc& Load(const std::string& key);
  Store& store_;
  std::map<std::string, Doc> docs_;
};

// What the apply functions work on.
struct Target {
  Store& store;
  Queues& queues;
  Docs& docs;
};

void Submitted(Target& t, const WorkflowModel& m, const events::Event& e);
// An action or a withdrawal: the request moves from one state to another.
void Transition(Target& t, const WorkflowModel& m, const events::Event& e);
void SlaBreached(Target& t, const WorkflowModel& m, const events::Event& e);
void CommandRejected(Target& t, const WorkflowModel& m, const events::Event& e);

}  // namespace jejak::projections::apply
