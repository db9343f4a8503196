// Sample events and commands with realistic content.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event.h"

namespace jejak::testing {

// A realistic event with fixed id and time, different for each n.
events::Event SampleEvent(uint64_t n, std::string request_id = "");

// An event with a field of every type, idempotency, causation and
// correlation ids, and non-ASCII text: for encoding round trips.
events::Event EventWithEveryFieldType();

// `jejak submit` arguments for a valid OSS licence application by nik (the
// example workflow examples/workflows/oss-izin-usaha.yaml).
std::vector<std::string> OssSubmitArgs(const std::string& nik);

}  // namespace jejak::testing
