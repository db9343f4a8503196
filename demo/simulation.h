// The demo's simulated office: citizens submit requests to the deployed
// workflows at random times, officers work through their queues during
// working hours with realistic service times (mostly oldest first, sometimes
// not), citizens answer requests for documents, and a few people try what
// they may not. Every command goes through the real engine; the simulation
// only decides who does what and when, on a simulated clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace jejak::demo {

struct SimulationOptions {
  int days = 3;                 // working days to simulate
  int requests_per_day = 1000;  // submissions per day across all workflows
  uint64_t seed = 1;
  int64_t start_us = 0;  // a time on or before the first simulated day
};

struct SimulationReport {
  int64_t first_day_us = 0, last_day_us = 0;
  uint64_t submitted = 0;
  uint64_t actions = 0;  // accepted actions and withdrawals
  uint64_t sla_breaches = 0;
  uint64_t reminders = 0, escalations = 0;  // of deadlines near, and passed
  // Actions the engine took itself on deadlines, "workflow / action" -> count,
  // and those it was refused (their guard failed).
  std::map<std::string, uint64_t> automatic_actions;
  uint64_t automatic_refused = 0;
  uint64_t officers = 0;
  uint64_t absences = 0;                        // roles whose officers were all away for days
  std::map<std::string, uint64_t> refusals;     // reason -> count
  std::map<std::string, std::string> examples;  // reason -> first refusal message
  std::map<std::string, uint64_t> open_states;  // "workflow / state" -> requests there
  uint64_t closed = 0, rejected = 0, withdrawn = 0;
  // An open request submitted in this run and its tracking code, for the
  // user to try `jejak status` or /track with.
  std::string example_request, example_code;
  bool interrupted = false;
};

// Runs the simulation against engine, whose clock must read *clock. Calls
// progress(done, total) in simulated minutes; stops early (interrupted) when
// stop becomes true.
SimulationReport RunSimulation(engine::Engine& engine, std::atomic<int64_t>& clock,
                               const SimulationOptions& options,
                               const std::function<void(uint64_t, uint64_t)>& progress,
                               const std::atomic<bool>& stop);

}  // namespace jejak::demo
