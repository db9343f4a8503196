// Keys of the projection store. Every key starts with a short prefix naming
// its table; numbers inside keys are big-endian so they sort in order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/big_endian.h"

namespace jejak::projections::keys {

using base::Be64;
inline uint64_t FromBe64(std::string_view s) { return base::ReadBe64(s); }
// Days since 1970-01-01 as a sortable key part (signed days are fine: the
// store never holds days before 1970).
inline std::string Day(int64_t day) { return Be64(static_cast<uint64_t>(day)); }

std::string Model(std::string_view workflow, uint32_t version);              // wf|
std::string Request(std::string_view id);                                    // rq|
std::string QueuePrefix(std::string_view workflow, std::string_view state);  // q|
std::string Queue(std::string_view workflow, std::string_view state, int64_t entered,
                  std::string_view id);
std::string StateCount(std::string_view workflow, std::string_view state);  // sc|
std::string AgencyDayPrefix(std::string_view workflow);                     // ag|
std::string AgencyDay(std::string_view workflow, int64_t day);
std::string OfficerDayPrefix(std::string_view officer);  // od|
std::string OfficerDay(std::string_view officer, int64_t day);
std::string OfficerRole(std::string_view officer, std::string_view workflow,
                        std::string_view role);                                        // or|
std::string OfficerWaits(std::string_view officer, int64_t day);                       // ow|
std::string OfficerTimes(std::string_view officer, int64_t day);                       // ot|
std::string BreachDay(int64_t day, std::string_view workflow, std::string_view role);  // br|
std::string EscalationDay(int64_t day, std::string_view workflow,
                          std::string_view role);                       // es|
std::string Anomaly(int64_t day, uint64_t seq, std::string_view type);  // an|
// Queue-jump candidates by day and lead, so that a report skips those within
// the grace period with one seek a day.
std::string QueueJump(int64_t day, int64_t lead_us, uint64_t seq);  // aj|

// Splits "a|b|c" after a known prefix; parts may not contain '|' unless
// they are the last one.
std::string_view Part(std::string_view key, int index);

}  // namespace jejak::projections::keys
