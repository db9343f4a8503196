// Human-readable renderings of projection results for the terminal: the
// citizen's status, and reports as aligned tables or CSV.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace jejak::cli {

void PrintStatus(const nlohmann::json& status);
// kind is "officers", "anomalies" or "agency".
void PrintReport(const std::string& kind, const nlohmann::json& report, bool csv);

}  // namespace jejak::cli
