#include "projections/report_options.h"

#include <fmt/format.h>

#include "base/error.h"
#include "events/calendar.h"
#include "events/field_value.h"
#include "events/time.h"

namespace jejak::projections {
namespace {

using base::Error;
using base::ErrorCode;

int64_t LocalDay(const std::string& date) {
  if (!events::IsValidDate(date)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("\"{}\" is not a date (YYYY-MM-DD)", date));
  }
  return events::ParseRfc3339(date + "T00:00:00Z") / 86'400'000'000;
}

}  // namespace

int64_t ParseElapsedUs(const std::string& text) {
  events::Duration d = events::Duration::Parse(text);
  if (d.unit == events::Duration::Unit::kWorkingDays) {
    throw Error(ErrorCode::kInvalidArgument, "use m, h or d here, not working days");
  }
  return events::Calendar().Deadline(0, d);
}

ReportOptions ParseReportOptions(const std::string& from, const std::string& to,
                                 const std::string& grace, const std::string& burst,
                                 const std::string& reset_window) {
  ReportOptions ro;
  if (!from.empty()) ro.from_day = LocalDay(from);
  if (!to.empty()) ro.to_day = LocalDay(to);
  ro.grace_us = ParseElapsedUs(grace);
  ro.reset_window_us = ParseElapsedUs(reset_window);
  // "20/10m": digits only before the slash, as docs/openapi.yaml's pattern.
  size_t slash = burst.find('/');
  int n = 0;
  if (slash != std::string::npos && slash > 0 && burst.find_first_not_of("0123456789") == slash) {
    size_t first = burst.find_first_not_of('0');
    if (first < slash && slash - first <= 6) n = std::stoi(burst.substr(first, slash - first));
  }
  if (n <= 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "burst must look like 20/10m (1 to 999999 actions / a window)");
  }
  ro.burst_threshold = n;
  ro.burst_window_us = ParseElapsedUs(burst.substr(slash + 1));
  return ro;
}

}  // namespace jejak::projections
