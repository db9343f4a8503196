// Plausible field values for the demo's simulated citizens and officers:
// Indonesian names, addresses and numbers that satisfy the bundled example
// workflows' rules, with a generic fallback for other workflows.
#pragma once

#include <random>
#include <string>

#include "workflow/workflow.h"

namespace jejak::demo {

// A value for spec as a citizen or officer would type it. today_days is the
// simulated date (days since 1970-01-01) for date fields.
std::string SampleValue(const workflow::FieldSpec& spec, std::mt19937_64& rng, int64_t today_days);

// A 16-digit NIK (national id) of a resident of Bandung.
std::string SampleNik(std::mt19937_64& rng);
// An 18-digit NIP (civil servant number).
std::string SampleNip(std::mt19937_64& rng);
std::string SampleName(std::mt19937_64& rng);
// A short sentence for a reason or note.
std::string SampleReason(std::mt19937_64& rng);

}  // namespace jejak::demo
