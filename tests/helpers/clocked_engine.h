// Engine options for tests that move the engine's clock themselves.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "engine/engine.h"
#include "tests/helpers/samples.h"

namespace jejak::testing {

// An engine over data_dir with the tests' KEK (TestKek()), whose clock reads
// now (which must outlive the engine), and which checks deadlines only when
// the test calls CheckDeadlines().
inline engine::EngineOptions ClockedEngineOptions(const std::string& data_dir,
                                                  const std::atomic<int64_t>& now) {
  engine::EngineOptions o;
  o.data_dir = data_dir;
  o.kek = TestKek();
  o.clock = [&now] { return now.load(); };
  o.sla_interval = std::chrono::milliseconds(0);
  return o;
}

}  // namespace jejak::testing
