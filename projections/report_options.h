// Report options as users write them (CLI flags, URL query parameters).
#pragma once

#include <string>

#include "projections/reports.h"

namespace jejak::projections {

// A duration in m, h or d (not working days), in microseconds. Throws
// Error(kInvalidArgument).
int64_t ParseElapsedUs(const std::string& text);

// from/to: YYYY-MM-DD or empty; grace and reset_window: a duration such
// as "1h"; burst: "N/WINDOW" such as "20/10m". Throws
// Error(kInvalidArgument) naming the bad one.
ReportOptions ParseReportOptions(const std::string& from, const std::string& to,
                                 const std::string& grace, const std::string& burst,
                                 const std::string& reset_window);

}  // namespace jejak::projections
