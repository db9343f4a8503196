// The citizen's view of one request, read from the projection store without
// touching the ledger: where it is, what happens next and who must act, the
// deadline, the public history, and its place in the queue.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "projections/store.h"

namespace jejak::projections {

// nullopt if the store knows no such request. now decides "overdue".
// The result holds "tracking_code_sha256" (hex) for the caller to check the
// citizen's code against; callers must not show it.
std::optional<nlohmann::json> RequestStatus(const Store& store, const std::string& request_id,
                                            int64_t now_us);

// What a request's status document depends on besides its stored record:
// its queue key (keys::Queue, whose place Store::QueueKeysBefore() counts)
// and its deadline. record is the stored request record (keys::Request(id)).
// Throws Error(kCorruption) if the record is malformed.
struct StatusDependencies {
  std::string queue_key;
  std::optional<int64_t> deadline;
};
StatusDependencies RequestStatusDependencies(std::string_view record, std::string_view request_id);

}  // namespace jejak::projections
